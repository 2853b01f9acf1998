package lwtmutex

import (
	"errors"
	"strings"
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
)

type unit = lwt.Unit

func TestLockUnlock(t *testing.T) {
	var m Mutex // the zero Mutex is ready
	if m.IsLocked() || !m.IsEmpty() {
		t.Fatal("zero Mutex locked or with waiters")
	}
	if s := m.Lock().String(); s != "Return ()" {
		t.Fatalf("Lock of an unlocked mutex: %s", s)
	}
	if !m.IsLocked() {
		t.Fatal("not locked after Lock")
	}
	second := m.Lock()
	if second.String() != "Sleep" || m.IsEmpty() {
		t.Fatalf("Lock of a locked mutex: %s, IsEmpty %v", second, m.IsEmpty())
	}
	m.Unlock()
	if second.String() != "Return ()" || !m.IsLocked() || !m.IsEmpty() {
		t.Fatalf("after Unlock: waiter %s, locked %v, empty %v", second, m.IsLocked(), m.IsEmpty())
	}
	m.Unlock()
	if m.IsLocked() {
		t.Fatal("locked after the last Unlock")
	}
}

// As in Lwt_mutex: the lock passes to the oldest waiter; a
// canceled waiter never gets it.
func TestSemantics43(t *testing.T) {
	m := New()
	m.Lock()
	var got []string
	waiter := func(name string) lwt.Promise[unit] {
		return lwt.Map(m.Lock(), func(unit) unit { got = append(got, name); return unit{} })
	}
	a, b, c := waiter("a"), waiter("b"), waiter("c")
	lwt.Cancel(b)
	if _, err := b.Result(); !errors.Is(err, lwt.ErrCanceled) {
		t.Fatalf("canceled waiter: %v", b)
	}
	m.Unlock()
	if a.String() != "Return ()" || c.String() != "Sleep" {
		t.Fatalf("after one Unlock: a %v, c %v", a, c)
	}
	m.Unlock()
	if c.String() != "Return ()" {
		t.Fatalf("after two Unlocks: c %v", c)
	}
	m.Unlock()
	if m.IsLocked() || strings.Join(got, " ") != "a c" {
		t.Fatalf("holders %v, locked %v; want [a c], false", got, m.IsLocked())
	}
}

// Lwt's test "cancel": a thread canceled while it waits in Lock does not get
// the mutex when it is released.
func TestCancelWaitingLock(t *testing.T) {
	m := New()
	wait1, resume1 := lwt.Wait[unit]()
	thread1 := WithLock(m, func() lwt.Promise[unit] { return wait1 })
	locked2 := false
	thread2 := lwt.Map(m.Lock(), func(unit) unit { locked2 = true; return unit{} })
	lwt.Cancel(thread2)
	if _, err := thread2.Result(); !errors.Is(err, lwt.ErrCanceled) {
		t.Fatalf("thread 2: %v", thread2)
	}
	if !m.IsEmpty() {
		t.Fatal("canceled waiter still counted")
	}
	lwt.Wakeup(resume1, unit{})
	if thread1.String() != "Return ()" {
		t.Fatalf("thread 1: %v", thread1)
	}
	if locked2 || m.IsLocked() {
		t.Fatalf("thread 2 ran %v, mutex locked %v after thread 1 released it", locked2, m.IsLocked())
	}
	if m.Lock().String() != "Return ()" {
		t.Fatal("a third thread could not lock")
	}
}

