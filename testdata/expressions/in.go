//go:build lwtsource

// Awaits in every expression position keep Go's order of evaluation and the
// short-circuit of && and ||.
package main

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
)

var pending []func()

// later is a promise resolved by the pump, after everything ready has run.
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

func trace(s string, v int) int {
	fmt.Println("eval", s)
	return v
}

type box struct{ n int }

func (b *box) add(k int) int { b.n += k; return b.n }

//lwt:async
func exprs() lwt.Promise[int] {
	a := lwt.Await(later(1))
	var b int = lwt.Await(lwt.Return(2))
	b += lwt.Await(later(10))
	lwt.Await(later(0))
	// calls before an await run before it
	c := trace("left", 100) + lwt.Await(later(trace("middle", 20))) + trace("right", 3)
	fmt.Println("a b c", a, b, c)
	// short circuit: the right side runs only when needed
	if a > 5 && lwt.Await(later(trace("and", 1))) > 0 {
		fmt.Println("unexpected")
	}
	if a == 1 || lwt.Await(later(trace("or", 1))) > 0 {
		fmt.Println("or short-circuited")
	}
	ok := a == 1 && lwt.Await(later(true))
	fmt.Println("ok", ok)
	// composite literals, indexes, method receivers
	xs := []int{lwt.Await(later(7)), 8, lwt.Await(later(9))}
	m := map[string]int{"k": lwt.Await(later(5))}
	xs[lwt.Await(later(1))] = m["k"]
	bx := &box{}
	bx.add(lwt.Await(later(4)))
	fmt.Println(xs, m, bx.n, len(xs)+lwt.Await(later(100)))
	return lwt.Return(a + b + c)
}

func main() {
	p := exprs()
	fmt.Println(p)
	pump()
	fmt.Println(p)
}
