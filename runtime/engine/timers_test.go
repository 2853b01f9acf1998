package engine

import (
	"math/rand/v2"
	"slices"
	"testing"
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
