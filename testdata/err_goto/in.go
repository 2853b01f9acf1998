//go:build lwtsource

package main

import "github.com/lwtgo/lwt/runtime/lwt"

//lwt:async
func f(p lwt.Promise[int]) lwt.Promise[int] {
	x := 0
again:
	x += lwt.Await(p)
	if x < 10 {
		goto again
	}
	defer println("done")
	return lwt.Return(x)
}

func main() { f(lwt.Return(1)) }
