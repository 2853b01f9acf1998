//go:build lwtsource

// A func literal that returns a promise and defers is async, as one that
// awaits: its deferred calls run once the promise it returns is resolved
// (Lwt's finalize), not when it returns the promise, as in an //lwt:async
// function; a panic in it fails its promise.
package main

import (
	"errors"
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
)

var pending []func()

func later[T any](v T) lwt.Promise[T] {
	p, r := lwt.Wait[T]()
	pending = append(pending, func() {
		fmt.Println("resolving", v)
		lwt.Wakeup(r, v)
	})
	return p
}

func pump() {
	for len(pending) > 0 {
		f := pending[0]
		pending = pending[1:]
		f()
	}
}

//lwt:async
func work(x int) lwt.Promise[int] {
	get := func(y int) lwt.Promise[int] {
		defer fmt.Println("get's deferred call")
		if y < 0 {
			panic("negative")
		}
		return later(y * 2)
	}
	v := lwt.Await(get(x))
	fmt.Println("got", v)
	_, err := lwt.Try(get(-1))
	fmt.Println("failed:", err)
	return lwt.Return(v)
}

// plain is not annotated: the rule is the same for its literals.
func plain() lwt.Promise[string] {
	f := func() lwt.Promise[string] {
		defer func() {
			fmt.Println("plain's deferred call")
		}()
		return later("plain")
	}
	return f()
}

var errLate = errors.New("late")

func main() {
	p := work(4)
	q := plain()
	fmt.Println("before pump")
	pump()
	fmt.Println("=>", p, q)
}
