//go:build linux

package engine

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"
	"weak"
)

// The heap pops timers by deadline, then registration order, whatever is
// removed from the middle.
func TestTimerHeap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var h timerHeap
	var live []*Event
	for i := range 2000 {
		ev := &Event{at: rng.Int64N(100), seq: uint64(i)}
		h.push(ev)
		live = append(live, ev)
		if rng.IntN(3) == 0 {
			j := rng.IntN(len(live))
			h.remove(live[j].index)
			if live[j].index != -1 {
				t.Fatal("removed timer keeps its index")
			}
			live = slices.Delete(live, j, j+1)
		}
		for k, ev := range h {
			if ev.index != k {
				t.Fatalf("timer at %d thinks it is at %d", k, ev.index)
			}
		}
	}
	slices.SortFunc(live, func(a, b *Event) int {
		if a.at != b.at {
			return int(a.at - b.at)
		}
		return int(a.seq) - int(b.seq)
	})
	for _, want := range live {
		if got := h.pop(); got != want {
			t.Fatalf("popped (%d, %d), want (%d, %d)", got.at, got.seq, want.at, want.seq)
		}
	}
	if len(h) != 0 {
		t.Fatalf("%d timers left", len(h))
	}
}

func TestMsUntil(t *testing.T) {
	for _, c := range []struct {
		at, t int64
		want  int
	}{
		{0, 5, 0},
		{5, 5, 0},
		{6, 5, 1},
		{1e6, 0, 1},
		{1e6 + 1, 0, 2},
		{1<<63 - 1, 0, 1<<31 - 1},
	} {
		if got := msUntil(c.at, c.t); got != c.want {
			t.Errorf("msUntil(%d, %d) = %d, want %d", c.at, c.t, got, c.want)
		}
	}
}

// payload is what a timer's callback holds: large enough not to share a
// tiny-allocator block with anything else.
type payload struct {
	next *payload
	pad  [56]byte
}

// A timer stopped in the iteration that registered it lets its callback go
// at once, not at the next Iter, whether it is in the middle of the timers
// registered meanwhile or at their end; the timers not stopped are kept and
// fire. (A burst of timeouts around promises that resolve at once, all in
// one callback, must not hold memory proportional to the burst.)
func TestStoppedTimerReleasedInSameIter(t *testing.T) {
	forEach(t, func(t *testing.T, e Engine) {
		const n = 1000
		var stopped, kept []weak.Pointer[payload]
		fired := 0
		e.OnTimer(0, false, func(*Event) {
			for i := range n {
				p := &payload{}
				wp := weak.Make(p)
				if i%10 == 0 {
					kept = append(kept, wp)
					e.OnTimer(0, false, func(*Event) {
						if p.next != nil {
							t.Error("payload changed")
						}
						fired++
					})
					continue
				}
				stopped = append(stopped, wp)
				e.OnTimer(time.Hour, false, func(*Event) {
					t.Error("a stopped timer fired", p)
				}).Stop()
			}
			if got, want := e.TimerCount(), n/10; got != want {
				t.Errorf("TimerCount = %d, want %d", got, want)
			}
			runtime.GC()
			runtime.GC()
			live := 0
			for _, wp := range stopped {
				if wp.Value() != nil {
					live++
				}
			}
			if live > 0 {
				t.Errorf("%d of %d stopped timers still hold their callback before the next Iter", live, len(stopped))
			}
			for _, wp := range kept {
				if wp.Value() == nil {
					t.Fatal("a live timer lost its callback")
				}
			}
		})
		e.Iter(false) // runs the burst
		if fired != 0 {
			t.Fatal("a timer registered by a callback fired in the same Iter")
		}
		e.Iter(false)
		if fired != n/10 || e.TimerCount() != 0 {
			t.Fatalf("fired %d of %d kept timers, TimerCount %d", fired, n/10, e.TimerCount())
		}
		if l := e.loop(); len(l.newTimers) != 0 || len(l.timers) != 0 {
			t.Fatalf("%d new and %d heap timers left", len(l.newTimers), len(l.timers))
		}
	})
}

// Registering and stopping timers over and over between two Iters does not
// grow the list of new timers, and stopping one from the middle keeps the
// others' positions right.
func TestStoppedTimersDoNotAccumulate(t *testing.T) {
	forEach(t, func(t *testing.T, e Engine) {
		l := e.loop()
		for range 10000 {
			e.OnTimer(time.Hour, false, func(*Event) {}).Stop()
		}
		if len(l.newTimers) != 0 {
			t.Fatalf("%d stopped timers kept", len(l.newTimers))
		}
		a := e.OnTimer(time.Hour, false, func(*Event) {})
		b := e.OnTimer(time.Hour, false, func(*Event) {})
		c := e.OnTimer(time.Hour, false, func(*Event) {})
		b.Stop()
		if len(l.newTimers) != 3 || l.newTimers[1] != nil || l.newTimers[c.index] != c {
			t.Fatalf("after stopping the middle one: %v", l.newTimers)
		}
		c.Stop()
		if len(l.newTimers) != 1 || l.newTimers[0] != a {
			t.Fatalf("after stopping the last two: %v", l.newTimers)
		}
		a.Stop()
		if len(l.newTimers) != 0 || e.TimerCount() != 0 {
			t.Fatalf("%d new timers, TimerCount %d", len(l.newTimers), e.TimerCount())
		}
	})
}
