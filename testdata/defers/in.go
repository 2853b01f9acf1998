//go:build lwtsource

// defer as finally: deferred calls run after success, failure and panic, in
// Go's order; they may await; a failure in one replaces the outcome.
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
var errCleanup = errors.New("cleanup failed")

func closeLater(name string) lwt.Promise[lwt.Unit] {
	fmt.Println("closing", name)
	return later(lwt.Unit{})
}

//lwt:async
func work(mode int) lwt.Promise[int] {
	fmt.Println("start", mode)
	defer fmt.Println("deferred print, registered first")
	defer closeLater("file")
	x := 1
	defer func() {
		lwt.Await(later(0))
		fmt.Println("cleanup sees x =", x)
		if mode == 3 {
			lwt.Await(failLater[int](errCleanup))
		}
	}()
	if mode == 4 {
		defer func(n int) {
			fmt.Println("conditional defer with argument", n)
		}(x)
	}
	x = lwt.Await(later(10))
	switch mode {
	case 1:
		lwt.Await(failLater[int](errBoom))
	case 2:
		panic("kaboom")
	}
	return later(x + mode)
}

func main() {
	for mode := 0; mode <= 4; mode++ {
		p := work(mode)
		pump()
		fmt.Println("=>", p)
	}
}
