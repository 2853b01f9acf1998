package lwtio

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// Standard channels over lwtunix.Stdin, Stdout and Stderr: Lwt_io.stdin,
// stdout and stderr. Closing them leaves the descriptors open.
var (
	Stdin  = NewInput(lwtunix.Stdin, Options{Close: closeNothing})
	Stdout = NewOutput(lwtunix.Stdout, Options{Close: closeNothing})
	Stderr = NewOutput(lwtunix.Stderr, Options{Close: closeNothing})
)

// Zero is an input channel that reads zero bytes forever: Lwt_io.zero.
// Null is an output channel that drops what it writes: Lwt_io.null.
var (
	Zero = MakeInput(func(b []byte) lwt.Promise[int] {
		clear(b)
		return lwt.Return(len(b))
	}, Options{})
	Null = MakeOutput(func(b []byte) lwt.Promise[int] { return lwt.Return(len(b)) }, Options{})
)

// Pipe makes a pipe and returns channels on its two ends: Lwt_io.pipe.
// Closing a channel closes its end.
func Pipe() (*InputChannel, *OutputChannel, error) {
	r, w, err := lwtunix.Pipe()
	if err != nil {
		return nil, nil, err
	}
	return NewInput(r, Options{}), NewOutput(w, Options{}), nil
}

// Print writes s to Stdout: Lwt_io.print.
func Print(s string) lwt.Promise[lwt.Unit] { return Stdout.Write(s) }

// Printl writes s and "\n" to Stdout: Lwt_io.printl.
func Printl(s string) lwt.Promise[lwt.Unit] { return Stdout.WriteLine(s) }

// Printf formats with fmt's verbs and writes to Stdout: Lwt_io.printf.
func Printf(format string, args ...any) lwt.Promise[lwt.Unit] {
	return Stdout.Write(fmt.Sprintf(format, args...))
}

// Printlf is Printf followed by "\n": Lwt_io.printlf.
func Printlf(format string, args ...any) lwt.Promise[lwt.Unit] {
	return Stdout.WriteLine(fmt.Sprintf(format, args...))
}

// Eprint writes s to Stderr: Lwt_io.eprint.
func Eprint(s string) lwt.Promise[lwt.Unit] { return Stderr.Write(s) }

// Eprintl writes s and "\n" to Stderr: Lwt_io.eprintl.
func Eprintl(s string) lwt.Promise[lwt.Unit] { return Stderr.WriteLine(s) }

// Eprintf formats with fmt's verbs and writes to Stderr: Lwt_io.eprintf.
func Eprintf(format string, args ...any) lwt.Promise[lwt.Unit] {
	return Stderr.Write(fmt.Sprintf(format, args...))
}

// Eprintlf is Eprintf followed by "\n": Lwt_io.eprintlf.
func Eprintlf(format string, args ...any) lwt.Promise[lwt.Unit] {
	return Stderr.WriteLine(fmt.Sprintf(format, args...))
}
