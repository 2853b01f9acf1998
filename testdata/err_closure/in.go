//go:build lwtsource

package main

import "github.com/lwtgo/lwt/runtime/lwt"

//lwt:async
func f(p lwt.Promise[int]) lwt.Promise[int] {
	g := func() int { return lwt.Await(p) }
	return lwt.Return(g())
}

func main() { f(lwt.Return(1)) }
