package lwtunix

import (
	"context"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// WithContext ties p to ctx: the result resolves as p does, unless ctx is
// done first; then p is canceled (lwt.Cancel) and the result fails with
// context.Cause(ctx), which is ctx.Err() unless the context was canceled
// with a cause. If ctx is done already, p is canceled at once. If p is
// resolved already, or ctx can never be done (context.Background), p itself
// is returned.
//
// ctx may be canceled from any goroutine, or reach its deadline: the loop
// learns of it through a notification, which lives as long as the result
// is pending. Canceling the result cancels p too.
func WithContext[T any](ctx context.Context, p lwt.Promise[T]) lwt.Promise[T] {
	if ctx.Done() == nil || !p.IsSleeping() {
		return p
	}
	if ctx.Err() != nil {
		lwt.Cancel(p)
		return lwt.Fail[T](context.Cause(ctx))
	}
	done, r := lwt.Task[T]()
	id := MakeNotification(func() { lwt.WakeupExn(r, context.Cause(ctx)) }, true)
	stop := context.AfterFunc(ctx, func() { SendNotification(id) })
	// done is canceled by Pick when p resolves first, and when the result
	// is canceled.
	lwt.OnCancel(done, func() {
		stop()
		StopNotification(id)
	})
	return lwt.Pick(done, p)
}

// Done returns a promise fulfilled once ctx is done: a thread can wait for a
// context as for any promise (a server, until it is told to stop). For a
// context that can never be done it stays pending. Canceling it fails it with
// lwt.ErrCanceled.
func Done(ctx context.Context) lwt.Promise[lwt.Unit] {
	never, _ := lwt.Task[lwt.Unit]()
	return lwt.BindResult(WithContext(ctx, never), func(_ lwt.Unit, err error) lwt.Promise[lwt.Unit] {
		if ctx.Err() != nil {
			return lwt.ReturnUnit()
		}
		return lwt.Fail[lwt.Unit](err)
	})
}
