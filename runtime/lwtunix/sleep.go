package lwtunix

import (
	"errors"
	"time"

	"github.com/lwtgo/lwt/runtime/engine"
	"github.com/lwtgo/lwt/runtime/lwt"
)

// ErrTimeout is the failure of [Timeout], and so of [WithTimeout] when time
// runs out: Lwt_unix.Timeout.
var ErrTimeout = errors.New("lwtunix: timeout")

// Sleep returns a promise fulfilled after d: Lwt_unix.sleep. It registers a
// one-shot timer with the engine in use; a d of 0 or less fires on the next
// iteration of the engine, not at once.
//
// The promise is cancelable (a task): canceling it rejects it with
// lwt.ErrCanceled and stops its timer, so that the engine forgets it at once.
func Sleep(d time.Duration) lwt.Promise[lwt.Unit] {
	p, r := lwt.Task[lwt.Unit]()
	ev := engine.OnTimer(d, false, func(*engine.Event) { lwt.Wakeup(r, lwt.Unit{}) })
	lwt.OnCancel(p, ev.Stop)
	return p
}

// Timeout returns a promise rejected with [ErrTimeout] after d, unless it is
// canceled first, which stops its timer: Lwt_unix.timeout.
func Timeout[T any](d time.Duration) lwt.Promise[T] {
	return lwt.Bind(Sleep(d), failTimeout[T])
}

func failTimeout[T any](lwt.Unit) lwt.Promise[T] { return lwt.Fail[T](ErrTimeout) }

// WithTimeout calls f and resolves as its promise does, unless d passes
// first: then f's promise is canceled and the result fails with
// [ErrTimeout]. It is lwt.Pick of Timeout(d) and f's promise:
// Lwt_unix.with_timeout. A panic in f fails the result.
func WithTimeout[T any](d time.Duration, f func() lwt.Promise[T]) lwt.Promise[T] {
	return lwt.Pick(Timeout[T](d), lwt.Apply(applyThunk[T], f))
}

func applyThunk[T any](f func() lwt.Promise[T]) lwt.Promise[T] { return f() }
