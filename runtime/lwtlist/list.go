// Package lwtlist iterates over slices with functions that return promises:
// Lwt_list.
//
// Each function comes in two flavors, after Lwt's naming convention. Those
// ending in S are sequential: f runs on one element, and on the next only
// once the promise it returned is fulfilled. Those ending in P are parallel:
// f runs on every element at once, in order, and the result waits for all
// the promises. IterN and MapN sit in between: at most n promises of f are
// pending at any time.
//
// A failure stops a sequential function at once: the result fails with it
// and f runs on no further element. A parallel function waits until every
// promise is resolved and then fails with the first failure, as lwt.Join
// does. A panic in f, even before it returns a promise, is such a failure:
// the functions of this package never panic because f did.
//
// Sequential functions run in constant stack however long the slice, and
// canceling their result cancels the promise of the element in progress.
// Canceling the result of a parallel one cancels every pending promise.
package lwtlist

import (
	"errors"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// ErrNotFound is the failure of FindS when no element satisfies f: Lwt's
// Not_found.
var ErrNotFound = errors.New("lwtlist: not found")

// sequence calls step(0), step(1) ... step(n-1), each once the promise of the
// one before is fulfilled, and gives after each value; it stops early when
// after returns false. A panic in step fails the result. It loops over the
// promises that are resolved already and binds on those that sleep, so it
// runs in constant stack either way.
func sequence[U any](n int, step func(int) lwt.Promise[U], after func(int, U) bool) lwt.Promise[lwt.Unit] {
	i := -1
	var next func(U) lwt.Promise[lwt.Unit]
	next = func(v U) lwt.Promise[lwt.Unit] {
		for {
			if i >= 0 && !after(i, v) {
				return lwt.ReturnUnit()
			}
			if i++; i == n {
				return lwt.ReturnUnit()
			}
			p := lwt.Apply(step, i)
			if p.IsSleeping() {
				return lwt.Bind(p, next)
			}
			var err error
			if v, err = p.Result(); err != nil {
				return lwt.Fail[lwt.Unit](err)
			}
		}
	}
	var zero U
	return next(zero)
}

// parallel calls step(i) for every i in order, a panic becoming a failed
// promise, and returns the promises.
func parallel[U any](n int, step func(int) lwt.Promise[U]) []lwt.Promise[U] {
	ps := make([]lwt.Promise[U], n)
	for i := range ps {
		ps[i] = lwt.Apply(step, i)
	}
	return ps
}

func each[T, U any](xs []T, f func(T) lwt.Promise[U]) func(int) lwt.Promise[U] {
	return func(i int) lwt.Promise[U] { return f(xs[i]) }
}

func eachi[T, U any](xs []T, f func(int, T) lwt.Promise[U]) func(int) lwt.Promise[U] {
	return func(i int) lwt.Promise[U] { return f(i, xs[i]) }
}

func always[U any](int, U) bool { return true }

func value[T any](v T) func(lwt.Unit) T { return func(lwt.Unit) T { return v } }

// IterS calls f on each element of xs in turn, waiting for each.
func IterS[T any](xs []T, f func(T) lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit] {
	return sequence(len(xs), each(xs, f), always[lwt.Unit])
}

// IterP calls f on every element of xs and waits for all the promises.
func IterP[T any](xs []T, f func(T) lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit] {
	return lwt.Join(parallel(len(xs), each(xs, f))...)
}

// IteriS is IterS with the index of each element.
func IteriS[T any](xs []T, f func(int, T) lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit] {
	return sequence(len(xs), eachi(xs, f), always[lwt.Unit])
}

// IteriP is IterP with the index of each element.
func IteriP[T any](xs []T, f func(int, T) lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit] {
	return lwt.Join(parallel(len(xs), eachi(xs, f))...)
}

func mapS[U any](n int, step func(int) lwt.Promise[U]) lwt.Promise[[]U] {
	out := make([]U, n)
	done := sequence(n, step, func(i int, v U) bool { out[i] = v; return true })
	return lwt.Map(done, value(out))
}

// MapS calls f on each element of xs in turn, waiting for each, and gives
// the values in the order of xs.
func MapS[T, U any](xs []T, f func(T) lwt.Promise[U]) lwt.Promise[[]U] {
	return mapS(len(xs), each(xs, f))
}

// MapP calls f on every element of xs and gives the values of all the
// promises in the order of xs.
func MapP[T, U any](xs []T, f func(T) lwt.Promise[U]) lwt.Promise[[]U] {
	return lwt.All(parallel(len(xs), each(xs, f))...)
}

// MapiS is MapS with the index of each element.
func MapiS[T, U any](xs []T, f func(int, T) lwt.Promise[U]) lwt.Promise[[]U] {
	return mapS(len(xs), eachi(xs, f))
}

// MapiP is MapP with the index of each element.
func MapiP[T, U any](xs []T, f func(int, T) lwt.Promise[U]) lwt.Promise[[]U] {
	return lwt.All(parallel(len(xs), eachi(xs, f))...)
}

func reversed[U any](vs []U) []U {
	for i, j := 0, len(vs)-1; i < j; i, j = i+1, j-1 {
		vs[i], vs[j] = vs[j], vs[i]
	}
	return vs
}

// RevMapS is MapS, giving the values in reverse order.
func RevMapS[T, U any](xs []T, f func(T) lwt.Promise[U]) lwt.Promise[[]U] {
	return lwt.Map(MapS(xs, f), reversed[U])
}

// RevMapP is MapP, giving the values in reverse order.
func RevMapP[T, U any](xs []T, f func(T) lwt.Promise[U]) lwt.Promise[[]U] {
	return lwt.Map(MapP(xs, f), reversed[U])
}

// FoldLeftS folds xs from the first element to the last: f(... f(f(acc,
// xs[0]), xs[1]) ..., xs[n-1]), waiting for each step.
func FoldLeftS[T, A any](xs []T, acc A, f func(A, T) lwt.Promise[A]) lwt.Promise[A] {
	step := func(i int) lwt.Promise[A] { return f(acc, xs[i]) }
	done := sequence(len(xs), step, func(_ int, v A) bool { acc = v; return true })
	return lwt.Map(done, func(lwt.Unit) A { return acc })
}

// FoldRightS folds xs from the last element to the first: f(xs[0], f(xs[1],
// ... f(xs[n-1], acc))), waiting for each step.
func FoldRightS[T, A any](xs []T, acc A, f func(T, A) lwt.Promise[A]) lwt.Promise[A] {
	step := func(i int) lwt.Promise[A] { return f(xs[len(xs)-1-i], acc) }
	done := sequence(len(xs), step, func(_ int, v A) bool { acc = v; return true })
	return lwt.Map(done, func(lwt.Unit) A { return acc })
}

// ForAllS reports whether f holds for every element of xs, testing them in
// turn and stopping at the first for which it does not.
func ForAllS[T any](xs []T, f func(T) lwt.Promise[bool]) lwt.Promise[bool] {
	all := true
	done := sequence(len(xs), each(xs, f), func(_ int, ok bool) bool { all = ok; return ok })
	return lwt.Map(done, func(lwt.Unit) bool { return all })
}

// ForAllP reports whether f holds for every element of xs, testing them
// all at once.
func ForAllP[T any](xs []T, f func(T) lwt.Promise[bool]) lwt.Promise[bool] {
	return lwt.Map(MapP(xs, f), func(oks []bool) bool {
		for _, ok := range oks {
			if !ok {
				return false
			}
		}
		return true
	})
}

// ExistsS reports whether f holds for some element of xs, testing them in
// turn and stopping at the first for which it does.
func ExistsS[T any](xs []T, f func(T) lwt.Promise[bool]) lwt.Promise[bool] {
	found := false
	done := sequence(len(xs), each(xs, f), func(_ int, ok bool) bool { found = ok; return !ok })
	return lwt.Map(done, func(lwt.Unit) bool { return found })
}

// ExistsP reports whether f holds for some element of xs, testing them all
// at once.
func ExistsP[T any](xs []T, f func(T) lwt.Promise[bool]) lwt.Promise[bool] {
	return lwt.Map(MapP(xs, f), func(oks []bool) bool {
		for _, ok := range oks {
			if ok {
				return true
			}
		}
		return false
	})
}

// FindS gives the first element of xs for which f holds, testing them in
// turn. If there is none, it fails with ErrNotFound.
func FindS[T any](xs []T, f func(T) lwt.Promise[bool]) lwt.Promise[T] {
	at := -1
	done := sequence(len(xs), each(xs, f), func(i int, ok bool) bool {
		if ok {
			at = i
		}
		return !ok
	})
	return lwt.Bind(done, func(lwt.Unit) lwt.Promise[T] {
		if at < 0 {
			return lwt.Fail[T](ErrNotFound)
		}
		return lwt.Return(xs[at])
	})
}

// FilterS gives the elements of xs for which f holds, in order, testing them
// in turn.
func FilterS[T any](xs []T, f func(T) lwt.Promise[bool]) lwt.Promise[[]T] {
	var kept []T
	done := sequence(len(xs), each(xs, f), func(i int, ok bool) bool {
		if ok {
			kept = append(kept, xs[i])
		}
		return true
	})
	return lwt.Map(done, func(lwt.Unit) []T { return kept })
}

// FilterP gives the elements of xs for which f holds, in order, testing
// them all at once.
func FilterP[T any](xs []T, f func(T) lwt.Promise[bool]) lwt.Promise[[]T] {
	return lwt.Map(MapP(xs, f), func(oks []bool) []T {
		var kept []T
		for i, ok := range oks {
			if ok {
				kept = append(kept, xs[i])
			}
		}
		return kept
	})
}

// FilterMapS calls f on each element of xs in turn and gives, in order, the
// values it returned that are not nil.
func FilterMapS[T, U any](xs []T, f func(T) lwt.Promise[*U]) lwt.Promise[[]U] {
	var kept []U
	done := sequence(len(xs), each(xs, f), func(_ int, v *U) bool {
		if v != nil {
			kept = append(kept, *v)
		}
		return true
	})
	return lwt.Map(done, func(lwt.Unit) []U { return kept })
}

// FilterMapP calls f on every element of xs at once and gives, in order,
// the values it returned that are not nil.
func FilterMapP[T, U any](xs []T, f func(T) lwt.Promise[*U]) lwt.Promise[[]U] {
	return lwt.Map(MapP(xs, f), func(vs []*U) []U {
		var kept []U
		for _, v := range vs {
			if v != nil {
				kept = append(kept, *v)
			}
		}
		return kept
	})
}

// PartitionS splits xs into the elements for which f holds (First) and the
// others (Second), keeping their order and testing them in turn.
func PartitionS[T any](xs []T, f func(T) lwt.Promise[bool]) lwt.Promise[lwt.Pair[[]T, []T]] {
	var parts lwt.Pair[[]T, []T]
	done := sequence(len(xs), each(xs, f), func(i int, ok bool) bool {
		if ok {
			parts.First = append(parts.First, xs[i])
		} else {
			parts.Second = append(parts.Second, xs[i])
		}
		return true
	})
	return lwt.Map(done, func(lwt.Unit) lwt.Pair[[]T, []T] { return parts })
}

// PartitionP is PartitionS, testing all the elements at once.
func PartitionP[T any](xs []T, f func(T) lwt.Promise[bool]) lwt.Promise[lwt.Pair[[]T, []T]] {
	return lwt.Map(MapP(xs, f), func(oks []bool) lwt.Pair[[]T, []T] {
		var parts lwt.Pair[[]T, []T]
		for i, ok := range oks {
			if ok {
				parts.First = append(parts.First, xs[i])
			} else {
				parts.Second = append(parts.Second, xs[i])
			}
		}
		return parts
	})
}

// bounded calls step(0), step(1) ... step(count-1) in order with at most n of
// their promises pending at once. Once one fails, no further step starts and
// the result fails with that error when the steps in progress are resolved.
func bounded(count, n int, step func(int) lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit] {
	if n < 1 {
		panic("lwtlist: at most n at once needs n >= 1")
	}
	next, failed := 0, false
	stop := func(err error) lwt.Promise[lwt.Unit] {
		failed = true
		return lwt.Fail[lwt.Unit](err)
	}
	// A lane runs steps one after the other; n lanes run side by side.
	var lane func(lwt.Unit) lwt.Promise[lwt.Unit]
	lane = func(lwt.Unit) lwt.Promise[lwt.Unit] {
		if next == count || failed {
			return lwt.ReturnUnit()
		}
		i := next
		next++
		return lwt.TryBind(func() lwt.Promise[lwt.Unit] { return step(i) }, lane, stop)
	}
	lanes := make([]lwt.Promise[lwt.Unit], min(n, count))
	for i := range lanes {
		lanes[i] = lane(lwt.Unit{})
	}
	return lwt.Join(lanes...)
}

// IterN calls f on the elements of xs in order, with at most n of its
// promises pending at once. If one fails, f is called on no further element,
// and the result fails with that error once the calls in progress are
// resolved. It panics if n < 1.
func IterN[T any](xs []T, n int, f func(T) lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit] {
	return bounded(len(xs), n, each(xs, f))
}

// MapN is IterN giving the values of f in the order of xs, as MapP does.
func MapN[T, U any](xs []T, n int, f func(T) lwt.Promise[U]) lwt.Promise[[]U] {
	out := make([]U, len(xs))
	step := func(i int) lwt.Promise[lwt.Unit] {
		return lwt.Map(f(xs[i]), func(v U) lwt.Unit { out[i] = v; return lwt.Unit{} })
	}
	return lwt.Map(bounded(len(xs), n, step), value(out))
}
