//go:build lwtsource

// A defer inside a select of an async function: lwtgen registers deferred
// calls in code it lowers and cannot lower a select, so it says so (it used
// to say the select awaits). Found by the fuzzer.
package main

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

//lwt:async
func f() lwt.Promise[int] {
	lwt.Await(lwt.Pause())
	c := make(chan int, 1)
	c <- 1
	select {
	case v := <-c:
		defer fmt.Println("deferred", v)
	}
	return lwt.Return(1)
}

func main() {
	fmt.Println(lwtmain.Run(f()))
}
