package lwtpreemptive

import (
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

func nothing() (int, error) { return 1, nil }

// Detach round trip: a chain of b.N detached calls of a function that
// returns at once, inside one Run. Each goes to an idle worker, which wakes
// the loop blocked in the engine with its result.
func BenchmarkDetachRoundTrip(b *testing.B) {
	usePool(b, 0, 4)
	b.ReportAllocs()
	n := b.N
	var step func(int) lwt.Promise[int]
	step = func(int) lwt.Promise[int] {
		if n--; n < 0 {
			return lwt.Return(0)
		}
		return lwt.Bind(Detach(nothing), step)
	}
	if _, err := lwtmain.Run(step(0)); err != nil {
		b.Fatal(err)
	}
}

// The goroutine equivalent: start a goroutine that calls the function and
// sends its result on a channel, and wait for it.
func BenchmarkGoroutineChannelRoundTrip(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		c := make(chan int, 1)
		go func() { v, _ := nothing(); c <- v }()
		<-c
	}
}

// The same with a long-lived goroutine, the equivalent of an idle worker.
func BenchmarkWorkerChannelRoundTrip(b *testing.B) {
	b.ReportAllocs()
	req, resp := make(chan func() (int, error)), make(chan int)
	go func() {
		for f := range req {
			v, _ := f()
			resp <- v
		}
	}()
	for b.Loop() {
		req <- nothing
		<-resp
	}
	close(req)
}

// RunInMain round trip: a goroutine calls RunInMain b.N times with a
// function whose promise is resolved at once, while the loop waits in the
// engine.
func BenchmarkRunInMainRoundTrip(b *testing.B) {
	b.ReportAllocs()
	done, r := lwt.Wait[lwt.Unit]()
	f := func() lwt.Promise[int] { return lwt.Return(1) }
	go func() {
		for range b.N {
			RunInMain(f)
		}
		RunInMain(func() lwt.Promise[int] { lwt.Wakeup(r, lwt.Unit{}); return lwt.Return(0) })
	}()
	if _, err := lwtmain.Run(done); err != nil {
		b.Fatal(err)
	}
}

// The cost of the check that RunInMain is not called from the loop, from a
// goroutine a few calls deep.
func BenchmarkInsideRun(b *testing.B) {
	for b.Loop() {
		if insideRun() {
			b.Fatal("inside Run")
		}
	}
}
