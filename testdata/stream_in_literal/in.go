//go:build lwtsource

// A func literal returning a promise whose only wait is a range over a
// stream is async, as one that awaits is: the range waits for each element.
// Found by the fuzzer: the literal was copied as it is, and Stream.All
// panicked at run time.
package main

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtstream"
)

//lwt:async
func sum(xs []int) lwt.Promise[int] {
	total := lwt.Await(func(k int) lwt.Promise[int] {
		s := 0
		for x := range lwtstream.OfSlice(xs).All() {
			s += k * x
		}
		return lwt.Return(s)
	}(10))
	return lwt.Return(total + 1)
}

// Outside an annotated function, in a plain one.
func plain(xs []int) lwt.Promise[int] {
	return func() lwt.Promise[int] {
		n := 0
		for range lwtstream.OfSlice(xs).All() {
			n++
		}
		return lwt.Return(n)
	}()
}

func main() {
	fmt.Println(lwtmain.Run(sum([]int{1, 2, 3})))
	fmt.Println(lwtmain.Run(plain([]int{1, 2, 3})))
}
