//go:build lwtsource

// Switches and type switches with awaits in the tag, the cases and the
// bodies; fallthrough and break.
package main

import (
	"fmt"

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

func trace(v int) int { fmt.Println("case", v); return v }

//lwt:async
func classify(x int) lwt.Promise[string] {
	switch v := lwt.Await(later(x)); v {
	case trace(1), lwt.Await(later(trace(2))):
		return lwt.Return("small")
	case 3:
		s := lwt.Await(later("three"))
		if s == "three" {
			break
		}
		return lwt.Return("unreachable")
	default:
		return lwt.Return("other")
	case 4:
		lwt.Await(later(0))
		fallthrough
	case 5:
		return lwt.Return("four or five")
	}
	return lwt.Return("broke out")
}

//lwt:async
func kind(v any) lwt.Promise[string] {
	switch t := lwt.Await(later(v)).(type) {
	case int:
		return lwt.Return(fmt.Sprint("int ", t+1))
	case string:
		return lwt.Return("string " + t)
	}
	return lwt.Return("other")
}

// A type switch whose clauses wait.
//
//lwt:async
func describe(v any) lwt.Promise[string] {
	switch t := v.(type) {
	case nil:
		return lwt.Return("nil")
	case int:
		n := lwt.Await(later(t * 2))
		return lwt.Return(fmt.Sprint("int doubled ", n))
	case string, []byte:
		lwt.Await(later(0))
		return lwt.Return(fmt.Sprintf("text %v", t))
	case error:
		break
	default:
		return lwt.Return(fmt.Sprintf("other %T", lwt.Await(later(t))))
	}
	return lwt.Return("an error")
}

//lwt:async
func sign(x int) lwt.Promise[int] {
	switch {
	case x < 0:
		return lwt.Return(-1)
	case x > lwt.Await(later(0)):
		return lwt.Return(1)
	}
	return lwt.Return(0)
}

func main() {
	var ps []lwt.Promise[string]
	for _, x := range []int{1, 2, 3, 4, 5, 6} {
		ps = append(ps, classify(x))
		pump()
	}
	fmt.Println(ps)
	a, b, c := kind(1), kind("s"), kind(1.5)
	pump()
	fmt.Println(a, b, c)
	var ds []lwt.Promise[string]
	for _, v := range []any{nil, 21, "s", []byte("b"), fmt.Errorf("e"), 1.5} {
		ds = append(ds, describe(v))
	}
	pump()
	fmt.Println(ds)
	d, e, f := sign(-5), sign(5), sign(0)
	pump()
	fmt.Println(d, e, f)
}
