package lwtmain

import (
	"errors"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lwtgo/lwt/runtime/engine"
	"github.com/lwtgo/lwt/runtime/lwt"
	"golang.org/x/sys/unix"
)

var errBoom = errors.New("boom")

// after returns a promise fulfilled with v by a timer of d.
func after[T any](d time.Duration, v T) lwt.Promise[T] {
	p, r := lwt.Wait[T]()
	engine.OnTimer(d, false, func(*engine.Event) { lwt.Wakeup(r, v) })
	return p
}

// rounds counts the rounds of the loop until the returned function is
// called.
func rounds(t *testing.T) *int {
	n := new(int)
	h := LeaveIterHooks.AddLast(func() { *n++ })
	t.Cleanup(h.Remove)
	return n
}

func TestRunReturnsValue(t *testing.T) {
	n := rounds(t)
	if v, err := Run(lwt.Return(42)); v != 42 || err != nil {
		t.Fatalf("Run(Return 42) = %v, %v", v, err)
	}
	if *n != 0 {
		t.Fatalf("Run of a resolved promise ran %d rounds", *n)
	}
	p := lwt.Map(Yield(), func(lwt.Unit) string { return "yielded" })
	if v, err := Run(p); v != "yielded" || err != nil || *n != 1 {
		t.Fatalf("Run = %q, %v after %d rounds", v, err, *n)
	}
}

func TestRunReturnsError(t *testing.T) {
	if _, err := Run(lwt.Fail[int](errBoom)); err != errBoom {
		t.Fatalf("Run(Fail) error %v", err)
	}
	p := lwt.Bind(lwt.Pause(), func(lwt.Unit) lwt.Promise[int] { return lwt.Fail[int](errBoom) })
	if v, err := Run(p); err != errBoom || v != 0 {
		t.Fatalf("Run = %v, %v", v, err)
	}
}

// A timer wakes a Wait promise, which resolves Run.
func TestTimerResolvesRun(t *testing.T) {
	start := time.Now()
	v, err := Run(after(20*time.Millisecond, "tick"))
	if v != "tick" || err != nil {
		t.Fatalf("Run = %q, %v", v, err)
	}
	if d := time.Since(start); d < 20*time.Millisecond {
		t.Fatalf("Run returned after %v, before the timer", d)
	}
}

// As in Lwt_main: a Run inside a callback of Run fails, and Run works again
// once the outer one has returned.
func TestNestedRun(t *testing.T) {
	var inner error
	p := lwt.Map(lwt.Pause(), func(lwt.Unit) int {
		_, inner = Run(lwt.Return(1))
		return 2
	})
	if v, err := Run(p); v != 2 || err != nil {
		t.Fatalf("outer Run = %v, %v", v, err)
	}
	if !errors.Is(inner, ErrNested) {
		t.Fatalf("nested Run: %v, want ErrNested", inner)
	}
	if !strings.Contains(inner.Error(), "nested calls to Run are not allowed") {
		t.Fatalf("unclear message: %v", inner)
	}
	if v, err := Run(lwt.Map(Yield(), func(lwt.Unit) int { return 3 })); v != 3 || err != nil {
		t.Fatalf("Run after a nested failure = %v, %v", v, err)
	}
}

// A panic in a hook leaves Run, which can be called again.
func TestPanicLeavesRun(t *testing.T) {
	h := EnterIterHooks.AddLast(func() { panic("hook") })
	func() {
		defer func() {
			if v := recover(); v != "hook" {
				t.Fatalf("recovered %v", v)
			}
		}()
		Run(Yield())
	}()
	h.Remove()
	if _, err := Run(Yield()); err != nil {
		t.Fatal(err)
	}
}

