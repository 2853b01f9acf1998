package lwt_test

// Tests of the behaviours of Lwt's core that the port keeps: resolving and
// waking, bind and map, callbacks and their order, cancellation, the
// combinators (join, choose, pick and their n- variants), finalize and
// catch, storage keys and pauses. They are numbered (TestItemN, "Item N" in
// the comments) and many follow cases of Lwt's own test suite
// (test/core/test_lwt.ml in Lwt's repository). An item marked "differs" is a
// behaviour where the port departs from Lwt on purpose (see "Differences
// from Lwt" in the package documentation): its test checks the port's
// behaviour and says what Lwt does.
//
// The runtime is single-threaded with package-level state: no test here is
// parallel.

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// Item 1: Waking the same resolver twice fails loudly, naming the call
// (Invalid_argument "Lwt.wakeup").
func TestItem01WakeupTwicePanics(t *testing.T) {
	wakers := []struct {
		name string
		wake func(lwt.Resolver[int])
	}{
		{"lwt.Wakeup", func(r lwt.Resolver[int]) { lwt.Wakeup(r, 2) }},
		{"lwt.WakeupExn", func(r lwt.Resolver[int]) { lwt.WakeupExn(r, errE) }},
		{"lwt.WakeupResult", func(r lwt.Resolver[int]) { lwt.WakeupResult(r, 2, nil) }},
		{"lwt.WakeupLater", func(r lwt.Resolver[int]) { lwt.WakeupLater(r, 2) }},
		{"lwt.WakeupLaterExn", func(r lwt.Resolver[int]) { lwt.WakeupLaterExn(r, errE) }},
		{"lwt.WakeupLaterResult", func(r lwt.Resolver[int]) { lwt.WakeupLaterResult(r, 0, errE) }},
	}
	makers := []struct {
		name string
		make func() (lwt.Promise[int], lwt.Resolver[int])
	}{
		{"wait", lwt.Wait[int]},
		{"task", lwt.Task[int]},
	}
	for _, mk := range makers {
		for _, w := range wakers {
			// First resolved by a fulfilment, then by a (non-cancel) rejection.
			for _, first := range []string{"fulfilled", "rejected"} {
				t.Run(mk.name+"/"+first+"/"+w.name, func(t *testing.T) {
					p, r := mk.make()
					ran := 0
					lwt.OnAny(p, func(int) { ran++ }, func(error) { ran++ })
					want := "Return 1"
					if first == "fulfilled" {
						lwt.Wakeup(r, 1)
					} else {
						lwt.WakeupExn(r, errX)
						want = "Fail Exit"
					}
					msg := mustPanic(t, w.name, func() { w.wake(r) })
					if !mentions(msg, w.name) {
						t.Errorf("panic %q does not name %s", msg, w.name)
					}
					expectState(t, "after the second wakeup", p, want)
					if ran != 1 {
						t.Errorf("callback ran %d times, want 1", ran)
					}
				})
			}
		}
	}
	// The runtime still works after such a panic.
	p, r := lwt.Wait[int]()
	q := lwt.Map(p, func(x int) int { return x + 1 })
	lwt.Wakeup(r, 41)
	expectState(t, "after the panics", q, "Return 42")
}

// Item 2: A canceled task that is then woken stays Fail Canceled; the wakeup
// is ignored.
func TestItem02WakeupCanceledIgnored(t *testing.T) {
	wakers := map[string]func(lwt.Resolver[string]){
		"Wakeup":            func(r lwt.Resolver[string]) { lwt.Wakeup(r, "foo") },
		"WakeupExn":         func(r lwt.Resolver[string]) { lwt.WakeupExn(r, errE) },
		"WakeupResult":      func(r lwt.Resolver[string]) { lwt.WakeupResult(r, "foo", nil) },
		"WakeupLater":       func(r lwt.Resolver[string]) { lwt.WakeupLater(r, "foo") },
		"WakeupLaterExn":    func(r lwt.Resolver[string]) { lwt.WakeupLaterExn(r, errE) },
		"WakeupLaterResult": func(r lwt.Resolver[string]) { lwt.WakeupLaterResult(r, "", errE) },
	}
	for name, wake := range wakers {
		t.Run(name, func(t *testing.T) {
			p, r := lwt.Task[string]()
			var ev events
			lwt.OnAny(p, func(v string) { ev.add("ok %s", v) }, func(err error) { ev.add("ko %v", err) })
			lwt.Cancel(p)
			ev.expect(t, "ko "+lwt.ErrCanceled.Error())
			wake(r) // must not panic
			expectCanceled(t, "woken after cancel", p)
			ev.expect(t, "ko "+lwt.ErrCanceled.Error())
		})
	}
	// Same from inside a callback, where WakeupLater defers.
	t.Run("inside a callback", func(t *testing.T) {
		p, r := lwt.Task[string]()
		lwt.Cancel(p)
		trigger, tr := lwt.Wait[lwt.Unit]()
		done := lwt.Map(trigger, func(lwt.Unit) string {
			lwt.WakeupLater(r, "foo")
			lwt.Wakeup(r, "bar")
			return p.State().String()
		})
		lwt.Wakeup(tr, unit)
		expectState(t, "callback result", done, "Return "+canceledState)
		expectCanceled(t, "task", p)
	})
}

func panicWithE() lwt.Promise[int] { panic(errE) }

// Item 3 (differs): bind (return x) (fun _ -> raise E) raises E synchronously
// in Lwt; here the panic becomes a failed promise carrying the panic and its
// stack.
func TestItem03BindPanicBecomesFailure(t *testing.T) {
	var q lwt.Promise[int]
	func() {
		defer func() {
			if x := recover(); x != nil {
				t.Fatalf("panic escaped Bind synchronously: %v", x)
			}
		}()
		q = lwt.Bind(lwt.Return(1), func(int) lwt.Promise[int] { return panicWithE() })
	}()
	pe := expectPanicError(t, "bind on resolved", q, error(errE))
	if pe != nil && !strings.Contains(string(pe.Stack), "panicWithE") {
		t.Errorf("PanicError.Stack does not show the panicking function:\n%s", pe.Stack)
	}
	if pe != nil && !strings.Contains(fmt.Sprintf("%+v", pe), "panicWithE") {
		t.Errorf("%%+v of a PanicError does not print its stack: %+v", pe)
	}

	// A non-error panic value is kept as is.
	q2 := lwt.Bind(lwt.Return(1), func(int) lwt.Promise[int] { panic("boom") })
	expectPanicError(t, "panic with a string", q2, any("boom"))
	var target *myErr
	if errors.As(q2.State().Err, &target) {
		t.Errorf("errors.As found a *myErr in a string panic")
	}

	// errors.As sees through to an error panic value.
	q3 := lwt.Bind(lwt.Return(1), func(int) lwt.Promise[int] { panic(&myErr{"mine"}) })
	if !errors.As(q3.State().Err, &target) || target.s != "mine" {
		t.Errorf("errors.As(%v, *myErr) failed", q3.State().Err)
	}

	// Pending, then fulfilled: the wakeup does not panic either.
	p, r := lwt.Wait[int]()
	q4 := lwt.Bind(p, func(int) lwt.Promise[int] { return panicWithE() })
	expectState(t, "pending bind", q4, "Sleep")
	func() {
		defer func() {
			if x := recover(); x != nil {
				t.Fatalf("panic escaped Wakeup: %v", x)
			}
		}()
		lwt.Wakeup(r, 1)
	}()
	expectPanicError(t, "bind on pending, then woken", q4, error(errE))

	// A callback that returns a failed promise fails the result with that
	// very error.
	q5 := lwt.Bind(lwt.Return(1), func(int) lwt.Promise[int] { return lwt.Fail[int](errE) })
	expectFailedWith(t, "bind returning Fail", q5, errE)
}

type myErr struct{ s string }

func (e *myErr) Error() string { return e.s }

// Item 4: map on a resolved promise whose function raises gives a failed
// promise.
func TestItem04MapPanicBecomesFailure(t *testing.T) {
	q := lwt.Map(lwt.Return(1), func(int) int { panic(errE) })
	expectPanicError(t, "map on resolved", q, error(errE))

	p, r := lwt.Wait[int]()
	q2 := lwt.Map(p, func(int) int { panic(errE) })
	expectState(t, "map on pending", q2, "Sleep")
	lwt.Wakeup(r, 1)
	expectPanicError(t, "map on pending, then woken", q2, error(errE))

	// And without a panic, map maps.
	expectState(t, "map", lwt.Map(lwt.Return(41), func(x int) int { return x + 1 }), "Return 42")
	ran := false
	expectFailedWith(t, "map on failed", lwt.Map(lwt.Fail[int](errE), func(x int) int { ran = true; return x }), errE)
	if ran {
		t.Error("map's function ran on a failed promise")
	}
}

// Item 5: bind on a failed promise never calls its function; the result fails
// with the same error.
func TestItem05BindOnFailedSkipsFunction(t *testing.T) {
	ran := false
	f := func(int) lwt.Promise[int] { ran = true; return lwt.Return(0) }
	expectFailedWith(t, "bind on Fail", lwt.Bind(lwt.Fail[int](errE), f), errE)

	p, r := lwt.Wait[int]()
	q := lwt.Bind(p, f)
	lwt.WakeupExn(r, errE)
	expectFailedWith(t, "bind on pending, rejected", q, errE)

	// A promise that was rejected through its resolver before the bind.
	p2, r2 := lwt.Task[int]()
	lwt.WakeupExn(r2, errX)
	expectFailedWith(t, "bind on rejected node", lwt.Bind(p2, f), errX)

	// The same for a long chain: every link skips its function.
	p3, r3 := lwt.Wait[int]()
	c := p3
	for range 100 {
		c = lwt.Bind(c, f)
	}
	lwt.WakeupExn(r3, errE)
	expectFailedWith(t, "chain of binds", c, errE)
	if ran {
		t.Error("bind's function ran on a failed promise")
	}
}

// Item 6: bind p1 (fun _ -> p2) stays asleep after p1 resolves, until p2
// resolves.
func TestItem06BindWaitsForInnerPromise(t *testing.T) {
	p1, r1 := lwt.Wait[int]()
	p2, r2 := lwt.Wait[string]()
	ran := 0
	q := lwt.Bind(p1, func(int) lwt.Promise[string] { ran++; return p2 })
	lwt.Wakeup(r1, 1)
	if ran != 1 {
		t.Fatalf("f ran %d times, want 1", ran)
	}
	expectState(t, "after p1", q, "Sleep")
	if !q.IsSleeping() {
		t.Error("IsSleeping = false after p1 only")
	}
	lwt.Wakeup(r2, "foo")
	expectState(t, "after p2", q, "Return foo")
	expectState(t, "p2", p2, "Return foo")

	// A failure of the inner promise fails the bind.
	p3, r3 := lwt.Wait[int]()
	p4, r4 := lwt.Wait[int]()
	q2 := lwt.Bind(p3, func(int) lwt.Promise[int] { return p4 })
	lwt.Wakeup(r3, 0)
	expectState(t, "after p3", q2, "Sleep")
	lwt.WakeupExn(r4, errE)
	expectFailedWith(t, "after p4 failed", q2, errE)

	// Lwt's "proxy chain": binds that return binds.
	p5, r5 := lwt.Wait[string]()
	p6, r6 := lwt.Wait[string]()
	p7 := lwt.Bind(p5, func(string) lwt.Promise[string] { return p6 })
	p8 := lwt.Bind(p5, func(string) lwt.Promise[string] { return p7 })
	p9 := lwt.Bind(p5, func(string) lwt.Promise[string] { return p8 })
	lwt.Wakeup(r5, "x")
	for i, p := range []lwt.Promise[string]{p7, p8, p9} {
		expectState(t, fmt.Sprint("proxy ", i), p, "Sleep")
	}
	var ev events
	lwt.OnSuccess(p9, func(s string) { ev.add("p9 %s", s) })
	lwt.OnSuccess(p7, func(s string) { ev.add("p7 %s", s) })
	lwt.Wakeup(r6, "bar")
	for i, p := range []lwt.Promise[string]{p6, p7, p8, p9} {
		expectState(t, fmt.Sprint("proxy ", i), p, "Return bar")
	}
	if len(ev) != 2 {
		t.Errorf("callbacks on the proxies ran: %q, want both once", ev)
	}

	// Lwt's "proxy during callback": the bind's own result becomes a proxy
	// while its function is still running.
	a1, ar1 := lwt.Wait[lwt.Unit]()
	a2, ar2 := lwt.Wait[lwt.Unit]()
	a3 := lwt.Bind(a1, func(lwt.Unit) lwt.Promise[bool] {
		lwt.Wakeup(ar2, unit)
		return lwt.Return(true)
	})
	a4 := lwt.Bind(a2, func(lwt.Unit) lwt.Promise[bool] { return a3 })
	lwt.Wakeup(ar1, unit)
	expectState(t, "proxy during callback", a4, "Return true")
	expectState(t, "proxy during callback (a3)", a3, "Return true")
}

// noHang runs f and crashes the test binary if it has not returned after 20
// seconds: a hang in the single-threaded runtime cannot be recovered from.
func noHang(what string, f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		panic(what + ": hangs")
	}
}

// Item 7: A self-referential bind cycle stays asleep and does not hang.
func TestItem07BindCycleStaysAsleep(t *testing.T) {
	var p2 lwt.Promise[lwt.Unit]
	var p4 lwt.Promise[lwt.Unit]
	noHang("bind cycle", func() {
		p, r := lwt.Wait[lwt.Unit]()
		p2 = lwt.ReturnUnit()
		p2 = lwt.Bind(p, func(lwt.Unit) lwt.Promise[lwt.Unit] { return p2 })
		lwt.Wakeup(r, unit)
	})
	expectState(t, "self cycle", p2, "Sleep")

	// A cycle through two binds.
	var p3 lwt.Promise[lwt.Unit]
	noHang("two-bind cycle", func() {
		a, ra := lwt.Wait[lwt.Unit]()
		b, rb := lwt.Wait[lwt.Unit]()
		p3 = lwt.Bind(a, func(lwt.Unit) lwt.Promise[lwt.Unit] { return p4 })
		p4 = lwt.Bind(b, func(lwt.Unit) lwt.Promise[lwt.Unit] { return p3 })
		lwt.Wakeup(ra, unit)
		lwt.Wakeup(rb, unit)
		lwt.Cancel(p3) // cancel walks the cycle without looping
		_ = lwt.Join(p3, p4)
	})
	expectState(t, "two-bind cycle p3", p3, "Sleep")
	expectState(t, "two-bind cycle p4", p4, "Sleep")
}