// Lwt's test "cancel while queued by unlock": once Unlock (from a callback)
// has handed the lock to a waiter whose continuation is still queued,
// canceling that waiter changes nothing: it runs and releases the lock.
func TestCancelWhileQueuedByUnlock(t *testing.T) {
	m := New()
	wait1, resume1 := lwt.Wait[unit]()
	thread1 := WithLock(m, func() lwt.Promise[unit] { return wait1 })
	ran2 := false
	thread2 := lwt.Map(m.Lock(), func(unit) unit {
		ran2 = true
		m.Unlock()
		return unit{}
	})
	top, wakeTop := lwt.Wait[unit]()
	var passed, queued bool
	whileWaking := lwt.Bind(top, func(unit) lwt.Promise[error] {
		lwt.Wakeup(resume1, unit{})
		return lwt.Bind(thread1, func(unit) lwt.Promise[error] {
			passed = m.IsLocked()
			queued = !ran2
			lwt.Cancel(thread2)
			return lwt.Catch(
				func() lwt.Promise[error] { return lwt.Map(thread2, func(unit) error { return nil }) },
				func(err error) lwt.Promise[error] { return lwt.Return(err) })
		})
	})
	lwt.WakeupLater(wakeTop, unit{})
	err, _ := whileWaking.Result()
	if !passed || !queued || err != nil || !ran2 || m.IsLocked() {
		t.Fatalf("lock passed %v, thread 2 queued %v, thread 2 error %v, ran %v, locked at the end %v",
			passed, queued, err, ran2, m.IsLocked())
	}
}

func TestUnlockUnlockedPanics(t *testing.T) {
	defer func() {
		if x := recover(); x == nil || !strings.Contains(x.(string), "Unlock of an unlocked mutex") {
			t.Fatalf("panic %v", x)
		}
	}()
	New().Unlock()
}

func TestWithLock(t *testing.T) {
	m := New()
	wait, resume := lwt.Wait[int]()
	first := WithLock(m, func() lwt.Promise[int] { return wait })
	ran := false
	second := WithLock(m, func() lwt.Promise[int] { ran = true; return lwt.Return(2) })
	if ran || second.String() != "Sleep" {
		t.Fatal("the second critical section ran while the first held the lock")
	}
	lwt.Wakeup(resume, 1)
	if first.String() != "Return 1" || second.String() != "Return 2" || m.IsLocked() {
		t.Fatalf("first %v, second %v, locked %v", first, second, m.IsLocked())
	}
}

func TestWithLockUnlocksOnFailureAndPanic(t *testing.T) {
	m := New()
	boom := errors.New("boom")
	p := WithLock(m, func() lwt.Promise[int] { return lwt.Fail[int](boom) })
	if _, err := p.Result(); err != boom || m.IsLocked() {
		t.Fatalf("failing section: %v, locked %v", p, m.IsLocked())
	}
	p = WithLock(m, func() lwt.Promise[int] { panic(boom) })
	var pe *lwt.PanicError
	if _, err := p.Result(); !errors.As(err, &pe) || !errors.Is(err, boom) || m.IsLocked() {
		t.Fatalf("panicking section: %v, locked %v", p, m.IsLocked())
	}
	wait, resume := lwt.Wait[int]()
	p = WithLock(m, func() lwt.Promise[int] { return wait })
	lwt.WakeupExn(resume, boom)
	if _, err := p.Result(); err != boom || m.IsLocked() {
		t.Fatalf("section failing later: %v, locked %v", p, m.IsLocked())
	}
}

func TestWithLockCanceledWhileWaiting(t *testing.T) {
	m := New()
	m.Lock()
	ran := false
	p := WithLock(m, func() lwt.Promise[int] { ran = true; return lwt.Return(1) })
	lwt.Cancel(p)
	m.Unlock()
	if _, err := p.Result(); !errors.Is(err, lwt.ErrCanceled) || ran || m.IsLocked() {
		t.Fatalf("result %v, section ran %v, locked %v", p, ran, m.IsLocked())
	}
}

// Canceling a critical section that waits inside the lock releases the lock.
func TestWithLockCanceledInside(t *testing.T) {
	m := New()
	inner, _ := lwt.Task[int]()
	p := WithLock(m, func() lwt.Promise[int] { return inner })
	lwt.Cancel(p)
	if _, err := p.Result(); !errors.Is(err, lwt.ErrCanceled) || m.IsLocked() {
		t.Fatalf("result %v, locked %v", p, m.IsLocked())
	}
}
