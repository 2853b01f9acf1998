//go:build lwtsource

// Parallel awaits, Try, Assert, failures and panics.
package main

import (
	"errors"
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
)

var pending []func()

func later[T any](v T) lwt.Promise[T] {
	p, r := lwt.Wait[T]()
	pending = append(pending, func() { lwt.Wakeup(r, v) })
	return p
}

func failLater[T any](err error) lwt.Promise[T] {
	p, r := lwt.Wait[T]()
	pending = append(pending, func() { lwt.WakeupExn(r, err) })
	return p
}

func pump() {
	for len(pending) > 0 {
		f := pending[0]
		pending = pending[1:]
		f()
	}
}

var errBoom = errors.New("boom")

func made(s string, v int) lwt.Promise[int] {
	fmt.Println("made", s)
	return later(v)
}

//lwt:async
func parallel() lwt.Promise[int] {
	x, y := lwt.Await2(made("x", 1), later("two"))
	a, b, c := lwt.Await3(made("a", 1), made("b", 2), made("c", 3))
	all := lwt.AwaitAll(made("p", 1), made("q", 2))
	more := []lwt.Promise[int]{later(4), later(5)}
	all2 := lwt.AwaitAll(more...)
	fmt.Println(x, y, a, b, c, all, all2)
	return lwt.Return(x + a + b + c)
}

func explode() lwt.Promise[int] { panic("kaboom") }

//lwt:async
func tries() lwt.Promise[string] {
	v, err := lwt.Try(failLater[int](errBoom))
	fmt.Println("try failure:", v, err, errors.Is(err, errBoom))
	v, err = lwt.Try(explode())
	var pe *lwt.PanicError
	fmt.Println("try panic:", v, errors.As(err, &pe) && pe.Value == "kaboom")
	w, err2 := lwt.Try(later(7))
	fmt.Println("try success:", w, err2)
	lwt.Assert(w == 7)
	return lwt.Return("done")
}

//lwt:async
func fails(n int) lwt.Promise[int] {
	lwt.Assert(n > 0)
	if n == 1 {
		return lwt.Fail[int](errBoom)
	}
	if n == 2 {
		lwt.Await(failLater[int](errBoom))
		fmt.Println("not reached")
	}
	if n == 3 {
		lwt.Await(later(0))
		var m map[string]int
		m["x"] = 1 // a panic after a suspension
	}
	return lwt.Return(n)
}

func main() {
	p := parallel()
	pump()
	fmt.Println(p)
	q := tries()
	pump()
	fmt.Println(q)
	for i := 0; i <= 4; i++ {
		r := fails(i)
		pump()
		_, err := r.Result()
		fmt.Println(i, r, errors.Is(err, errBoom), errors.Is(err, lwt.ErrAssert))
	}
}
