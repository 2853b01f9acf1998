//go:build lwtsource

// Shapes the differential fuzzer (rewrite/fuzz_test.go) found broken, kept
// here once fixed: lowered constructs whose await-free bodies declare
// variables (lwtgen's gotos must not jump over them), goto in an async
// function without awaits, labeled switches whose tag or guard awaits,
// returning the promise of a call that suspends after the caller has
// suspended, and deferred variadic calls.
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
func declarations(n int) lwt.Promise[int] {
	s := 0
	if n > 0 {
		x := n * 2
		s += x
	} else {
		s += lwt.Await(later(1))
	}
	for i := range 3 {
		if i == 1 {
			y := i + 100
			s += y
			continue
		}
		s += lwt.Await(later(i))
	}
	switch n {
	case 1:
		z := 7
		s += z
	default:
		s += lwt.Await(later(10))
	}
	return lwt.Return(s)
}

//lwt:async
func gotoNoAwait(n int) lwt.Promise[int] {
	i := 0
again:
	i++
	if i < n {
		goto again
	}
	return lwt.Return(i)
}

//lwt:async
func labeledSwitch(n int) lwt.Promise[string] {
	out := ""
sw:
	switch lwt.Await(later(n)) {
	case 1:
		out += "one"
		if n > 0 {
			break sw
		}
		out += "unreachable"
	default:
		out += "other"
	}
	var x any = n
ts:
	switch v := lwt.Await(later(x)).(type) {
	case int:
		if v > 0 {
			break ts
		}
		out += "never"
	}
	return lwt.Return(out)
}

//lwt:async
func twice(n int) lwt.Promise[int] {
	a := lwt.Await(later(n))
	b := lwt.Await(later(a + 1))
	return lwt.Return(a + b)
}

//lwt:async
func returnsCall(n int) lwt.Promise[int] {
	lwt.Await(later(0))
	return twice(n)
}

func say(k int, xs ...int) {
	fmt.Println("say", k, xs, len(xs))
}

func sayLater(k int, xs ...string) lwt.Promise[lwt.Unit] {
	fmt.Println("sayLater", k, xs)
	return later(lwt.Unit{})
}

//lwt:async
func variadic(k int) lwt.Promise[int] {
	defer say(k)
	defer say(k, 1, 2)
	defer say(k, []int{3}...)
	defer sayLater(k)
	defer fmt.Println("println", k)
	return lwt.Return(lwt.Await(later(k)))
}

func main() {
	ps := []any{declarations(1), declarations(0), gotoNoAwait(3), labeledSwitch(1), labeledSwitch(2), returnsCall(5), variadic(9)}
	pump()
	for _, p := range ps {
		fmt.Println("=>", p)
	}
}
