package lwtunix_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// Canceling the context from another goroutine cancels the promise.
func TestWithContextCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	sleep := lwtunix.Sleep(time.Hour)
	p := lwtunix.WithContext(ctx, sleep)
	go func() {
		time.Sleep(time.Millisecond)
		cancel()
	}()
	err := runErr(t, p)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("WithContext: %v, want context.Canceled", err)
	}
	if _, err := sleep.Result(); !errors.Is(err, lwt.ErrCanceled) {
		t.Fatalf("the promise is %v, want canceled", sleep)
	}
	if n := lwtunix.NotificationCount(); n != 0 {
		t.Fatalf("%d notifications live", n)
	}
}

// A deadline, and a cause, give their error.
func TestWithContextDeadlineAndCause(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if err := runErr(t, lwtunix.WithContext(ctx, lwtunix.Sleep(time.Hour))); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline: %v", err)
	}
	why := errors.New("shutting down")
	ctx2, cancel2 := context.WithCancelCause(context.Background())
	p := lwtunix.WithContext(ctx2, lwtunix.Sleep(time.Hour))
	cancel2(why)
	if err := runErr(t, p); !errors.Is(err, why) {
		t.Fatalf("cause: %v", err)
	}
}

// When the promise resolves first, the context is let go: nothing is left
// registered, and a later cancel does nothing.
func TestWithContextResolvesFirst(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := lwtunix.WithContext(ctx, lwt.Map(lwtunix.Sleep(time.Millisecond), func(lwt.Unit) int { return 7 }))
	if v := runLoop(t, p); v != 7 {
		t.Fatalf("got %d", v)
	}
	if n := lwtunix.NotificationCount(); n != 0 {
		t.Fatalf("%d notifications live", n)
	}
	cancel()
	runLoop(t, lwtunix.Sleep(time.Millisecond))
	if v, err := p.Result(); v != 7 || err != nil {
		t.Fatalf("after cancel: %v %v", v, err)
	}
}

// A context done already cancels at once; one that is never done, or a
// resolved promise, is passed through; canceling the result cancels p.
func TestWithContextEdges(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sleep := lwtunix.Sleep(time.Hour)
	p := lwtunix.WithContext(ctx, sleep)
	if _, err := p.Result(); !errors.Is(err, context.Canceled) || sleep.IsSleeping() {
		t.Fatalf("done context: %v, promise %v", p, sleep)
	}
	if v, err := lwtunix.WithContext(ctx, lwt.Return(1)).Result(); v != 1 || err != nil {
		t.Fatalf("resolved promise: %v %v", v, err)
	}
	sleep = lwtunix.Sleep(time.Hour)
	if p := lwtunix.WithContext(context.Background(), sleep); p != sleep {
		t.Fatal("background context: not the same promise")
	}
	lwt.Cancel(sleep)
	ctx3, cancel3 := context.WithCancel(context.Background())
	defer cancel3()
	sleep = lwtunix.Sleep(time.Hour)
	p = lwtunix.WithContext(ctx3, sleep)
	lwt.Cancel(p)
	if _, err := sleep.Result(); !errors.Is(err, lwt.ErrCanceled) || lwtunix.NotificationCount() != 0 {
		t.Fatalf("canceled result: promise %v, %d notifications", sleep, lwtunix.NotificationCount())
	}
}

// Done is fulfilled when the context is done, and fails if canceled itself.
func TestDone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(time.Millisecond)
		cancel()
	}()
	if _, err := lwtmain.Run(lwtunix.Done(ctx)); err != nil {
		t.Fatalf("Done: %v", err)
	}
	if _, err := lwtmain.Run(lwtunix.Done(ctx)); err != nil {
		t.Fatalf("Done of a context done already: %v", err)
	}
	p := lwtunix.Done(context.Background())
	if !p.IsSleeping() {
		t.Fatalf("Done of a context that cannot be done is %v", p)
	}
	lwt.Cancel(p)
	if _, err := p.Result(); !errors.Is(err, lwt.ErrCanceled) {
		t.Fatalf("canceled Done is %v", p)
	}
}
