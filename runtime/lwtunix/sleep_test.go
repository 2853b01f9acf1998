package lwtunix_test

import (
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/lwtgo/lwt/runtime/engine"
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

func TestSleep(t *testing.T) {
	start := time.Now()
	runLoop(t, lwtunix.Sleep(20*time.Millisecond))
	if d := time.Since(start); d < 20*time.Millisecond {
		t.Fatalf("Sleep(20ms) returned after %v", d)
	}
}

// Sleep(0), or a negative duration, waits for the next iteration of the
// engine: it is not resolved at once.
func TestSleepZero(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		p := lwtunix.Sleep(d)
		if !p.IsSleeping() {
			t.Fatalf("Sleep(%v) resolved at once", d)
		}
		runLoop(t, p)
	}
}

// As in Lwt_unix: sleep is a cancelable task; canceling it stops its
// timer.
func TestSleepCancelStopsTimer(t *testing.T) {
	timers := engine.TimerCount()
	p := lwtunix.Sleep(time.Hour)
	if n := engine.TimerCount(); n != timers+1 {
		t.Fatalf("TimerCount = %d with one sleep, was %d", n, timers)
	}
	lwt.Cancel(p)
	if _, err := p.Result(); !errors.Is(err, lwt.ErrCanceled) {
		t.Fatalf("canceled sleep: %v", err)
	}
	if n := engine.TimerCount(); n != timers {
		t.Fatalf("TimerCount = %d after the cancel, was %d", n, timers)
	}
}

// A million sleeps scheduled, then canceled: the engine forgets them all.
func TestMillionSleepsCanceled(t *testing.T) {
	const n = 1_000_000
	timers := engine.TimerCount()
	start := time.Now()
	ps := make([]lwt.Promise[lwt.Unit], n)
	for i := range ps {
		ps[i] = lwtunix.Sleep(time.Duration(i%1000+1) * time.Hour)
	}
	if c := engine.TimerCount(); c != timers+n {
		t.Fatalf("TimerCount = %d, want %d", c, timers+n)
	}
	runLoop(t, lwtunix.Sleep(0)) // the timers reach the engine's heap
	for _, p := range ps {
		lwt.Cancel(p)
	}
	if c := engine.TimerCount(); c != timers {
		t.Fatalf("TimerCount = %d after canceling, want %d", c, timers)
	}
	for _, p := range ps {
		if _, err := p.Result(); !errors.Is(err, lwt.ErrCanceled) {
			t.Fatalf("a canceled sleep is %v", p)
		}
	}
	runLoop(t, lwtunix.Sleep(0))
	t.Logf("1e6 sleeps scheduled and canceled in %v", time.Since(start))
	// Collect the garbage now rather than during the tests that follow,
	// some of which measure the CPU the process uses.
	ps = nil
	runtime.GC()
}

func TestTimeout(t *testing.T) {
	err := runErr(t, lwtunix.Timeout[int](time.Millisecond))
	if !errors.Is(err, lwtunix.ErrTimeout) {
		t.Fatalf("Timeout: %v", err)
	}
	timers := engine.TimerCount()
	p := lwtunix.Timeout[string](time.Hour)
	lwt.Cancel(p)
	if _, err := p.Result(); !errors.Is(err, lwt.ErrCanceled) {
		t.Fatalf("canceled Timeout: %v", err)
	}
	if n := engine.TimerCount(); n != timers {
		t.Fatal("canceling a Timeout left its timer")
	}
}

func TestWithTimeout(t *testing.T) {
	timers := engine.TimerCount()
	// f's promise resolves first: the timer is stopped.
	v := runLoop(t, lwtunix.WithTimeout(time.Hour, func() lwt.Promise[string] {
		return lwt.Map(lwtunix.Sleep(time.Millisecond), func(lwt.Unit) string { return "in time" })
	}))
	if v != "in time" || engine.TimerCount() != timers {
		t.Fatalf("WithTimeout = %q, %d timers left", v, engine.TimerCount()-timers)
	}
	// Time runs out first: f's promise is canceled.
	var slow lwt.Promise[lwt.Unit]
	err := runErr(t, lwtunix.WithTimeout(time.Millisecond, func() lwt.Promise[lwt.Unit] {
		slow = lwtunix.Sleep(time.Hour)
		return slow
	}))
	if !errors.Is(err, lwtunix.ErrTimeout) {
		t.Fatalf("WithTimeout: %v", err)
	}
	if _, err := slow.Result(); !errors.Is(err, lwt.ErrCanceled) {
		t.Fatalf("the slow promise is %v, want canceled", slow)
	}
	if engine.TimerCount() != timers {
		t.Fatal("timers left")
	}
	// A panic in f fails the result.
	err = runErr(t, lwtunix.WithTimeout(time.Hour, func() lwt.Promise[int] { panic("no") }))
	var pe *lwt.PanicError
	if !errors.As(err, &pe) || engine.TimerCount() != timers {
		t.Fatalf("WithTimeout of a panic: %v", err)
	}
}

// Sleep(0) round trip through lwtmain.Run: each sleep registers a timer,
// which the engine fires on its next iteration.
func BenchmarkSleep0RoundTrip(b *testing.B) {
	n := b.N
	var step func(lwt.Unit) lwt.Promise[lwt.Unit]
	step = func(lwt.Unit) lwt.Promise[lwt.Unit] {
		if n--; n < 0 {
			return lwt.ReturnUnit()
		}
		return lwt.Bind(lwtunix.Sleep(0), step)
	}
	b.ReportAllocs()
	runLoop(b, step(lwt.Unit{}))
}

// The goroutine equivalent: time.Sleep(0) returns at once, so a timer of 0
// and a wait on its channel.
func BenchmarkGoTimer0(b *testing.B) {
	b.ReportAllocs()
	t := time.NewTimer(time.Hour)
	for b.Loop() {
		t.Reset(0)
		<-t.C
	}
}

// Scheduling and canceling a sleep.
func BenchmarkSleepCancel(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		lwt.Cancel(lwtunix.Sleep(time.Hour))
	}
}
