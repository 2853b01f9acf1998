package lwtpreemptive

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

var errBoom = errors.New("boom")

// usePool sets the bounds for one test and, when it ends, empties the pool and
// restores the defaults.
func usePool(t testing.TB, min, max int) {
	t.Helper()
	SetBounds(min, max)
	t.Cleanup(func() {
		SetBounds(0, 4)
		SetMaxThreadQueueLength(1000)
		SetIdleTimeout(0)
		waitFor(t, "the pool to empty", func() bool { w, _, _ := Stats(); return w == 0 })
		SetIdleTimeout(DefaultIdleTimeout)
	})
}

func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// goid returns the id of the calling goroutine.
func goid() string {
	var buf [64]byte
	s := string(buf[:runtime.Stack(buf[:], false)])
	s = strings.TrimPrefix(s, "goroutine ")
	return s[:strings.IndexByte(s, ' ')]
}

func run[T any](t *testing.T, p lwt.Promise[T]) (T, error) {
	t.Helper()
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() { v, err := lwtmain.Run(p); done <- result{v, err} }()
	select {
	case r := <-done:
		return r.v, r.err
	case <-time.After(20 * time.Second):
		t.Fatal("lwtmain.Run did not return")
		panic("unreachable")
	}
}

func TestDetachRoundTrip(t *testing.T) {
	usePool(t, 0, 4)
	var loop, worker string
	p := lwt.Bind(lwt.Pause(), func(lwt.Unit) lwt.Promise[int] {
		loop = goid()
		return Detach(func() (int, error) { worker = goid(); return 42, nil })
	})
	v, err := run(t, p)
	if v != 42 || err != nil {
		t.Fatalf("Detach: %v, %v", v, err)
	}
	if worker == loop || worker == "" {
		t.Fatalf("f ran on goroutine %s, the loop is %s", worker, loop)
	}
	_, err = run(t, Detach(func() (string, error) { return "", errBoom }))
	if err != errBoom {
		t.Fatalf("failing f: %v", err)
	}
}

// The promise is resolved on the loop: its callbacks run on the goroutine
// that runs lwtmain.Run.
func TestDetachResolvesOnLoop(t *testing.T) {
	usePool(t, 0, 4)
	var loop, callback string
	p := lwt.Bind(lwt.Pause(), func(lwt.Unit) lwt.Promise[lwt.Unit] {
		loop = goid()
		return lwt.Map(Detach(func() (int, error) { return 1, nil }), func(int) lwt.Unit {
			callback = goid()
			return lwt.Unit{}
		})
	})
	if _, err := run(t, p); err != nil {
		t.Fatal(err)
	}
	if callback != loop {
		t.Fatalf("callback ran on goroutine %s, the loop is %s", callback, loop)
	}
}

// 1,000 detached calls with max 4: never more than 4 at once, all of them
// run, each result goes to its own promise.
func TestDetachBounded(t *testing.T) {
	const n, max = 1000, 4
	usePool(t, 0, max)
	var running, peak atomic.Int32
	ps := make([]lwt.Promise[int], n)
	for i := range ps {
		ps[i] = Detach(func() (int, error) {
			r := running.Add(1)
			for {
				p := peak.Load()
				if r <= p || peak.CompareAndSwap(p, r) {
					break
				}
			}
			time.Sleep(50 * time.Microsecond)
			running.Add(-1)
			return i * i, nil
		})
	}
	if w, _, q := Stats(); w != max || q > n-max || q == 0 {
		t.Fatalf("after %d Detach: %d workers, %d queued", n, w, q)
	}
	vs, err := run(t, lwt.All(ps...))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vs {
		if v != i*i {
			t.Fatalf("result %d: %d", i, v)
		}
	}
	if p := peak.Load(); p > max || p < 2 {
		t.Fatalf("peak concurrency %d, bounds (0, %d)", p, max)
	}
	// A worker counts as busy until it is back in the pool, just after it
	// sent its result.
	waitFor(t, "the workers to be idle", func() bool { _, busy, _ := Stats(); return busy == 0 })
	if w, _, q := Stats(); w > max || q != 0 {
		t.Fatalf("after the run: %d workers, %d queued", w, q)
	}
}