// Lwt blocks in the engine when nothing is runnable, even if nothing can
// ever wake it. Check that it blocks without spinning, then end it from
// another goroutine with a wakeup that a hook turns into a resolution.
func TestRunBlocksWhenIdle(t *testing.T) {
	p, r := lwt.Wait[int]()
	var stop atomic.Bool
	var n atomic.Int32
	enter := EnterIterHooks.AddLast(func() { n.Add(1) })
	leave := LeaveIterHooks.AddLast(func() {
		if stop.Load() && p.IsSleeping() {
			lwt.Wakeup(r, 7)
		}
	})
	defer enter.Remove()
	defer leave.Remove()
	type result struct {
		v   int
		err error
	}
	done := make(chan result)
	go func() {
		v, err := Run(p)
		done <- result{v, err}
	}()
	time.Sleep(100 * time.Millisecond)
	select {
	case res := <-done:
		t.Fatalf("Run of a promise nothing resolves returned %v", res)
	default:
	}
	if _, err := Run(lwt.Return(0)); !errors.Is(err, ErrNested) {
		t.Fatalf("Run from another goroutine while one runs: %v", err)
	}
	// A spinning loop would have run millions of rounds; signals may
	// interrupt the wait a few times.
	if rounds := n.Load(); rounds < 1 || rounds > 20 {
		t.Fatalf("%d rounds while idle", rounds)
	}
	stop.Store(true)
	engine.Wakeup()
	select {
	case res := <-done:
		if res.v != 7 || res.err != nil {
			t.Fatalf("Run = %v", res)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("engine.Wakeup did not wake Run")
	}
}

// hookLog adds the enter and leave hooks' runs to *log, for the duration of
// the test.
func hookLog(t *testing.T, log *[]string) {
	e := EnterIterHooks.AddLast(func() { *log = append(*log, "enter") })
	l := LeaveIterHooks.AddLast(func() { *log = append(*log, "leave") })
	t.Cleanup(func() { e.Remove(); l.Remove() })
}

// As in Lwt, a round resumes the paused promises before the enter hooks and
// again after the engine, then the yielded ones, then runs the leave hooks.
// Lwt 5.6.1 prints, for the promises below, "b; enter; b again; a; c;
// leave": all in one round, the pauses first, a promise paused while the
// first ones resume coming back after the engine, and the yields last.
func TestYieldAndPauseOrder(t *testing.T) {
	n := rounds(t)
	var log []string
	at := func(s string) func(lwt.Unit) lwt.Promise[lwt.Unit] {
		return func(lwt.Unit) lwt.Promise[lwt.Unit] {
			log = append(log, s)
			return lwt.ReturnUnit()
		}
	}
	a := lwt.Bind(Yield(), at("a"))
	b := lwt.Bind(lwt.Pause(), func(lwt.Unit) lwt.Promise[lwt.Unit] {
		log = append(log, "b")
		return lwt.Bind(lwt.Pause(), at("b again"))
	})
	c := lwt.Bind(Yield(), at("c"))
	if len(log) != 0 {
		t.Fatalf("paused promises ran before Run: %v", log)
	}
	hookLog(t, &log)
	if _, err := Run(lwt.Join(a, b, c)); err != nil {
		t.Fatal(err)
	}
	if want := []string{"b", "enter", "b again", "a", "c", "leave"}; !slices.Equal(log, want) {
		t.Fatalf("order %v, want %v", log, want)
	}
	if *n != 1 {
		t.Fatalf("%d rounds, want 1", *n)
	}
}

// A chain of three pauses advances twice a round; a yield made while a
// pause resumes waits for the end of the round, a pause made while a yield
// resumes for the next round. Lwt 5.6.1 prints "pause 1; enter; pause 2;
// leave; pause 3" and "p1; enter; y in p; leave; p in y".
func TestPausesTwiceARound(t *testing.T) {
	var log []string
	hookLog(t, &log)
	then := func(first lwt.Promise[lwt.Unit], s string, next func() lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit] {
		return lwt.Bind(first, func(lwt.Unit) lwt.Promise[lwt.Unit] {
			log = append(log, s)
			return next()
		})
	}
	chain := then(lwt.Pause(), "pause 1", func() lwt.Promise[lwt.Unit] {
		return then(lwt.Pause(), "pause 2", func() lwt.Promise[lwt.Unit] {
			return then(lwt.Pause(), "pause 3", lwt.ReturnUnit)
		})
	})
	if _, err := Run(chain); err != nil {
		t.Fatal(err)
	}
	if want := []string{"pause 1", "enter", "pause 2", "leave", "pause 3"}; !slices.Equal(log, want) {
		t.Fatalf("chain of pauses: %q, want %q", log, want)
	}

	log = nil
	mixed := then(lwt.Pause(), "p1", func() lwt.Promise[lwt.Unit] {
		return then(Yield(), "y in p", func() lwt.Promise[lwt.Unit] {
			return then(lwt.Pause(), "p in y", lwt.ReturnUnit)
		})
	})
	if _, err := Run(mixed); err != nil {
		t.Fatal(err)
	}
	if want := []string{"p1", "enter", "y in p", "leave", "p in y"}; !slices.Equal(log, want) {
		t.Fatalf("pauses and yields: %q, want %q", log, want)
	}
}

// Run of a resolved promise resumes the promises paused so far, as Lwt's
// loop does before it looks at the promise, and runs no hook. A canceled
// yield stays canceled.
func TestRunOfResolvedResumesPaused(t *testing.T) {
	var log []string
	hookLog(t, &log)
	lwt.Map(lwt.Pause(), func(lwt.Unit) lwt.Unit { log = append(log, "resumed"); return lwt.Unit{} })
	y := Yield()
	lwt.Cancel(y)
	if v, err := Run(lwt.Return(1)); v != 1 || err != nil {
		t.Fatalf("Run(Return 1) = %v, %v", v, err)
	}
	if want := []string{"resumed"}; !slices.Equal(log, want) {
		t.Fatalf("Run of a resolved promise: %q, want %q", log, want)
	}
	if _, err := Run(Yield()); err != nil {
		t.Fatal(err)
	}
	if _, err := y.Result(); !errors.Is(err, lwt.ErrCanceled) {
		t.Fatalf("canceled yield: %v", y)
	}
}

// Enter hooks run before the engine, leave hooks after the paused promises,
// each in sequence order; a hook may remove itself and add others.
func TestIterHooks(t *testing.T) {
	var log []string
	var self *Hook[func()]
	self = EnterIterHooks.AddLast(func() {
		log = append(log, "enter once")
		self.Remove()
		self.Remove()
	})
	e2 := EnterIterHooks.AddLast(func() { log = append(log, "enter last") })
	e1 := EnterIterHooks.AddFirst(func() { log = append(log, "enter first") })
	var added *Hook[func()]
	l1 := LeaveIterHooks.AddLast(func() {
		log = append(log, "leave")
		if added == nil {
			added = LeaveIterHooks.AddLast(func() { log = append(log, "leave added") })
		}
	})
	defer func() {
		e1.Remove()
		e2.Remove()
		l1.Remove()
		added.Remove()
		if EnterIterHooks.Len()+LeaveIterHooks.Len() != 0 {
			t.Error("hooks left")
		}
	}()
	p := lwt.Bind(Yield(), func(lwt.Unit) lwt.Promise[lwt.Unit] {
		log = append(log, "resumed")
		return Yield()
	})
	if _, err := Run(p); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"enter first", "enter once", "enter last", "resumed", "leave",
		"enter first", "enter last", "leave", "leave added",
	}
	if !slices.Equal(log, want) {
		t.Fatalf("hooks ran\n%q\nwant\n%q", log, want)
	}
	EnterIterHooks.RemoveAll()
	if EnterIterHooks.Len() != 0 {
		t.Fatal("RemoveAll left hooks")
	}
}

