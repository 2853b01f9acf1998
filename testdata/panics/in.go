//go:build lwtsource

// A panic in an async function fails its promise, and its stack names the
// annotated source line, before and after a suspension.
package main

import (
	"errors"
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

//lwt:async
func crash(after bool) lwt.Promise[int] {
	if after {
		lwt.Await(later(0))
	}
	var xs []int
	return lwt.Return(xs[3]) // line 37
}

func main() {
	for _, after := range []bool{false, true} {
		p := crash(after)
		pump()
		_, err := p.Result()
		var pe *lwt.PanicError
		if !errors.As(err, &pe) {
			fmt.Println("not a panic:", err)
			continue
		}
		fmt.Println(pe.Value)
		fmt.Println("stack names in.go:37:", strings.Contains(string(pe.Stack), "in.go:37"))
	}
}