func TestQueueFull(t *testing.T) {
	usePool(t, 0, 1)
	SetMaxThreadQueueLength(2)
	if n := GetMaxThreadQueueLength(); n != 2 {
		t.Fatalf("GetMaxThreadQueueLength: %d", n)
	}
	release := make(chan struct{})
	ran := make([]bool, 4)
	ps := make([]lwt.Promise[int], 4)
	for i := range ps {
		ps[i] = Detach(func() (int, error) { <-release; ran[i] = true; return i, nil })
	}
	if _, err := ps[3].Result(); err != ErrQueueFull {
		t.Fatalf("fourth Detach with 1 worker and a queue of 2: %v", ps[3].State())
	}
	close(release)
	vs, err := run(t, lwt.All(ps[:3]...))
	if err != nil || vs[2] != 2 {
		t.Fatalf("%v, %v", vs, err)
	}
	if ran[3] {
		t.Fatal("the function refused by a full queue ran")
	}
}

func TestDetachPanic(t *testing.T) {
	usePool(t, 0, 4)
	_, err := run(t, Detach(func() (int, error) { panic("in a detached function") }))
	var pe *lwt.PanicError
	if !errors.As(err, &pe) || pe.Value != "in a detached function" {
		t.Fatalf("panic in f: %v", err)
	}
	if !strings.Contains(string(pe.Stack), "TestDetachPanic") {
		t.Fatalf("the stack does not show the panicking function:\n%s", pe.Stack)
	}
	_, err = run(t, Detach(func() (int, error) { panic(errBoom) }))
	if !errors.Is(err, errBoom) {
		t.Fatalf("panic with an error: %v", err)
	}
	// The worker survived the panics.
	if v, err := run(t, Detach(func() (int, error) { return 1, nil })); v != 1 || err != nil {
		t.Fatalf("after panics: %v, %v", v, err)
	}
}

func TestDetachGoexit(t *testing.T) {
	usePool(t, 0, 1)
	_, err := run(t, Detach(func() (int, error) { runtime.Goexit(); return 0, nil }))
	if err != errGoexit {
		t.Fatalf("Goexit in f: %v", err)
	}
	waitFor(t, "the worker to be counted out", func() bool { w, _, _ := Stats(); return w == 0 })
	if v, err := run(t, Detach(func() (int, error) { return 1, nil })); v != 1 || err != nil {
		t.Fatalf("after Goexit: %v, %v", v, err)
	}
}

// Canceling a running detached function rejects its promise at once; the
// function runs to its end, its result is dropped, and its worker serves
// the next one.
func TestCancelRunning(t *testing.T) {
	usePool(t, 0, 1)
	started, release := make(chan struct{}), make(chan struct{})
	var finished atomic.Bool
	p := Detach(func() (int, error) {
		close(started)
		<-release
		finished.Store(true)
		return 1, nil
	})
	<-started
	lwt.Cancel(p)
	if _, err := p.Result(); err != lwt.ErrCanceled {
		t.Fatalf("canceled: %v", p.State())
	}
	next := Detach(func() (bool, error) { return finished.Load(), nil })
	if _, _, q := Stats(); q != 1 {
		t.Fatalf("the canceled function left its worker: %d queued", q)
	}
	close(release)
	if ok, err := run(t, next); !ok || err != nil {
		t.Fatalf("next detached function: %v, %v (the canceled one finished first: %v)", ok, err, ok)
	}
	if _, err := p.Result(); err != lwt.ErrCanceled {
		t.Fatalf("the result of a canceled function reached its promise: %v", p.State())
	}
}

