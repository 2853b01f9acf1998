//go:build lwtsource

package main

import "github.com/lwtgo/lwt/runtime/lwt"

//lwt:async
func f(p lwt.Promise[int]) int {
	return lwt.Await(p)
}

//lwt:async
func g(p lwt.Promise[int]) (lwt.Promise[int], error) {
	return p, nil
}

func main() { f(lwt.Return(1)); g(lwt.Return(1)) }
