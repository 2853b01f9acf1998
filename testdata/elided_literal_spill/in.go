//go:build lwtsource

// Elements of composite literals with their type elided ({...} in
// [][3]int{...}, []*pt{...}, map keys and values), computed before a later
// element that awaits: the temporary spells the type out. Found by the
// fuzzer: lwtgen wrote the element as it is, which does not parse.
package main

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

type pt struct{ x, y int }

func f(k int) int { fmt.Println("f", k); return k }

//lwt:async
func g() lwt.Promise[string] {
	gr := [][3]int{{f(1), 1, 2}, {3, lwt.Await(lwt.Return(4)), 5}}
	ps := []*pt{{f(2), 1}, {lwt.Await(lwt.Return(5)), 6}}
	m := map[pt][]int{{f(3), 0}: {f(4)}, {lwt.Await(lwt.Return(7)), 0}: {lwt.Await(lwt.Return(8))}}
	return lwt.Return(fmt.Sprint(gr, *ps[0], *ps[1], m))
}

func main() {
	fmt.Println(lwtmain.Run(g()))
}
