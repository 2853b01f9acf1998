//go:build lwtsource

// Methods, generic functions and types, named results.
package main

import (
	"fmt"
	"strings"

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

type Counter struct{ n int }

// Add adds k once it arrives.
//
//lwt:async
func (c *Counter) Add(k int) lwt.Promise[int] {
	c.n += lwt.Await(later(k))
	return lwt.Return(c.n)
}

type Stack[T any] struct{ items []T }

//lwt:async
func (s *Stack[T]) PushLater(v T) lwt.Promise[int] {
	s.items = append(s.items, lwt.Await(later(v)))
	return lwt.Return(len(s.items))
}

//lwt:async
func Map[T, U any](xs []T, f func(T) lwt.Promise[U]) lwt.Promise[[]U] {
	var out []U
	for _, x := range xs {
		out = append(out, lwt.Await(f(x)))
	}
	return lwt.Return(out)
}

//lwt:async
func named(s string) (p lwt.Promise[string]) {
	p = later(strings.ToUpper(s))
	lwt.Await(later(0))
	return
}

func main() {
	c := &Counter{}
	a, b := c.Add(2), c.Add(3)
	pump()
	fmt.Println(a, b, c.n)
	s := &Stack[string]{}
	s.PushLater("x")
	n := s.PushLater("y")
	pump()
	fmt.Println(n, s.items)
	m := Map([]int{1, 2, 3}, func(x int) lwt.Promise[string] { return later(fmt.Sprint(x * x)) })
	pump()
	fmt.Println(m)
	p := named("hi")
	pump()
	fmt.Println(p)
}
