//go:build lwtsource && !windows && !darwin

package main

import "github.com/lwtgo/lwt/runtime/lwt"

//lwt:async
func platform() lwt.Promise[string] {
	s := lwt.Await(lwt.Return("elsewhere"))
	return lwt.Return(s)
}
