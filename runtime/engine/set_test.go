//go:build linux

package engine

import (
	"errors"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// useFresh makes a new engine from new current for the duration of t.
func useFresh(t *testing.T, new func() (Engine, error)) Engine {
	t.Helper()
	e, err := new()
	if err != nil {
		t.Fatal(err)
	}
	if err := Set(e); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		Get().Destroy() // drop what the test left, so that nothing moves
		e, err := New()
		if err != nil {
			t.Fatal(err)
		}
		if err := Set(e); err != nil {
			t.Fatal(err)
		}
	})
	return e
}

// The engine can change at any time; events move with their identity, and
// the old engine is destroyed.
func TestSetTransfersEvents(t *testing.T) {
	ep := useFresh(t, NewEpoll)
	if Get() != ep {
		t.Fatal("Set did not make the engine current")
	}
	r, w := pipe(t)
	var readBy []*Event
	rev := must(t)(OnReadable(r, func(ev *Event) { readBy = append(readBy, ev); read(r) }))
	wev := must(t)(OnWritable(w, func(ev *Event) { ev.Stop() }))
	fired := 0
	tev := OnTimer(20*time.Millisecond, false, func(*Event) { fired++ })
	before := fdCount(t)

	for _, k := range kinds[1:] { // poll, then select
		e := mustNew(t, k.new)
		if err := Set(e); err != nil {
			t.Fatal(err)
		}
		if Get() != e {
			t.Fatalf("Get is %v after Set(%v)", Get(), e)
		}
		if ReadableCount() != 1 || WritableCount() != 1 || TimerCount() != 1 {
			t.Fatalf("%s: counts %d %d %d after Set", k.name, ReadableCount(), WritableCount(), TimerCount())
		}
		if msg := panicMessage(func() { ep.Iter(false) }); msg == "" {
			t.Fatal("the previous engine was not destroyed")
		}
		ep = e
	}
	// The epoll engine held two descriptors, the select engine holds one.
	if n := fdCount(t); n != before-1 {
		t.Fatalf("%d descriptors open after two Sets, %d before", n, before)
	}

	write(t, w, "x")
	iterUntil(t, Get(), func() bool { return len(readBy) > 0 && fired > 0 })
	if readBy[0] != rev {
		t.Fatal("the callback got another *Event than OnReadable returned")
	}
	if WritableCount() != 0 {
		t.Fatal("the writable event did not stop itself")
	}
	wev.Stop()
	tev.Stop()
	rev.Stop()
	if ReadableCount()+WritableCount()+TimerCount() != 0 {
		t.Fatal("events left after Stop through the old handles")
	}
}

func TestSetRefusedBySelect(t *testing.T) {
	e := useFresh(t, NewPoll)
	r, _ := pipe(t)
	const high = 1500
	if err := unix.Dup3(r, high, unix.O_CLOEXEC); err != nil {
		t.Skipf("cannot dup to descriptor %d: %v", high, err)
	}
	closeLater(t, high)
	must(t)(OnReadable(high, func(*Event) {}))
	OnTimer(time.Hour, false, func(*Event) {})
	sel := mustNew(t, NewSelect)
	if err := Set(sel); !errors.Is(err, ErrFdTooLarge) {
		t.Fatalf("Set(select) with descriptor %d watched: %v", high, err)
	}
	if Get() != e || ReadableCount() != 1 || TimerCount() != 1 || sel.TimerCount() != 0 {
		t.Fatal("a refused Set changed something")
	}
	Iter(false) // still alive
}

// A callback may change the engine while the old one is dispatching.
func TestSetFromCallback(t *testing.T) {
	e := useFresh(t, NewEpoll)
	r1, w1 := pipe(t)
	r2, w2 := pipe(t)
	write(t, w1, "x")
	write(t, w2, "x")
	var next Engine
	n1, n2 := 0, 0
	must(t)(OnReadable(r1, func(*Event) {
		n1++
		if next == nil {
			next = mustNew(t, NewPoll)
			if err := Set(next); err != nil {
				t.Error(err)
			}
		}
	}))
	must(t)(OnReadable(r2, func(*Event) { n2++ }))
	e.Iter(false)
	if next == nil || Get() != next {
		t.Fatal("the callback did not change the engine")
	}
	for range 3 {
		Iter(false)
	}
	if n1 != 4 || n2 < 3 || n2 > 4 {
		t.Fatalf("callbacks ran %d and %d times over 4 Iters", n1, n2)
	}
}

// A wakeup sent to the old engine just before Set is not lost.
func TestSetKeepsPendingWakeup(t *testing.T) {
	useFresh(t, NewEpoll)
	Wakeup()
	next := mustNew(t, NewPoll)
	if err := Set(next); err != nil {
		t.Fatal(err)
	}
	if !next.loop().wakePending.Load() {
		t.Fatal("the wakeup sent before Set is not pending in the new engine")
	}
	done := make(chan struct{})
	go func() {
		next.Iter(true)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		next.Wakeup()
		<-done
		t.Fatal("the wakeup sent before Set was lost")
	}
}
