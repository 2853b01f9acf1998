package debugtrace_test

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/lwtgo/lwt/debugtrace"
)

// In a debug build, generated code notes every site a failure goes
// through: where it was raised, then each await that passed it on. Here the
// calls that code would make are written out.
func ExampleNote() {
	err := fs.ErrNotExist
	err = debugtrace.Note(err, "config.read", "config.go:12", "raised")
	err = debugtrace.Note(err, "config.Load", "config.go:31", "awaited")
	err = debugtrace.Note(err, "main.start", "main.go:8", "awaited")

	fmt.Println(err)                            // the failure as in a default build
	fmt.Println(errors.Is(err, fs.ErrNotExist)) // errors.Is sees through
	fmt.Printf("%+v", err)                      // with its async backtrace
	// Output:
	// file does not exist
	// true
	// file does not exist
	//
	// async backtrace:
	// config.read
	// 	config.go:12 (raised)
	// config.Load
	// 	config.go:31 (awaited)
	// main.start
	// 	main.go:8 (awaited)
}

// Backtrace gives the sites of a failure as values, oldest first.
func ExampleBacktrace() {
	err := debugtrace.Note(errors.New("connection refused"), "client.dial", "client.go:40", "raised")
	err = debugtrace.Note(err, "client.Fetch", "client.go:18", "awaited")
	for _, s := range debugtrace.Backtrace(err) {
		fmt.Println(s)
	}
	fmt.Println(debugtrace.Backtrace(errors.New("no sites")) == nil)
	// Output:
	// client.dial client.go:40 (raised)
	// client.Fetch client.go:18 (awaited)
	// true
}
