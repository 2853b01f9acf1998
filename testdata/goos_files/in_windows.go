//go:build lwtsource

package main

import "github.com/lwtgo/lwt/runtime/lwt"

//lwt:async
func platform() lwt.Promise[string] {
	s := lwt.Await(lwt.Return("windows"))
	return lwt.Return(s)
}