// A detached function canceled while it waits for a worker never runs.
func TestCancelQueued(t *testing.T) {
	usePool(t, 0, 1)
	release := make(chan struct{})
	first := Detach(func() (int, error) { <-release; return 1, nil })
	var ran atomic.Bool
	queued := Detach(func() (int, error) { ran.Store(true); return 2, nil })
	if _, _, q := Stats(); q != 1 {
		t.Fatalf("%d queued", q)
	}
	lwt.Cancel(queued)
	if _, _, q := Stats(); q != 0 || queued.State().String() != "Fail lwt: canceled" {
		t.Fatalf("after Cancel: %d queued, %v", q, queued.State())
	}
	third := Detach(func() (int, error) { return 3, nil })
	close(release)
	if v, err := run(t, lwt.Map(lwt.Both(first, third), func(p lwt.Pair[int, int]) int { return p.First + p.Second })); v != 4 || err != nil {
		t.Fatalf("%v, %v", v, err)
	}
	if ran.Load() {
		t.Fatal("a function canceled in the queue ran")
	}
}

// Many cancellations in the queue do not keep the queue growing.
func TestCancelQueuedMany(t *testing.T) {
	usePool(t, 0, 1)
	release := make(chan struct{})
	first := Detach(func() (int, error) { <-release; return 1, nil })
	for range 10000 {
		lwt.Cancel(Detach(func() (int, error) { return 0, nil }))
	}
	if n := len(thePool.queue) - thePool.head; n > 200 {
		t.Fatalf("%d canceled jobs kept in the queue", n)
	}
	close(release)
	if v, err := run(t, first); v != 1 || err != nil {
		t.Fatalf("%v, %v", v, err)
	}
}

// cpuTime is the user and system time of the process.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// The loop blocked in the engine (nothing paused, no IO) is woken by the
// completion of a detached function: it goes round a few times, not once
// per poll, and burns no CPU while it waits.
func TestDetachWakesBlockedLoop(t *testing.T) {
	usePool(t, 0, 4)
	rounds := 0
	h := lwtmain.EnterIterHooks.AddLast(func() { rounds++ })
	defer h.Remove()
	const sleep = 200 * time.Millisecond
	cpu, start := cpuTime(t), time.Now()
	v, err := run(t, Detach(func() (int, error) { time.Sleep(sleep); return 7, nil }))
	cpu, elapsed := cpuTime(t)-cpu, time.Since(start)
	if v != 7 || err != nil {
		t.Fatalf("%v, %v", v, err)
	}
	if rounds > 3 {
		t.Fatalf("the loop went round %d times while the detached function slept", rounds)
	}
	if elapsed < sleep || cpu > sleep/4 {
		t.Fatalf("waited %v, CPU time %v: the loop polls", elapsed, cpu)
	}
}

func TestRunInMainFromDetached(t *testing.T) {
	usePool(t, 0, 4)
	var loop, inMain string
	p := lwt.Bind(lwt.Pause(), func(lwt.Unit) lwt.Promise[int] {
		loop = goid()
		return Detach(func() (int, error) {
			v, err := RunInMain(func() lwt.Promise[int] {
				inMain = goid()
				// A promise that needs more rounds of the loop.
				return lwt.Map(lwt.Pause(), func(lwt.Unit) int { return 20 })
			})
			return v + 1, err
		})
	})
	v, err := run(t, p)
	if v != 21 || err != nil {
		t.Fatalf("%v, %v", v, err)
	}
	if inMain != loop {
		t.Fatalf("RunInMain ran f on goroutine %s, the loop is %s", inMain, loop)
	}
}

func TestRunInMainErrors(t *testing.T) {
	usePool(t, 0, 4)
	p := Detach(func() (string, error) {
		_, err1 := RunInMain(func() lwt.Promise[int] { return lwt.Fail[int](errBoom) })
		_, err2 := RunInMain(func() lwt.Promise[int] { panic("in main") })
		_, err3 := RunInMain(func() lwt.Promise[int] {
			return lwt.Bind(lwt.Pause(), func(lwt.Unit) lwt.Promise[int] { return lwt.Fail[int](errBoom) })
		})
		var pe *lwt.PanicError
		if err1 != errBoom || !errors.As(err2, &pe) || pe.Value != "in main" || err3 != errBoom {
			return "", errors.Join(errors.New("unexpected errors"), err1, err2, err3)
		}
		return "ok", nil
	})
	if v, err := run(t, p); v != "ok" || err != nil {
		t.Fatalf("%v, %v", v, err)
	}
}

