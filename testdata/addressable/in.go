//go:build lwtsource

// Storage used across an await keeps its identity: a pointer method on an
// array element, an element of an array assigned after an await, a struct
// field's method.
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

type counter struct{ n int }

func (c *counter) Add(k int) { c.n += k }

type holder struct{ c counter }

func one() int { fmt.Println("one"); return 1 }

//lwt:async
func f() lwt.Promise[string] {
	var cs [2]counter
	cs[lwt.Await(later(1))].Add(lwt.Await(later(5)))
	var grid [2][2]int
	grid[one()][lwt.Await(later(1))] = 7
	var h holder
	h.c.Add(lwt.Await(later(3)))
	return lwt.Return(fmt.Sprint(cs, grid, h))
}

func main() {
	p := f()
	pump()
	fmt.Println(p)
}
