//go:build lwtsource

// Async func literals: closures that await, capturing variables of the
// function around them (async or not), each iteration's own.
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
func outer(n int) lwt.Promise[int] {
	total := 0
	var ps []lwt.Promise[int]
	for i := 0; i < n; i++ {
		ps = append(ps, func() lwt.Promise[int] {
			v := lwt.Await(later(i * 10))
			total += v
			return lwt.Return(v + i)
		}())
		lwt.Await(later(0))
	}
	vs := lwt.AwaitAll(ps...)
	fmt.Println("values", vs, "total", total)
	// Try on a block: failures and panics inside are caught.
	v, err := lwt.Try(func() lwt.Promise[int] {
		if lwt.Await(later(n)) > 2 {
			panic("too big")
		}
		return lwt.Return(n)
	}())
	fmt.Println("try block:", v, err)
	return lwt.Return(total)
}

func main() {
	base := 100
	add := func(x int) lwt.Promise[int] {
		y := lwt.Await(later(x))
		nested := func() lwt.Promise[int] {
			return lwt.Return(lwt.Await(later(y)) + base)
		}
		return lwt.Return(lwt.Await(nested()) + 1)
	}
	p := add(5)
	base = 1000
	pump()
	fmt.Println(p)
	for n := 2; n <= 3; n++ {
		q := outer(n)
		pump()
		fmt.Println(q)
	}
}
