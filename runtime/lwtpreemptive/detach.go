package lwtpreemptive

import (
	"errors"

	"github.com/lwtgo/lwt/runtime/internal/inbox"
	"github.com/lwtgo/lwt/runtime/lwt"
)

// errGoexit is the failure of a detached function that called
// runtime.Goexit.
var errGoexit = errors.New("lwtpreemptive: detached function called runtime.Goexit")

// Detach runs f on a worker of the pool and returns a promise that the loop
// resolves with f's result: Lwt_preemptive.detach. A panic in f rejects the
// promise with the *lwt.PanicError of lwt.PanicFailure. If every worker is
// busy, f waits in the queue; if the queue is full, the promise is rejected
// with [ErrQueueFull] and f does not run.
//
// The promise can be canceled: f then never runs if it is still queued; if
// it runs already, it goes on to its end and its result is dropped.
//
// Detach belongs to the loop's goroutine, like the rest of lwt. f runs on
// another goroutine: it must not touch promises or other loop state, and
// calls [RunInMain] for that.
func Detach[T any](f func() (T, error)) lwt.Promise[T] {
	if f == nil {
		panic("lwtpreemptive.Detach: nil function")
	}
	p, r := lwt.Task[T]()
	d := &detached[T]{f: f, r: r}
	switch thePool.submit(d) {
	case queueFull:
		lwt.WakeupExn(r, ErrQueueFull)
		return p
	case handed:
		inbox.Handoff()
	}
	lwt.OnCancel(p, func() { thePool.cancel(d) })
	return p
}

// detached is the job of a Detach.
type detached[T any] struct {
	f   func() (T, error)
	r   lwt.Resolver[T]
	v   T
	err error
	st  jobState
}

func (d *detached[T]) state() *jobState { return &d.st }

func (d *detached[T]) work() {
	returned := false
	defer func() {
		if !returned {
			d.v = *new(T)
			if x := recover(); x != nil {
				d.err = lwt.PanicFailure(x)
			} else {
				d.err = errGoexit
			}
		}
		d.f = nil
		inbox.Post(d.resolve)
	}()
	d.v, d.err = d.f()
	returned = true
}

// resolve runs on the loop. Waking a canceled promise does nothing.
func (d *detached[T]) resolve() { lwt.WakeupResult(d.r, d.v, d.err) }
