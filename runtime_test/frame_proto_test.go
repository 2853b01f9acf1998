package runtime_test

import (
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// A hand-written frame of the shape lwtgen generates, for:
//
//	//lwt:async
//	func sumLoop(n int, p func(int) lwt.Promise[int]) lwt.Promise[int] {
//		s := 0
//		for i := 0; i < n; i++ {
//			s += lwt.Await(p(i))
//		}
//		return lwt.Return(s)
//	}
type sumLoopFrame struct {
	lwt.Frame[int]
	state int
	n     int
	p     func(int) lwt.Promise[int]
	s, i  int
	a0    lwt.Promise[int]
}

func sumLoop(n int, p func(int) lwt.Promise[int]) lwt.Promise[int] {
	f := sumLoopFrame{n: n, p: p}
	return f.step()
}

func (f *sumLoopFrame) Resume() { f.step() }

func (f *sumLoopFrame) step() (r lwt.Promise[int]) {
	defer f.Recover(&r)
	switch f.state {
	case 1:
		goto s1
	}
	f.s = 0
	f.i = 0
loop:
	if !(f.i < f.n) {
		goto end
	}
	f.a0 = f.p(f.i)
s1:
	if !f.a0.Ready() {
		f.state = 1
		r = lwt.Suspend[int](f, f.a0)
		return
	} else if v, err := f.a0.Result(); err != nil {
		r = f.Fail(err)
		return
	} else {
		f.s += v
	}
	f.i++
	goto loop
end:
	r = f.Return(f.s)
	return
}

func TestFrameProto(t *testing.T) {
	v, err := sumLoop(10, func(int) lwt.Promise[int] { return lwt.Return(1) }).Result()
	if v != 10 || err != nil {
		t.Fatal(v, err)
	}
	var rs []lwt.Resolver[int]
	p := sumLoop(3, func(int) lwt.Promise[int] {
		q, r := lwt.Wait[int]()
		rs = append(rs, r)
		return q
	})
	for i := 0; i < 3; i++ {
		if !p.IsSleeping() || len(rs) != i+1 {
			t.Fatal(i, p, len(rs))
		}
		lwt.Wakeup(rs[i], 5)
	}
	if v, err := p.Result(); v != 15 || err != nil {
		t.Fatal(v, err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		sumLoop(100, func(int) lwt.Promise[int] { return lwt.Return(1) })
	})
	if allocs != 0 {
		t.Fatalf("resolved awaits allocated %v times", allocs)
	}
}

func BenchmarkFrameProtoResolvedAwait(b *testing.B) {
	p := func(int) lwt.Promise[int] { return lwt.Return(1) }
	b.ReportAllocs()
	v, _ := sumLoop(b.N, p).Result()
	if v != b.N {
		b.Fatal(v)
	}
}

// The DESIGN.md loop: s += lwt.Await(lwt.Return(1)), as lwtgen lowers it.
type returnLoopFrame struct {
	lwt.Frame[int]
	state int
	n     int
	s, i  int
	a0    lwt.Promise[int]
}

func returnLoop(n int) lwt.Promise[int] {
	f := returnLoopFrame{n: n}
	return f.step()
}

func (f *returnLoopFrame) Resume() { f.step() }

func (f *returnLoopFrame) step() (r lwt.Promise[int]) {
	defer f.Recover(&r)
	switch f.state {
	case 1:
		goto s1
	}
	f.s = 0
	f.i = 0
loop:
	if !(f.i < f.n) {
		goto end
	}
	f.a0 = lwt.Return(1)
s1:
	if !f.a0.Ready() {
		f.state = 1
		r = lwt.Suspend[int](f, f.a0)
		return
	} else if v, err := f.a0.Result(); err != nil {
		r = f.Fail(err)
		return
	} else {
		f.s += v
	}
	f.i++
	goto loop
end:
	r = f.Return(f.s)
	return
}

func BenchmarkFrameProtoReturnLoop(b *testing.B) {
	b.ReportAllocs()
	v, _ := returnLoop(b.N).Result()
	if v != b.N {
		b.Fatal(v)
	}
}
