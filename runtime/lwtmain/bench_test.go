package lwtmain

import (
	"runtime"
	"testing"
	"time"

	"github.com/lwtgo/lwt/runtime/engine"
	"github.com/lwtgo/lwt/runtime/lwt"
)

// pauses returns a chain of n pauses, each resumed by one round of the loop.
func pauses(n int) lwt.Promise[lwt.Unit] {
	var step func(lwt.Unit) lwt.Promise[lwt.Unit]
	step = func(lwt.Unit) lwt.Promise[lwt.Unit] {
		if n--; n <= 0 {
			return lwt.ReturnUnit()
		}
		return lwt.Bind(lwt.Pause(), step)
	}
	return lwt.Bind(lwt.Pause(), step)
}

// Pause round trip through the main loop: one lwt.Pause resolved by one
// round, in a chain of b.N pauses inside one Run (the port's target is at
// most 150 ns; Lwt takes 1475 ns).
func BenchmarkPauseRoundTrip(b *testing.B) {
	b.ReportAllocs()
	p := pauses(b.N)
	if _, err := Run(p); err != nil {
		b.Fatal(err)
	}
}

// The same chain resumed by lwt.WakeupPaused without the loop: the share of
// package lwt in the round trip.
func BenchmarkPauseChainWithoutLoop(b *testing.B) {
	b.ReportAllocs()
	p := pauses(b.N)
	for p.IsSleeping() {
		lwt.WakeupPaused()
	}
}

// The same with an idle descriptor registered, so that the engine polls the
// kernel every IOInterval rounds.
func BenchmarkPauseRoundTripWithIO(b *testing.B) {
	r, _ := pipe(b)
	ev, err := engine.OnReadable(r, func(*engine.Event) {})
	if err != nil {
		b.Fatal(err)
	}
	defer ev.Stop()
	b.ReportAllocs()
	b.ResetTimer()
	if _, err := Run(pauses(b.N)); err != nil {
		b.Fatal(err)
	}
}

// The goroutine equivalent of a pause: yield the processor and come back.
func BenchmarkGoschedRoundTrip(b *testing.B) {
	for b.Loop() {
		runtime.Gosched()
	}
}

// A timer of 0 round trip: register a timer of delay 0 that wakes a promise,
// which registers the next one, b.N times inside one Run.
func BenchmarkTimer0RoundTrip(b *testing.B) {
	b.ReportAllocs()
	n := b.N
	var step func(lwt.Unit) lwt.Promise[lwt.Unit]
	step = func(lwt.Unit) lwt.Promise[lwt.Unit] {
		if n--; n < 0 {
			return lwt.ReturnUnit()
		}
		p, r := lwt.Wait[lwt.Unit]()
		engine.OnTimer(0, false, func(*engine.Event) { lwt.Wakeup(r, lwt.Unit{}) })
		return lwt.Bind(p, step)
	}
	if _, err := Run(step(lwt.Unit{})); err != nil {
		b.Fatal(err)
	}
}

// The goroutine equivalent: a timer of 0 and a wait on its channel.
func BenchmarkGoTimer0RoundTrip(b *testing.B) {
	b.ReportAllocs()
	t := time.NewTimer(time.Hour)
	for b.Loop() {
		t.Reset(0)
		<-t.C
	}
}