// RunInMain from a goroutine that is not a worker, while the loop waits for
// a promise only that goroutine resolves; and from goroutines that call it
// before Run starts.
func TestRunInMainFromGoroutines(t *testing.T) {
	const n = 50
	done, r := lwt.Wait[int]()
	count := 0
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			v, err := RunInMain(func() lwt.Promise[int] { count++; return lwt.Return(i) })
			if v != i || err != nil {
				t.Errorf("RunInMain: %v, %v", v, err)
			}
		})
	}
	go func() {
		wg.Wait()
		RunInMain(func() lwt.Promise[lwt.Unit] { lwt.Wakeup(r, count); return lwt.ReturnUnit() })
	}()
	time.Sleep(10 * time.Millisecond) // let some of them post before Run
	if v, err := run(t, done); v != n || err != nil {
		t.Fatalf("%v, %v", v, err)
	}
}

// RunInMain on the loop panics instead of waiting for itself.
func TestRunInMainOnLoop(t *testing.T) {
	msg := func(f func()) (msg string) {
		defer func() { msg = fmt.Sprint(recover()) }()
		f()
		return ""
	}
	call := func() { RunInMain(func() lwt.Promise[int] { return lwt.Return(1) }) }
	var inCallback, inHook string
	h := lwtmain.LeaveIterHooks.AddLast(func() { inHook = msg(call) })
	// A yield resumes after the engine's turn, so the round goes on to the
	// leave hooks (a pause would resume before the enter hooks, and Run
	// would return there).
	p := lwt.Map(lwtmain.Yield(), func(lwt.Unit) lwt.Unit { inCallback = msg(call); return lwt.Unit{} })
	_, err := run(t, p)
	h.Remove()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{inCallback, inHook} {
		if !strings.Contains(m, "RunInMain called from the loop") {
			t.Fatalf("RunInMain on the loop: panic %q", m)
		}
	}
	lwtmain.AtExit(func() lwt.Promise[lwt.Unit] { inHook = msg(call); return lwt.ReturnUnit() })
	lwtmain.RunExitHooks()
	if !strings.Contains(inHook, "RunInMain called from the loop") {
		t.Fatalf("RunInMain in an exit hook: panic %q", inHook)
	}
}

func TestRunInMainDontWait(t *testing.T) {
	usePool(t, 0, 4)
	var loop, ran, handled string
	var got error
	p := lwt.Bind(lwt.Pause(), func(lwt.Unit) lwt.Promise[int] {
		loop = goid()
		// From the loop: runs at the end of the round.
		RunInMainDontWait(func() lwt.Promise[lwt.Unit] { ran = goid(); return lwt.ReturnUnit() }, func(error) {})
		return Detach(func() (int, error) {
			RunInMainDontWait(func() lwt.Promise[lwt.Unit] { return lwt.Fail[lwt.Unit](errBoom) },
				func(err error) { got, handled = err, goid() })
			return RunInMain(func() lwt.Promise[int] { return lwt.Return(1) })
		})
	})
	if _, err := run(t, p); err != nil {
		t.Fatal(err)
	}
	if ran != loop || handled != loop || got != errBoom {
		t.Fatalf("loop %s, f ran on %s, h on %s with %v", loop, ran, handled, got)
	}
}

