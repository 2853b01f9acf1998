// Package lwtmutex provides mutual exclusion between lwt threads: Lwt_mutex.
//
// lwt threads never run at the same time, so a mutex is only needed when a
// critical section waits: between Lock and Unlock a thread may sleep (on IO,
// say), and other threads run meanwhile. A Mutex keeps them out of the
// section until it is released. Lock does not block the goroutine: it returns
// a promise that is fulfilled once the lock is held.
//
// The lock is handed over in order: Unlock gives it to the oldest thread
// waiting in Lock, which holds it from then on, so no latecomer can slip in
// between. A waiting Lock that is canceled leaves the queue and never gets
// the lock.
//
// Most code should use WithLock, which releases the lock however the
// critical section ends.
//
// # Differences from Lwt
//
// Unlock of a mutex that is not locked panics, as it does for Go's
// sync.Mutex; Lwt_mutex.unlock does nothing then. Such a call means that two
// threads each think they hold the lock, or that one releases it twice:
// ignoring it would hide the bug until the section it guards is entered
// twice at once.
package lwtmutex

import (
	"github.com/lwtgo/lwt/runtime/internal/waitq"
	"github.com/lwtgo/lwt/runtime/lwt"
)

// Mutex is a mutual exclusion lock for lwt threads. The zero Mutex is
// unlocked and ready to use.
type Mutex struct {
	locked  bool
	waiters waitq.Queue[lwt.Unit, struct{}]
}

// New returns an unlocked mutex.
func New() *Mutex { return &Mutex{} }

// Lock locks m. If m is unlocked the result is fulfilled at once; otherwise
// it sleeps until every earlier waiter has had the lock and it is handed to
// this one. Canceling the result while it sleeps gives up the wait.
func (m *Mutex) Lock() lwt.Promise[lwt.Unit] {
	if !m.locked {
		m.locked = true
		return lwt.ReturnUnit()
	}
	return m.waiters.Add(struct{}{})
}

// Unlock unlocks m, or hands the lock to the oldest waiter if there is one.
// Called from a callback, the new holder resumes after that callback returns
// (as with [lwt.WakeupLater]). Unlock of an unlocked mutex panics.
func (m *Mutex) Unlock() {
	if !m.locked {
		panic("lwtmutex: Unlock of an unlocked mutex")
	}
	if r, _, ok := m.waiters.Take(); ok {
		lwt.WakeupLater(r, lwt.Unit{})
		return
	}
	m.locked = false
}

// IsLocked reports whether m is locked.
func (m *Mutex) IsLocked() bool { return m.locked }

// IsEmpty reports whether no thread waits for m.
func (m *Mutex) IsEmpty() bool { return m.waiters.Empty() }

// WithLock locks m, runs f, and unlocks m once f's promise is resolved,
// whether it is fulfilled, fails, or f panics (the panic becomes the failure
// of the result). The result is f's. Canceling the result while it waits for
// the lock gives up the wait, and f never runs.
func WithLock[T any](m *Mutex, f func() lwt.Promise[T]) lwt.Promise[T] {
	if m.locked {
		return lwt.Bind(m.Lock(), func(lwt.Unit) lwt.Promise[T] { return section(m, f) })
	}
	m.locked = true
	return section(m, f)
}

// section runs f, which holds m, and unlocks m once f's promise is resolved.
// A section that is over at once costs no allocation.
func section[T any](m *Mutex, f func() lwt.Promise[T]) lwt.Promise[T] {
	p := lwt.Apply(call[T], f)
	if !p.IsSleeping() {
		m.Unlock()
		return p
	}
	return lwt.Finalize(
		func() lwt.Promise[T] { return p },
		func() lwt.Promise[lwt.Unit] {
			m.Unlock()
			return lwt.ReturnUnit()
		})
}

func call[T any](f func() lwt.Promise[T]) lwt.Promise[T] { return f() }
