//go:build lwtsource

// Ranges that await keep Go's rules at the edges: map entries whose key is
// NaN are visited (a NaN key cannot be looked up); a range over an array or
// a pointer to one with at most one iteration variable does not evaluate
// the operand (no dereference of a nil pointer, no copy of an array of
// mutexes), while one with a call in it is evaluated.
package main

import (
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/lwtgo/lwt/runtime/lwt"
)

var pending []func()

func later[T any](v T) lwt.Promise[T] {
	p, r := lwt.Wait[T]()
	pending = append(pending, func() { lwt.Wakeup(r, v) })
	return p
}

func pump() {
	for len(pending) > 0 {
		f := pending[0]
		pending = pending[1:]
		f()
	}
}

type pt struct {
	x float64
	s string
}

//lwt:async
func nanKeys() lwt.Promise[int] {
	m := map[float64]int{math.NaN(): 1, 2: 20, math.NaN(): 3}
	var got []string
	for k, v := range m {
		lwt.Await(later(0))
		got = append(got, fmt.Sprint(k, "=", v))
	}
	n := 0
	for k := range m {
		n += lwt.Await(later(1))
		_ = k
	}
	a := map[any]string{math.NaN(): "nan", "s": "str"}
	for k, v := range a {
		got = append(got, fmt.Sprint(k, ":", lwt.Await(later(v))))
	}
	s := map[pt]bool{{math.NaN(), "p"}: true}
	for k := range s {
		got = append(got, lwt.Await(later(k.s)))
	}
	// Entries deleted before they are reached are skipped; clear removes
	// NaN entries too.
	d := map[float64]int{math.NaN(): 1, 1: 2}
	seen := 0
	for range d {
		seen++
		clear(d)
		lwt.Await(later(0))
	}
	sort.Strings(got)
	fmt.Println(got, n, seen)
	return lwt.Return(len(got))
}

var calls int

func arr() *[3]int {
	calls++
	return nil
}

//lwt:async
func nilArrays() lwt.Promise[int] {
	var p *[3]int
	n := 0
	for i := range *p {
		n += lwt.Await(later(i))
	}
	for i := range p {
		n += lwt.Await(later(i))
	}
	for range *p {
		n += lwt.Await(later(10))
	}
	for i, _ := range p {
		n += lwt.Await(later(i))
	}
	for i := range arr() {
		n += lwt.Await(later(i))
	}
	fmt.Println("sum", n, "calls", calls)
	return lwt.Return(n)
}

//lwt:async
func nilDeref() lwt.Promise[int] {
	var p *[3]int
	n := 0
	for i, _ := range *p {
		n += lwt.Await(later(i))
	}
	return lwt.Return(n)
}

//lwt:async
func mutexes() lwt.Promise[int] {
	var mus [3]sync.Mutex
	n := 0
	for i := range mus {
		mus[i].Lock()
		n += lwt.Await(later(i))
		mus[i].Unlock()
	}
	return lwt.Return(n)
}

func main() {
	for _, p := range []lwt.Promise[int]{nanKeys(), nilArrays(), nilDeref(), mutexes()} {
		pump()
		fmt.Println("=>", p)
	}
}
