//go:build linux

package engine

import (
	"math"
	"time"
)

// The clock of all engines: nanoseconds on the monotonic clock since the
// package was initialized. time.Since reads only the monotonic clock.
var epoch = time.Now()

func now() int64 { return int64(time.Since(epoch)) }

// later returns t+d, or the end of time if that overflows.
func later(t, d int64) int64 {
	if t > math.MaxInt64-d {
		return math.MaxInt64
	}
	return t + d
}

func (l *loop) OnTimer(delay time.Duration, repeat bool, f func(*Event)) *Event {
	l.mustLive("OnTimer")
	if f == nil {
		panic("engine: nil callback")
	}
	ev := &Event{f: f, kind: kindTimer, repeat: repeat, delay: int64(max(delay, 0)), index: -1}
	l.addTimer(ev)
	return ev
}

// addTimer schedules ev delay from now. It waits in newTimers until the next
// Iter, so that a timer registered by a callback does not fire in the Iter
// that runs it.
func (l *loop) addTimer(ev *Event) {
	ev.l = l
	ev.at = later(now(), ev.delay)
	l.seq++
	ev.seq = l.seq
	l.queue(ev)
	l.ntimers++
}

// queue appends ev to newTimers, remembering where, so that stopping it
// clears its slot at once: a stopped timer must not keep its callback (and
// what that holds) alive until the next Iter.
func (l *loop) queue(ev *Event) {
	ev.index = len(l.newTimers)
	ev.queued = true
	l.newTimers = append(l.newTimers, ev)
}

func (l *loop) removeTimer(ev *Event) {
	if ev.queued {
		l.newTimers[ev.index] = nil
		ev.queued = false
		ev.index = -1
		// Drop the stopped timers at the end, so that registering and
		// stopping timers over and over in one iteration (a timeout around
		// a promise that resolves at once) does not grow the list.
		n := len(l.newTimers)
		for n > 0 && l.newTimers[n-1] == nil {
			n--
		}
		l.newTimers = l.newTimers[:n]
	} else if ev.index >= 0 {
		l.timers.remove(ev.index)
	}
	l.ntimers--
}

func (l *loop) flushTimers() {
	if len(l.newTimers) == 0 {
		return
	}
	for i, ev := range l.newTimers {
		if ev != nil {
			ev.queued = false
			l.timers.push(ev)
			l.newTimers[i] = nil
		}
	}
	l.newTimers = l.newTimers[:0]
}

// msUntil returns the milliseconds from t to at, rounded up so that a wait
// of that long does not end before at.
func msUntil(at, t int64) int {
	d := at - t
	if d <= 0 {
		return 0
	}
	ms := d / 1e6
	if d%1e6 != 0 {
		ms++
	}
	return int(min(ms, math.MaxInt32))
}

// nextDeadline returns the earliest deadline, counting timers not yet
// flushed.
func (l *loop) nextDeadline() (int64, bool) {
	at, ok := int64(0), false
	if len(l.timers) > 0 {
		at, ok = l.timers[0].at, true
	}
	for _, ev := range l.newTimers {
		if ev != nil && (!ok || ev.at < at) {
			at, ok = ev.at, true
		}
	}
	return at, ok
}

// fireTimers runs the timers due at t (now if t < 0). Each leaves the heap
// before its callback runs; a repeating one comes back through newTimers, so
// that it fires at most once per Iter.
func (l *loop) fireTimers(t int64) {
	if len(l.timers) == 0 {
		return
	}
	if t < 0 {
		t = now()
	}
	for len(l.timers) > 0 && l.timers[0].at <= t {
		ev := l.timers.pop()
		if ev.repeat {
			ev.at = later(ev.at, ev.delay)
			if ev.at < t {
				ev.at = t
			}
			l.queue(ev)
		} else {
			ev.l = nil
			l.ntimers--
		}
		ev.f(ev)
	}
}

// timerHeap is a binary min-heap of timers by deadline, then registration
// order. Each timer knows its index, so that Stop removes it in O(log n).
type timerHeap []*Event

func (h timerHeap) less(i, j int) bool {
	a, b := h[i], h[j]
	return a.at < b.at || a.at == b.at && a.seq < b.seq
}

func (h timerHeap) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *timerHeap) push(ev *Event) {
	ev.index = len(*h)
	*h = append(*h, ev)
	h.up(ev.index)
}

func (h *timerHeap) pop() *Event {
	ev := (*h)[0]
	h.remove(0)
	return ev
}

func (h *timerHeap) remove(i int) {
	old := *h
	last := len(old) - 1
	ev := old[i]
	if i != last {
		old.swap(i, last)
	}
	old[last] = nil
	*h = old[:last]
	if i != last {
		if !h.down(i) {
			h.up(i)
		}
	}
	ev.index = -1
}

func (h timerHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

// down reports whether the element moved.
func (h timerHeap) down(i int) bool {
	start := i
	for {
		c := 2*i + 1
		if c >= len(h) {
			break
		}
		if r := c + 1; r < len(h) && h.less(r, c) {
			c = r
		}
		if !h.less(c, i) {
			break
		}
		h.swap(i, c)
		i = c
	}
	return i > start
}
