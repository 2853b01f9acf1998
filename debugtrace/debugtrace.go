// Package debugtrace gives async backtraces to code lwtgen generates: Lwt's
// -lwt-debug, for Go.
//
// A failure that travels through awaits loses its Go stack: each await
// resumes from the scheduler, not from its caller. In a debug build — the
// lwtdebug build tag, with the same generated files — the generated code
// records where a failure was raised (a return of lwt.Fail, a panic) and
// every await that passed it on, as annotated source sites. The error a
// promise fails with is then an [*Error] that prints them like a Go
// traceback with %+v, and that errors.Is and errors.As see through.
//
// Debug builds also keep a table of the calls that are waiting and where;
// [Dump] prints it, and SIGQUIT prints it before Go's own goroutine dump.
//
// In a default build [Enabled] is false: the generated code tests it before
// anything it records, so the compiler removes the recording, site strings
// included, and tracing costs nothing.
package debugtrace

import (
	"errors"
	"fmt"
	"io"
)

// A Site is a place in annotated source.
type Site struct {
	Func string // package-qualified function name
	Pos  string // file:line
	What string // "raised", "panicked", "awaited"
}

// Error is a failure with its async backtrace, newest site last.
type Error struct {
	Err   error
	Sites []Site
}

func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the failure itself.
func (e *Error) Unwrap() error { return e.Err }

// Format prints the backtrace with %+v, like a Go traceback: innermost
// first.
func (e *Error) Format(f fmt.State, verb rune) {
	if verb != 'v' || !f.Flag('+') {
		io.WriteString(f, e.Error())
		return
	}
	fmt.Fprintf(f, "%v\n\nasync backtrace:\n", e.Err)
	for _, s := range e.Sites {
		fmt.Fprintf(f, "%s\n\t%s (%s)\n", s.Func, s.Pos, s.What)
	}
}

// Note returns err with site added to its backtrace. The error is not
// changed: a failure awaited in two places gets two backtraces.
func Note(err error, fn, pos, what string) error {
	if err == nil {
		return nil
	}
	site := Site{Func: fn, Pos: pos, What: what}
	var e *Error
	if errors.As(err, &e) && err == error(e) {
		sites := append(append(make([]Site, 0, len(e.Sites)+1), e.Sites...), site)
		return &Error{Err: e.Err, Sites: sites}
	}
	return &Error{Err: err, Sites: []Site{site}}
}

// Backtrace returns the sites err went through, if it has any.
func Backtrace(err error) []Site {
	var e *Error
	if errors.As(err, &e) {
		return e.Sites
	}
	return nil
}

// String prints a site as in a traceback.
func (s Site) String() string { return s.Func + " " + s.Pos + " (" + s.What + ")" }
