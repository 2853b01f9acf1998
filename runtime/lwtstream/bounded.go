package lwtstream

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// BoundedPusher adds elements to a stream made by [CreateBounded]: Lwt's
// bounded_push. The stream holds at most Size elements that have not been
// read; one more push may wait for room, holding its element aside.
type BoundedPusher[T any] struct {
	src     *source[T]
	size    int
	count   int // elements in the stream not read yet
	blocked bool
	pending T                      // the element of the blocked push
	wake    lwt.Resolver[lwt.Unit] // of the blocked push
}

// CreateBounded makes a stream of at most size unread elements, and the
// pusher that fills it. A push to a full stream waits until a reader makes
// room. With size 0, a push waits for a reader to take its element (Lwt's
// would wait for a resize). The stream cannot be cloned or parsed.
// CreateBounded panics if size < 0.
func CreateBounded[T any](size int) (s *Stream[T], p *BoundedPusher[T]) {
	if size < 0 {
		panic(fmt.Sprintf("lwtstream.CreateBounded: negative size %d", size))
	}
	src := &source[T]{push: true}
	b := &BoundedPusher[T]{src: src, size: size}
	src.bounded = b
	return newStream(src), b
}

// Push adds v at the end of the stream. If the stream holds Size unread
// elements, the returned promise sleeps until a reader makes room, then v is
// added; canceling that promise withdraws v. Push fails with [ErrFull] while
// another push waits, and with [ErrClosed] once the stream is closed; closing
// it also fails a waiting push with ErrClosed.
func (b *BoundedPusher[T]) Push(v T) lwt.Promise[lwt.Unit] {
	switch {
	case b.Closed():
		return lwt.Fail[lwt.Unit](ErrClosed)
	case b.blocked:
		return lwt.Fail[lwt.Unit](ErrFull)
	case b.count >= b.size && !b.src.waiting():
		// (A reader that waits finds the stream empty: with size 0 it takes
		// v at once.)
		p, r := lwt.Task[lwt.Unit]()
		b.blocked, b.pending, b.wake = true, v, r
		lwt.OnCancel(p, func() {
			var zero T
			b.blocked, b.pending = false, zero
		})
		return p
	}
	b.count++
	b.src.add(v, false)
	b.src.notify()
	return lwt.ReturnUnit()
}

// unblock moves the element of the blocked push into the stream and wakes
// that push. It does not count the element.
func (b *BoundedPusher[T]) unblock() {
	v := b.pending
	var zero T
	b.blocked, b.pending = false, zero
	b.src.add(v, false)
	lwt.WakeupLater(b.wake, lwt.Unit{})
	b.src.notify()
}

// consumed is called when the reader takes an element: it makes room, which
// a blocked push takes at once.
func (b *BoundedPusher[T]) consumed() {
	if b.blocked {
		b.unblock()
	} else {
		b.count--
	}
}

// Close ends the stream: the reader gets the elements added so far, then the
// end. A push waiting for room fails with [ErrClosed] and its element is
// dropped. Closing a closed stream does nothing.
func (b *BoundedPusher[T]) Close() {
	if b.Closed() {
		return
	}
	b.src.end()
	if b.blocked {
		var zero T
		b.blocked, b.pending = false, zero
		lwt.WakeupLaterExn(b.wake, ErrClosed)
	}
}

// Size returns the most unread elements the stream may hold.
func (b *BoundedPusher[T]) Size() int { return b.size }

// Resize changes the most unread elements the stream may hold. The new size
// may be below the current count: pushes then wait until the reader has
// caught up. Resize panics if size < 0.
func (b *BoundedPusher[T]) Resize(size int) {
	if size < 0 {
		panic(fmt.Sprintf("lwtstream.BoundedPusher.Resize: negative size %d", size))
	}
	b.size = size
	if b.count < b.size && b.blocked {
		b.count++
		b.unblock()
	}
}

// Count returns the number of elements pushed and not read yet.
func (b *BoundedPusher[T]) Count() int { return b.count }

// Blocked reports whether a push waits for room.
func (b *BoundedPusher[T]) Blocked() bool { return b.blocked }

// Closed reports whether the stream is closed.
func (b *BoundedPusher[T]) Closed() bool { return !b.src.closed.IsSleeping() }