func pipe(t testing.TB) (r, w int) {
	t.Helper()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(p[0]); unix.Close(p[1]) })
	return p[0], p[1]
}

// pauseUntil pauses again and again until stop is resolved, and counts the
// rounds it took.
func pauseUntil(stop lwt.Promise[lwt.Unit]) lwt.Promise[int] {
	n := 0
	var step func(lwt.Unit) lwt.Promise[int]
	step = func(lwt.Unit) lwt.Promise[int] {
		if !stop.IsSleeping() {
			return lwt.Return(n)
		}
		n++
		return lwt.Bind(lwt.Pause(), step)
	}
	return step(lwt.Unit{})
}

// A loop of pauses does not starve IO or timers: the loop looks at the engine
// within IOInterval rounds.
func TestPausesDoNotStarveIO(t *testing.T) {
	stop := readable(t)
	n, err := Run(pauseUntil(stop))
	if err != nil || n < 1 || n > IOInterval {
		t.Fatalf("readable seen after %d rounds of pauses (%v), want at most %d", n, err, IOInterval)
	}

	start := time.Now()
	n, err = Run(pauseUntil(lwt.Map(after(10*time.Millisecond, 0), func(int) lwt.Unit { return lwt.Unit{} })))
	if err != nil || time.Since(start) < 10*time.Millisecond {
		t.Fatalf("timer seen after %d rounds, %v, %v", n, time.Since(start), err)
	}
}