// Item 8 (differs): callbacks on one promise run in registration order (Lwt
// runs them LIFO).
func TestItem08CallbacksRunInRegistrationOrder(t *testing.T) {
	t.Run("fulfilled", func(t *testing.T) {
		var ev events
		p, r := lwt.Wait[int]()
		other, _ := lwt.Wait[int]()
		lwt.Bind(p, func(int) lwt.Promise[int] { ev.add("bind"); return lwt.Return(0) })
		lwt.Map(p, func(int) int { ev.add("map"); return 0 })
		lwt.OnSuccess(p, func(int) { ev.add("on_success") })
		lwt.TryBind(func() lwt.Promise[int] { return p },
			func(int) lwt.Promise[int] { ev.add("try_bind"); return lwt.Return(0) },
			func(error) lwt.Promise[int] { ev.add("try_bind ko"); return lwt.Return(0) })
		lwt.OnAny(p, func(int) { ev.add("on_any") }, func(error) { ev.add("on_any ko") })
		lwt.OnSuccess(lwt.Join(lwt.Map(p, func(int) lwt.Unit { return unit })), func(lwt.Unit) { ev.add("join") })
		lwt.OnTermination(p, func() { ev.add("on_termination") })
		lwt.OnSuccess(lwt.Choose(p, other), func(int) { ev.add("choose") })
		lwt.Finalize(func() lwt.Promise[int] { return p },
			func() lwt.Promise[lwt.Unit] { ev.add("finalize"); return lwt.ReturnUnit() })
		lwt.OnFailure(p, func(error) { ev.add("on_failure") })
		lwt.OnSuccess(lwt.All(p, lwt.Return(2)), func([]int) { ev.add("all") })
		lwt.OnSuccess(lwt.NChoose(p, other), func([]int) { ev.add("nchoose") })
		for i := range 12 {
			lwt.OnSuccess(p, func(int) { ev.add("n%d", i) })
		}
		ev.expect(t)
		lwt.Wakeup(r, 1)
		want := []string{"bind", "map", "on_success", "try_bind", "on_any", "join",
			"on_termination", "choose", "finalize", "all", "nchoose"}
		for i := range 12 {
			want = append(want, fmt.Sprintf("n%d", i))
		}
		ev.expect(t, want...)
	})
	t.Run("rejected", func(t *testing.T) {
		var ev events
		p, r := lwt.Wait[int]()
		lwt.OnFailure(lwt.Bind(p, func(int) lwt.Promise[int] { ev.add("bind f"); return lwt.Return(0) }),
			func(error) { ev.add("bind") })
		lwt.Catch(func() lwt.Promise[int] { return p },
			func(error) lwt.Promise[int] { ev.add("catch"); return lwt.Return(0) })
		lwt.OnFailure(p, func(error) { ev.add("on_failure") })
		lwt.TryBind(func() lwt.Promise[int] { return p },
			func(int) lwt.Promise[int] { ev.add("try_bind ok"); return lwt.Return(0) },
			func(error) lwt.Promise[int] { ev.add("try_bind"); return lwt.Return(0) })
		lwt.OnAny(p, func(int) { ev.add("on_any ok") }, func(error) { ev.add("on_any") })
		lwt.OnTermination(p, func() { ev.add("on_termination") })
		lwt.OnSuccess(p, func(int) { ev.add("on_success") })
		lwt.WakeupExn(r, errE)
		ev.expect(t, "bind", "catch", "on_failure", "try_bind", "on_any", "on_termination")
	})
	t.Run("canceled", func(t *testing.T) {
		var ev events
		p, _ := lwt.Task[int]()
		for i := range 10 {
			lwt.OnFailure(p, func(error) { ev.add("f%d", i) })
		}
		lwt.Cancel(p)
		ev.expect(t, "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9")
	})
	t.Run("after becoming a proxy", func(t *testing.T) {
		// Callbacks on the inner and outer promise of a bind both keep their
		// own order once the two are one.
		var ev events
		p1, r1 := lwt.Wait[lwt.Unit]()
		p2, r2 := lwt.Wait[int]()
		p3 := lwt.Bind(p1, func(lwt.Unit) lwt.Promise[int] { return p2 })
		lwt.OnSuccess(p3, func(int) { ev.add("outer 1") })
		lwt.OnSuccess(p2, func(int) { ev.add("inner 1") })
		lwt.OnSuccess(p3, func(int) { ev.add("outer 2") })
		lwt.OnSuccess(p2, func(int) { ev.add("inner 2") })
		lwt.Wakeup(r1, unit)
		lwt.OnSuccess(p2, func(int) { ev.add("late 1") })
		lwt.OnSuccess(p3, func(int) { ev.add("late 2") })
		lwt.Wakeup(r2, 0)
		if len(ev) != 6 {
			t.Fatalf("events = %q, want 6", ev)
		}
		order := func(a, b string) {
			if slices.Index(ev, a) > slices.Index(ev, b) {
				t.Errorf("%q ran after %q: %q", a, b, ev)
			}
		}
		order("outer 1", "outer 2")
		order("inner 1", "inner 2")
		order("outer 2", "late 1")
		order("inner 2", "late 1")
		order("late 1", "late 2")
	})
}

// Item 9: on_cancel callbacks run before the promise's regular callbacks.
func TestItem09OnCancelRunsFirst(t *testing.T) {
	var ev events
	p, _ := lwt.Task[int]()
	lwt.OnCancel(p, func() { ev.add("on_cancel 1") })
	lwt.OnFailure(p, func(err error) { ev.add("on_failure %v", errors.Is(err, lwt.ErrCanceled)) })
	lwt.Catch(func() lwt.Promise[int] { return p }, func(error) lwt.Promise[int] { ev.add("catch"); return lwt.Return(0) })
	lwt.OnCancel(p, func() { ev.add("on_cancel 2") })
	lwt.OnSuccess(p, func(int) { ev.add("on_success") })
	lwt.OnCancel(p, func() { ev.add("on_cancel 3") })
	lwt.Cancel(p)
	ev.expect(t, "on_cancel 1", "on_cancel 2", "on_cancel 3", "on_failure true", "catch")

	// A cancel hook does not run on other failures or on success.
	ran := false
	p2, r2 := lwt.Task[int]()
	lwt.OnCancel(p2, func() { ran = true })
	lwt.WakeupExn(r2, errE)
	p3, r3 := lwt.Task[int]()
	lwt.OnCancel(p3, func() { ran = true })
	lwt.Wakeup(r3, 1)
	if ran {
		t.Error("on_cancel ran on a promise that was not canceled")
	}

	// A panic in an on_cancel callback goes to the hook and does not stop
	// the others.
	got := captureHook(t)
	ev = nil
	p4, _ := lwt.Task[int]()
	lwt.OnCancel(p4, func() { panic(errE) })
	lwt.OnCancel(p4, func() { ev.add("second") })
	lwt.OnFailure(p4, func(error) { ev.add("failure") })
	lwt.Cancel(p4)
	ev.expect(t, "second", "failure")
	if len(*got) != 1 || !errors.Is((*got)[0], errE) {
		t.Errorf("hook got %v, want one error wrapping %v", *got, errE)
	}
}

// Item 10: on_cancel on a promise that is already Fail Canceled runs at once;
// rejecting with Canceled also triggers it.
func TestItem10OnCancelAlreadyCanceled(t *testing.T) {
	ran := 0
	lwt.OnCancel(lwt.Fail[int](lwt.ErrCanceled), func() { ran++ })
	if ran != 1 {
		t.Errorf("on_cancel on Fail Canceled ran %d times, want 1 (at once)", ran)
	}
	p, _ := lwt.Task[int]()
	lwt.Cancel(p)
	lwt.OnCancel(p, func() { ran++ })
	if ran != 2 {
		t.Errorf("on_cancel on a canceled task did not run at once")
	}
	lwt.OnCancel(lwt.Return(1), func() { ran += 100 })
	lwt.OnCancel(lwt.Fail[int](errE), func() { ran += 100 })
	p2, r2 := lwt.Wait[int]()
	lwt.WakeupExn(r2, errE)
	lwt.OnCancel(p2, func() { ran += 100 })
	if ran != 2 {
		t.Errorf("on_cancel ran on a promise not canceled (ran = %d)", ran)
	}

	// Rejecting a wait promise with Canceled is a cancellation: the hooks
	// run, before the regular callbacks.
	var ev events
	p3, r3 := lwt.Wait[int]()
	lwt.OnFailure(p3, func(error) { ev.add("failure") })
	lwt.OnCancel(p3, func() { ev.add("cancel") })
	lwt.WakeupExn(r3, lwt.ErrCanceled)
	ev.expect(t, "cancel", "failure")
	expectCanceled(t, "rejected with Canceled", p3)
}

// Item 11: catch (fun () -> raise E) h: h receives E.
func TestItem11CatchSeesRaisedError(t *testing.T) {
	var saw []error
	h := func(err error) lwt.Promise[string] { saw = append(saw, err); return lwt.Return("handled") }

	// Raised (panic) in f.
	q := lwt.Catch(func() lwt.Promise[string] { panic(errE) }, h)
	expectState(t, "f panics", q, "Return handled")
	if len(saw) != 1 || !errors.Is(saw[0], errE) {
		t.Fatalf("h saw %v, want an error wrapping %v", saw, errE)
	}
	var pe *lwt.PanicError
	if !errors.As(saw[0], &pe) || pe.Value != errE {
		t.Errorf("h saw %v, want a *lwt.PanicError of %v", saw[0], errE)
	}

	// Returned as a failed promise: h gets the very error.
	saw = nil
	q = lwt.Catch(func() lwt.Promise[string] { return lwt.Fail[string](errE) }, h)
	expectState(t, "f fails", q, "Return handled")
	if len(saw) != 1 || saw[0] != errE {
		t.Errorf("h saw %v, want %v", saw, errE)
	}

	// Not called on success.
	saw = nil
	expectState(t, "f succeeds", lwt.Catch(func() lwt.Promise[string] { return lwt.Return("ok") }, h), "Return ok")
	p, r := lwt.Wait[string]()
	q = lwt.Catch(func() lwt.Promise[string] { return p }, h)
	expectState(t, "pending", q, "Sleep")
	lwt.Wakeup(r, "later")
	expectState(t, "pending, fulfilled", q, "Return later")
	if len(saw) != 0 {
		t.Errorf("h called on success: %v", saw)
	}

	// Pending, rejected.
	p, r = lwt.Wait[string]()
	q = lwt.Catch(func() lwt.Promise[string] { return p }, h)
	lwt.WakeupExn(r, errX)
	expectState(t, "pending, rejected", q, "Return handled")
	if len(saw) != 1 || saw[0] != errX {
		t.Errorf("h saw %v, want %v", saw, errX)
	}

	// h fails or panics: the result fails.
	q = lwt.Catch(func() lwt.Promise[string] { return lwt.Fail[string](errE) },
		func(error) lwt.Promise[string] { return lwt.Fail[string](errX) })
	expectFailedWith(t, "h fails", q, errX)
	q = lwt.Catch(func() lwt.Promise[string] { return lwt.Fail[string](errE) },
		func(error) lwt.Promise[string] { panic(errX) })
	expectPanicError(t, "h panics", q, error(errX))
	p, r = lwt.Wait[string]()
	q = lwt.Catch(func() lwt.Promise[string] { return p },
		func(error) lwt.Promise[string] { panic(errX) })
	lwt.WakeupExn(r, errE)
	expectPanicError(t, "pending, h panics", q, error(errX))

	// h returns a pending promise.
	p, r = lwt.Wait[string]()
	p2, r2 := lwt.Wait[string]()
	q = lwt.Catch(func() lwt.Promise[string] { return p }, func(error) lwt.Promise[string] { return p2 })
	lwt.WakeupExn(r, errE)
	expectState(t, "h pending", q, "Sleep")
	lwt.Wakeup(r2, "foo")
	expectState(t, "h pending, fulfilled", q, "Return foo")
}

// Item 12: finalize: the cleanup runs on success and on failure; if both
// fail, the cleanup's error wins.
func TestItem12Finalize(t *testing.T) {
	cleanups := 0
	ok := func() lwt.Promise[lwt.Unit] { cleanups++; return lwt.ReturnUnit() }
	check := func(want int) {
		t.Helper()
		if cleanups != want {
			t.Errorf("cleanup ran %d times, want %d", cleanups, want)
		}
	}

	expectState(t, "fulfilled", lwt.Finalize(func() lwt.Promise[string] { return lwt.Return("foo") }, ok), "Return foo")
	check(1)
	expectFailedWith(t, "rejected", lwt.Finalize(func() lwt.Promise[string] { return lwt.Fail[string](errE) }, ok), errE)
	check(2)
	expectPanicError(t, "f panics", lwt.Finalize(func() lwt.Promise[string] { panic(errE) }, ok), error(errE))
	check(3)
	expectFailedWith(t, "fulfilled, cleanup rejected",
		lwt.Finalize(func() lwt.Promise[string] { return lwt.Return("foo") },
			func() lwt.Promise[lwt.Unit] { return lwt.Fail[lwt.Unit](errE) }), errE)
	expectFailedWith(t, "rejected, cleanup rejected: cleanup's error wins",
		lwt.Finalize(func() lwt.Promise[string] { return lwt.Fail[string](errX) },
			func() lwt.Promise[lwt.Unit] { return lwt.Fail[lwt.Unit](errE) }), errE)
	expectPanicError(t, "rejected, cleanup panics",
		lwt.Finalize(func() lwt.Promise[string] { return lwt.Fail[string](errX) },
			func() lwt.Promise[lwt.Unit] { panic(errE) }), error(errE))
	expectPanicError(t, "fulfilled, cleanup panics",
		lwt.Finalize(func() lwt.Promise[string] { return lwt.Return("foo") },
			func() lwt.Promise[lwt.Unit] { panic(errE) }), error(errE))

	// Pending.
	cleanups = 0
	p, r := lwt.Wait[string]()
	q := lwt.Finalize(func() lwt.Promise[string] { return p }, ok)
	expectState(t, "pending", q, "Sleep")
	check(0)
	lwt.Wakeup(r, "foo")
	expectState(t, "pending, fulfilled", q, "Return foo")
	check(1)
	p, r = lwt.Wait[string]()
	q = lwt.Finalize(func() lwt.Promise[string] { return p }, ok)
	lwt.WakeupExn(r, errE)
	expectFailedWith(t, "pending, rejected", q, errE)
	check(2)

	// The result waits for a pending cleanup.
	for _, first := range []string{"fulfilled", "rejected"} {
		for _, second := range []string{"fulfilled", "rejected"} {
			p, r := lwt.Wait[string]()
			c, rc := lwt.Wait[lwt.Unit]()
			q := lwt.Finalize(func() lwt.Promise[string] { return p }, func() lwt.Promise[lwt.Unit] { return c })
			want := "Return foo"
			if first == "fulfilled" {
				lwt.Wakeup(r, "foo")
			} else {
				lwt.WakeupExn(r, errX)
				want = "Fail Exit"
			}
			expectState(t, first+", cleanup pending", q, "Sleep")
			if second == "fulfilled" {
				lwt.Wakeup(rc, unit)
			} else {
				lwt.WakeupExn(rc, errE)
				want = "Fail Exception"
			}
			expectState(t, first+", cleanup pending, "+second, q, want)
		}
	}
}

