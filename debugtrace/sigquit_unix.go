//go:build unix

package debugtrace

import (
	"os"
	"os/signal"
	"syscall"
)

// dumpOnSIGQUIT makes SIGQUIT print the waiting calls, then lets Go print
// its goroutines and exit as it normally does.
func dumpOnSIGQUIT() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGQUIT)
	go func() {
		<-c
		Dump(os.Stderr)
		signal.Reset(syscall.SIGQUIT)
		syscall.Kill(os.Getpid(), syscall.SIGQUIT)
	}()
}
