//go:build lwtsource

package lwt_test

// The examples of this file are written in the source language of lwtgen:
// functions marked //lwt:async, in a file built with the lwtsource tag.
// annotated_example_lwt_test.go is what lwtgen made of them: regenerate it
// with go generate, or go tool lwtgen ./runtime/lwt from the root of the
// repository.

//go:generate go tool lwtgen

import (
	"errors"
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

// countdown prints n, n-1 ... 1, letting the other threads run between two
// numbers, then says it is done.
//
//lwt:async
func countdown(name string, n int) lwt.Promise[string] {
	for i := n; i > 0; i-- {
		fmt.Println(name, i)
		lwt.Await(lwt.Pause())
	}
	return lwt.Return(name + " done")
}

// Two threads count down at once, on one goroutine: each lwt.Await of
// lwt.Pause lets the other one go on. lwtmain.Run runs the scheduler until
// the promise it is given is resolved.
func ExampleAwait() {
	a, b := countdown("a", 3), countdown("b", 2)
	both := lwt.Both(a, b)
	v, err := lwtmain.Run(both)
	fmt.Println(v, err)
	// Output:
	// a 3
	// b 2
	// a 2
	// b 1
	// a 1
	// {a done b done} <nil>
}

var errNotFound = errors.New("not found")

// find looks key up; it fails for any key but "answer".
func find(key string) lwt.Promise[int] {
	if key == "answer" {
		return lwt.Return(42)
	}
	return lwt.Fail[int](fmt.Errorf("%s: %w", key, errNotFound))
}

// explode panics instead of returning a promise.
func explode() lwt.Promise[int] { panic("boom") }

// findOr is find with a default: lwt.Try catches the failure of the
// promise, and a panic while making it, where lwt.Await would fail the
// whole function.
//
//lwt:async
func findOr(key string, def int) lwt.Promise[int] {
	p := find
	if key == "" {
		p = func(string) lwt.Promise[int] { return explode() }
	}
	v, err := lwt.Try(p(key))
	if err != nil {
		fmt.Println("failed:", err)
		return lwt.Return(def)
	}
	return lwt.Return(v)
}

func ExampleTry() {
	for _, key := range []string{"answer", "question", ""} {
		v, err := lwtmain.Run(findOr(key, -1))
		fmt.Printf("%q: %d %v\n", key, v, err)
	}
	// Output:
	// "answer": 42 <nil>
	// failed: question: not found
	// "question": -1 <nil>
	// failed: panic: boom
	// "": -1 <nil>
}

// withFile opens, uses and closes a file of the imagination. The deferred
// function is Lwt's finally: it runs when the call's promise is resolved,
// after a success, a failure or a panic, and it may wait.
//
//lwt:async
func withFile(name string, fail bool) lwt.Promise[int] {
	fmt.Println("open", name)
	defer func() {
		lwt.Await(lwt.Pause()) // a flush, say
		fmt.Println("close", name)
	}()
	lwt.Await(lwt.Pause())
	if fail {
		return lwt.Fail[int](errors.New("disk full"))
	}
	return lwt.Return(len(name))
}

func Example_finally() {
	fmt.Println(lwtmain.Run(withFile("notes.txt", false)))
	fmt.Println(lwtmain.Run(withFile("big.iso", true)))
	// Output:
	// open notes.txt
	// close notes.txt
	// 9 <nil>
	// open big.iso
	// close big.iso
	// 0 disk full
}