// Item 13: An error raised in a success callback (on_success) goes to the
// async exception hook.
func TestItem13OnCallbackPanicGoesToHook(t *testing.T) {
	got := captureHook(t)
	expectHook := func(what string, n int) {
		t.Helper()
		if len(*got) != n {
			t.Fatalf("%s: hook got %d errors (%v), want %d", what, len(*got), *got, n)
		}
		err := (*got)[n-1]
		var pe *lwt.PanicError
		if !errors.Is(err, errE) || !errors.As(err, &pe) || len(pe.Stack) == 0 {
			t.Errorf("%s: hook got %v, want a *lwt.PanicError wrapping %v", what, err, errE)
		}
	}
	// Already resolved: the callback runs at once, its panic goes to the hook
	// and does not escape.
	lwt.OnSuccess(lwt.Return(1), func(int) { panic(errE) })
	expectHook("on_success, fulfilled", 1)
	lwt.OnFailure(lwt.Fail[int](errX), func(error) { panic(errE) })
	expectHook("on_failure, rejected", 2)
	lwt.OnTermination(lwt.Return(1), func() { panic(errE) })
	expectHook("on_termination", 3)
	lwt.OnAny(lwt.Fail[int](errX), func(int) {}, func(error) { panic(errE) })
	expectHook("on_any", 4)

	// Pending: the panic goes to the hook, the other callbacks still run and
	// the wakeup returns normally.
	p, r := lwt.Wait[int]()
	var ev events
	lwt.OnSuccess(p, func(int) { panic(errE) })
	lwt.OnSuccess(p, func(int) { ev.add("next") })
	q := lwt.Map(p, func(x int) int { return x + 1 })
	lwt.Wakeup(r, 1)
	expectHook("on_success, pending", 5)
	ev.expect(t, "next")
	expectState(t, "map after", q, "Return 2")

	p, r = lwt.Wait[int]()
	lwt.OnFailure(p, func(error) { panic(errE) })
	lwt.OnAny(p, func(int) {}, func(error) { panic(errE) })
	lwt.OnTermination(p, func() { panic(errE) })
	lwt.WakeupExn(r, errX)
	expectHook("on_failure/on_any/on_termination, pending", 8)

	// Without a panic nothing reaches the hook, and the right function runs.
	ev = nil
	lwt.OnSuccess(lwt.Fail[int](errE), func(int) { ev.add("on_success on failed") })
	lwt.OnFailure(lwt.Return(1), func(error) { ev.add("on_failure on fulfilled") })
	lwt.OnAny(lwt.Return(7), func(v int) { ev.add("ok %d", v) }, func(error) { ev.add("ko") })
	lwt.OnAny(lwt.Fail[int](errE), func(int) { ev.add("ok") }, func(err error) { ev.add("ko %v", err) })
	lwt.OnTermination(lwt.Fail[int](errE), func() { ev.add("term") })
	ev.expect(t, "ok 7", "ko Exception", "term")
	if len(*got) != 8 {
		t.Errorf("hook got %d errors, want 8", len(*got))
	}
}

// Item 14: async (fun () -> raise E) reports E to the hook; so does a later
// failure of its promise. The default hook prints the error and exits with
// status 2.
func TestItem14AsyncHook(t *testing.T) {
	switch os.Getenv(childEnv) {
	case "":
	case "item14-default":
		lwt.Async(func() lwt.Promise[int] { return lwt.Fail[int](errors.New("item14 failure")) })
		fmt.Println("the default hook returned")
		os.Exit(0)
	case "item14-default-later":
		p, r := lwt.Wait[int]()
		lwt.Async(func() lwt.Promise[int] { return p })
		fmt.Println("async of a pending promise returned")
		lwt.WakeupExn(r, errors.New("item14 later failure"))
		fmt.Println("the default hook returned")
		os.Exit(0)
	case "item14-restored":
		prev := lwt.SetAsyncExceptionHook(func(error) { fmt.Println("custom hook ran"); os.Exit(0) })
		_ = prev
		lwt.SetAsyncExceptionHook(nil) // back to the default
		lwt.Async(func() lwt.Promise[int] { panic(errors.New("item14 panic")) })
		fmt.Println("the default hook returned")
		os.Exit(0)
	default:
		return
	}

	t.Run("custom hook", func(t *testing.T) {
		got := captureHook(t)
		lwt.Async(func() lwt.Promise[int] { panic(errE) })
		if len(*got) != 1 || !errors.Is((*got)[0], errE) {
			t.Fatalf("f panics: hook got %v", *got)
		}
		lwt.Async(func() lwt.Promise[int] { return lwt.Fail[int](errE) })
		if len(*got) != 2 || (*got)[1] != errE {
			t.Fatalf("f fails: hook got %v", *got)
		}
		ran := false
		lwt.Async(func() lwt.Promise[int] { ran = true; return lwt.Return(1) })
		if !ran || len(*got) != 2 {
			t.Fatalf("f succeeds: ran = %v, hook got %v", ran, *got)
		}
		p, r := lwt.Wait[int]()
		lwt.Async(func() lwt.Promise[int] { return p })
		if len(*got) != 2 {
			t.Fatalf("pending: hook got %v", *got)
		}
		lwt.WakeupExn(r, errX)
		if len(*got) != 3 || (*got)[2] != errX {
			t.Fatalf("pending, rejected: hook got %v", *got)
		}
		p, r = lwt.Wait[int]()
		resolved := false
		lwt.Async(func() lwt.Promise[lwt.Unit] {
			return lwt.Bind(p, func(int) lwt.Promise[lwt.Unit] { resolved = true; return lwt.ReturnUnit() })
		})
		lwt.Wakeup(r, 1)
		if !resolved || len(*got) != 3 {
			t.Fatalf("pending, fulfilled: resolved = %v, hook got %v", resolved, *got)
		}
	})

	t.Run("hook set after async", func(t *testing.T) {
		// The failure goes to the hook in effect when it happens.
		p, r := lwt.Wait[int]()
		lwt.Async(func() lwt.Promise[int] { return p })
		got := captureHook(t)
		lwt.WakeupExn(r, errE)
		if len(*got) != 1 || (*got)[0] != errE {
			t.Fatalf("hook got %v", *got)
		}
	})

	t.Run("SetAsyncExceptionHook returns the previous hook", func(t *testing.T) {
		var ev events
		h1 := func(err error) { ev.add("h1 %v", err) }
		h2 := func(err error) { ev.add("h2 %v", err) }
		orig := lwt.SetAsyncExceptionHook(h1)
		defer lwt.SetAsyncExceptionHook(orig)
		prev := lwt.SetAsyncExceptionHook(h2)
		prev(errE)
		lwt.Async(func() lwt.Promise[int] { return lwt.Fail[int](errX) })
		back := lwt.SetAsyncExceptionHook(prev)
		back(errE)
		lwt.Async(func() lwt.Promise[int] { return lwt.Fail[int](errX) })
		ev.expect(t, "h1 Exception", "h2 Exit", "h2 Exception", "h1 Exit")
	})

	t.Run("DontWait", func(t *testing.T) {
		got := captureHook(t)
		var saw []error
		h := func(err error) { saw = append(saw, err) }
		lwt.DontWait(func() lwt.Promise[int] { return lwt.Fail[int](errE) }, h)
		lwt.DontWait(func() lwt.Promise[int] { panic(errX) }, h)
		ran := false
		lwt.DontWait(func() lwt.Promise[int] { ran = true; return lwt.Return(1) }, h)
		p, r := lwt.Wait[int]()
		lwt.DontWait(func() lwt.Promise[int] { return p }, h)
		if len(saw) != 2 || saw[0] != errE || !errors.Is(saw[1], errX) || !ran {
			t.Fatalf("h saw %v, ran = %v", saw, ran)
		}
		lwt.WakeupExn(r, errFoo)
		if len(saw) != 3 || saw[2] != errFoo {
			t.Fatalf("h saw %v", saw)
		}
		if len(*got) != 0 {
			t.Fatalf("hook got %v, want nothing", *got)
		}
		// A panic in h goes to the hook.
		lwt.DontWait(func() lwt.Promise[int] { return lwt.Fail[int](errX) }, func(error) { panic(errE) })
		if len(*got) != 1 || !errors.Is((*got)[0], errE) {
			t.Fatalf("h panics: hook got %v", *got)
		}
	})

	for _, tc := range []struct{ mode, want string }{
		{"item14-default", "item14 failure"},
		{"item14-default-later", "item14 later failure"},
		{"item14-restored", "item14 panic"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			stdout, stderr, code := runChild(t, "TestItem14AsyncHook", tc.mode)
			if code != 2 {
				t.Errorf("exit status %d, want 2\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr does not show the error %q:\n%s", tc.want, stderr)
			}
			if strings.Contains(stdout, "hook returned") || strings.Contains(stdout, "custom hook ran") {
				t.Errorf("child went on after the default hook:\n%s", stdout)
			}
			if tc.mode == "item14-default-later" && !strings.Contains(stdout, "async of a pending promise returned") {
				t.Errorf("the default hook ran before the promise failed:\n%s", stdout)
			}
		})
	}
}

// Item 15: join [] is resolved at once. join [failed; pending] stays asleep
// until the pending one resolves, then fails with the first failure.
func TestItem15JoinWaitsForAll(t *testing.T) {
	expectState(t, "join []", lwt.Join(), "Return ()")
	expectState(t, "join [return; return]", lwt.Join(lwt.ReturnUnit(), lwt.ReturnUnit()), "Return ()")
	expectFailedWith(t, "join [fail E; fail X]", lwt.Join(lwt.Fail[lwt.Unit](errE), lwt.Fail[lwt.Unit](errX)), errE)

	p, r := lwt.Wait[lwt.Unit]()
	j := lwt.Join(lwt.Fail[lwt.Unit](errE), p)
	expectState(t, "join [fail; pending]", j, "Sleep")
	lwt.Wakeup(r, unit)
	expectFailedWith(t, "join [fail; pending], fulfilled", j, errE)

	p, r = lwt.Wait[lwt.Unit]()
	j = lwt.Join(lwt.Fail[lwt.Unit](errE), p)
	lwt.WakeupExn(r, errX)
	expectFailedWith(t, "join [fail E; pending], rejected X", j, errE)

	p, r = lwt.Wait[lwt.Unit]()
	j = lwt.Join(lwt.ReturnUnit(), p)
	expectState(t, "join [return; pending]", j, "Sleep")
	lwt.Wakeup(r, unit)
	expectState(t, "join [return; pending], fulfilled", j, "Return ()")

	p, r = lwt.Wait[lwt.Unit]()
	j = lwt.Join(lwt.ReturnUnit(), p)
	lwt.WakeupExn(r, errE)
	expectFailedWith(t, "join [return; pending], rejected", j, errE)

	// A failure among several pending ones waits for the others.
	p1, r1 := lwt.Wait[lwt.Unit]()
	p2, r2 := lwt.Wait[lwt.Unit]()
	j = lwt.Join(p1, p2)
	lwt.WakeupExn(r1, errE)
	expectState(t, "join, first failed", j, "Sleep")
	lwt.Wakeup(r2, unit)
	expectFailedWith(t, "join, all resolved", j, errE)

	// Diamond.
	p, r = lwt.Wait[lwt.Unit]()
	j = lwt.Join(p, p)
	lwt.Wakeup(r, unit)
	expectState(t, "join [p; p]", j, "Return ()")
}

// Item 16: join reports the first failure: already-failed promises in list
// order first, then in time order.
func TestItem16JoinFirstFailure(t *testing.T) {
	// Already failed, in list order, before any in time order.
	p1, r1 := lwt.Wait[lwt.Unit]()
	p2, r2 := lwt.Wait[lwt.Unit]()
	j := lwt.Join(p1, lwt.Fail[lwt.Unit](errE), p2, lwt.Fail[lwt.Unit](errX))
	lwt.WakeupExn(r2, errFoo)
	lwt.WakeupExn(r1, errors.New("other"))
	expectFailedWith(t, "list order first", j, errE)

	// A promise rejected through its resolver before join counts as already
	// failed, in list order.
	a, ra := lwt.Wait[lwt.Unit]()
	lwt.WakeupExn(ra, errX)
	expectFailedWith(t, "[rejected X; fail E]", lwt.Join(a, lwt.Fail[lwt.Unit](errE)), errX)
	expectFailedWith(t, "[fail E; rejected X]", lwt.Join(lwt.Fail[lwt.Unit](errE), a), errE)

	// Otherwise in the order they fail.
	p1, r1 = lwt.Wait[lwt.Unit]()
	p2, r2 = lwt.Wait[lwt.Unit]()
	p3, r3 := lwt.Wait[lwt.Unit]()
	j = lwt.Join(p1, p2, p3)
	lwt.WakeupExn(r3, errFoo)
	lwt.WakeupExn(r1, errE)
	expectState(t, "time order, pending", j, "Sleep")
	lwt.Wakeup(r2, unit)
	expectFailedWith(t, "time order", j, errFoo)

	// Both and All follow the same rules.
	b1, br1 := lwt.Wait[int]()
	b2, br2 := lwt.Wait[string]()
	both := lwt.Both(b1, b2)
	lwt.WakeupExn(br2, errE)
	expectState(t, "both, second rejected", both, "Sleep")
	lwt.WakeupExn(br1, errX)
	expectFailedWith(t, "both, then first rejected", both, errE)

	b2, br2 = lwt.Wait[string]()
	both = lwt.Both(lwt.Fail[int](errE), b2)
	lwt.WakeupExn(br2, errX)
	expectFailedWith(t, "both [fail; pending], rejected", both, errE)
	expectFailedWith(t, "both [fail E; fail X]", lwt.Both(lwt.Fail[int](errE), lwt.Fail[string](errX)), errE)
	expectFailedWith(t, "both [return; fail]", lwt.Both(lwt.Return(1), lwt.Fail[string](errX)), errX)

	c1, cr1 := lwt.Wait[int]()
	c2, cr2 := lwt.Wait[int]()
	all := lwt.All(c1, lwt.Fail[int](errE), c2)
	lwt.WakeupExn(cr2, errX)
	lwt.Wakeup(cr1, 1)
	expectFailedWith(t, "all", all, errE)
}

// Item 17: all keeps the list's order; all [] is resolved to the empty list.
func TestItem17AllKeepsOrder(t *testing.T) {
	empty := lwt.All[int]()
	if s := empty.State(); s.Kind != lwt.Returned || len(s.Value) != 0 {
		t.Errorf("all [] = %v, want Return []", s)
	}
	expectState(t, "all of resolved", lwt.All(lwt.Return(1), lwt.Return(2), lwt.Return(3)), "Return [1 2 3]")

	ps := make([]lwt.Promise[int], 10)
	rs := make([]lwt.Resolver[int], 10)
	for i := range ps {
		ps[i], rs[i] = lwt.Wait[int]()
	}
	ps[4] = lwt.Return(4)
	all := lwt.All(ps...)
	ps[0] = lwt.Return(-1) // the caller may reuse its slice
	for i := 9; i >= 0; i-- {
		if i != 4 {
			expectState(t, "all, pending", all, "Sleep")
			lwt.Wakeup(rs[i], i)
		}
	}
	expectState(t, "all, resolved in reverse", all, "Return [0 1 2 3 4 5 6 7 8 9]")

	p, r := lwt.Wait[string]()
	all2 := lwt.All(p, lwt.Return("a"), p)
	lwt.Wakeup(r, "b")
	expectState(t, "all [p; return a; p]", all2, "Return [b a b]")

	a, ra := lwt.Wait[int]()
	b, rb := lwt.Wait[string]()
	both := lwt.Both(a, b)
	lwt.Wakeup(rb, "second")
	expectState(t, "both, one pending", both, "Sleep")
	lwt.Wakeup(ra, 1)
	if s := both.State(); s.Kind != lwt.Returned || s.Value.First != 1 || s.Value.Second != "second" {
		t.Errorf("both = %v, want (1, second)", s)
	}
	if s := lwt.Both(lwt.Return(1), lwt.Return("x")).State(); s.Kind != lwt.Returned || s.Value.First != 1 || s.Value.Second != "x" {
		t.Errorf("both of resolved = %v", s)
	}
}

// Item 18: choose [], pick [], nchoose [], npick [] fail loudly: the result
// would be pending forever.
func TestItem18EmptyChoicePanics(t *testing.T) {
	for name, f := range map[string]func(){
		"lwt.Choose":  func() { lwt.Choose[int]() },
		"lwt.Pick":    func() { lwt.Pick[int]() },
		"lwt.NChoose": func() { lwt.NChoose[int]() },
		"lwt.NPick":   func() { lwt.NPick[int]() },
	} {
		msg := mustPanic(t, name, f)
		if !mentions(msg, name) {
			t.Errorf("%s of nothing: panic %q does not name the call", name, msg)
		}
	}
}

