//go:build lwtsource

// The return value of a deferred func literal is dropped, as Go drops a
// deferred call's results, but the whole expression is still evaluated,
// awaits and calls alike, in Go's order.
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

func f(n int) int {
	fmt.Println("f", n)
	return n
}

//lwt:async
func work(x int) lwt.Promise[int] {
	defer func() int {
		return lwt.Await(later(x)) - f(6)
	}()
	defer func() (int, error) {
		if x > 1 {
			return f(1) + lwt.Await(later(2)), nil
		}
		return 0, nil
	}()
	defer func() error {
		return nil
	}()
	fmt.Println("body", x)
	return lwt.Return(x)
}

func main() {
	p := work(3)
	pump()
	fmt.Println("=>", p)
}
