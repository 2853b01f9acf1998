//go:build lwtsource

// A func literal deferred inside an async func literal may await: it is
// part of that literal, which runs it once its own outcome is known.
package main

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
)

var pending []func()

func later[T any](v T) lwt.Promise[T] {
	p, r := lwt.Wait[T]()
	pending = append(pending, func() { lwt.Wakeup(r, v) })
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
	inner := func(y int) lwt.Promise[int] {
		defer func() {
			fmt.Println("inner cleanup", lwt.Await(later(y*10)))
		}()
		fmt.Println("inner body", y)
		return lwt.Return(y + 1)
	}
	v := lwt.Await(inner(x))
	fmt.Println("after inner", v)
	return lwt.Return(v)
}

// plain is not annotated; its async literal defers an awaiting literal.
func plain() lwt.Promise[string] {
	return func() lwt.Promise[string] {
		defer func() {
			fmt.Println("plain cleanup", lwt.Await(later("late")))
		}()
		return lwt.Return("plain")
	}()
}

func main() {
	p := work(4)
	q := plain()
	pump()
	fmt.Println("=>", p, q)
}