// Item 19: choose over several resolved promises: a failed one wins if any;
// otherwise one is picked from a fixed-seed generator, so runs are
// reproducible.
func TestItem19ChooseResolvedReproducible(t *testing.T) {
	const rounds = 50
	if os.Getenv(childEnv) == "item19" {
		var picks []string
		for range rounds {
			ps := make([]lwt.Promise[int], 10)
			for i := range ps {
				ps[i] = lwt.Return(i)
			}
			v, _ := lwt.Choose(ps...).Result()
			picks = append(picks, strconv.Itoa(v))
			w, _ := lwt.Pick(lwt.Return(100), lwt.Return(101), lwt.Return(102)).Result()
			picks = append(picks, strconv.Itoa(w))
		}
		fmt.Printf("PICKS: %s\n", strings.Join(picks, " "))
		os.Exit(0)
	} else if os.Getenv(childEnv) != "" {
		return
	}

	for i := range 100 {
		w, _ := lwt.Wait[string]()
		p := lwt.Choose(w, lwt.Return("foo"), lwt.Fail[string](errE), lwt.Return("bar"))
		if p.State().Err != errE {
			t.Fatalf("round %d: choose = %v, want Fail Exception", i, p.State())
		}
		task, _ := lwt.Task[string]()
		p = lwt.Pick(task, lwt.Return("foo"), lwt.Fail[string](errE), lwt.Return("bar"))
		if p.State().Err != errE {
			t.Fatalf("round %d: pick = %v, want Fail Exception", i, p.State())
		}
		expectCanceled(t, "pick's pending input", task)
	}
	for range 100 {
		err := lwt.Choose(lwt.Fail[int](errE), lwt.Return(1), lwt.Fail[int](errX)).State().Err
		if err != errE && err != errX {
			t.Fatalf("choose [fail E; return; fail X] = %v", err)
		}
		w, _ := lwt.Wait[int]()
		s := lwt.Choose(w, lwt.Return(1), lwt.Return(2)).State()
		if s.Kind != lwt.Returned || (s.Value != 1 && s.Value != 2) {
			t.Fatalf("choose [pending; return 1; return 2] = %v", s)
		}
	}

	var outs [2]string
	for i := range outs {
		stdout, stderr, code := runChild(t, "TestItem19ChooseResolvedReproducible", "item19")
		if code != 0 {
			t.Fatalf("child exited with %d: %s", code, stderr)
		}
		for line := range strings.Lines(stdout) {
			if s, ok := strings.CutPrefix(line, "PICKS: "); ok {
				outs[i] = strings.TrimSpace(s)
			}
		}
		if outs[i] == "" {
			t.Fatalf("no picks in the child's output: %s", stdout)
		}
	}
	if outs[0] != outs[1] {
		t.Errorf("choose among resolved promises is not reproducible:\n%s\n%s", outs[0], outs[1])
	}
	fields := strings.Fields(outs[0])
	if len(fields) != 2*rounds {
		t.Fatalf("got %d picks, want %d", len(fields), 2*rounds)
	}
	for i, f := range fields {
		v, _ := strconv.Atoi(f)
		if i%2 == 0 && (v < 0 || v > 9) || i%2 == 1 && (v < 100 || v > 102) {
			t.Errorf("pick %d = %d, not one of the inputs", i, v)
		}
	}
}

// Item 20: choose over pending promises: the first to resolve wins; later
// ones are ignored.
func TestItem20ChooseFirstPendingWins(t *testing.T) {
	p1, r1 := lwt.Wait[string]()
	p2, r2 := lwt.Wait[string]()
	c := lwt.Choose(p1, p2)
	expectState(t, "pending", c, "Sleep")
	var ev events
	lwt.OnAny(c, func(v string) { ev.add("ok %s", v) }, func(err error) { ev.add("ko %v", err) })
	lwt.Wakeup(r2, "bar")
	expectState(t, "second resolved", c, "Return bar")
	lwt.Wakeup(r1, "foo")
	expectState(t, "first resolved later", c, "Return bar")
	ev.expect(t, "ok bar")

	p1, r1 = lwt.Wait[string]()
	p2, r2 = lwt.Wait[string]()
	c = lwt.Choose(p1, p2)
	lwt.WakeupExn(r1, errE)
	lwt.Wakeup(r2, "bar")
	expectFailedWith(t, "first fails", c, errE)

	w, _ := lwt.Wait[string]()
	expectState(t, "choose [pending; return foo]", lwt.Choose(w, lwt.Return("foo")), "Return foo")
	expectFailedWith(t, "choose [pending; fail]", lwt.Choose(w, lwt.Fail[string](errE)), errE)

	p, r := lwt.Wait[string]()
	c = lwt.Choose(p, p)
	lwt.Wakeup(r, "foo")
	expectState(t, "diamond", c, "Return foo")

	// The inputs are not canceled by choose.
	t1, tr1 := lwt.Task[string]()
	t2, _ := lwt.Task[string]()
	c = lwt.Choose(t1, t2)
	lwt.Wakeup(tr1, "foo")
	expectState(t, "choose of tasks", c, "Return foo")
	expectState(t, "the other task", t2, "Sleep")
}

// Item 21: nchoose [return a; pending; return b] is [a; b]; a failure among
// the resolved makes it fail; [p; p] gives [v; v].
func TestItem21NChoose(t *testing.T) {
	w, _ := lwt.Wait[string]()
	expectState(t, "nchoose [return a; pending; return b]",
		lwt.NChoose(lwt.Return("a"), w, lwt.Return("b")), "Return [a b]")
	expectState(t, "nchoose all fulfilled", lwt.NChoose(lwt.Return("foo"), lwt.Return("bar")), "Return [foo bar]")
	expectFailedWith(t, "nchoose [return; fail]", lwt.NChoose(lwt.Return("foo"), lwt.Fail[string](errE)), errE)
	expectFailedWith(t, "nchoose [fail; return]", lwt.NChoose(lwt.Fail[string](errE), lwt.Return("foo")), errE)

	p, r := lwt.Wait[string]()
	c := lwt.NChoose(w, p)
	expectState(t, "pending", c, "Sleep")
	lwt.Wakeup(r, "foo")
	expectState(t, "pending, fulfilled", c, "Return [foo]")

	p, r = lwt.Wait[string]()
	c = lwt.NChoose(w, p)
	lwt.WakeupExn(r, errE)
	expectFailedWith(t, "pending, rejected", c, errE)

	p, r = lwt.Wait[string]()
	c = lwt.NChoose(p, p)
	lwt.Wakeup(r, "foo")
	expectState(t, "diamond", c, "Return [foo foo]")
	p, r = lwt.Wait[string]()
	c = lwt.NChoose(p, p)
	lwt.WakeupExn(r, errE)
	expectFailedWith(t, "diamond, rejected", c, errE)

	// Several resolved by one wakeup are all collected.
	p, r = lwt.Wait[string]()
	c = lwt.NChoose(w, lwt.Map(p, func(s string) string { return s + "1" }), p)
	lwt.Wakeup(r, "v")
	expectState(t, "one wakeup, two inputs", c, "Return [v1 v]")

	// NPick does the same and cancels the inputs still pending.
	task, _ := lwt.Task[string]()
	expectState(t, "npick [return foo; task; return bar]",
		lwt.NPick(lwt.Return("foo"), task, lwt.Return("bar")), "Return [foo bar]")
	expectCanceled(t, "npick's pending input", task)
	expectFailedWith(t, "npick [return; fail]", lwt.NPick(lwt.Return("foo"), lwt.Fail[string](errE)), errE)
	expectFailedWith(t, "npick [fail; return]", lwt.NPick(lwt.Fail[string](errE), lwt.Return("foo")), errE)

	t1, _ := lwt.Task[string]()
	t2, r2 := lwt.Task[string]()
	np := lwt.NPick(t1, t2)
	expectState(t, "npick pending", np, "Sleep")
	lwt.Wakeup(r2, "foo")
	expectCanceled(t, "npick, other input", t1)
	expectState(t, "npick pending, fulfilled", np, "Return [foo]")

	t1, _ = lwt.Task[string]()
	t2, r2 = lwt.Task[string]()
	np = lwt.NPick(t1, t2)
	lwt.WakeupExn(r2, errE)
	expectCanceled(t, "npick rejected, other input", t1)
	expectFailedWith(t, "npick pending, rejected", np, errE)

	p, r = lwt.Wait[string]()
	np = lwt.NPick(p, p)
	lwt.Wakeup(r, "foo")
	expectState(t, "npick diamond", np, "Return [foo foo]")
}

// Item 22: pick [task; return x] is x and cancels the task at once.
func TestItem22PickCancelsOthers(t *testing.T) {
	task, _ := lwt.Task[string]()
	p := lwt.Pick(task, lwt.Return("foo"))
	expectState(t, "pick [task; return foo]", p, "Return foo")
	expectCanceled(t, "task", task)

	task, _ = lwt.Task[string]()
	p = lwt.Pick(task, lwt.Fail[string](errE))
	expectFailedWith(t, "pick [task; fail]", p, errE)
	expectCanceled(t, "task", task)

	p = lwt.Pick(lwt.Return("foo"))
	expectState(t, "pick [return foo]", p, "Return foo")

	t1, r1 := lwt.Task[string]()
	t2, _ := lwt.Task[string]()
	p = lwt.Pick(t1, t2)
	expectState(t, "pick pending", p, "Sleep")
	lwt.Wakeup(r1, "foo")
	expectCanceled(t, "pick, other task", t2)
	expectState(t, "pick pending, fulfilled", p, "Return foo")

	t1, r1 = lwt.Task[string]()
	t2, _ = lwt.Task[string]()
	p = lwt.Pick(t1, t2)
	lwt.WakeupExn(r1, errE)
	expectCanceled(t, "pick rejected, other task", t2)
	expectFailedWith(t, "pick pending, rejected", p, errE)

	w, r := lwt.Wait[string]()
	p = lwt.Pick(w, w)
	lwt.Wakeup(r, "foo")
	expectState(t, "pick diamond", p, "Return foo")

	// A wait promise among the others cannot be canceled: it stays asleep.
	w, _ = lwt.Wait[string]()
	t1, r1 = lwt.Task[string]()
	p = lwt.Pick(w, t1)
	lwt.Wakeup(r1, "foo")
	expectState(t, "pick [wait; task], task fulfilled", p, "Return foo")
	expectState(t, "the wait", w, "Sleep")
}

// Item 23: Canceling a pick cancels every input, the last one first; the
// pick's own callbacks do not wait for those of all the inputs. Canceling
// Pick(t1, t2, t3) rejects the three, then runs their callbacks from t3 to
// t1; the pick fails as t3's callbacks run, so its OnFailure comes between
// t3's OnCancel and t2's (Lwt 5.6.1 prints on_cancel t3, on_failure pick,
// on_cancel t2, on_cancel t1). Join and the other combinators that wait for
// every input fail once t1's callbacks have run, after all three.
func TestItem23PickCancelOrder(t *testing.T) {
	for _, c := range []struct {
		name    string
		combine func(...lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit]
		want    []string
	}{
		{"pick", lwt.Pick[lwt.Unit], []string{"cancel t3", "pick failed", "cancel t2", "cancel t1"}},
		{"choose", lwt.Choose[lwt.Unit], []string{"cancel t3", "choose failed", "cancel t2", "cancel t1"}},
		{"npick", func(ps ...lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit] {
			return lwt.Map(lwt.NPick(ps...), func([]lwt.Unit) lwt.Unit { return unit })
		}, []string{"cancel t3", "npick failed", "cancel t2", "cancel t1"}},
		{"nchoose", func(ps ...lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit] {
			return lwt.Map(lwt.NChoose(ps...), func([]lwt.Unit) lwt.Unit { return unit })
		}, []string{"cancel t3", "nchoose failed", "cancel t2", "cancel t1"}},
		{"join", lwt.Join, []string{"cancel t3", "cancel t2", "cancel t1", "join failed"}},
		{"all", func(ps ...lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit] {
			return lwt.Map(lwt.All(ps...), func([]lwt.Unit) lwt.Unit { return unit })
		}, []string{"cancel t3", "cancel t2", "cancel t1", "all failed"}},
	} {
		var ev events
		var ts []lwt.Promise[lwt.Unit]
		for i := 1; i <= 3; i++ {
			p, _ := lwt.Task[lwt.Unit]()
			lwt.OnCancel(p, func() { ev.add("cancel t%d", i) })
			ts = append(ts, p)
		}
		p := c.combine(ts...)
		lwt.OnFailure(p, func(error) { ev.add("%s failed", c.name) })
		lwt.Cancel(p)
		t.Run(c.name, func(t *testing.T) { ev.expect(t, c.want...) })
		expectCanceled(t, c.name, p)
	}

	t1, _ := lwt.Task[string]()
	t2, _ := lwt.Task[string]()
	p := lwt.Pick(t1, t2)
	lwt.Cancel(p)
	expectCanceled(t, "pick canceled, input 1", t1)
	expectCanceled(t, "pick canceled, input 2", t2)
	expectCanceled(t, "pick canceled", p)

	t1, _ = lwt.Task[string]()
	t2, _ = lwt.Task[string]()
	np := lwt.NPick(t1, t2)
	lwt.Cancel(np)
	expectCanceled(t, "npick canceled, input 1", t1)
	expectCanceled(t, "npick canceled, input 2", t2)
	expectCanceled(t, "npick canceled", np)

	// Lwt's "cancellation/resolution order": when an input resolves, the
	// callbacks of the inputs it cancels run before those of the result.
	var ev events
	p1, r1 := lwt.Task[lwt.Unit]()
	p2, _ := lwt.Task[lwt.Unit]()
	p3 := lwt.Pick(p1, p2)
	lwt.Catch(func() lwt.Promise[lwt.Unit] { return p2 }, func(err error) lwt.Promise[lwt.Unit] {
		ev.add("p2 %v", errors.Is(err, lwt.ErrCanceled))
		return lwt.ReturnUnit()
	})
	lwt.Bind(p3, func(lwt.Unit) lwt.Promise[lwt.Unit] { ev.add("pick"); return lwt.ReturnUnit() })
	lwt.OnFailure(p3, func(err error) { ev.add("pick failed: %v", err) })
	lwt.WakeupLater(r1, unit)
	ev.expect(t, "p2 true", "pick")
	expectState(t, "pick", p3, "Return ()")

	ev = nil
	p1, r1 = lwt.Task[lwt.Unit]()
	p2, _ = lwt.Task[lwt.Unit]()
	np3 := lwt.NPick(p1, p2)
	lwt.Catch(func() lwt.Promise[lwt.Unit] { return p2 }, func(err error) lwt.Promise[lwt.Unit] {
		ev.add("p2 %v", errors.Is(err, lwt.ErrCanceled))
		return lwt.ReturnUnit()
	})
	lwt.Bind(np3, func([]lwt.Unit) lwt.Promise[lwt.Unit] { ev.add("npick"); return lwt.ReturnUnit() })
	lwt.OnFailure(np3, func(err error) { ev.add("npick failed: %v", err) })
	lwt.WakeupLater(r1, unit)
	ev.expect(t, "p2 true", "npick")
	expectState(t, "npick", np3, "Return [{}]")
}

