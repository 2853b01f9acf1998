// Package lwtmvar provides mailbox variables for lwt threads: Lwt_mvar.
//
// An MVar is a cell that holds at most one value. Taking from an empty MVar
// waits until a value is put; putting into a full one waits until the value
// there is taken. Threads that wait are served first come, first served, and
// a waiting Take or Put that is canceled leaves the queue without taking or
// putting anything. An MVar is the usual way to hand messages from one lwt
// thread to another, one at a time: a pushable stream with room for one
// element.
//
// Like all of lwt, an MVar belongs to the goroutine that runs the scheduler;
// it is not a channel between goroutines.
package lwtmvar

import (
	"github.com/lwtgo/lwt/runtime/internal/waitq"
	"github.com/lwtgo/lwt/runtime/lwt"
)

// MVar is a mailbox variable holding at most one value of type T. The zero
// MVar is empty and ready to use.
type MVar[T any] struct {
	v       T
	full    bool
	takers  waitq.Queue[T, struct{}]
	putters waitq.Queue[lwt.Unit, T] // each with the value it offers
}

// New returns an MVar that holds v.
func New[T any](v T) *MVar[T] { return &MVar[T]{v: v, full: true} }

// NewEmpty returns an empty MVar.
func NewEmpty[T any]() *MVar[T] { return &MVar[T]{} }

// Put puts v into m. If m is empty, v goes to the oldest waiting Take, or
// stays in m if none waits, and the result is fulfilled at once. If m is full,
// the result sleeps until v is in m; canceling it withdraws v.
func (m *MVar[T]) Put(v T) lwt.Promise[lwt.Unit] {
	if m.full {
		return m.putters.Add(v)
	}
	if r, _, ok := m.takers.Take(); ok {
		lwt.WakeupLater(r, v)
	} else {
		m.v, m.full = v, true
	}
	return lwt.ReturnUnit()
}

// Take takes the value out of m. If m is empty, the result sleeps until a
// value is put; canceling it leaves the next value to the next taker.
func (m *MVar[T]) Take() lwt.Promise[T] {
	if v, ok := m.TakeAvailable(); ok {
		return lwt.Return(v)
	}
	return m.takers.Add(struct{}{})
}

// TakeAvailable takes the value out of m if there is one, without waiting.
// The oldest waiting Put, if any, then fills m again.
func (m *MVar[T]) TakeAvailable() (v T, ok bool) {
	if !m.full {
		return v, false
	}
	v = m.v
	if r, next, ok := m.putters.Take(); ok {
		m.v = next
		lwt.WakeupLater(r, lwt.Unit{})
	} else {
		var zero T
		m.v, m.full = zero, false
	}
	return v, true
}

// IsEmpty reports whether m holds no value.
func (m *MVar[T]) IsEmpty() bool { return !m.full }
