// Package waitq is the queue of sleeping threads behind lwtmvar, lwtmutex,
// lwtcondition and lwtpool: what Lwt builds with Lwt.add_task_r over an
// Lwt_sequence.
//
// A waiter is a cancelable promise (an lwt.Task) together with a payload, for
// instance the value a waiting writer offers. Waiters are served first in,
// first out. A canceled waiter leaves the queue: it is never served and no
// longer counted. Rather than registering an OnCancel hook per waiter (three
// allocations more, and a callback list on every waiting promise), the queue
// drops canceled waiters lazily: only the queue holds a waiter's resolver, so
// a waiter's promise that is no longer sleeping has been canceled.
package waitq

import "github.com/lwtgo/lwt/runtime/lwt"

// Queue is a FIFO of waiters for a value of type T, each carrying a payload
// of type V. The zero Queue is empty and ready to use.
type Queue[T, V any] struct {
	items []waiter[T, V]
	head  int // items before head were taken
}

type waiter[T, V any] struct {
	r lwt.Resolver[T]
	v V
}

func (w *waiter[T, V]) live() bool { return w.r.Promise().IsSleeping() }

// Add queues a new waiter with payload v and returns its promise, which
// Cancel rejects with lwt.ErrCanceled and removes from the queue.
func (q *Queue[T, V]) Add(v V) lwt.Promise[T] {
	p, r := lwt.Task[T]()
	if len(q.items) == cap(q.items) && len(q.items) > 0 {
		q.compact()
	}
	q.items = append(q.items, waiter[T, V]{r, v})
	return p
}

// compact drops taken and canceled waiters when the array is full, so that
// waiters canceled while the queue never empties do not pile up. If less than
// half is freed it makes room to double, which keeps Add amortized O(1).
func (q *Queue[T, V]) compact() {
	live := q.items[:0]
	for i := q.head; i < len(q.items); i++ {
		if q.items[i].live() {
			live = append(live, q.items[i])
		}
	}
	clear(q.items[len(live):])
	q.items, q.head = live, 0
	if 2*len(live) > cap(live) {
		grown := make([]waiter[T, V], len(live), 2*cap(live))
		copy(grown, live)
		q.items = grown
	}
}

// skip drops canceled waiters at the head of the queue.
func (q *Queue[T, V]) skip() {
	for q.head < len(q.items) && !q.items[q.head].live() {
		q.items[q.head] = waiter[T, V]{}
		q.head++
	}
	if q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
	}
}

// Take removes the oldest waiter that is still sleeping and returns its
// resolver and payload; ok is false if there is none. The caller must resolve
// the waiter, or its promise sleeps forever.
func (q *Queue[T, V]) Take() (r lwt.Resolver[T], v V, ok bool) {
	q.skip()
	if q.head == len(q.items) {
		return r, v, false
	}
	w := q.items[q.head]
	q.items[q.head] = waiter[T, V]{}
	q.head++
	return w.r, w.v, true
}

// Empty reports whether no waiter is sleeping.
func (q *Queue[T, V]) Empty() bool {
	q.skip()
	return q.head == len(q.items)
}

// Len returns the number of sleeping waiters. It takes time proportional to
// the length of the queue, as Lwt_sequence.length does.
func (q *Queue[T, V]) Len() int {
	n := 0
	for i := q.head; i < len(q.items); i++ {
		if q.items[i].live() {
			n++
		}
	}
	return n
}
