package generated

import (
	"errors"
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtmvar"
)

func TestSumResolvedConstantStackNoAlloc(t *testing.T) {
	if v, err := SumResolved(10_000_000).Result(); v != 10_000_000 || err != nil {
		t.Fatal(v, err)
	}
	if n := testing.AllocsPerRun(10, func() { SumResolved(1000) }); n != 0 {
		t.Fatalf("awaits of resolved promises allocated %v times", n)
	}
}

func TestSum3(t *testing.T) {
	a, ra := lwt.Wait[int]()
	b, rb := lwt.Wait[int]()
	c, rc := lwt.Wait[int]()
	for _, f := range []func(a, b, c lwt.Promise[int]) lwt.Promise[int]{Sum3, Sum3Bind} {
		_ = f
	}
	p, q := Sum3(a, b, c), Sum3Bind(a, b, c)
	lwt.Wakeup(rb, 2)
	lwt.Wakeup(ra, 1)
	if !p.IsSleeping() || !q.IsSleeping() {
		t.Fatal(p, q)
	}
	lwt.Wakeup(rc, 3)
	if p.String() != "Return 6" || q.String() != "Return 6" {
		t.Fatal(p, q)
	}
}

// A call that suspends allocates its frame once, whatever the number of
// suspensions.
func TestOneFramePerCall(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		a, ra := lwt.Wait[int]()
		b, rb := lwt.Wait[int]()
		c, rc := lwt.Wait[int]()
		Sum3(a, b, c)
		lwt.Wakeup(ra, 1)
		lwt.Wakeup(rb, 1)
		lwt.Wakeup(rc, 1)
	})
	// Three Wait nodes, and the frame.
	if allocs != 4 {
		t.Fatalf("a call with three suspensions made %v allocations, want 3 promises + 1 frame", allocs)
	}
}

func TestSafeDiv(t *testing.T) {
	boom := errors.New("boom")
	for _, f := range []func(lwt.Promise[int], int) lwt.Promise[int]{SafeDiv, SafeDivCatch} {
		if v, _ := f(lwt.Return(10), 0).Result(); v != 5 {
			t.Fatal(v)
		}
		if v, _ := f(lwt.Fail[int](boom), 7).Result(); v != 7 {
			t.Fatal(v)
		}
	}
}

// s += lwt.Await(lwt.Return(1)) in a loop: the target is at most 2 ns and
// no allocation.
func BenchmarkAwaitResolved(b *testing.B) {
	b.ReportAllocs()
	if v, _ := SumResolved(b.N).Result(); v != b.N {
		b.Fatal(v)
	}
}

// Generated code against the same function written with Bind, both
// suspending three times per call.
func BenchmarkSum3Generated(b *testing.B) { benchSum3(b, Sum3) }
func BenchmarkSum3Bind(b *testing.B)      { benchSum3(b, Sum3Bind) }

func benchSum3(b *testing.B, f func(a, b, c lwt.Promise[int]) lwt.Promise[int]) {
	b.ReportAllocs()
	for b.Loop() {
		pa, ra := lwt.Wait[int]()
		pb, rb := lwt.Wait[int]()
		pc, rc := lwt.Wait[int]()
		p := f(pa, pb, pc)
		lwt.Wakeup(ra, 1)
		lwt.Wakeup(rb, 2)
		lwt.Wakeup(rc, 3)
		if v, _ := p.Result(); v != 6 {
			b.Fatal(v)
		}
	}
}

// The same on resolved promises: no suspension at all.
func BenchmarkSum3ResolvedGenerated(b *testing.B) { benchSum3Resolved(b, Sum3) }
func BenchmarkSum3ResolvedBind(b *testing.B)      { benchSum3Resolved(b, Sum3Bind) }

func benchSum3Resolved(b *testing.B, f func(a, b, c lwt.Promise[int]) lwt.Promise[int]) {
	b.ReportAllocs()
	x, y, z := lwt.Return(1), lwt.Return(2), lwt.Return(3)
	for b.Loop() {
		if v, _ := f(x, y, z).Result(); v != 6 {
			b.Fatal(v)
		}
	}
}

func BenchmarkTryGenerated(b *testing.B) { benchTry(b, SafeDiv) }
func BenchmarkTryCatch(b *testing.B)     { benchTry(b, SafeDivCatch) }

func benchTry(b *testing.B, f func(lwt.Promise[int], int) lwt.Promise[int]) {
	b.ReportAllocs()
	for b.Loop() {
		p, r := lwt.Wait[int]()
		q := f(p, 0)
		lwt.Wakeup(r, 10)
		if v, _ := q.Result(); v != 5 {
			b.Fatal(v)
		}
	}
}

// A pause round trip through the main loop, here from generated
// code: the frame is allocated once, each round only makes the paused
// promise.
func BenchmarkPauseRoundTripGenerated(b *testing.B) {
	b.ReportAllocs()
	if v, err := lwtmain.Run(PauseLoop(b.N)); v != b.N || err != nil {
		b.Fatal(v, err)
	}
}

// The mvar ping-pong, one round, between two threads written in the
// source language.
func BenchmarkMVarPingPongGenerated(b *testing.B) {
	b.ReportAllocs()
	a, c := lwtmvar.NewEmpty[int](), lwtmvar.NewEmpty[int]()
	done := Pong(b.N, a, c)
	v, err := lwtmain.Run(Ping(b.N, a, c))
	if v != b.N || err != nil || done.IsSleeping() {
		b.Fatal(v, err, done)
	}
}

func TestPingPong(t *testing.T) {
	a, c := lwtmvar.NewEmpty[int](), lwtmvar.NewEmpty[int]()
	done := Pong(1000, a, c)
	if v, err := lwtmain.Run(Ping(1000, a, c)); v != 1000 || err != nil || done.IsSleeping() {
		t.Fatal(v, err, done)
	}
}

func TestReturnOfASuspendingCall(t *testing.T) {
	a, ra := lwt.Wait[int]()
	b, rb := lwt.Wait[int]()
	c, rc := lwt.Task[int]()
	p := Outer(a, b, c)
	lwt.Wakeup(ra, 0)
	lwt.Wakeup(rb, 1)
	if !p.IsSleeping() {
		t.Fatal(p)
	}
	lwt.Wakeup(rc, 2)
	if p.String() != "Return 3" {
		t.Fatal(p)
	}
	// Canceling the outer call reaches the task the inner one waits on.
	a, ra = lwt.Wait[int]()
	b, rb = lwt.Wait[int]()
	c, _ = lwt.Task[int]()
	p = Outer(a, b, c)
	lwt.Wakeup(ra, 0)
	lwt.Wakeup(rb, 1)
	lwt.Cancel(p)
	if _, err := p.Result(); !errors.Is(err, lwt.ErrCanceled) || c.IsSleeping() {
		t.Fatal(p, c)
	}
}
