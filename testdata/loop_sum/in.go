//go:build lwtsource

package main

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// sum adds what the promises give.
//
//lwt:async
func sum(n int, get func(int) lwt.Promise[int]) lwt.Promise[int] {
	s := 0
	for i := 0; i < n; i++ {
		s += lwt.Await(get(i))
	}
	if s > 10 && lwt.Await(get(100)) > 0 {
		fmt.Println("big")
	}
	return lwt.Return(s)
}

func main() {
	var rs []lwt.Resolver[int]
	p := sum(3, func(i int) lwt.Promise[int] {
		if i == 1 {
			q, r := lwt.Wait[int]()
			rs = append(rs, r)
			return q
		}
		return lwt.Return(i * 10)
	})
	fmt.Println(p)
	for _, r := range rs {
		lwt.Wakeup(r, 5)
	}
	fmt.Println(p)
}
