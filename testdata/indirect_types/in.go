//go:build lwtsource

// A frame holds values whose types come from packages the annotated file
// does not import (io/fs through lwtunix.Stat, x/sys/unix through
// lwtunix.FD.Getsockname): the generated file imports them, and they are the
// very types the calls return.
package main

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

//lwt:async
func describe(path string) lwt.Promise[string] {
	info := lwt.Await(lwtunix.Stat(path))
	lwt.Await(lwt.Pause())
	return lwt.Return(fmt.Sprintf("%s is a directory: %v", info.Name(), info.IsDir()))
}

//lwt:async
func pairFamily() lwt.Promise[string] {
	a, b, err := lwtunix.Socketpair(1, 1, 0) // AF_UNIX, SOCK_STREAM
	if err != nil {
		return lwt.Fail[string](err)
	}
	defer a.Close()
	defer b.Close()
	sa, err := a.Getsockname()
	lwt.Await(lwt.Pause())
	return lwt.Return(fmt.Sprintf("%T %v", sa, err))
}

func main() {
	s, err := lwtmain.Run(describe("."))
	fmt.Println(s, err)
	s, err = lwtmain.Run(pairFamily())
	fmt.Println(s, err)
}
