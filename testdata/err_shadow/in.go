//go:build lwtsource

package main

import (
	panic "fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// The code lwtgen generates calls Go's built-ins and names the predeclared
// types: a package that redeclares them would change what it means.
var len = 3

func append(x int) int { return x }

type float64 = int

//lwt:async
func work(p lwt.Promise[int]) lwt.Promise[int] {
	panic.Println(append(len))
	return lwt.Return(lwt.Await(p))
}

//lwt:async
func named(new int) (res lwt.Promise[int]) {
	get := func() lwt.Promise[int] { return res }
	x := lwt.Await(lwt.Return(new))
	res = lwt.Return(x)
	return get()
}

func main() {
	work(lwt.Return(1))
	named(2)
}
