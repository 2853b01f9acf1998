//go:build lwtsource || linux

package main

import "github.com/lwtgo/lwt/runtime/lwt"

//lwt:async
func f(p lwt.Promise[int]) lwt.Promise[int] {
	return lwt.Return(lwt.Await(p))
}

func main() { f(lwt.Return(1)) }
