package lwt

import (
	"errors"
	"testing"
)

// White-box checks of what the black-box tests cannot see: that callbacks of
// lost races do not pile up on a long-lived promise, and that the scheduler's
// state is idle again between top-level calls.

// cbCount is the number of callbacks held by the node of p.
func cbCount[T any](p Promise[T]) int {
	if p.n == nil {
		return 0
	}
	switch c := p.n.root().cbs.(type) {
	case nil:
		return 0
	case *cbList[T]:
		return len(c.items)
	default:
		return 1
	}
}

// maxLiveCallbacks bounds the callbacks a long-lived promise may hold after
// the rounds below, where at most a handful are live at any time.
const maxLiveCallbacks = 64

func expectIdle(t *testing.T) {
	t.Helper()
	if depth != 0 || len(queue) != 0 || head != 0 || current != nil {
		t.Errorf("scheduler not idle: depth %d, queue %d, head %d, current %v", depth, len(queue), head, current)
	}
}

// Choosing 10,000 times over a promise that stays pending, while the other
// input resolves each round, keeps its callback list bounded.
func TestChooseOverLongLivedPromiseDoesNotLeak(t *testing.T) {
	const rounds = 10_000
	type chooseFunc func(long, short Promise[string])
	for name, choose := range map[string]chooseFunc{
		"Choose":  func(long, short Promise[string]) { Choose(long, short) },
		"Choose2": func(long, short Promise[string]) { Choose(short, long) },
		"Pick":    func(long, short Promise[string]) { Pick(long, short) },
		"NChoose": func(long, short Promise[string]) { NChoose(long, short) },
		"NPick":   func(long, short Promise[string]) { NPick(short, long) },
	} {
		t.Run(name, func(t *testing.T) {
			long, r := Wait[string]()
			live := Map(long, func(s string) string { return s + "bar" })
			other, _ := Wait[string]()
			chosen := Choose(long, other)
			peak := 0
			for i := range rounds {
				short, rs := Wait[string]()
				choose(long, short)
				Wakeup(rs, "")
				peak = max(peak, cbCount(long))
				if i%1000 == 999 && cbCount(long) > maxLiveCallbacks {
					t.Fatalf("after %d rounds the long-lived promise holds %d callbacks", i+1, cbCount(long))
				}
			}
			if peak > maxLiveCallbacks {
				t.Errorf("peak of %d callbacks on the long-lived promise", peak)
			}
			// The live callbacks survived the cleanups.
			Wakeup(r, "foo")
			if s := live.State().String(); s != "Return foobar" {
				t.Errorf("map over the long-lived promise: %s", s)
			}
			if s := chosen.State().String(); s != "Return foo" {
				t.Errorf("choose over the long-lived promise: %s", s)
			}
			expectIdle(t)
		})
	}
}

// Lwt's "callback cleanup / bind": lost-race callbacks on two pending
// promises that become one (a bind returning the other) stay bounded too.
func TestChooseOverProxiedPromiseDoesNotLeak(t *testing.T) {
	const rounds = 10_000
	p1, r1 := Wait[Unit]()
	p2, r2 := Wait[Unit]()
	p3 := Bind(p1, func(Unit) Promise[Unit] { return p2 })
	p4 := Map(p2, func(u Unit) Unit { return u })
	p5 := Map(p3, func(u Unit) Unit { return u })
	round := func() {
		p6, r6 := Wait[Unit]()
		Choose(p2, p3, p6)
		Wakeup(r6, Unit{})
	}
	for range rounds {
		round()
	}
	if n, m := cbCount(p2), cbCount(p3); n > maxLiveCallbacks || m > maxLiveCallbacks {
		t.Errorf("before the merge: %d and %d callbacks", n, m)
	}
	Wakeup(r1, Unit{})
	if n := cbCount(p3); n > 2*maxLiveCallbacks {
		t.Errorf("right after the merge: %d callbacks", n)
	}
	for range rounds {
		round()
	}
	if n := cbCount(p3); n > maxLiveCallbacks {
		t.Errorf("after the merge and %d more rounds: %d callbacks", rounds, n)
	}
	if p2.n.root() != p3.n.root() {
		t.Errorf("p2 and p3 are not one promise after the bind returned p2")
	}
	Wakeup(r2, Unit{})
	if s := p4.State().String(); s != "Return ()" {
		t.Errorf("p4: %s", s)
	}
	if s := p5.State().String(); s != "Return ()" {
		t.Errorf("p5: %s", s)
	}
	expectIdle(t)
}

