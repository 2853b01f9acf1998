//go:build lwtsource

// Annotated files for other platforms are rewritten on any machine:
// in_windows.go and darwin.go (lwtsource && darwin) give in_lwt_windows.go
// and darwin_lwt.go here too, and -check checks them.
package main

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
)

//lwt:async
func greet(p lwt.Promise[string]) lwt.Promise[string] {
	return lwt.Return("hello from " + lwt.Await(p))
}

func main() {
	fmt.Println(greet(platform()))
}