func TestSetBounds(t *testing.T) {
	usePool(t, 0, 1)
	for _, b := range [][2]int{{-1, 2}, {3, 2}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("SetBounds(%d, %d) did not panic", b[0], b[1])
				}
			}()
			SetBounds(b[0], b[1])
		}()
	}
	if lo, hi := GetBounds(); lo != 0 || hi != 1 {
		t.Fatalf("GetBounds: %d, %d", lo, hi)
	}

	// Raising max starts queued functions.
	release := make(chan struct{})
	var running atomic.Int32
	block := func() (int, error) { running.Add(1); <-release; return 0, nil }
	ps := []lwt.Promise[int]{Detach(block), Detach(block), Detach(block)}
	waitFor(t, "the first function", func() bool { return running.Load() == 1 })
	SetBounds(0, 3)
	waitFor(t, "the queued functions to start", func() bool { return running.Load() == 3 })
	if w, busy, q := Stats(); w != 3 || busy != 3 || q != 0 {
		t.Fatalf("%d workers, %d busy, %d queued", w, busy, q)
	}

	// Lowering it: workers above it end when their function returns, and
	// the rest of the queue waits for the one left.
	SetBounds(0, 1)
	ps = append(ps, Detach(block), Detach(block))
	close(release)
	if _, err := run(t, lwt.All(ps...)); err != nil {
		t.Fatal(err)
	}
	if w, _, _ := Stats(); w != 1 {
		t.Fatalf("%d workers after lowering max to 1", w)
	}
}

// min workers start at once and stay idle past the idle timeout.
func TestMinWorkers(t *testing.T) {
	usePool(t, 2, 4)
	SetIdleTimeout(time.Millisecond)
	if w, busy, _ := Stats(); w != 2 || busy != 0 {
		t.Fatalf("SetBounds(2, 4): %d workers, %d busy", w, busy)
	}
	release := make(chan struct{})
	block := func() (int, error) { <-release; return 0, nil }
	ps := []lwt.Promise[int]{Detach(block), Detach(block), Detach(block)}
	close(release)
	if _, err := run(t, lwt.All(ps...)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the third worker to idle out", func() bool { w, _, _ := Stats(); return w == 2 })
	time.Sleep(20 * time.Millisecond)
	if w, _, _ := Stats(); w != 2 {
		t.Fatalf("%d workers, min is 2", w)
	}
	SetBounds(0, 4)
	waitFor(t, "the workers to idle out", func() bool { w, _, _ := Stats(); return w == 0 })
}

// After Run, idle workers end after the idle timeout, and SetIdleTimeout(0)
// ends them at once: the goroutine count returns to what it was.
func TestNoGoroutineLeak(t *testing.T) {
	usePool(t, 0, 4)
	base := runtime.NumGoroutine()
	check := func(what string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > base {
			t.Fatalf("%s: %d goroutines, %d before", what, n, base)
		}
	}
	detachMany := func() {
		t.Helper()
		ps := make([]lwt.Promise[int], 100)
		for i := range ps {
			ps[i] = Detach(func() (int, error) { time.Sleep(time.Millisecond); return i, nil })
		}
		if _, err := lwtmain.Run(lwt.All(ps...)); err != nil {
			t.Fatal(err)
		}
		if w, _, _ := Stats(); w == 0 {
			t.Fatal("no worker left idle right after Run")
		}
	}
	SetIdleTimeout(50 * time.Millisecond)
	detachMany()
	check("after the idle timeout")

	SetIdleTimeout(time.Hour)
	detachMany()
	time.Sleep(10 * time.Millisecond)
	if w, _, _ := Stats(); w == 0 {
		t.Fatal("workers idled out before an idle timeout of an hour")
	}
	SetIdleTimeout(0)
	check("after SetIdleTimeout(0)")

	// SetBounds(0, 0) stops the pool whatever the idle timeout.
	SetIdleTimeout(time.Hour)
	detachMany()
	SetBounds(0, 0)
	check("after SetBounds(0, 0)")
	queued := Detach(func() (int, error) { return 1, nil })
	if _, _, q := Stats(); q != 1 {
		t.Fatalf("Detach on a stopped pool: %d queued", q)
	}
	SetBounds(0, 1)
	if v, err := lwtmain.Run(queued); v != 1 || err != nil {
		t.Fatalf("queued on a stopped pool, then started: %v, %v", v, err)
	}
}
