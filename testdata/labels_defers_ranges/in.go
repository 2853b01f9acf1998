//go:build lwtsource

package main

import (
	"errors"
	"fmt"
	"iter"
	"strings"
	. "unicode/utf8"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtstream"
)

func later(v int) lwt.Promise[int] {
	return lwt.Map(lwt.Pause(), func(lwt.Unit) int { return v })
}

func count(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

type named struct {
	name string
	*lwtstream.Stream[string]
}

//lwt:async
func labels(utf8 int) lwt.Promise[string] {
	out := ""
	defer func() {
	loop:
		for i := range 3 {
			if i == 1 {
				continue loop
			}
			out += "d"
		}
		goto skip
	skip:
		fmt.Println("deferred", out)
	}()
	defer func(xs ...string) lwt.Promise[int] {
		fmt.Println("variadic", xs == nil, len(xs))
		if len(xs) == 0 {
			return later(1)
		}
		return lwt.Fail[int](errors.New("never"))
	}()
loop:
	for i := range 3 {
		if lwt.Await(later(i)) == 1 {
			continue loop
		}
		out += "m"
	}
	{
		k := 0
	again:
		k++
		if k < 3 {
			goto again
		}
		out += fmt.Sprint(k)
	}
	for x := range count(lwt.Await(later(3))) {
		out += fmt.Sprint(x)
	}
	ch := make(chan int, 2)
	ch <- 7
	close(ch)
	for v := range chanAfter(ch, lwt.Await(later(0))) {
		out += fmt.Sprint(v)
	}
	ns := named{"n", lwtstream.OfSlice([]string{"x", "y"})}
	for s := range ns.All() {
		out += s
	}
	for _, r := range lwt.Await(lwt.Return("héllo")) {
		out += fmt.Sprint(RuneLen(r))
	}
	vs := lwt.AwaitAll[int]()
	w := lwt.Await[int](later(5))
	return lwt.Return(strings.ToUpper(out) + fmt.Sprint(len(vs), w, utf8))
}

//lwt:async
func failingDefer() lwt.Promise[int] {
	defer func() lwt.Promise[lwt.Unit] {
		if lwt.Await(later(1)) == 1 {
			return lwt.Fail[lwt.Unit](errors.New("cleanup failed"))
		}
		return lwt.Return(lwt.Unit{})
	}()
	return lwt.Return(3)
}

func chanAfter(ch chan int, _ int) chan int { return ch }

func main() {
	fmt.Println(lwtmain.Run(labels(9)))
	fmt.Println(lwtmain.Run(failingDefer()))
}