// Item 24: cancel does nothing on a resolved promise or on a wait promise; on
// a task it gives Fail Canceled.
func TestItem24Cancel(t *testing.T) {
	p := lwt.Return(1)
	lwt.Cancel(p)
	expectState(t, "cancel return", p, "Return 1")
	f := lwt.Fail[int](errE)
	lwt.Cancel(f)
	expectFailedWith(t, "cancel fail", f, errE)

	w, wr := lwt.Wait[int]()
	ran := false
	lwt.OnAny(w, func(int) { ran = true }, func(error) { ran = true })
	lwt.Cancel(w)
	expectState(t, "cancel wait", w, "Sleep")
	if ran {
		t.Error("a callback ran on a canceled wait promise")
	}
	lwt.Wakeup(wr, 3)
	expectState(t, "wait woken after cancel", w, "Return 3")

	task, tr := lwt.Task[int]()
	lwt.Wakeup(tr, 5)
	lwt.Cancel(task)
	expectState(t, "cancel fulfilled task", task, "Return 5")

	task, _ = lwt.Task[int]()
	var saw []error
	lwt.OnFailure(task, func(err error) { saw = append(saw, err) })
	lwt.Cancel(task)
	expectState(t, "cancel task", task, canceledState)
	expectCanceled(t, "cancel task", task)
	if _, err := task.Result(); !errors.Is(err, lwt.ErrCanceled) {
		t.Errorf("Result of a canceled task: %v", err)
	}
	if len(saw) != 1 || !errors.Is(saw[0], lwt.ErrCanceled) {
		t.Errorf("on_failure saw %v, want [Canceled]", saw)
	}
	lwt.Cancel(task) // again: nothing
	if len(saw) != 1 {
		t.Errorf("second cancel ran the callback again")
	}

	// Cancel of the zero promise (fulfilled) does nothing.
	var z lwt.Promise[int]
	lwt.Cancel(z)
	expectState(t, "zero promise", z, "Return 0")
}

// Item 25: Cancellation is synchronous and nests like wakeup.
func TestItem25CancelNests(t *testing.T) {
	var ev events
	p1, _ := lwt.Task[int]()
	p2, _ := lwt.Task[int]()
	lwt.OnFailure(p2, func(error) { ev.add("p2 failed") })
	lwt.OnFailure(p1, func(error) {
		ev.add("p1 failed")
		lwt.Cancel(p2)
		ev.add("p2 is %v", p2.State())
	})
	lwt.Cancel(p1)
	ev.add("cancel returned")
	ev.expect(t, "p1 failed", "p2 failed", "p2 is "+canceledState, "cancel returned")

	// Everything downstream of a cancel has run when it returns.
	task, _ := lwt.Task[int]()
	c := task
	for i := range 1000 {
		c = lwt.Map(c, func(x int) int { return x + i })
	}
	caught := lwt.Catch(func() lwt.Promise[int] { return c }, func(err error) lwt.Promise[int] {
		if errors.Is(err, lwt.ErrCanceled) {
			return lwt.Return(-1)
		}
		return lwt.Fail[int](err)
	})
	lwt.Cancel(c)
	expectCanceled(t, "the task at the root of the chain", task)
	expectCanceled(t, "the end of the chain", c)
	expectState(t, "catch at the end of the chain", caught, "Return -1")
}

// Item 26: cancel (bind task f): the task is canceled, f never runs, the
// result is Canceled. cancel (bind wait f) does nothing.
func TestItem26CancelBindBeforeF(t *testing.T) {
	ran := false
	f := func(int) lwt.Promise[int] { ran = true; return lwt.Return(0) }

	task, _ := lwt.Task[int]()
	b := lwt.Bind(task, f)
	lwt.Cancel(b)
	expectCanceled(t, "task", task)
	expectCanceled(t, "bind", b)
	if ran {
		t.Error("f ran after cancel")
	}

	w, wr := lwt.Wait[int]()
	b = lwt.Bind(w, f)
	lwt.Cancel(b)
	expectState(t, "wait", w, "Sleep")
	expectState(t, "bind on wait", b, "Sleep")
	if ran {
		t.Error("f ran after cancel of a bind on wait")
	}
	lwt.Wakeup(wr, 1)
	if !ran {
		t.Error("f did not run once the wait resolved")
	}
	expectState(t, "bind on wait, woken", b, "Return 0")

	// Map, Catch and TryBind over a task, and a chain of binds.
	ran = false
	task, _ = lwt.Task[int]()
	m := lwt.Map(task, func(x int) int { ran = true; return x })
	lwt.Cancel(m)
	expectCanceled(t, "map", m)
	task, _ = lwt.Task[int]()
	chain := task
	for range 10 {
		chain = lwt.Bind(chain, f)
	}
	lwt.Cancel(chain)
	expectCanceled(t, "task under a chain", task)
	expectCanceled(t, "chain", chain)
	if ran {
		t.Error("a function ran after cancel")
	}

	// Lwt's "pending, on_cancel callbacks": f never ran, so the promise it
	// would have returned is not canceled.
	var ev events
	inner, _ := lwt.Task[int]()
	first, _ := lwt.Task[int]()
	outer := lwt.Bind(first, func(int) lwt.Promise[int] { return inner })
	lwt.OnCancel(inner, func() { ev.add("inner") })
	lwt.OnCancel(outer, func() { ev.add("outer") })
	lwt.Cancel(outer)
	ev.expect(t, "outer")
	expectState(t, "inner", inner, "Sleep")
}

// Item 27: After f has run, canceling the bind cancels the promise f
// returned: cancel reaches the innermost task.
func TestItem27CancelReachesInnermostTask(t *testing.T) {
	p1, r := lwt.Wait[lwt.Unit]()
	p2, r2 := lwt.Task[int]()
	p3 := lwt.Bind(p1, func(lwt.Unit) lwt.Promise[int] { return p2 })
	lwt.Wakeup(r, unit)
	expectState(t, "bind, f ran", p3, "Sleep")
	lwt.Cancel(p3)
	expectCanceled(t, "inner task", p2)
	expectCanceled(t, "bind", p3)
	lwt.Wakeup(r2, 3) // ignored: canceled
	expectCanceled(t, "inner task, woken after cancel", p2)
	expectCanceled(t, "bind, inner woken after cancel", p3)

	// Through a chain of proxies.
	p1, r = lwt.Wait[lwt.Unit]()
	p2, _ = lwt.Task[int]()
	p3 = lwt.Bind(p1, func(lwt.Unit) lwt.Promise[int] { return p2 })
	p4 := lwt.Bind(p1, func(lwt.Unit) lwt.Promise[int] { return p3 })
	lwt.Wakeup(r, unit)
	lwt.Cancel(p4)
	expectCanceled(t, "p2", p2)
	expectCanceled(t, "p3", p3)
	expectCanceled(t, "p4", p4)

	// f returned a wait: nothing to cancel.
	p1, r = lwt.Wait[lwt.Unit]()
	w, _ := lwt.Wait[int]()
	p3 = lwt.Bind(p1, func(lwt.Unit) lwt.Promise[int] { return w })
	lwt.Wakeup(r, unit)
	lwt.Cancel(p3)
	expectState(t, "inner wait", w, "Sleep")
	expectState(t, "bind on inner wait", p3, "Sleep")

	// on_cancel callbacks of both run.
	var ev events
	t1, tr1 := lwt.Task[lwt.Unit]()
	t2, _ := lwt.Task[int]()
	b := lwt.Bind(t1, func(lwt.Unit) lwt.Promise[int] { return t2 })
	lwt.OnCancel(t2, func() { ev.add("inner") })
	lwt.OnCancel(b, func() { ev.add("outer") })
	lwt.Wakeup(tr1, unit)
	lwt.Cancel(b)
	expectCanceled(t, "bind over tasks", b)
	expectCanceled(t, "inner task", t2)
	if len(ev) != 2 || !slices.Contains(ev, "inner") || !slices.Contains(ev, "outer") {
		t.Errorf("on_cancel ran %q, want inner and outer once each", ev)
	}

	// Deep inside nested binds, catch and try_bind.
	base, _ := lwt.Task[int]()
	var tr lwt.Resolver[lwt.Unit]
	var trigger lwt.Promise[lwt.Unit]
	trigger, tr = lwt.Wait[lwt.Unit]()
	deep := lwt.Bind(trigger, func(lwt.Unit) lwt.Promise[int] {
		return lwt.Catch(func() lwt.Promise[int] {
			return lwt.TryBind(func() lwt.Promise[int] { return lwt.Map(base, func(x int) int { return x }) },
				lwt.Return[int], lwt.Fail[int])
		}, lwt.Fail[int])
	})
	lwt.Wakeup(tr, unit)
	lwt.Cancel(deep)
	expectCanceled(t, "innermost task", base)
	expectCanceled(t, "outermost bind", deep)
}

// Item 28: protected p then cancel of the protected one: it is Canceled, p
// stays asleep; resolving p later leaves it Canceled.
func TestItem28Protected(t *testing.T) {
	p, r := lwt.Task[string]()
	pp := lwt.Protected(p)
	expectState(t, "protected, pending", pp, "Sleep")
	lwt.Cancel(pp)
	expectCanceled(t, "protected", pp)
	expectState(t, "p", p, "Sleep")
	lwt.Wakeup(r, "foo")
	expectState(t, "p, woken", p, "Return foo")
	expectCanceled(t, "protected, after p woken", pp)

	p, r = lwt.Task[string]()
	pp = lwt.Protected(p)
	lwt.Wakeup(r, "foo")
	expectState(t, "protected, fulfilled", pp, "Return foo")
	p, r = lwt.Task[string]()
	pp = lwt.Protected(p)
	lwt.WakeupExn(r, errE)
	expectFailedWith(t, "protected, rejected", pp, errE)

	expectState(t, "protected return", lwt.Protected(lwt.Return("x")), "Return x")
	expectFailedWith(t, "protected fail", lwt.Protected(lwt.Fail[string](errE)), errE)

	// Canceling p itself still reaches the protected promise.
	p, _ = lwt.Task[string]()
	pp = lwt.Protected(p)
	lwt.Cancel(p)
	expectCanceled(t, "protected, p canceled", pp)

	// A bind over the protected promise cancels the protected one only.
	p, r = lwt.Task[string]()
	b := lwt.Bind(lwt.Protected(p), func(s string) lwt.Promise[string] { return lwt.Return(s + "!") })
	lwt.Cancel(b)
	expectCanceled(t, "bind over protected", b)
	expectState(t, "p under bind over protected", p, "Sleep")

	// Lwt's "pending, proxy".
	p1, r1 := lwt.Task[string]()
	p2 := lwt.Protected(p1)
	p3, r3 := lwt.Wait[lwt.Unit]()
	lwt.Bind(p3, func(lwt.Unit) lwt.Promise[string] { return p2 })
	lwt.Wakeup(r3, unit)
	lwt.Wakeup(r1, "foo")
	expectState(t, "protected, proxied", p2, "Return foo")
	_ = r
}

// Item 29: no_cancel p then cancel: nothing changes.
func TestItem29NoCancel(t *testing.T) {
	p, r := lwt.Task[string]()
	np := lwt.NoCancel(p)
	ran := false
	lwt.OnCancel(np, func() { ran = true })
	lwt.Cancel(np)
	expectState(t, "no_cancel", np, "Sleep")
	expectState(t, "p", p, "Sleep")
	if ran {
		t.Error("on_cancel ran")
	}
	lwt.Wakeup(r, "foo")
	expectState(t, "no_cancel, fulfilled", np, "Return foo")

	expectState(t, "no_cancel return", lwt.NoCancel(lwt.Return("x")), "Return x")
	expectFailedWith(t, "no_cancel fail", lwt.NoCancel(lwt.Fail[string](errE)), errE)

	// A bind over it is not cancelable either.
	p, _ = lwt.Task[string]()
	b := lwt.Bind(lwt.NoCancel(p), lwt.Return[string])
	lwt.Cancel(b)
	expectState(t, "bind over no_cancel", b, "Sleep")
	expectState(t, "p under no_cancel", p, "Sleep")

	// WrapInCancelable makes a cancelable promise of a wait.
	w, wr := lwt.Wait[string]()
	wc := lwt.WrapInCancelable(w)
	lwt.Cancel(wc)
	expectCanceled(t, "wrap_in_cancelable (wait)", wc)
	expectState(t, "the wait", w, "Sleep")
	lwt.Wakeup(wr, "foo")
	expectState(t, "the wait, woken", w, "Return foo")
	expectCanceled(t, "wrap_in_cancelable, after the wait woke", wc)

	task, tr := lwt.Task[string]()
	tc := lwt.WrapInCancelable(task)
	lwt.Cancel(tc)
	expectCanceled(t, "wrap_in_cancelable (task)", tc)
	expectCanceled(t, "the task", task)
	lwt.Wakeup(tr, "foo")
	expectCanceled(t, "the task, woken after cancel", task)

	w, wr = lwt.Wait[string]()
	wc = lwt.WrapInCancelable(w)
	lwt.Wakeup(wr, "foo")
	expectState(t, "wrap_in_cancelable, fulfilled", wc, "Return foo")
	expectState(t, "wrap_in_cancelable return", lwt.WrapInCancelable(lwt.Return("x")), "Return x")
	expectFailedWith(t, "wrap_in_cancelable fail", lwt.WrapInCancelable(lwt.Fail[string](errE)), errE)

	p1, r1 := lwt.Task[string]()
	p2 := lwt.WrapInCancelable(p1)
	p3, r3 := lwt.Wait[lwt.Unit]()
	lwt.Bind(p3, func(lwt.Unit) lwt.Promise[string] { return p2 })
	lwt.Wakeup(r3, unit)
	lwt.Wakeup(r1, "foo")
	expectState(t, "wrap_in_cancelable, proxied", p2, "Return foo")
}

// Item 30: catch task h then cancel: h sees Canceled and may turn it into a
// value.
func TestItem30CancelCatch(t *testing.T) {
	var saw []error
	p, _ := lwt.Task[string]()
	c := lwt.Catch(func() lwt.Promise[string] { return p }, func(err error) lwt.Promise[string] {
		saw = append(saw, err)
		return lwt.Return("foo")
	})
	lwt.Cancel(c)
	if len(saw) != 1 || !errors.Is(saw[0], lwt.ErrCanceled) {
		t.Errorf("h saw %v, want [Canceled]", saw)
	}
	expectCanceled(t, "task", p)
	expectState(t, "catch", c, "Return foo")

	// Lwt's "on_cancel, intercepted": the outer promise is not canceled.
	var ev events
	p, _ = lwt.Task[string]()
	c = lwt.Catch(func() lwt.Promise[string] { return p }, func(error) lwt.Promise[string] {
		ev.add("h")
		return lwt.Return("foo")
	})
	lwt.OnCancel(p, func() { ev.add("inner on_cancel") })
	lwt.OnCancel(c, func() { ev.add("outer on_cancel") })
	lwt.Cancel(c)
	ev.expect(t, "inner on_cancel", "h")
	expectState(t, "intercepted", c, "Return foo")

	// "forwarded": h fails with the error again.
	ev = nil
	p, _ = lwt.Task[string]()
	c = lwt.Catch(func() lwt.Promise[string] { return p }, lwt.Fail[string])
	lwt.OnCancel(c, func() { ev.add("outer on_cancel") })
	lwt.Cancel(c)
	expectCanceled(t, "forwarded", c)
	ev.expect(t, "outer on_cancel")

	// Catch over a wait is not cancelable.
	w, _ := lwt.Wait[string]()
	c = lwt.Catch(func() lwt.Promise[string] { return w }, func(error) lwt.Promise[string] {
		t.Error("h ran")
		return lwt.Return("")
	})
	lwt.Cancel(c)
	expectState(t, "catch over wait", c, "Sleep")

	// Once h ran, cancel reaches its promise.
	w, wr := lwt.Wait[string]()
	inner, _ := lwt.Task[string]()
	c = lwt.Catch(func() lwt.Promise[string] { return w }, func(error) lwt.Promise[string] { return inner })
	lwt.WakeupExn(wr, errE)
	lwt.Cancel(c)
	expectCanceled(t, "h's promise", inner)
	expectCanceled(t, "catch after h", c)

	// TryBind: the ko function sees Canceled; ok does not run.
	saw = nil
	p, _ = lwt.Task[string]()
	tb := lwt.TryBind(func() lwt.Promise[string] { return p },
		func(string) lwt.Promise[string] { t.Error("ok ran"); return lwt.Return("foo") },
		func(err error) lwt.Promise[string] { saw = append(saw, err); return lwt.Return("bar") })
	lwt.Cancel(tb)
	if len(saw) != 1 || !errors.Is(saw[0], lwt.ErrCanceled) {
		t.Errorf("ko saw %v", saw)
	}
	expectState(t, "try_bind", tb, "Return bar")
}

