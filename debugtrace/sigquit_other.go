//go:build !unix

package debugtrace

// dumpOnSIGQUIT does nothing where there is no SIGQUIT to send.
func dumpOnSIGQUIT() {}
