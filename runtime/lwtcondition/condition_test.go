package lwtcondition

import (
	"errors"
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmutex"
)

func wantState[T any](t *testing.T, what string, p lwt.Promise[T], want string) {
	t.Helper()
	if got := p.String(); got != want {
		t.Errorf("%s: %s, want %s", what, got, want)
	}
}

func TestWaitSignal(t *testing.T) {
	var c Condition[int] // the zero Condition is ready
	w := c.Wait(nil)
	wantState(t, "Wait", w, "Sleep")
	c.Signal(1)
	wantState(t, "Wait after Signal", w, "Return 1")
}

func TestMutexUnlockedDuringWait(t *testing.T) {
	c := New[int]()
	m := lwtmutex.New()
	m.Lock()
	w := c.Wait(m)
	wantState(t, "Wait", w, "Sleep")
	if m.IsLocked() {
		t.Error("the mutex stays locked during Wait")
	}
	c.Signal(1)
	wantState(t, "Wait after Signal", w, "Return 1")
	if !m.IsLocked() {
		t.Error("the mutex is not locked again after Wait")
	}
}

// As in Lwt_condition: signal wakes the oldest waiter and is not
// remembered; broadcast wakes all; wait with a mutex releases the mutex and
// takes it again before resolving.
func TestSemantics44(t *testing.T) {
	c := New[string]()
	c.Signal("lost")
	first, second := c.Wait(nil), c.Wait(nil)
	wantState(t, "Wait after a signal nobody waited for", first, "Sleep")
	c.Signal("one")
	wantState(t, "oldest waiter", first, "Return one")
	wantState(t, "younger waiter", second, "Sleep")

	third := c.Wait(nil)
	c.Broadcast("all")
	wantState(t, "second waiter after Broadcast", second, "Return all")
	wantState(t, "third waiter after Broadcast", third, "Return all")

	// The waiter resolves only once it holds the mutex again.
	m := lwtmutex.New()
	m.Lock()
	w := c.Wait(m)
	m.Lock() // another thread takes the mutex meanwhile
	c.Signal("go")
	wantState(t, "Wait while another thread holds the mutex", w, "Sleep")
	m.Unlock()
	wantState(t, "Wait once the mutex is released", w, "Return go")
	if !m.IsLocked() {
		t.Error("the woken waiter does not hold the mutex")
	}
}

func TestBroadcastExn(t *testing.T) {
	c := New[int]()
	boom := errors.New("boom")
	w1, w2 := c.Wait(nil), c.Wait(nil)
	c.BroadcastExn(boom)
	for _, w := range []lwt.Promise[int]{w1, w2} {
		if _, err := w.Result(); err != boom {
			t.Errorf("waiter: %v, want Fail boom", w)
		}
	}
}

// A thread that waits again as soon as it is woken is not woken twice by one
// Broadcast.
func TestBroadcastSkipsNewWaiters(t *testing.T) {
	c := New[int]()
	var again lwt.Promise[int]
	lwt.Map(c.Wait(nil), func(int) lwt.Unit { again = c.Wait(nil); return lwt.Unit{} })
	c.Broadcast(1)
	wantState(t, "a wait made during Broadcast", again, "Sleep")
}

func TestCancelWait(t *testing.T) {
	c := New[int]()
	canceled, next := c.Wait(nil), c.Wait(nil)
	lwt.Cancel(canceled)
	wantState(t, "canceled Wait", canceled, "Fail lwt: canceled")
	c.Signal(7)
	wantState(t, "the waiter after a canceled one", next, "Return 7")
}

func TestCancelWaitWithMutex(t *testing.T) {
	c := New[int]()
	m := lwtmutex.New()
	m.Lock()
	w := c.Wait(m)
	m.Lock() // held by another thread
	lwt.Cancel(w)
	wantState(t, "canceled Wait while the mutex is held elsewhere", w, "Sleep")
	m.Unlock()
	wantState(t, "canceled Wait once it has the mutex again", w, "Fail lwt: canceled")
	if !m.IsLocked() {
		t.Error("the canceled waiter does not hold the mutex again")
	}
	c.Signal(1) // nobody waits: lost
	if next := c.Wait(nil); next.String() != "Sleep" {
		t.Errorf("a signal went to a canceled waiter's place: %v", next)
	}
}

// Signal from a callback wakes the waiter after that callback returns.
func TestSignalInCallbackWakesLater(t *testing.T) {
	c := New[int]()
	var log []string
	lwt.Map(c.Wait(nil), func(int) lwt.Unit { log = append(log, "waiter"); return lwt.Unit{} })
	start, go1 := lwt.Wait[lwt.Unit]()
	lwt.Map(start, func(lwt.Unit) lwt.Unit {
		c.Signal(1)
		log = append(log, "signaler")
		return lwt.Unit{}
	})
	lwt.Wakeup(go1, lwt.Unit{})
	if len(log) != 2 || log[0] != "signaler" || log[1] != "waiter" {
		t.Fatalf("order %v, want [signaler waiter]", log)
	}
}

func TestWaitWithUnlockedMutexPanics(t *testing.T) {
	c := New[int]()
	defer func() {
		if x := recover(); x == nil {
			t.Fatal("no panic")
		}
		if !c.waiters.Empty() {
			t.Fatal("the waiter stayed queued")
		}
	}()
	c.Wait(lwtmutex.New())
}

// The mutex handed over by Wait may run a thread that signals at once: the
// signal must reach the waiter.
func TestSignalDuringUnlock(t *testing.T) {
	c := New[int]()
	m := lwtmutex.New()
	m.Lock()
	lwt.Map(m.Lock(), func(lwt.Unit) lwt.Unit { c.Signal(3); m.Unlock(); return lwt.Unit{} })
	w := c.Wait(m)
	wantState(t, "Wait", w, "Return 3")
}