// Item 31: finalize task c then cancel: c runs; if c fails, its error replaces
// Canceled.
func TestItem31CancelFinalize(t *testing.T) {
	ran := 0
	p, _ := lwt.Task[string]()
	f := lwt.Finalize(func() lwt.Promise[string] { return p },
		func() lwt.Promise[lwt.Unit] { ran++; return lwt.ReturnUnit() })
	lwt.Cancel(f)
	if ran != 1 {
		t.Errorf("cleanup ran %d times, want 1", ran)
	}
	expectCanceled(t, "task", p)
	expectCanceled(t, "finalize", f)

	p, _ = lwt.Task[string]()
	f = lwt.Finalize(func() lwt.Promise[string] { return p },
		func() lwt.Promise[lwt.Unit] { return lwt.Fail[lwt.Unit](errE) })
	lwt.Cancel(f)
	expectFailedWith(t, "cleanup fails after cancel of finalize", f, errE)

	p, _ = lwt.Task[string]()
	f = lwt.Finalize(func() lwt.Promise[string] { return p },
		func() lwt.Promise[lwt.Unit] { return lwt.Fail[lwt.Unit](errE) })
	lwt.Cancel(p)
	expectFailedWith(t, "cleanup fails after cancel of the task", f, errE)

	w, _ := lwt.Wait[string]()
	ran = 0
	f = lwt.Finalize(func() lwt.Promise[string] { return w },
		func() lwt.Promise[lwt.Unit] { ran++; return lwt.ReturnUnit() })
	lwt.Cancel(f)
	expectState(t, "finalize over wait", f, "Sleep")
	if ran != 0 {
		t.Error("cleanup ran on cancel of a finalize over a wait")
	}

	// Once the cleanup runs, cancel reaches its promise.
	w, wr := lwt.Wait[string]()
	c, _ := lwt.Task[lwt.Unit]()
	f = lwt.Finalize(func() lwt.Promise[string] { return w }, func() lwt.Promise[lwt.Unit] { return c })
	lwt.Wakeup(wr, "x")
	lwt.Cancel(f)
	expectCanceled(t, "cleanup's task", c)
	expectCanceled(t, "finalize, cleanup canceled", f)
}

// Item 32: join [wait; task] then cancel: the task is Canceled; the join stays
// asleep until the wait resolves, then is Canceled. On a diamond, on_cancel
// fires once.
func TestItem32CancelJoin(t *testing.T) {
	w, wr := lwt.Wait[lwt.Unit]()
	task, _ := lwt.Task[lwt.Unit]()
	j := lwt.Join(w, task)
	lwt.Cancel(j)
	expectState(t, "wait", w, "Sleep")
	expectCanceled(t, "task", task)
	expectState(t, "join", j, "Sleep")
	lwt.Wakeup(wr, unit)
	expectState(t, "wait, woken", w, "Return ()")
	expectCanceled(t, "join, after the wait", j)

	w1, _ := lwt.Wait[lwt.Unit]()
	w2, _ := lwt.Wait[lwt.Unit]()
	j = lwt.Join(w1, w2)
	lwt.Cancel(j)
	expectState(t, "join [wait; wait]", j, "Sleep")

	t1, _ := lwt.Task[lwt.Unit]()
	t2, _ := lwt.Task[lwt.Unit]()
	j = lwt.Join(t1, t2)
	lwt.Cancel(j)
	expectCanceled(t, "join [task; task]", j)
	expectCanceled(t, "t1", t1)
	expectCanceled(t, "t2", t2)

	ran := 0
	p, _ := lwt.Task[lwt.Unit]()
	j = lwt.Join(p, p)
	lwt.OnCancel(p, func() { ran++ })
	lwt.Cancel(j)
	if ran != 1 {
		t.Errorf("diamond: on_cancel ran %d times, want 1", ran)
	}
	expectCanceled(t, "diamond", j)

	// A wider diamond: the same task under two binds and a map.
	ran = 0
	p, _ = lwt.Task[lwt.Unit]()
	lwt.OnCancel(p, func() { ran++ })
	a := lwt.Bind(p, lwt.Return[lwt.Unit])
	b := lwt.Map(p, func(u lwt.Unit) lwt.Unit { return u })
	j = lwt.Join(a, b, lwt.Join(a, p))
	lwt.Cancel(j)
	if ran != 1 {
		t.Errorf("wide diamond: on_cancel ran %d times, want 1", ran)
	}
	expectCanceled(t, "wide diamond", j)
	// and cancel can be done again, now without effect
	lwt.Cancel(j)

	// All and Both cancel like join.
	t1i, _ := lwt.Task[int]()
	t2s, _ := lwt.Task[string]()
	both := lwt.Both(t1i, t2s)
	lwt.Cancel(both)
	expectCanceled(t, "both", both)
	expectCanceled(t, "both, second", t2s)
	wi, wir := lwt.Wait[int]()
	ti, _ := lwt.Task[int]()
	all := lwt.All(wi, ti)
	lwt.Cancel(all)
	expectState(t, "all [wait; task]", all, "Sleep")
	lwt.Wakeup(wir, 1)
	expectCanceled(t, "all, after the wait", all)
}

// Item 33: choose [wait; task] then cancel: the result is Canceled and the
// wait stays asleep.
func TestItem33CancelChoose(t *testing.T) {
	type chooser struct {
		name string
		f    func(...lwt.Promise[int]) lwt.Promise[string]
	}
	show := func(f func(...lwt.Promise[int]) lwt.Promise[[]int]) func(...lwt.Promise[int]) lwt.Promise[string] {
		return func(ps ...lwt.Promise[int]) lwt.Promise[string] {
			return lwt.Map(f(ps...), func(v []int) string { return fmt.Sprint(v) })
		}
	}
	one := func(f func(...lwt.Promise[int]) lwt.Promise[int]) func(...lwt.Promise[int]) lwt.Promise[string] {
		return func(ps ...lwt.Promise[int]) lwt.Promise[string] {
			return lwt.Map(f(ps...), strconv.Itoa)
		}
	}
	for _, c := range []chooser{
		{"choose", one(lwt.Choose[int])},
		{"pick", one(lwt.Pick[int])},
		{"nchoose", show(lwt.NChoose[int])},
		{"npick", show(lwt.NPick[int])},
	} {
		t.Run(c.name, func(t *testing.T) {
			w, _ := lwt.Wait[int]()
			task, _ := lwt.Task[int]()
			p := c.f(w, task)
			lwt.Cancel(p)
			expectCanceled(t, "result", p)
			expectCanceled(t, "task", task)
			expectState(t, "wait", w, "Sleep")

			w1, _ := lwt.Wait[int]()
			w2, _ := lwt.Wait[int]()
			p = c.f(w1, w2)
			lwt.Cancel(p)
			expectState(t, "[wait; wait]", p, "Sleep")
			expectState(t, "w1", w1, "Sleep")
		})
	}
}

// Item 34: with_value restores the previous value even when f raises; a bind
// callback sees the value captured when it was registered.
func TestItem34Keys(t *testing.T) {
	key := lwt.NewKey[int]()
	get := func() string {
		if v, ok := lwt.Get(key); ok {
			return strconv.Itoa(v)
		}
		return "none"
	}
	if get() != "none" {
		t.Fatalf("initial: %s", get())
	}
	if got := lwt.WithValue(key, 42, get); got != "42" {
		t.Errorf("store, retrieve: %s", got)
	}
	if get() != "none" {
		t.Errorf("store, restore: %s", get())
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("WithValue swallowed the panic")
			}
		}()
		lwt.WithValue(key, 42, func() int { panic(errE) })
	}()
	if get() != "none" {
		t.Errorf("store, f panics, restore: %s", get())
	}
	if got := lwt.WithValue(key, 42, func() string { return lwt.WithValue(key, 1337, get) }); got != "1337" {
		t.Errorf("store, overwrite, retrieve: %s", got)
	}
	if got := lwt.WithValue(key, 42, func() string { return lwt.WithoutValue(key, get) }); got != "none" {
		t.Errorf("store, blank, retrieve: %s", got)
	}
	if got := lwt.WithValue(key, 42, func() string {
		lwt.WithValue(key, 1, get)
		return get()
	}); got != "42" {
		t.Errorf("nested restore: %s", got)
	}
	key2 := lwt.NewKey[int]()
	if lwt.WithValue(key, 42, func() bool { _, ok := lwt.Get(key2); return ok }) {
		t.Error("distinct keys share a value")
	}
	keyS := lwt.NewKey[string]()
	if v := lwt.WithValue(keyS, "s", func() string { v, _ := lwt.Get(keyS); return v }); v != "s" {
		t.Errorf("string key: %q", v)
	}

	// Each kind of callback sees the value in effect when it was registered
	// (1337), and the caller's (42) is back afterwards.
	cases := map[string]struct {
		fail bool
		reg  func(p lwt.Promise[int], record func())
	}{
		"bind": {false, func(p lwt.Promise[int], record func()) {
			lwt.Bind(p, func(int) lwt.Promise[int] { record(); return lwt.Return(0) })
		}},
		"map": {false, func(p lwt.Promise[int], record func()) {
			lwt.Map(p, func(int) int { record(); return 0 })
		}},
		"catch": {true, func(p lwt.Promise[int], record func()) {
			lwt.Catch(func() lwt.Promise[int] { return p }, func(error) lwt.Promise[int] { record(); return lwt.Return(0) })
		}},
		"try_bind ok": {false, func(p lwt.Promise[int], record func()) {
			lwt.TryBind(func() lwt.Promise[int] { return p },
				func(int) lwt.Promise[int] { record(); return lwt.Return(0) }, lwt.Fail[int])
		}},
		"try_bind ko": {true, func(p lwt.Promise[int], record func()) {
			lwt.TryBind(func() lwt.Promise[int] { return p }, lwt.Return[int],
				func(error) lwt.Promise[int] { record(); return lwt.Return(0) })
		}},
		"finalize": {false, func(p lwt.Promise[int], record func()) {
			lwt.Finalize(func() lwt.Promise[int] { return p }, func() lwt.Promise[lwt.Unit] { record(); return lwt.ReturnUnit() })
		}},
		"on_success":        {false, func(p lwt.Promise[int], record func()) { lwt.OnSuccess(p, func(int) { record() }) }},
		"on_failure":        {true, func(p lwt.Promise[int], record func()) { lwt.OnFailure(p, func(error) { record() }) }},
		"on_termination ok": {false, func(p lwt.Promise[int], record func()) { lwt.OnTermination(p, record) }},
		"on_termination ko": {true, func(p lwt.Promise[int], record func()) { lwt.OnTermination(p, record) }},
		"on_any ok":         {false, func(p lwt.Promise[int], record func()) { lwt.OnAny(p, func(int) { record() }, func(error) {}) }},
		"on_any ko":         {true, func(p lwt.Promise[int], record func()) { lwt.OnAny(p, func(int) {}, func(error) { record() }) }},
		"async (via bind)": {false, func(p lwt.Promise[int], record func()) {
			lwt.Async(func() lwt.Promise[int] { return lwt.Map(p, func(int) int { record(); return 0 }) })
		}},
		"on_cancel": {true, func(p lwt.Promise[int], record func()) { lwt.OnCancel(p, record) }},
		"bind (inner callbacks)": {false, func(p lwt.Promise[int], record func()) {
			lwt.Bind(p, func(int) lwt.Promise[int] { return lwt.Map(lwt.Return(0), func(int) int { record(); return 0 }) })
		}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var seen []string
			p, r := lwt.Task[int]()
			lwt.WithValue(key, 42, func() int {
				lwt.WithValue(key, 1337, func() int {
					c.reg(p, func() { seen = append(seen, get()) })
					return 0
				})
				if len(seen) != 0 {
					t.Fatalf("callback ran before the wakeup")
				}
				if name == "on_cancel" {
					lwt.Cancel(p)
				} else if c.fail {
					lwt.WakeupExn(r, errE)
				} else {
					lwt.Wakeup(r, 1)
				}
				if got := get(); got != "42" {
					t.Errorf("after the wakeup the caller sees %s, want 42", got)
				}
				return 0
			})
			if len(seen) != 1 || seen[0] != "1337" {
				t.Errorf("callback saw %v, want [1337]", seen)
			}
			if get() != "none" {
				t.Errorf("after all: %s", get())
			}
		})
	}

	// Woken from a place where the key has another value, or none.
	p, r := lwt.Wait[int]()
	var seen []string
	lwt.WithValue(key, 7, func() int {
		lwt.Bind(p, func(int) lwt.Promise[int] {
			seen = append(seen, get())
			return lwt.Map(lwt.Pause(), func(lwt.Unit) int { seen = append(seen, get()); return 0 })
		})
		return 0
	})
	lwt.WithValue(key, 99, func() int { lwt.Wakeup(r, 0); return 0 })
	lwt.WakeupPaused()
	if strings.Join(seen, ",") != "7,7" {
		t.Errorf("callbacks saw %v, want [7 7]", seen)
	}

	// The rule holds deep in a chain, where callbacks are queued.
	p, r = lwt.Wait[int]()
	c := p
	bad := 0
	for i := range 500 {
		c = lwt.WithValue(key, i, func() lwt.Promise[int] {
			return lwt.Bind(c, func(x int) lwt.Promise[int] {
				if v, ok := lwt.Get(key); !ok || v != i {
					bad++
				}
				return lwt.Return(x + 1)
			})
		})
	}
	lwt.Wakeup(r, 0)
	expectState(t, "deep chain", c, "Return 500")
	if bad != 0 {
		t.Errorf("%d callbacks in a deep chain saw the wrong value", bad)
	}
	if get() != "none" {
		t.Errorf("after the deep chain: %s", get())
	}

	// A panic in a callback does not leak its values.
	q := lwt.WithValue(key, 5, func() lwt.Promise[int] {
		return lwt.Bind(lwt.Return(0), func(int) lwt.Promise[int] { panic(errE) })
	})
	expectPanicError(t, "panicking callback", q, error(errE))
	if get() != "none" {
		t.Errorf("after a panicking callback: %s", get())
	}
}

