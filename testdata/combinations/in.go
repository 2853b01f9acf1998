//go:build lwtsource

// Constructs nested in each other: an await in a loop in a switch in a
// defer, a Try in a loop in an async literal, labeled loops around a type
// switch, a stream range inside a defer.
package main

import (
	"errors"
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtstream"
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

var errOdd = errors.New("odd")

//lwt:async
func nested(mode int) lwt.Promise[string] {
	log := ""
	defer func() {
		switch mode {
		case 0, 1:
			for i := 0; i < 3; i++ {
				log += fmt.Sprint(lwt.Await(later(i)))
			}
		default:
			s := lwtstream.OfSlice([]string{"a", "b"})
			for x := range s.All() {
				log += x
			}
		}
		fmt.Println("deferred log:", log)
	}()
	collect := func(n int) lwt.Promise[[]int] {
		var ok []int
		for i := range n {
			v, err := lwt.Try(func() lwt.Promise[int] {
				if i%2 == 1 {
					return failLater[int](errOdd)
				}
				return later(i * i)
			}())
			if err != nil {
				continue
			}
			ok = append(ok, v)
		}
		return lwt.Return(ok)
	}
	squares := lwt.Await(collect(5))
	log += fmt.Sprint(squares)
outer:
	for _, v := range []any{1, "two", 3.0, nil} {
		switch t := lwt.Await(later(v)).(type) {
		case int:
			for j := 0; ; j++ {
				if lwt.Await(later(j)) == t {
					continue outer
				}
			}
		case string:
			log += t
		case nil:
			break outer
		default:
			log += "?"
		}
	}
	if mode == 1 {
		return lwt.Fail[string](errOdd)
	}
	return lwt.Return(log)
}

func main() {
	for mode := 0; mode < 3; mode++ {
		p := nested(mode)
		pump()
		fmt.Println(p)
	}
}
