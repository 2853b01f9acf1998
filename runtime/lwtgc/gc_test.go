package lwtgc

import (
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lwtgo/lwt/runtime/engine"
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

// res is a resource with a finaliser: big enough, and with a pointer, so
// that the allocator gives it a block of its own.
type res struct {
	name string
	n    int
}

//go:noinline
func newRes(name string) *res { return &res{name: name} }

// goid returns the id of the calling goroutine.
func goid() string {
	var buf [64]byte
	s := string(buf[:runtime.Stack(buf[:], false)])
	s = strings.TrimPrefix(s, "goroutine ")
	return s[:strings.IndexByte(s, ' ')]
}

// runCollecting runs the loop until p is resolved, collecting garbage every
// millisecond meanwhile; it fails the test after 10 seconds.
func runCollecting[T any](t *testing.T, p lwt.Promise[T]) (T, error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	timedOut, r := lwt.Wait[T]()
	ev := engine.OnTimer(time.Millisecond, true, func(ev *engine.Event) {
		runtime.GC()
		if time.Now().After(deadline) {
			ev.Stop()
			lwt.WakeupExn(r, errors.New("timed out collecting garbage"))
		}
	})
	defer ev.Stop()
	return lwtmain.Run(lwt.Choose(p, timedOut))
}

// collected collects garbage until the finalisers of every object with
// lwtgc finalisers have been queued for the loop.
func collected(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		mu.Lock()
		n := len(records)
		mu.Unlock()
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d objects with finalisers not collected", n)
		}
		time.Sleep(time.Millisecond)
	}
}

func exitHooks(t *testing.T) {
	t.Helper()
	if err := lwtmain.RunExitHooks(); err != nil {
		t.Fatal(err)
	}
}

// A finaliser runs on the loop, with the object, after it is collected.
func TestFinaliseRunsOnLoop(t *testing.T) {
	defer exitHooks(t)
	var loop, fin, name string
	done, r := lwt.Wait[lwt.Unit]()
	Finalise(func(x *res) lwt.Promise[lwt.Unit] {
		fin, name = goid(), x.name
		lwt.Wakeup(r, lwt.Unit{})
		return lwt.ReturnUnit()
	}, newRes("a"))
	p := lwt.Bind(lwt.Pause(), func(lwt.Unit) lwt.Promise[lwt.Unit] { loop = goid(); return done })
	if _, err := runCollecting(t, p); err != nil {
		t.Fatal(err)
	}
	if fin != loop || name != "a" {
		t.Fatalf("finaliser of %q ran on goroutine %s, the loop is %s", name, fin, loop)
	}
}

// The exit hooks wait for a finaliser that is still running when Run
// returns.
func TestExitWaitsForFinaliser(t *testing.T) {
	started, r := lwt.Wait[lwt.Unit]()
	finished := false
	Finalise(func(x *res) lwt.Promise[lwt.Unit] {
		lwt.Wakeup(r, lwt.Unit{})
		p, done := lwt.Wait[lwt.Unit]()
		engine.OnTimer(50*time.Millisecond, false, func(*engine.Event) {
			finished = true
			lwt.Wakeup(done, lwt.Unit{})
		})
		return p
	}, newRes("slow"))
	if _, err := runCollecting(t, started); err != nil {
		t.Fatal(err)
	}
	if finished {
		t.Fatal("the finaliser finished before Run returned")
	}
	exitHooks(t)
	if !finished {
		t.Fatal("the exit hooks returned before the finaliser finished")
	}
	if n := lwtmain.ExitHooks.Len(); n != 0 {
		t.Fatalf("%d exit hooks left", n)
	}
}

// A finaliser that the collector queued but that no Run took yet runs at
// exit.
func TestExitRunsQueuedFinaliser(t *testing.T) {
	ran := ""
	Finalise(func(x *res) lwt.Promise[lwt.Unit] { ran = x.name; return lwt.ReturnUnit() }, newRes("queued"))
	collected(t)
	if ran != "" {
		t.Fatal("the finaliser ran off the loop")
	}
	exitHooks(t)
	if ran != "queued" {
		t.Fatalf("finaliser at exit: %q", ran)
	}
}

