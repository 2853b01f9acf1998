//go:build lwtsource

// Package generated holds annotated functions and their lwtgen output, to
// test and measure generated code end to end. Regenerate with
// go generate ./runtime_test/...
package generated

//go:generate go tool lwtgen

import (
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmvar"
)

// SumResolved awaits n promises that are already resolved: each await is a
// branch.
//
//lwt:async
func SumResolved(n int) lwt.Promise[int] {
	s := 0
	for i := 0; i < n; i++ {
		s += lwt.Await(lwt.Return(1))
	}
	return lwt.Return(s)
}

// Sum3 awaits three promises one after the other.
//
//lwt:async
func Sum3(a, b, c lwt.Promise[int]) lwt.Promise[int] {
	x := lwt.Await(a)
	y := lwt.Await(b)
	z := lwt.Await(c)
	return lwt.Return(x + y + z)
}

// Sum3Bind is Sum3 written by hand with Bind.
func Sum3Bind(a, b, c lwt.Promise[int]) lwt.Promise[int] {
	return lwt.Bind(a, func(x int) lwt.Promise[int] {
		return lwt.Bind(b, func(y int) lwt.Promise[int] {
			return lwt.Bind(c, func(z int) lwt.Promise[int] {
				return lwt.Return(x + y + z)
			})
		})
	})
}

// SafeDiv catches the failure of p and replaces it with fallback.
//
//lwt:async
func SafeDiv(p lwt.Promise[int], fallback int) lwt.Promise[int] {
	v, err := lwt.Try(p)
	if err != nil {
		return lwt.Return(fallback)
	}
	return lwt.Return(v / 2)
}

// SafeDivCatch is SafeDiv written by hand with Catch.
func SafeDivCatch(p lwt.Promise[int], fallback int) lwt.Promise[int] {
	return lwt.Catch(
		func() lwt.Promise[int] { return lwt.Map(p, func(v int) int { return v / 2 }) },
		func(error) lwt.Promise[int] { return lwt.Return(fallback) })
}

// PauseLoop yields to the scheduler n times.
//
//lwt:async
func PauseLoop(n int) lwt.Promise[int] {
	for i := 0; i < n; i++ {
		lwt.Await(lwt.Pause())
	}
	return lwt.Return(n)
}

// Ping and Pong pass a counter back and forth through two mailboxes, n
// rounds: the mvar ping-pong benchmark, in the source language.
//
//lwt:async
func Ping(n int, out, in *lwtmvar.MVar[int]) lwt.Promise[int] {
	v := 0
	for i := 0; i < n; i++ {
		lwt.Await(out.Put(v))
		v = lwt.Await(in.Take()) + 1
	}
	return lwt.Return(v)
}

// Pong answers each value it takes with the same value.
//
//lwt:async
func Pong(n int, in, out *lwtmvar.MVar[int]) lwt.Promise[lwt.Unit] {
	for i := 0; i < n; i++ {
		lwt.Await(out.Put(lwt.Await(in.Take())))
	}
	return lwt.ReturnUnit()
}

// Outer waits, then returns the promise of Inner, which waits twice more:
// the two calls become one promise (the fuzzer found this losing its
// result).
//
//lwt:async
func Outer(a, b, c lwt.Promise[int]) lwt.Promise[int] {
	lwt.Await(a)
	return Inner(b, c)
}

// Inner adds two promises, one after the other.
//
//lwt:async
func Inner(b, c lwt.Promise[int]) lwt.Promise[int] {
	x := lwt.Await(b)
	return lwt.Return(x + lwt.Await(c))
}
