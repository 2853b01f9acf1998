//go:build lwtsource

// for x := range s.All() over a stream: Lwt's for_lwt x in stream.
package main

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtstream"
)

//lwt:async
func sum(s *lwtstream.Stream[int]) lwt.Promise[int] {
	total := 0
	for x := range s.All() {
		if x < 0 {
			continue
		}
		if x > 100 {
			break
		}
		total += x
	}
	return lwt.Return(total)
}

func main() {
	s, push := lwtstream.Create[int]()
	p := sum(s)
	for _, v := range []int{1, 2, -5, 3} {
		push.Push(v)
		fmt.Println(p)
	}
	push.Close()
	fmt.Println(p)
	q := sum(lwtstream.OfSlice([]int{10, 20, 1000, 5}))
	fmt.Println(q)
}
