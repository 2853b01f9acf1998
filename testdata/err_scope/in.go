//go:build lwtsource

package main

import "github.com/lwtgo/lwt/runtime/lwt"

//lwt:async
func local(p lwt.Promise[int]) lwt.Promise[int] {
	const k = 2
	type pair struct{ a, b int }
	return lwt.Return(k * lwt.Await(p))
}

//lwt:async
func named(p lwt.Promise[int]) (r lwt.Promise[int]) {
	defer println("done")
	return lwt.Return(lwt.Await(p))
}

//lwt:async
func value(p lwt.Promise[int]) lwt.Promise[int] {
	aw := lwt.Await[int]
	return lwt.Return(aw(p))
}

func lit(p lwt.Promise[int]) func() lwt.Promise[int] {
	const n = 3
	return func() lwt.Promise[int] {
		return lwt.Return(lwt.Await(p) + n)
	}
}

func main() {}
