package lwt_test

import (
	"errors"
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
)

func TestBindResult(t *testing.T) {
	boom := errors.New("boom")
	show := func(v int, err error) lwt.Promise[string] {
		if err != nil {
			return lwt.Return("failed: " + err.Error())
		}
		return lwt.Return("got " + string(rune('0'+v)))
	}
	check := func(name string, p lwt.Promise[string], want string) {
		t.Helper()
		if v, err := p.Result(); err != nil || v != want {
			t.Errorf("%s: got %q, %v; want %q", name, v, err, want)
		}
	}
	check("fulfilled", lwt.BindResult(lwt.Return(4), show), "got 4")
	check("rejected", lwt.BindResult(lwt.Fail[int](boom), show), "failed: boom")

	p, r := lwt.Wait[int]()
	q := lwt.BindResult(p, show)
	if !q.IsSleeping() {
		t.Fatal("resolved before its promise")
	}
	lwt.Wakeup(r, 7)
	check("pending fulfilled", q, "got 7")

	p, r = lwt.Wait[int]()
	q = lwt.BindResult(p, show)
	lwt.WakeupExn(r, boom)
	check("pending rejected", q, "failed: boom")

	panicky := lwt.BindResult(lwt.Return(1), func(int, error) lwt.Promise[int] { panic("oops") })
	var pe *lwt.PanicError
	if _, err := panicky.Result(); !errors.As(err, &pe) {
		t.Errorf("a panic gave %v, want a *PanicError", err)
	}

	// Canceling the result cancels the promise waited for, and f sees it.
	task, _ := lwt.Task[int]()
	var seen error
	q = lwt.BindResult(task, func(_ int, err error) lwt.Promise[string] {
		seen = err
		return lwt.Fail[string](err)
	})
	lwt.Cancel(q)
	if !errors.Is(seen, lwt.ErrCanceled) || !errors.Is(task.State().Err, lwt.ErrCanceled) {
		t.Errorf("cancel: f saw %v, task is %v", seen, task)
	}
}

func TestOnTerminationOnce(t *testing.T) {
	n := 0
	p, r := lwt.Wait[int]()
	lwt.OnTermination(p, func() { n++ })
	lwt.OnTermination(lwt.Return(1), func() { n++ })
	lwt.OnTermination(lwt.Fail[int](errors.New("x")), func() { n++ })
	if n != 2 {
		t.Fatalf("called %d times before the wakeup, want 2", n)
	}
	lwt.Wakeup(r, 1)
	if n != 3 {
		t.Fatalf("called %d times, want 3", n)
	}
}