// FinaliseOrExit on an object still reachable at exit: the exit hooks run
// it, and its collection later does not run it again.
func TestFinaliseOrExitAtExit(t *testing.T) {
	calls := 0
	x := newRes("alive")
	FinaliseOrExit(func(x *res) lwt.Promise[lwt.Unit] {
		calls++
		return lwt.Map(lwtmain.Yield(), func(lwt.Unit) lwt.Unit { calls += 10; return lwt.Unit{} })
	}, x)
	exitHooks(t)
	if calls != 11 {
		t.Fatalf("at exit: calls %d, want 11 (called, and waited for)", calls)
	}
	runtime.KeepAlive(x)
	x = nil
	collected(t)
	if _, err := lwtmain.Run(lwtmain.Yield()); err != nil {
		t.Fatal(err)
	}
	exitHooks(t)
	if calls != 11 {
		t.Fatalf("after collection: calls %d", calls)
	}
}

// FinaliseOrExit on an object collected during Run: it runs then, and not
// again at exit.
func TestFinaliseOrExitCollected(t *testing.T) {
	calls := 0
	done, r := lwt.Wait[lwt.Unit]()
	FinaliseOrExit(func(x *res) lwt.Promise[lwt.Unit] {
		calls++
		lwt.Wakeup(r, lwt.Unit{})
		return lwt.ReturnUnit()
	}, newRes("collected"))
	if _, err := runCollecting(t, done); err != nil {
		t.Fatal(err)
	}
	exitHooks(t)
	if calls != 1 {
		t.Fatalf("calls %d", calls)
	}
}

// FinaliseOrExit on an object collected just before exit, whose finaliser
// is queued for the loop: the exit hooks wait for it and it runs once.
func TestFinaliseOrExitQueuedAtExit(t *testing.T) {
	calls := 0
	FinaliseOrExit(func(x *res) lwt.Promise[lwt.Unit] {
		calls++
		return lwtmain.Yield()
	}, newRes("queued"))
	collected(t)
	exitHooks(t)
	if calls != 1 {
		t.Fatalf("calls %d", calls)
	}
}

// Several finalisers on one object run in the order they were added.
func TestSeveralFinalisers(t *testing.T) {
	defer exitHooks(t)
	var order []string
	done, r := lwt.Wait[lwt.Unit]()
	add := func(name string) func(*res) lwt.Promise[lwt.Unit] {
		return func(*res) lwt.Promise[lwt.Unit] {
			if order = append(order, name); len(order) == 3 {
				lwt.Wakeup(r, lwt.Unit{})
			}
			return lwt.ReturnUnit()
		}
	}
	func() {
		x := newRes("x")
		Finalise(add("first"), x)
		FinaliseOrExit(add("second"), x)
		Finalise(add("third"), x)
	}()
	if _, err := runCollecting(t, done); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(order, []string{"first", "second", "third"}) {
		t.Fatalf("finalisers ran in the order %q", order)
	}
}

// A panic in a finaliser, or a failure of its promise, goes to the async
// exception hook.
func TestFinaliserFailures(t *testing.T) {
	defer exitHooks(t)
	var errs []error
	done, r := lwt.Wait[lwt.Unit]()
	prev := lwt.SetAsyncExceptionHook(func(err error) {
		if errs = append(errs, err); len(errs) == 2 {
			lwt.Wakeup(r, lwt.Unit{})
		}
	})
	defer lwt.SetAsyncExceptionHook(prev)
	errBoom := errors.New("boom")
	Finalise(func(*res) lwt.Promise[lwt.Unit] { panic("in a finaliser") }, newRes("panics"))
	Finalise(func(*res) lwt.Promise[lwt.Unit] {
		return lwt.Bind(lwt.Pause(), func(lwt.Unit) lwt.Promise[lwt.Unit] { return lwt.Fail[lwt.Unit](errBoom) })
	}, newRes("fails"))
	if _, err := runCollecting(t, done); err != nil {
		t.Fatal(err)
	}
	var pe *lwt.PanicError
	if !slices.ContainsFunc(errs, func(err error) bool { return errors.As(err, &pe) && pe.Value == "in a finaliser" }) ||
		!slices.Contains(errs, errBoom) {
		t.Fatalf("async exceptions: %v", errs)
	}
}

func TestBadArguments(t *testing.T) {
	panics := func(what string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s did not panic", what)
			}
		}()
		f()
	}
	nop := func(*res) lwt.Promise[lwt.Unit] { return lwt.ReturnUnit() }
	panics("Finalise(f, nil)", func() { Finalise(nop, nil) })
	panics("FinaliseOrExit(nil, x)", func() { FinaliseOrExit(nil, newRes("x")) })
	exitHooks(t)
}
