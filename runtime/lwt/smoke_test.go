package lwt

import (
	"errors"
	"testing"
)

func TestSmoke(t *testing.T) {
	p, r := Wait[int]()
	q := Bind(p, func(x int) Promise[int] { return Return(x + 1) })
	if q.State().Kind != Sleeping {
		t.Fatal(q.State())
	}
	Wakeup(r, 41)
	if s := q.State().String(); s != "Return 42" {
		t.Fatal(s)
	}
	// cancel of bind on task
	tp, _ := Task[int]()
	b := Bind(tp, func(x int) Promise[int] { t.Fatal("ran"); return Return(x) })
	Cancel(b)
	if !errors.Is(tp.State().Err, ErrCanceled) || !errors.Is(b.State().Err, ErrCanceled) {
		t.Fatal(tp.State(), b.State())
	}
	// proxy: bind returning pending promise
	p1, r1 := Wait[int]()
	p2, r2 := Task[int]()
	b2 := Bind(p1, func(int) Promise[int] { return p2 })
	Wakeup(r1, 0)
	if b2.IsSleeping() != true {
		t.Fatal("want sleeping")
	}
	Cancel(b2)
	if p2.State().Kind != Failed || b2.State().Kind != Failed {
		t.Fatal(p2.State(), b2.State())
	}
	Wakeup(r2, 3) // ignored: canceled
	// panic in bind
	pp := Bind(Return(1), func(int) Promise[int] { panic("boom") })
	var pe *PanicError
	if !errors.As(pp.State().Err, &pe) || pe.Value != "boom" {
		t.Fatal(pp.State())
	}
}

func TestLongChain(t *testing.T) {
	const n = 10_000_000
	p0, r := Wait[int]()
	p := p0
	for i := 0; i < n; i++ {
		p = Bind(p, func(x int) Promise[int] { return Return(x + 1) })
	}
	Wakeup(r, 0)
	if v, err := p.Result(); v != n || err != nil {
		t.Fatal(v, err)
	}
}

func loop(n int) Promise[int] {
	if n == 0 {
		return Return(0)
	}
	return Bind(Return(n), func(int) Promise[int] { return loop(n - 1) })
}

func TestRecursiveLoop(t *testing.T) {
	if v, err := loop(10_000_000).Result(); v != 0 || err != nil {
		t.Fatal(v, err)
	}
}
