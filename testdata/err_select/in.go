//go:build lwtsource

package main

import "github.com/lwtgo/lwt/runtime/lwt"

//lwt:async
func f(p lwt.Promise[int], c chan int) lwt.Promise[int] {
	select {
	case v := <-c:
		return lwt.Return(v + lwt.Await(p))
	}
	for v := range c {
		lwt.Await(p)
		_ = v
	}
	defer func() { recover() }()
	_ = recover()
	return p
}

func main() { f(lwt.Return(1), nil) }
