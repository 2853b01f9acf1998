//go:build lwtsource

package lwtstream_test

// The example of this file is written in the source language of lwtgen:
// functions marked //lwt:async, in a file built with the lwtsource tag.
// annotated_example_lwt_test.go is what lwtgen made of them: regenerate it
// with go generate, or go tool lwtgen ./runtime/lwtstream from the root of
// the repository.

//go:generate go tool lwtgen

import (
	"fmt"
	"strings"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtstream"
)

// produce pushes the words to p one by one, letting the reader run between
// two of them, and closes the stream whatever happens.
//
//lwt:async
func produce(p *lwtstream.Pusher[string], words []string) lwt.Promise[lwt.Unit] {
	defer p.Close()
	for _, w := range words {
		lwt.Await(lwt.Pause())
		if err := p.Push(w); err != nil {
			return lwt.Fail[lwt.Unit](err)
		}
	}
	return lwt.ReturnUnit()
}

// shout reads s to its end, one element at a time, waiting for each one:
// Lwt's for_lwt over a stream. It stops at the first empty word.
//
//lwt:async
func shout(s *lwtstream.Stream[string]) lwt.Promise[int] {
	n := 0
	for w := range s.All() {
		if w == "" {
			break
		}
		fmt.Println(strings.ToUpper(w))
		n++
	}
	return lwt.Return(n)
}

//lwt:async
func pipeline(words ...string) lwt.Promise[int] {
	s, p := lwtstream.Create[string]()
	done := produce(p, words)
	n := lwt.Await(shout(s))
	lwt.Await(done)
	return lwt.Return(n)
}

// A writer and a reader of one stream, two threads of one loop.
func ExampleStream_All() {
	fmt.Println(lwtmain.Run(pipeline("one", "two", "three")))
	fmt.Println(lwtmain.Run(pipeline("four", "", "five")))
	// Output:
	// ONE
	// TWO
	// THREE
	// 3 <nil>
	// FOUR
	// 1 <nil>
}