// Item 35: A wakeup inside a callback runs the dependent callbacks before it
// returns; wakeup_later inside a callback runs them after the current
// callback; at top level wakeup_later runs them at once.
func TestItem35WakeupLater(t *testing.T) {
	t.Run("wakeup inside a callback", func(t *testing.T) {
		var ev events
		p1, r1 := lwt.Wait[string]()
		p2, r2 := lwt.Wait[string]()
		lwt.OnSuccess(p2, func(s string) { ev.add("p2 %s", s) })
		lwt.OnSuccess(p1, func(s string) {
			ev.add("p1 start")
			lwt.WakeupResult(r2, s+"bar", nil)
			ev.add("p1 sees %v", p2.State())
		})
		lwt.WakeupResult(r1, "foo", nil)
		ev.add("top")
		ev.expect(t, "p1 start", "p2 foobar", "p1 sees Return foobar", "top")
	})
	t.Run("wakeup_later inside a callback", func(t *testing.T) {
		var ev events
		p1, r1 := lwt.Wait[string]()
		p2, r2 := lwt.Wait[string]()
		lwt.OnSuccess(p2, func(s string) { ev.add("p2 %s", s) })
		lwt.OnSuccess(p1, func(s string) {
			ev.add("p1 start")
			lwt.WakeupLaterResult(r2, s+"bar", nil)
			ev.add("p1 sees %v", p2.State())
		})
		lwt.WakeupLaterResult(r1, "foo", nil)
		ev.add("top")
		ev.expect(t, "p1 start", "p1 sees Return foobar", "p2 foobar", "top")
	})
	t.Run("wakeup_later in a nested callback", func(t *testing.T) {
		// Deferred past the current callback, and past those it is nested in,
		// but still before the outermost wakeup returns.
		var ev events
		a, ra := lwt.Wait[int]()
		b, rb := lwt.Wait[int]()
		c, rc := lwt.Wait[int]()
		lwt.OnSuccess(c, func(int) { ev.add("c") })
		lwt.OnSuccess(b, func(int) {
			ev.add("b start")
			lwt.WakeupLater(rc, 0)
			ev.add("b end")
		})
		lwt.OnSuccess(a, func(int) {
			ev.add("a start")
			lwt.Wakeup(rb, 0)
			ev.add("a end")
		})
		lwt.Wakeup(ra, 0)
		ev.add("top")
		ev.expect(t, "a start", "b start", "b end", "a end", "c", "top")
	})
	t.Run("wakeup_later_exn inside a bind on a resolved promise", func(t *testing.T) {
		var ev events
		p, r := lwt.Wait[int]()
		lwt.OnFailure(p, func(err error) { ev.add("p %v", err) })
		q := lwt.Bind(lwt.Return(1), func(int) lwt.Promise[int] {
			lwt.WakeupLaterExn(r, errE)
			ev.add("bind")
			return lwt.Return(2)
		})
		ev.add("top")
		ev.expect(t, "bind", "p Exception", "top")
		expectState(t, "bind", q, "Return 2")
	})
	t.Run("wakeup_later at top level", func(t *testing.T) {
		p, r := lwt.Wait[string]()
		q := lwt.Bind(p, func(s string) lwt.Promise[string] { return lwt.Return(s + "bar") })
		lwt.WakeupLaterResult(r, "foo", nil)
		expectState(t, "immediate", q, "Return foobar")
		p, r = lwt.Wait[string]()
		lwt.WakeupLater(r, "foo")
		expectState(t, "wakeup_later", p, "Return foo")
		p, r = lwt.Wait[string]()
		lwt.WakeupLaterExn(r, errE)
		expectFailedWith(t, "wakeup_later_exn", p, errE)
		// A task canceled then woken later stays canceled (Lwt's
		// "wakeup_later: canceled").
		p, r = lwt.Task[string]()
		lwt.Cancel(p)
		lwt.WakeupLater(r, "x")
		expectCanceled(t, "wakeup_later on canceled", p)
	})
	t.Run("wakeup and wakeup_later at top level are synchronous", func(t *testing.T) {
		p, r := lwt.Wait[int]()
		c := p
		for range 1000 {
			c = lwt.Bind(c, func(x int) lwt.Promise[int] { return lwt.Return(x + 1) })
		}
		lwt.WakeupLater(r, 0)
		expectState(t, "chain of 1000", c, "Return 1000")
	})
}

// Item 36: pause () stays asleep until the scheduler resumes paused promises,
// FIFO; a pause made while resuming waits for the next round.
func TestItem36Pause(t *testing.T) {
	t.Cleanup(func() { lwt.RegisterPauseNotifier(nil) })
	if n := lwt.PausedCount(); n != 0 {
		t.Fatalf("initial PausedCount = %d", n)
	}
	lwt.WakeupPaused() // with no promises
	if n := lwt.PausedCount(); n != 0 {
		t.Fatalf("PausedCount = %d", n)
	}

	var ev events
	p1 := lwt.Pause()
	p2 := lwt.Pause()
	p3 := lwt.Pause()
	var p4 lwt.Promise[lwt.Unit]
	if n := lwt.PausedCount(); n != 3 {
		t.Errorf("PausedCount = %d, want 3", n)
	}
	expectState(t, "paused", p1, "Sleep")
	lwt.OnSuccess(p3, func(lwt.Unit) { ev.add("p3") })
	lwt.OnSuccess(p2, func(lwt.Unit) { ev.add("p2") })
	lwt.OnSuccess(p1, func(lwt.Unit) {
		ev.add("p1")
		p4 = lwt.Pause()
		lwt.OnSuccess(p4, func(lwt.Unit) { ev.add("p4") })
	})
	lwt.WakeupPaused()
	ev.expect(t, "p1", "p2", "p3")
	for _, p := range []lwt.Promise[lwt.Unit]{p1, p2, p3} {
		expectState(t, "resumed", p, "Return ()")
	}
	expectState(t, "paused while resuming", p4, "Sleep")
	if n := lwt.PausedCount(); n != 1 {
		t.Errorf("PausedCount after the round = %d, want 1", n)
	}
	lwt.WakeupPaused()
	ev.expect(t, "p1", "p2", "p3", "p4")
	expectState(t, "next round", p4, "Return ()")
	if n := lwt.PausedCount(); n != 0 {
		t.Errorf("PausedCount = %d, want 0", n)
	}

	// Lwt's "pause in unpause".
	b := lwt.Bind(lwt.Pause(), func(lwt.Unit) lwt.Promise[lwt.Unit] { return lwt.Pause() })
	lwt.WakeupPaused()
	if n := lwt.PausedCount(); n != 1 {
		t.Errorf("pause in unpause: PausedCount = %d, want 1", n)
	}
	expectState(t, "pause in unpause", b, "Sleep")
	lwt.WakeupPaused()
	expectState(t, "pause in unpause, next round", b, "Return ()")

	// A pause is cancelable, and resuming skips it.
	pc := lwt.Pause()
	lwt.Cancel(pc)
	expectCanceled(t, "canceled pause", pc)
	lwt.WakeupPaused()
	expectCanceled(t, "canceled pause, resumed", pc)
	if n := lwt.PausedCount(); n != 0 {
		t.Errorf("PausedCount = %d, want 0", n)
	}

	// The notifier.
	var seen []int
	lwt.RegisterPauseNotifier(func(n int) { seen = append(seen, n) })
	lwt.Pause()
	lwt.Pause()
	if !slices.Equal(seen, []int{1, 2}) {
		t.Errorf("notifier saw %v, want [1 2]", seen)
	}
	lwt.RegisterPauseNotifier(nil)
	lwt.WakeupPaused()
	lwt.Pause()
	if len(seen) != 2 {
		t.Errorf("removed notifier still called: %v", seen)
	}
	lwt.WakeupPaused()

	// "recursive pause in notifier".
	lwt.RegisterPauseNotifier(func(int) {
		if n := lwt.PausedCount(); n != 1 {
			t.Errorf("in the notifier: PausedCount = %d, want 1", n)
		}
		lwt.RegisterPauseNotifier(nil)
		lwt.Pause()
	})
	lwt.Pause()
	if n := lwt.PausedCount(); n != 2 {
		t.Errorf("recursive pause in notifier: PausedCount = %d, want 2", n)
	}
	lwt.WakeupPaused()

	// "unpause in pause".
	lwt.RegisterPauseNotifier(func(int) {
		if n := lwt.PausedCount(); n != 1 {
			t.Errorf("in the notifier: PausedCount = %d, want 1", n)
		}
		lwt.WakeupPaused()
	})
	pp := lwt.Pause()
	lwt.RegisterPauseNotifier(nil)
	if n := lwt.PausedCount(); n != 0 {
		t.Errorf("unpause in pause: PausedCount = %d, want 0", n)
	}
	expectState(t, "unpause in pause", pp, "Return ()")
}

// Item 37: apply/wrap turn a raised error into a failed promise.
func TestItem37ApplyWrap(t *testing.T) {
	expectState(t, "apply", lwt.Apply(func(s string) lwt.Promise[string] { return lwt.Return(s + "bar") }, "foo"), "Return foobar")
	expectPanicError(t, "apply, panics", lwt.Apply(func(string) lwt.Promise[string] { panic(errE) }, "foo"), error(errE))
	expectFailedWith(t, "apply, fails", lwt.Apply(lwt.Fail[string], errE), errE)
	p, r := lwt.Wait[string]()
	a := lwt.Apply(func(string) lwt.Promise[string] { return p }, "")
	lwt.Wakeup(r, "later")
	expectState(t, "apply, pending", a, "Return later")

	expectState(t, "wrap", lwt.Wrap(func() (int, error) { return 42, nil }), "Return 42")
	expectFailedWith(t, "wrap, error", lwt.Wrap(func() (int, error) { return 0, errE }), errE)
	expectPanicError(t, "wrap, panics", lwt.Wrap(func() (int, error) { panic(errE) }), error(errE))

	expectState(t, "of_result ok", lwt.OfResult(1, nil), "Return 1")
	expectFailedWith(t, "of_result error", lwt.OfResult(1, errE), errE)
}

// Item 38: A 10-million-step loop of binds over resolved promises completes,
// in constant stack.
func TestItem38TenMillionResolvedBinds(t *testing.T) {
	const n = 10_000_000
	t.Run("recursive loop", func(t *testing.T) {
		// Lwt's "tailrec": each step binds on a resolved promise and
		// recurses from the callback.
		maxDepth := 0
		var aux func(acc, i int) lwt.Promise[int]
		aux = func(acc, i int) lwt.Promise[int] {
			if i == 0 {
				return lwt.Return(acc)
			}
			return lwt.Bind(lwt.Return(i), func(s int) lwt.Promise[int] {
				if i%1024 == 0 {
					d := stackDepth()
					maxDepth = max(maxDepth, d)
					if d >= maxStackFrames {
						return lwt.Fail[int](fmt.Errorf("stack of %d frames at step %d", d, n-i))
					}
				}
				return aux(acc+s, i-1)
			})
		}
		v, err := aux(0, n).Result()
		if err != nil || v != n*(n+1)/2 {
			t.Fatalf("result = %v, %v; want %d", v, err, n*(n+1)/2)
		}
		if maxDepth >= maxStackFrames || maxDepth == 0 {
			t.Errorf("max stack depth seen in callbacks = %d frames", maxDepth)
		}
		t.Logf("max stack depth: %d frames", maxDepth)
	})
	t.Run("iterative loop", func(t *testing.T) {
		p := lwt.Return(0)
		for i := range n {
			p = lwt.Bind(p, func(x int) lwt.Promise[int] { return lwt.Return(x + i&1) })
		}
		if v, err := p.Result(); err != nil || v != n/2 {
			t.Fatalf("result = %v, %v", v, err)
		}
	})
	t.Run("mixed resolved and pending", func(t *testing.T) {
		// Every 1000th step waits for a promise resolved from the top level.
		var pending []lwt.Resolver[int]
		maxDepth := 0
		var aux func(acc, i int) lwt.Promise[int]
		aux = func(acc, i int) lwt.Promise[int] {
			if i == 0 {
				return lwt.Return(acc)
			}
			var p lwt.Promise[int]
			if i%1000 == 0 {
				var r lwt.Resolver[int]
				p, r = lwt.Wait[int]()
				pending = append(pending, r)
			} else {
				p = lwt.Return(1)
			}
			return lwt.Bind(p, func(s int) lwt.Promise[int] {
				if i%1024 == 0 {
					maxDepth = max(maxDepth, stackDepth())
					if maxDepth >= maxStackFrames {
						return lwt.Fail[int](errors.New("stack too deep"))
					}
				}
				return aux(acc+s, i-1)
			})
		}
		p := aux(0, n)
		woken := 0
		for len(pending) > 0 {
			r := pending[0]
			pending = pending[1:]
			lwt.Wakeup(r, 1)
			woken++
		}
		if v, err := p.Result(); err != nil || v != n {
			t.Fatalf("result = %v, %v; want %d", v, err, n)
		}
		if woken != n/1000 {
			t.Errorf("woke %d promises, want %d", woken, n/1000)
		}
		if maxDepth >= maxStackFrames {
			t.Errorf("max stack depth seen in callbacks = %d frames", maxDepth)
		}
	})
}

// Item 39 (differs): 100k binds chained on one pending promise overflow
// Lwt's stack on wakeup; here 10 million resolve.
func TestItem39TenMillionChainedBinds(t *testing.T) {
	const n = 10_000_000
	t.Run("bind chain", func(t *testing.T) {
		maxDepth, calls := 0, 0
		f := func(x int) lwt.Promise[int] {
			if calls++; calls%1024 == 0 {
				maxDepth = max(maxDepth, stackDepth())
			}
			return lwt.Return(x + 1)
		}
		p0, r := lwt.Wait[int]()
		p := p0
		for range n {
			p = lwt.Bind(p, f)
		}
		expectState(t, "before the wakeup", p, "Sleep")
		lwt.Wakeup(r, 0)
		if v, err := p.Result(); v != n || err != nil {
			t.Fatalf("result = %v, %v; want %d", v, err, n)
		}
		if maxDepth >= maxStackFrames || maxDepth == 0 {
			t.Errorf("max stack depth seen in callbacks = %d frames", maxDepth)
		}
		t.Logf("max stack depth: %d frames", maxDepth)
	})
	t.Run("wakeups nested in callbacks", func(t *testing.T) {
		// Each callback wakes the next promise: wakeups nest in callbacks.
		const m = 1_000_000
		maxDepth := 0
		ps := make([]lwt.Promise[int], m+1)
		rs := make([]lwt.Resolver[int], m+1)
		for i := range ps {
			ps[i], rs[i] = lwt.Wait[int]()
		}
		for i := range m {
			lwt.OnSuccess(ps[i], func(x int) {
				if i%1024 == 0 {
					maxDepth = max(maxDepth, stackDepth())
				}
				lwt.Wakeup(rs[i+1], x+1)
			})
		}
		lwt.Wakeup(rs[0], 0)
		expectState(t, "last", ps[m], "Return "+strconv.Itoa(m))
		if maxDepth >= maxStackFrames {
			t.Errorf("max stack depth seen in callbacks = %d frames", maxDepth)
		}
	})
	t.Run("cancel of a long chain", func(t *testing.T) {
		const m = 1_000_000
		task, _ := lwt.Task[int]()
		p := task
		for range m {
			p = lwt.Map(p, func(x int) int { return x + 1 })
		}
		caught := lwt.Catch(func() lwt.Promise[int] { return p }, func(err error) lwt.Promise[int] {
			if errors.Is(err, lwt.ErrCanceled) {
				return lwt.Return(-1)
			}
			return lwt.Fail[int](err)
		})
		lwt.Cancel(p)
		expectCanceled(t, "task", task)
		expectCanceled(t, "end of the chain", p)
		expectState(t, "catch", caught, "Return -1")
	})
}

// Beyond the numbered items: the rest of the package documentation's
// contract.

