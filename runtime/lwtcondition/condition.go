// Package lwtcondition provides condition variables for lwt threads:
// Lwt_condition.
//
// A Condition lets threads wait until another thread tells them that
// something happened, and hands them a value of type T as it wakes them:
// Signal wakes the oldest waiter, Broadcast wakes them all, BroadcastExn
// makes them all fail. A signal is not remembered: one sent while no thread
// waits is lost.
//
// As with sync.Cond, the state the threads are waiting on is usually guarded
// by a mutex. Wait releases that mutex while the thread sleeps and locks it
// again before the thread resumes, so that a thread can lock the mutex, wait
// as long as the state is not ready, use it and unlock, as the example shows.
package lwtcondition

import (
	"github.com/lwtgo/lwt/runtime/internal/waitq"
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmutex"
)

// Condition is a condition variable whose signals carry a value of type T.
// The zero Condition is ready to use.
type Condition[T any] struct {
	waiters waitq.Queue[T, struct{}]
}

// New returns a condition variable with no waiters.
func New[T any]() *Condition[T] { return &Condition[T]{} }

// Wait sleeps until c is signaled and fulfills the result with the value
// of the signal. If mutex is not nil, the caller must hold it (Wait panics if
// it is not locked): Wait unlocks it, and locks it again after the signal,
// before the result is resolved.
// Canceling the result while it waits gives up the wait: the result fails
// with lwt.ErrCanceled, once the mutex is locked again.
func (c *Condition[T]) Wait(mutex *lwtmutex.Mutex) lwt.Promise[T] {
	if mutex != nil && !mutex.IsLocked() {
		panic("lwtcondition: Wait with a mutex that is not locked")
	}
	// Queue the waiter before unlocking: the unlock may run a thread that
	// signals at once.
	p := c.waiters.Add(struct{}{})
	if mutex == nil {
		return p
	}
	mutex.Unlock()
	return lwt.Finalize(func() lwt.Promise[T] { return p }, mutex.Lock)
}

// Signal wakes the oldest waiter, if any, with v. Called from a callback,
// the waiter resumes after that callback returns (as with
// [lwt.WakeupLater]).
func (c *Condition[T]) Signal(v T) {
	if r, _, ok := c.waiters.Take(); ok {
		lwt.WakeupLater(r, v)
	}
}

// Broadcast wakes every thread waiting on c with v. Threads that start to
// wait while it runs are not woken.
func (c *Condition[T]) Broadcast(v T) {
	for _, r := range c.takeAll() {
		lwt.WakeupLater(r, v)
	}
}

// BroadcastExn makes every thread waiting on c fail with err.
func (c *Condition[T]) BroadcastExn(err error) {
	for _, r := range c.takeAll() {
		lwt.WakeupLaterExn(r, err)
	}
}

func (c *Condition[T]) takeAll() []lwt.Resolver[T] {
	var rs []lwt.Resolver[T]
	for {
		r, _, ok := c.waiters.Take()
		if !ok {
			return rs
		}
		rs = append(rs, r)
	}
}
