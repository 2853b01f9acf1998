//go:build lwtsource

// Closures see the variables of the annotated function as Go closures do:
// each loop iteration has its own, and writes are shared.
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
func closures() lwt.Promise[int] {
	var fs []func() int
	for i := 0; i < 3; i++ {
		lwt.Await(later(i))
		fs = append(fs, func() int { return i })
	}
	for _, f := range fs {
		fmt.Print(f(), " ")
	}
	fmt.Println()
	count := 0
	inc := func() { count++ }
	inc()
	lwt.Await(later(0))
	inc()
	p := &count
	*p += lwt.Await(later(10))
	fmt.Println("count", count)
	x := 1
	{
		x := lwt.Await(later(2)) // shadows
		x++
		fmt.Println("inner x", x)
	}
	fmt.Println("outer x", x)
	return lwt.Return(count)
}

func main() {
	p := closures()
	pump()
	fmt.Println(p)
}