// With IOInterval threads or more pausing at once, the loop looks at the
// engine on every round, as Lwt does: each thread pauses once when it is
// made and once more as the first round starts, before the engine's turn,
// and sees the descriptor after that. (Lwt 5.6.1 counts 2 for each of 64
// such threads.)
func TestManyPausesPollEveryRound(t *testing.T) {
	stop := readable(t)
	threads := make([]lwt.Promise[int], IOInterval)
	for i := range threads {
		threads[i] = pauseUntil(stop)
	}
	counts, err := Run(lwt.All(threads...))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range counts {
		if n != 2 {
			t.Fatalf("pauses of each thread: %v, want 2", counts)
		}
	}
}

// readable returns a promise fulfilled when a pipe, written already, is seen
// readable.
func readable(t *testing.T) lwt.Promise[lwt.Unit] {
	r, w := pipe(t)
	unix.Write(w, []byte("x"))
	p, wake := lwt.Wait[lwt.Unit]()
	ev, err := engine.OnReadable(r, func(ev *engine.Event) {
		ev.Stop()
		lwt.Wakeup(wake, lwt.Unit{})
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ev.Stop)
	return p
}

func fdCount(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd:", err)
	}
	return len(ents)
}

// Run leaves no descriptor and no goroutine behind.
func TestNoLeak(t *testing.T) {
	engine.Get() // the engine lives on between runs; make it first
	fds, gs := fdCount(t), runtime.NumGoroutine()
	for range 3 {
		var p [2]int
		if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
			t.Fatal(err)
		}
		got, wake := lwt.Wait[string]()
		ev, err := engine.OnReadable(p[0], func(ev *engine.Event) {
			var buf [16]byte
			n, _ := unix.Read(p[0], buf[:])
			ev.Stop()
			lwt.Wakeup(wake, string(buf[:n]))
		})
		if err != nil {
			t.Fatal(err)
		}
		engine.OnTimer(time.Millisecond, false, func(*engine.Event) { unix.Write(p[1], []byte("hi")) })
		if v, err := Run(lwt.Bind(Yield(), func(lwt.Unit) lwt.Promise[string] { return got })); v != "hi" || err != nil {
			t.Fatalf("Run = %q, %v", v, err)
		}
		ev.Stop()
		unix.Close(p[0])
		unix.Close(p[1])
	}
	if n := fdCount(t); n != fds {
		t.Fatalf("%d descriptors open after Run, %d before", n, fds)
	}
	if engine.ReadableCount()+engine.WritableCount()+engine.TimerCount() != 0 {
		t.Fatal("events left in the engine")
	}
	// Goroutines of other tests (timers of time.After) may still be exiting.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > gs && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > gs {
		t.Fatalf("%d goroutines after Run, %d before", n, gs)
	}
}

// A round of the loop allocates nothing: a Run of many rounds allocates as
// much as one of few.
func TestRoundsDoNotAllocate(t *testing.T) {
	runRounds := func(k int) func() {
		return func() {
			p, r := lwt.Wait[lwt.Unit]()
			n := 0
			h := LeaveIterHooks.AddLast(func() {
				if n++; n == k {
					lwt.Wakeup(r, lwt.Unit{})
				}
			})
			tick := engine.OnTimer(0, true, func(*engine.Event) {}) // a round each Iter
			Run(p)
			tick.Stop()
			h.Remove()
		}
	}
	few := testing.AllocsPerRun(20, runRounds(10))
	many := testing.AllocsPerRun(20, runRounds(1000))
	if many != few {
		t.Fatalf("a Run of 1000 rounds allocates %v times, one of 10 rounds %v", many, few)
	}
}
