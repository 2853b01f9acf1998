//go:build lwtsource

package main

import (
	"fmt"
	. "strings"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

//lwt:async
func f() lwt.Promise[int] {
	lwt.Await(lwt.Pause())
	return lwt.Return(1)
	fmt.Println(ToUpper("dead"))
	return lwt.Return(2)
}

func main() {
	fmt.Println(lwtmain.Run(f()))
}
