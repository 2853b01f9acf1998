//go:build lwtsource

// A deferred func literal that returns a promise is async: the promise is
// awaited once the function's outcome is known, and the literal's own
// deferred calls run once that promise is resolved (Lwt's finalize inside
// a finalizer), before the function's other deferred calls.
package main

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

func later(name string) lwt.Promise[lwt.Unit] {
	return lwt.Map(lwt.Pause(), func(lwt.Unit) lwt.Unit {
		fmt.Println("resolved", name)
		return lwt.Unit{}
	})
}

//lwt:async
func f() lwt.Promise[int] {
	defer fmt.Println("outer deferred call")
	defer func() lwt.Promise[lwt.Unit] {
		defer fmt.Println("the literal's own deferred call")
		fmt.Println("the literal runs")
		return later("the literal's promise")
	}()
	fmt.Println("body")
	return lwt.Return(1)
}

func main() {
	fmt.Println(lwtmain.Run(f()))
}
