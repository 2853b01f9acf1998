// Package lwtresult handles expected errors as values: Lwt_result.
//
// A promise can fail, and its failure travels through Bind like an
// exception: that suits what should not happen (a panic, a cancellation,
// a broken connection). Errors that are part of an operation's answer (no
// such user, wrong password) are often better kept as data, so that the
// caller must look at them and cannot forget them. A Promise of this package
// is fulfilled with a Result: Ok with a value, or Error with an error. Its
// own failure still means that something went wrong.
//
// Map and Bind work on the Ok side and pass an Error through; MapError and
// BindError work on the Error side. Catch turns a failing promise into one
// fulfilled with an Error, and GetExn turns it back.
package lwtresult

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// Result is either Ok, holding Value, or Error, holding Err (not nil). The
// zero Result is Ok with the zero value.
type Result[T any] struct {
	Value T
	Err   error
}

// Ok returns a Result holding v.
func Ok[T any](v T) Result[T] { return Result[T]{Value: v} }

// Error returns a Result holding err. It panics if err is nil.
func Error[T any](err error) Result[T] {
	if err == nil {
		panic("lwtresult.Error: nil error")
	}
	return Result[T]{Err: err}
}

// Get returns the value and error of r, the usual Go pair.
func (r Result[T]) Get() (T, error) { return r.Value, r.Err }

// IsOk reports whether r holds a value.
func (r Result[T]) IsOk() bool { return r.Err == nil }

// String prints r as OCaml does: "Ok v" or "Error err".
func (r Result[T]) String() string {
	if r.Err != nil {
		return fmt.Sprintf("Error %v", r.Err)
	}
	return fmt.Sprintf("Ok %v", r.Value)
}

// Promise is a promise of a Result: Lwt_result.t.
type Promise[T any] = lwt.Promise[Result[T]]

// Return returns a promise fulfilled with Ok(v).
func Return[T any](v T) Promise[T] { return lwt.Return(Ok(v)) }

// Fail returns a promise fulfilled with Error(err): Lwt_result.fail. The
// promise itself does not fail.
func Fail[T any](err error) Promise[T] { return lwt.Return(Error[T](err)) }

// Catch calls f and fulfills the result with Ok of its value, or with Error
// of its failure (or panic).
func Catch[T any](f func() lwt.Promise[T]) Promise[T] {
	return lwt.Catch(
		func() Promise[T] { return lwt.Map(f(), Ok[T]) },
		func(err error) Promise[T] { return Fail[T](err) })
}

// GetExn is the reverse of Catch: the result is fulfilled with the value of
// an Ok and fails with the error of an Error.
func GetExn[T any](p Promise[T]) lwt.Promise[T] {
	return lwt.Bind(p, func(r Result[T]) lwt.Promise[T] { return lwt.OfResult(r.Get()) })
}

// Map applies f to the value of an Ok; an Error passes through.
func Map[T, U any](p Promise[T], f func(T) U) Promise[U] {
	return lwt.Map(p, func(r Result[T]) Result[U] {
		if r.Err != nil {
			return Result[U]{Err: r.Err}
		}
		return Ok(f(r.Value))
	})
}

// MapError applies f to the error of an Error; an Ok passes through. f must
// not return nil.
func MapError[T any](p Promise[T], f func(error) error) Promise[T] {
	return lwt.Map(p, func(r Result[T]) Result[T] {
		if r.Err != nil {
			return Error[T](f(r.Err))
		}
		return r
	})
}

// Bind continues with f on the value of an Ok; an Error passes through and
// f is not called.
func Bind[T, U any](p Promise[T], f func(T) Promise[U]) Promise[U] {
	return lwt.Bind(p, func(r Result[T]) Promise[U] {
		if r.Err != nil {
			return lwt.Return(Result[U]{Err: r.Err})
		}
		return f(r.Value)
	})
}

// BindError continues with f on the error of an Error, which may recover
// from it; an Ok passes through and f is not called.
func BindError[T any](p Promise[T], f func(error) Promise[T]) Promise[T] {
	return lwt.Bind(p, func(r Result[T]) Promise[T] {
		if r.Err != nil {
			return f(r.Err)
		}
		return lwt.Return(r)
	})
}

// Both waits for a and b. The result is Ok with both values if both are Ok,
// and otherwise the Error that came first. A failure of either promise fails
// the result, as with lwt.Both.
func Both[A, B any](a Promise[A], b Promise[B]) Promise[lwt.Pair[A, B]] {
	var first error
	note := func(err error) error {
		if first == nil {
			first = err
		}
		return err
	}
	both := lwt.Both(MapError(a, note), MapError(b, note))
	return lwt.Map(both, func(p lwt.Pair[Result[A], Result[B]]) Result[lwt.Pair[A, B]] {
		if first != nil {
			return Error[lwt.Pair[A, B]](first)
		}
		return Ok(lwt.Pair[A, B]{First: p.First.Value, Second: p.Second.Value})
	})
}