// A loop that keeps binding to fresh pending promises keeps one live node,
// not a chain of proxies (Lwt's make_into_proxy).
func TestBindLoopDoesNotGrowProxyChain(t *testing.T) {
	var rs []Resolver[int]
	var inners []Promise[int]
	var loop func(i int) Promise[int]
	loop = func(i int) Promise[int] {
		if i == 0 {
			return Return(0)
		}
		p, r := Wait[int]()
		rs = append(rs, r)
		return Bind(p, func(int) Promise[int] {
			q := loop(i - 1)
			inners = append(inners, q)
			return q
		})
	}
	out := loop(1000)
	for len(rs) > 0 {
		r := rs[0]
		rs = rs[1:]
		Wakeup(r, 0)
		if !out.IsSleeping() {
			break
		}
		// The promise the callback returned is now the caller's promise
		// itself, and the caller's node is its own root or one hop from it.
		if in := inners[len(inners)-1]; in.n == nil || in.n.root() != out.n.root() {
			t.Fatalf("round %d: the inner promise is not merged into the outer one", len(inners))
		}
		hops := 0
		for n := out.n; n.phase == proxied; n = n.aux.(*node[int]) {
			hops++
		}
		if hops > 1 {
			t.Fatalf("the result is %d proxies away from its root", hops)
		}
	}
	if len(rs) != 0 || len(inners) != 1000 {
		t.Errorf("%d resolvers left, %d rounds", len(rs), len(inners))
	}
	if v, err := out.Result(); v != 0 || err != nil {
		t.Errorf("result %v, %v", v, err)
	}
	expectIdle(t)
}

// Cancel leaves no node marked, so a later cancel walks everything again.
func TestCancelUnmarks(t *testing.T) {
	w, _ := Wait[Unit]()
	task, _ := Task[Unit]()
	a := Bind(w, Return[Unit])
	j := Join(a, a, Map(w, func(u Unit) Unit { return u }))
	Cancel(j)
	for _, n := range []*node[Unit]{a.n.root(), j.n.root(), w.n.root()} {
		if n.walked {
			t.Errorf("a node stays marked after Cancel")
		}
	}
	// Now something cancelable under the same graph.
	j2 := Join(j, task)
	Cancel(j2)
	if !errors.Is(task.State().Err, ErrCanceled) {
		t.Errorf("second cancel did not reach the task: %v", task.State())
	}
	expectIdle(t)
}

// A hook that panics out of a top-level wakeup must not wedge the runtime:
// the next resolution is synchronous again.
func TestPanickingHookDoesNotWedge(t *testing.T) {
	prev := SetAsyncExceptionHook(func(err error) { panic(err) })
	defer SetAsyncExceptionHook(prev)
	p, r := Wait[int]()
	OnSuccess(p, func(int) { panic("in callback") })
	func() {
		defer func() { _ = recover() }()
		Wakeup(r, 1)
	}()
	if depth != 0 {
		t.Fatalf("depth = %d after a panic out of Wakeup", depth)
	}
	SetAsyncExceptionHook(prev)
	p2, r2 := Wait[int]()
	c := p2
	for range 500 {
		c = Bind(c, func(x int) Promise[int] { return Return(x + 1) })
	}
	Wakeup(r2, 0)
	if v, err := c.Result(); v != 500 || err != nil {
		t.Errorf("after the panic: %v, %v", v, err)
	}
	expectIdle(t)
}

// Two threads that keep handing work to each other inside one resolution
// (WakeupLater from a callback) must not grow the run queue.
func TestRunQueueStaysSmall(t *testing.T) {
	var step func(n int)
	maxCap := 0
	step = func(n int) {
		if cap(queue) > maxCap {
			maxCap = cap(queue)
		}
		if n == 0 {
			return
		}
		p, r := Wait[Unit]()
		OnSuccess(p, func(Unit) { step(n - 1) })
		WakeupLater(r, Unit{})
	}
	start, r := Wait[Unit]()
	OnSuccess(start, func(Unit) { step(100_000) })
	Wakeup(r, Unit{})
	if maxCap > 1024 {
		t.Fatalf("the run queue grew to %d entries", maxCap)
	}
}
