//go:build lwtsource

package main

import (
	"fmt"
	. "unicode/utf8"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	ls "github.com/lwtgo/lwt/runtime/lwtstream"
)

func later(v int) lwt.Promise[int] {
	return lwt.Map(lwt.Pause(), func(lwt.Unit) int { return v })
}

//lwt:async
func shadows[debugtrace any](utf8 string, x debugtrace) lwt.Promise[string] {
	out := ""
	lwtstream := ls.OfSlice([]int{1, 2})
	for i, r := range utf8 {
		out += fmt.Sprint(i, RuneLen(r), lwt.Await(later(1)))
	}
	for v := range lwtstream.All() {
		out += fmt.Sprint(v)
	}
	if len(out) > 100 {
		return lwt.Fail[string](fmt.Errorf("%v", x))
	}
	return lwt.Return(out)
}

func main() {
	fmt.Println(lwtmain.Run(shadows("aé", 3)))
}
