//go:build lwtsource

// A range over a stream waits for each element: not in a func literal that
// does not return a promise, nor in a function that is not async.
package main

import (
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtstream"
)

//lwt:async
func f(s *lwtstream.Stream[int]) lwt.Promise[int] {
	n := 0
	func() {
		for range s.All() {
			n++
		}
	}()
	return lwt.Return(n)
}

func g(s *lwtstream.Stream[int]) int {
	n := 0
	for range s.All() {
		n++
	}
	return n
}

func main() {}
