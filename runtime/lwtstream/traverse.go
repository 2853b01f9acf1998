package lwtstream

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtseq"
)

// Fold removes all the elements of s and combines them from first to last:
// acc = f(acc, x) for each element x, starting from init.
func Fold[T, A any](s *Stream[T], init A, f func(A, T) A) lwt.Promise[A] {
	acc := init
	done := walk(s, takeFirst, func(x T) lwt.Promise[bool] {
		acc = f(acc, x)
		return lwt.Return(true)
	})
	return lwt.Map(done, func(lwt.Unit) A { return acc })
}

// FoldS is [Fold] with a function that returns a promise.
func FoldS[T, A any](s *Stream[T], init A, f func(A, T) lwt.Promise[A]) lwt.Promise[A] {
	acc := init
	done := walk(s, takeFirst, func(x T) lwt.Promise[bool] {
		p := f(acc, x)
		if p.IsSleeping() {
			return lwt.Map(p, func(a A) bool { acc = a; return true })
		}
		a, err := p.Result()
		acc = a
		return lwt.OfResult(true, err)
	})
	return lwt.Map(done, func(lwt.Unit) A { return acc })
}

// Iter removes the elements of s and calls f on each, in order, until the
// stream ends.
func Iter[T any](s *Stream[T], f func(T)) lwt.Promise[lwt.Unit] {
	return walk(s, takeFirst, func(x T) lwt.Promise[bool] {
		f(x)
		return lwt.Return(true)
	})
}

// IterS is [Iter] with a function that returns a promise: each element is
// read once the promise of the previous call is fulfilled. If it fails,
// IterS stops with that failure.
func IterS[T any](s *Stream[T], f func(T) lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit] {
	return walk(s, takeFirst, func(x T) lwt.Promise[bool] { return lwt.Map(f(x), goOn) })
}

// goOn is not a func literal of a generic function, so using it allocates
// nothing.
func goOn(lwt.Unit) bool { return true }

// IterP calls f on each element of s as soon as it is read, without waiting
// for the promises of earlier calls. The result is fulfilled once the stream
// has ended and every call's promise is fulfilled. At the first failure of a
// call or of the source, IterP stops reading (a pending read is canceled,
// which consumes nothing), waits for the calls still running and fails.
func IterP[T any](s *Stream[T], f func(T) lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit] {
	return lwtseq.IterP(s.seq(), f)
}

// IterN is [IterP] with at most n calls of f pending at a time: the next
// element is read only when there is room for another call. Elements are not
// necessarily processed in order. IterN panics if n < 1.
func IterN[T any](s *Stream[T], n int, f func(T) lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit] {
	if n < 1 {
		panic(fmt.Sprintf("lwtstream.IterN: max concurrency must be at least 1, got %d", n))
	}
	return lwtseq.IterN(s.seq(), n, f)
}

// Find removes elements of s up to the first that satisfies f, and returns
// it, or None if the stream ends first.
func Find[T any](s *Stream[T], f func(T) bool) lwt.Promise[Option[T]] {
	return FindMap(s, func(x T) (T, bool) { return x, f(x) })
}

// FindS is [Find] with a predicate that returns a promise.
func FindS[T any](s *Stream[T], f func(T) lwt.Promise[bool]) lwt.Promise[Option[T]] {
	return FindMapS(s, func(x T) lwt.Promise[Option[T]] {
		return lwt.Map(f(x), func(ok bool) Option[T] { return Option[T]{Value: x, OK: ok} })
	})
}

// FindMap removes elements of s up to the first for which f returns true as
// its second result, and returns f's first result for it, or None if the
// stream ends first.
func FindMap[T, U any](s *Stream[T], f func(T) (U, bool)) lwt.Promise[Option[U]] {
	var found Option[U]
	done := walk(s, takeFirst, func(x T) lwt.Promise[bool] {
		found.Value, found.OK = f(x)
		return lwt.Return(!found.OK)
	})
	return lwt.Map(done, func(lwt.Unit) Option[U] { return found })
}

// FindMapS is [FindMap] with a function that returns a promise.
func FindMapS[T, U any](s *Stream[T], f func(T) lwt.Promise[Option[U]]) lwt.Promise[Option[U]] {
	var found Option[U]
	done := walk(s, takeFirst, func(x T) lwt.Promise[bool] {
		return lwt.Map(f(x), func(o Option[U]) bool { found = o; return !o.OK })
	})
	return lwt.Map(done, func(lwt.Unit) Option[U] { return found })
}