// States print like the manual; the zero Promise is fulfilled with the zero
// value; a copy made before resolution sees the result.
func TestStatesAndValues(t *testing.T) {
	expectState(t, "return", lwt.Return(42), "Return 42")
	expectState(t, "fail", lwt.Fail[int](errX), "Fail Exit")
	expectState(t, "return unit", lwt.ReturnUnit(), "Return ()")
	w, r := lwt.Wait[int]()
	expectState(t, "wait", w, "Sleep")
	if s := w.State(); s.Kind != lwt.Sleeping {
		t.Errorf("Kind = %v, want Sleeping", s.Kind)
	}
	if _, err := w.Result(); err != lwt.ErrSleeping {
		t.Errorf("Result of a sleeping promise: %v, want ErrSleeping", err)
	}
	if fmt.Sprint(w) != "Sleep" {
		t.Errorf("fmt.Sprint(promise) = %q", fmt.Sprint(w))
	}
	cp := w
	if r.Promise().State().Kind != lwt.Sleeping {
		t.Error("Resolver.Promise is not the sleeping promise")
	}
	lwt.Wakeup(r, 42)
	expectState(t, "copy made before the wakeup", cp, "Return 42")
	expectState(t, "Resolver.Promise", r.Promise(), "Return 42")
	if s := cp.State(); s.Kind != lwt.Returned || s.Value != 42 {
		t.Errorf("State = %+v", s)
	}
	if v, err := cp.Result(); v != 42 || err != nil {
		t.Errorf("Result = %v, %v", v, err)
	}
	if cp.IsSleeping() {
		t.Error("IsSleeping after the wakeup")
	}
	var z lwt.Promise[string]
	expectState(t, "zero promise", z, "Return ")
	if v, err := z.Result(); v != "" || err != nil {
		t.Errorf("zero promise: %q, %v", v, err)
	}
	f := lwt.Fail[int](errE)
	if s := f.State(); s.Kind != lwt.Failed || s.Err != errE {
		t.Errorf("State = %+v", s)
	}
	tk, tr := lwt.Task[int]()
	lwt.WakeupResult(tr, 0, errE)
	expectFailedWith(t, "wakeup_result with an error", tk, errE)
	tk, tr = lwt.Task[int]()
	lwt.WakeupResult(tr, 3, nil)
	expectState(t, "wakeup_result with a value", tk, "Return 3")
}

// A promise failed with any error, ErrSleeping included, is in the Fail
// state: State must agree with IsSleeping.
func TestStateOfPromiseFailedWithErrSleeping(t *testing.T) {
	p, r := lwt.Wait[int]()
	lwt.WakeupExn(r, lwt.ErrSleeping)
	if p.IsSleeping() {
		t.Fatal("IsSleeping after WakeupExn")
	}
	if s := p.State(); s.Kind != lwt.Failed {
		t.Errorf("State = %v (Kind %d), want Fail (IsSleeping is false)", s, s.Kind)
	}
	if s := lwt.Fail[int](lwt.ErrSleeping).State(); s.Kind != lwt.Failed {
		t.Errorf("State of Fail(ErrSleeping) = %v (Kind %d), want Fail", s, s.Kind)
	}
}

// Misuse that can be detected cheaply is a clear panic.
func TestMisusePanics(t *testing.T) {
	var zr lwt.Resolver[int]
	if msg := mustPanic(t, "Wakeup of the zero Resolver", func() { lwt.Wakeup(zr, 1) }); !mentions(msg, "lwt.Wakeup") {
		t.Errorf("panic %q does not name lwt.Wakeup", msg)
	}
	mustPanic(t, "Fail(nil)", func() { lwt.Fail[int](nil) })
	_, r := lwt.Wait[int]()
	if msg := mustPanic(t, "WakeupExn(nil)", func() { lwt.WakeupExn(r, nil) }); !mentions(msg, "lwt.WakeupExn") {
		t.Errorf("panic %q does not name lwt.WakeupExn", msg)
	}
	mustPanic(t, "WakeupLaterExn(nil)", func() { lwt.WakeupLaterExn(r, nil) })
	lwt.Wakeup(r, 1) // r still usable
}

// The markers of the source language panic outside rewritten code, with a
// message that says to run lwtgen.
func TestMarkersPanic(t *testing.T) {
	for name, f := range map[string]func(){
		"lwt.Await":    func() { lwt.Await(lwt.Return(1)) },
		"lwt.Await2":   func() { lwt.Await2(lwt.Return(1), lwt.Return("")) },
		"lwt.Await3":   func() { lwt.Await3(lwt.Return(1), lwt.Return(""), lwt.Return(true)) },
		"lwt.AwaitAll": func() { lwt.AwaitAll(lwt.Return(1)) },
		"lwt.Try":      func() { lwt.Try(lwt.Return(1)) },
		"lwt.Assert":   func() { lwt.Assert(true) },
	} {
		msg := mustPanic(t, name, f)
		if !strings.Contains(msg, "lwtgen") || !mentions(msg, name) {
			t.Errorf("%s: panic %q should name the marker and mention lwtgen", name, msg)
		}
	}
}

// A panic in any callback becomes a *PanicError failure of the resulting
// promise, and never escapes.
func TestPanicInEveryCallback(t *testing.T) {
	type result struct {
		name string
		p    lwt.Promise[int]
	}
	var rs []result
	add := func(name string, p lwt.Promise[int]) { rs = append(rs, result{name, p}) }
	boom := func() { panic(errE) }
	for _, pending := range []bool{false, true} {
		var wake []func()
		src := func(fail bool) lwt.Promise[int] {
			if !pending {
				if fail {
					return lwt.Fail[int](errX)
				}
				return lwt.Return(1)
			}
			p, r := lwt.Wait[int]()
			wake = append(wake, func() {
				if fail {
					lwt.WakeupExn(r, errX)
				} else {
					lwt.Wakeup(r, 1)
				}
			})
			return p
		}
		rs = nil
		add("bind", lwt.Bind(src(false), func(int) lwt.Promise[int] { boom(); return lwt.Return(0) }))
		add("map", lwt.Map(src(false), func(int) int { boom(); return 0 }))
		add("catch h", lwt.Catch(func() lwt.Promise[int] { return src(true) }, func(error) lwt.Promise[int] { boom(); return lwt.Return(0) }))
		add("try_bind ok", lwt.TryBind(func() lwt.Promise[int] { return src(false) },
			func(int) lwt.Promise[int] { boom(); return lwt.Return(0) },
			func(error) lwt.Promise[int] { t.Error("ko ran after ok panicked"); return lwt.Return(0) }))
		add("try_bind ko", lwt.TryBind(func() lwt.Promise[int] { return src(true) }, lwt.Return[int],
			func(error) lwt.Promise[int] { boom(); return lwt.Return(0) }))
		add("finalize cleanup", lwt.Finalize(func() lwt.Promise[int] { return src(false) },
			func() lwt.Promise[lwt.Unit] { boom(); return lwt.ReturnUnit() }))
		add("bind in bind", lwt.Bind(src(false), func(int) lwt.Promise[int] {
			return lwt.Bind(lwt.Return(0), func(int) lwt.Promise[int] { boom(); return lwt.Return(0) })
		}))
		func() {
			defer func() {
				if x := recover(); x != nil {
					t.Fatalf("pending=%v: a panic escaped: %v", pending, x)
				}
			}()
			for _, w := range wake {
				w()
			}
		}()
		for _, r := range rs {
			expectPanicError(t, fmt.Sprintf("%s (pending=%v)", r.name, pending), r.p, error(errE))
		}
	}
	// TryBind's f panicking goes to ko.
	var saw error
	tb := lwt.TryBind(func() lwt.Promise[int] { panic(errE) }, lwt.Return[int],
		func(err error) lwt.Promise[int] { saw = err; return lwt.Return(7) })
	expectState(t, "try_bind, f panics", tb, "Return 7")
	if !errors.Is(saw, errE) {
		t.Errorf("ko saw %v", saw)
	}
	// TryBind without panics.
	expectState(t, "try_bind ok", lwt.TryBind(func() lwt.Promise[int] { return lwt.Return(1) },
		func(x int) lwt.Promise[string] { return lwt.Return(fmt.Sprint("ok ", x)) },
		func(err error) lwt.Promise[string] { return lwt.Return("ko") }), "Return ok 1")
	expectState(t, "try_bind ko", lwt.TryBind(func() lwt.Promise[int] { return lwt.Fail[int](errE) },
		func(x int) lwt.Promise[string] { return lwt.Return("ok") },
		func(err error) lwt.Promise[string] { return lwt.Return(fmt.Sprint("ko ", err)) }), "Return ko Exception")
	p1, r1 := lwt.Wait[int]()
	p2, r2 := lwt.Wait[string]()
	tb2 := lwt.TryBind(func() lwt.Promise[int] { return p1 },
		func(int) lwt.Promise[string] { return p2 }, func(error) lwt.Promise[string] { return lwt.Return("ko") })
	lwt.Wakeup(r1, 1)
	expectState(t, "try_bind, ok pending", tb2, "Sleep")
	lwt.Wakeup(r2, "late")
	expectState(t, "try_bind, ok pending, fulfilled", tb2, "Return late")
}

// Lwt's "callback cleanup" tests: choosing many times over a promise that
// stays pending must not lose the callbacks that are still live.
func TestCallbackCleanupKeepsLiveCallbacks(t *testing.T) {
	t.Run("choose", func(t *testing.T) {
		p1, r1 := lwt.Wait[string]()
		p2 := lwt.Bind(p1, func(s string) lwt.Promise[string] { return lwt.Return(s + "bar") })
		w, _ := lwt.Wait[string]()
		p3 := lwt.Choose(p1, w)
		for range 10_000 {
			p4, r4 := lwt.Wait[string]()
			lwt.Choose(p1, p4)
			lwt.NChoose(p4, p1)
			lwt.Pick(p1, p4)
			lwt.Wakeup(r4, "")
		}
		lwt.Wakeup(r1, "foo")
		expectState(t, "p2", p2, "Return foobar")
		expectState(t, "p3", p3, "Return foo")
	})
	t.Run("bind", func(t *testing.T) {
		p1, r1 := lwt.Wait[lwt.Unit]()
		p2, r2 := lwt.Wait[lwt.Unit]()
		p3 := lwt.Bind(p1, func(lwt.Unit) lwt.Promise[lwt.Unit] { return p2 })
		p4 := lwt.Map(p2, func(u lwt.Unit) lwt.Unit { return u })
		p5 := lwt.Map(p3, func(u lwt.Unit) lwt.Unit { return u })
		round := func() {
			p6, r6 := lwt.Wait[lwt.Unit]()
			lwt.Choose(p2, p3, p6)
			lwt.Wakeup(r6, unit)
		}
		for range 10_000 {
			round()
		}
		lwt.Wakeup(r1, unit)
		for range 10_000 {
			round()
		}
		lwt.Wakeup(r2, unit)
		expectState(t, "p4", p4, "Return ()")
		expectState(t, "p5", p5, "Return ()")
	})
}

// Errors standing for Lwt's test exceptions.
var (
	errE   = errors.New("Exception")
	errX   = errors.New("Exit")
	errFoo = errors.New("foo")
)

// canceledState is how a canceled promise prints.
var canceledState = "Fail " + lwt.ErrCanceled.Error()

// childEnv selects, in a re-run of the test binary, what the child does.
const childEnv = "LWT_SEMANTICS_TEST_CHILD"

// unexpectedAsync collects failures that reached the async exception hook
// while no test had installed its own. The runtime's default hook would exit
// the whole test binary; this one lets the other tests run and fails the run
// at the end.
var unexpectedAsync []string

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "" {
		lwt.SetAsyncExceptionHook(func(err error) {
			msg := fmt.Sprintf("%+v", err)
			unexpectedAsync = append(unexpectedAsync, msg)
			fmt.Fprintf(os.Stderr, "unexpected call of the async exception hook: %s\n", msg)
		})
	}
	code := m.Run()
	if len(unexpectedAsync) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: %d unexpected async exception(s)\n", len(unexpectedAsync))
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// events records what ran, in order.
type events []string

func (e *events) add(format string, args ...any) {
	*e = append(*e, fmt.Sprintf(format, args...))
}

func (e *events) expect(t *testing.T, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	got := []string(*e)
	if got == nil {
		got = []string{}
	}
	if strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
		t.Errorf("events = %q, want %q", got, want)
	}
}

// expectState checks the printed state of p.
func expectState[T any](t *testing.T, what string, p lwt.Promise[T], want string) {
	t.Helper()
	if got := p.State().String(); got != want {
		t.Errorf("%s: state = %q, want %q", what, got, want)
	}
}

// expectCanceled checks that p failed with an error that is lwt.ErrCanceled.
func expectCanceled[T any](t *testing.T, what string, p lwt.Promise[T]) {
	t.Helper()
	s := p.State()
	if s.Kind != lwt.Failed || !errors.Is(s.Err, lwt.ErrCanceled) {
		t.Errorf("%s: state = %v, want Fail Canceled (errors.Is ErrCanceled)", what, s)
	}
}

// expectFailedWith checks that p failed with exactly err (same value).
func expectFailedWith[T any](t *testing.T, what string, p lwt.Promise[T], err error) {
	t.Helper()
	s := p.State()
	if s.Kind != lwt.Failed || s.Err != err {
		t.Errorf("%s: state = %v, want Fail %v", what, s, err)
	}
}

// expectPanicError checks that p failed with a *lwt.PanicError carrying
// value, seen through by errors.Is when value is an error.
func expectPanicError[T any](t *testing.T, what string, p lwt.Promise[T], value any) *lwt.PanicError {
	t.Helper()
	s := p.State()
	if s.Kind != lwt.Failed {
		t.Errorf("%s: state = %v, want a failure from a panic", what, s)
		return nil
	}
	var pe *lwt.PanicError
	if !errors.As(s.Err, &pe) {
		t.Errorf("%s: error %v (%T) is not a *lwt.PanicError", what, s.Err, s.Err)
		return nil
	}
	if pe.Value != value {
		t.Errorf("%s: PanicError.Value = %v, want %v", what, pe.Value, value)
	}
	if err, ok := value.(error); ok && !errors.Is(s.Err, err) {
		t.Errorf("%s: errors.Is(%v, %v) = false", what, s.Err, err)
	}
	if len(pe.Stack) == 0 {
		t.Errorf("%s: PanicError.Stack is empty", what)
	}
	return pe
}

// mustPanic runs f and returns the printed panic value; it fails the test if
// f does not panic.
func mustPanic(t *testing.T, what string, f func()) (msg string) {
	t.Helper()
	defer func() {
		x := recover()
		if x == nil {
			t.Errorf("%s: did not panic", what)
			return
		}
		msg = fmt.Sprint(x)
	}()
	f()
	return ""
}

// mentions reports whether msg names the Go identifier name as a whole word
// (so that "lwt.Wakeup" is not found in "lwt.WakeupLater").
func mentions(msg, name string) bool {
	return regexp.MustCompile(regexp.QuoteMeta(name) + `\b`).MatchString(msg)
}

// captureHook installs an async exception hook that records what it gets,
// and restores the previous hook when the test ends.
func captureHook(t *testing.T) *[]error {
	t.Helper()
	var got []error
	prev := lwt.SetAsyncExceptionHook(func(err error) { got = append(got, err) })
	t.Cleanup(func() { lwt.SetAsyncExceptionHook(prev) })
	return &got
}

// runChild re-runs the test binary for the test named test, with childEnv
// set to mode, and returns its outputs and exit code.
func runChild(t *testing.T, test, mode string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+mode)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code = 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("running the child: %v", err)
		}
		code = ee.ExitCode()
	}
	return out.String(), errOut.String(), code
}

// stackDepth is the number of frames on the current goroutine's stack, up to
// len(stackBuf).
var stackBuf = make([]uintptr, 1<<14)

func stackDepth() int { return runtime.Callers(0, stackBuf) }

// maxStackFrames is the most frames a callback may see on the stack in the
// long-loop tests: a constant-stack runtime stays far below it.
const maxStackFrames = 2000

// unit is the value of a Promise[lwt.Unit].
var unit = lwt.Unit{}
