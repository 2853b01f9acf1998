//go:build lwtsource

// Every for form, with break, continue and labels, awaiting inside.
package main

import (
	"fmt"
	"sort"

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

//lwt:async
func loops() lwt.Promise[string] {
	s := ""
	for i := 0; i < 5; i++ {
		if i == 1 {
			continue
		}
		if lwt.Await(later(i)) == 3 {
			break
		}
		s += fmt.Sprint(i)
	}
	n := 0
	for n < 3 {
		n += lwt.Await(later(1))
	}
	for {
		n++
		if lwt.Await(later(n)) > 5 {
			break
		}
	}
	s += fmt.Sprintf(" n=%d", n)
outer:
	for i := range 3 {
		for j := range 3 {
			if j > i {
				continue outer
			}
			if lwt.Await(later(i*j)) == 4 {
				break outer
			}
			s += fmt.Sprintf(" %d%d", i, j)
		}
	}
	for i, v := range []string{"a", "b"} {
		s += fmt.Sprintf(" %d%s", i, lwt.Await(later(v)))
	}
	arr := [3]int{1, 2, 3}
	for _, v := range arr {
		arr[2] = 100 // the range works on a copy
		s += fmt.Sprint(" ", lwt.Await(later(v)))
	}
	for i, r := range "héllo" {
		if r == 'é' {
			s += fmt.Sprint(" é@", lwt.Await(later(i)))
		}
	}
	var keys []string
	m := map[string]int{"x": 1, "y": 2, "z": 3}
	total := 0
	for k, v := range m {
		total += lwt.Await(later(v))
		keys = append(keys, k)
		delete(m, "zz")
	}
	sort.Strings(keys)
	s += fmt.Sprint(" ", keys, total)
	for range lwt.Await(later(2)) {
		s += " tick"
	}
	return lwt.Return(s)
}

// A loop of ten million awaits of resolved promises: constant stack.
//
//lwt:async
func count(n int) lwt.Promise[int] {
	s := 0
	for i := 0; i < n; i++ {
		s += lwt.Await(lwt.Return(1))
	}
	return lwt.Return(s)
}

func main() {
	p := loops()
	pump()
	fmt.Println(p)
	fmt.Println(count(10_000_000))
}
