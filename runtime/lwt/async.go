package lwt

import (
	"fmt"
	"os"
)

// Async runs f for its effects, without waiting for its result. If f panics
// or its promise fails, now or later, the error goes to the async exception
// hook (see [SetAsyncExceptionHook]).
func Async[T any](f func() Promise[T]) {
	DontWait(f, func(err error) { hook(err) })
}

// DontWait runs f for its effects and calls h with the error if f panics or
// its promise fails, now or later. A panic in h goes to the async exception
// hook.
func DontWait[T any](f func() Promise[T], h func(error)) {
	OnFailure(thunk(f), h)
}

// SetAsyncExceptionHook replaces the function that receives failures nobody
// waits for (from [Async], and panics in [OnSuccess] and the other On
// callbacks), and returns the previous one. The default prints the error to
// standard error and exits the program with status 2, as Lwt's does. A nil h
// restores the default.
func SetAsyncExceptionHook(h func(error)) (previous func(error)) {
	previous = hook
	if h == nil {
		h = defaultAsyncHook
	}
	hook = h
	return previous
}

func defaultAsyncHook(err error) {
	fmt.Fprintf(os.Stderr, "lwt: unhandled failure in an async thread: %+v\n", err)
	os.Exit(2)
}

// Apply calls f(x), turning a panic into a failed promise: Lwt's apply.
func Apply[A, T any](f func(A) Promise[T], x A) (r Promise[T]) {
	defer func() {
		if v := recover(); v != nil {
			r = Promise[T]{err: newPanicError(v)}
		}
	}()
	return f(x)
}

// Wrap calls f and makes a resolved promise of what it returns: fulfilled
// with its value, or rejected with its error or its panic. Lwt's wrap, for Go
// functions that return (T, error).
func Wrap[T any](f func() (T, error)) (r Promise[T]) {
	defer func() {
		if v := recover(); v != nil {
			r = Promise[T]{err: newPanicError(v)}
		}
	}()
	return OfResult(f())
}
