// Package lwtstream provides streams: sequences of elements that readers
// consume one at a time, waiting for the next one when it is not there yet.
// Lwt_stream.
//
// A stream gets its elements from a source, touched only when a reader needs
// a new element:
//
//   - [From] calls a function returning a promise of the next element,
//     [FromDirect] a function returning it at once;
//   - [Create] returns the stream together with a [Pusher] that adds elements
//     and closes the stream; [CreateBounded] a [BoundedPusher] whose pushes
//     wait while the stream holds its maximum number of elements;
//   - [OfSlice], [OfString] and [Return] make streams that are closed from the
//     start.
//
// Reading consumes: once [Stream.Next] or [Stream.Get] has returned an
// element, no later read of that stream returns it. [Stream.Clone] makes a
// second stream that reads the same elements independently. Two reads of
// one stream that wait at the same time get the same element, which is
// consumed once (as in Lwt).
//
// [Stream.Next] fails with [ErrEmpty] at the end of the stream;
// [Stream.Get] returns an [Option] instead, None at the end. When the
// function of a From or FromDirect stream fails (or panics), the read that
// called it fails with that error, and the stream is not closed: the next
// read calls the function again. Canceling a pending read consumes nothing.
//
// Methods read a stream; package-level functions take a function argument
// (Map, IterS, GetWhile ...) or build a stream from others (Append, Choose
// ...), as in Lwt. Names ending in S take a function returning a promise and
// wait for it before going on; IterP and IterN do not wait. Traversals run in
// constant stack however long the stream.
//
// # Streams in annotated code
//
// In a function rewritten by lwtgen (//lwt:async), a range over [Stream.All]
// reads the stream to its end, one element at a time: Lwt's
// "for_lwt x in s do ... done".
//
//	for x := range s.All() {
//		body
//	}
//
// is rewritten to the equivalent of
//
//	for {
//		o := lwt.Await(s.Get())
//		if !o.OK {
//			break
//		}
//		x := o.Value
//		body
//	}
//
// so the body may await, break, continue and return as in any loop, and a
// failure of the source fails the function. Called anywhere else (as a
// plain iter.Seq: slices.Collect(s.All()), or in code not rewritten), All
// panics: use [Stream.ToSlice], [Iter], [IterS] or a loop of [Stream.Get]
// there.
//
// # Differences from Lwt
//
//   - Create returns a [Pusher] with Push and Close methods instead of a push
//     function taking an option; Push returns [ErrClosed] where Lwt raises.
//   - [OfString] makes a stream of bytes, Lwt's chars; use OfSlice([]rune(s))
//     for runes.
//   - [IterP] and [IterN] stop reading at the first failure and fail once the
//     calls still running have finished.
//   - There is no create_with_reference: a Go source is kept alive by whoever
//     holds it.
package lwtstream

import (
	"errors"
	"iter"
	"slices"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtseq"
)

var (
	// ErrEmpty is the failure of reading past the end of a stream: Lwt_stream's
	// Empty.
	ErrEmpty = errors.New("lwtstream: empty stream")
	// ErrClosed is the failure of pushing to a closed stream: Closed.
	ErrClosed = errors.New("lwtstream: stream closed")
	// ErrFull is the failure of pushing to a full bounded stream while another
	// push already waits for room: Full.
	ErrFull = errors.New("lwtstream: stream full")
)

// Option is a value that may be absent, as Get and Peek return and From's
// function gives: Lwt's 'a option.
type Option[T any] = lwtseq.Option[T]

// Some makes an Option holding v.
func Some[T any](v T) Option[T] { return lwtseq.Some(v) }

// None makes an empty Option.
func None[T any]() Option[T] { return lwtseq.None[T]() }

// Stream is a stream of elements of type T: Lwt_stream.t. Make one with the
// functions of this package; the zero Stream is not usable.
type Stream[T any] struct {
	head *cell[T]   // the next element to read, or src.last if none is there
	src  *source[T] // shared with clones
}

// A cell holds one element of the queue that the source fills and readers
// walk. The last cell of the queue is always an empty one, source.last; the
// source fills it and appends a new one. A cell marked end is the end of
// the stream.
type cell[T any] struct {
	next *cell[T]
	v    T
	end  bool
}

// source is what feeds a stream and its clones. Exactly one of from, direct
// and push is set. It does not point to the cells readers have not reached,
// so a Pusher does not keep alive elements that every reader has consumed.
type source[T any] struct {
	last   *cell[T]
	closed lwt.Promise[lwt.Unit]
	close  lwt.Resolver[lwt.Unit]

	from   func() lwt.Promise[Option[T]]
	thread lwt.Promise[lwt.Unit] // the call of from in progress, shared by reads

	direct func() (T, bool)

	push    bool
	bounded *BoundedPusher[T] // for CreateBounded
	waiters []waiter          // reads waiting for a push
	spare   []waiter          // the array of waiters last woken, to reuse
}

// A waiter is a read of a push stream waiting for the last cell to be
// filled. Each has its own promise, so that canceling one read leaves the
// others waiting.
type waiter interface {
	// wake is called once the cell is filled.
	wake()
	// canceled reports whether the read was canceled: it then takes nothing.
	canceled() bool
}

func newStream[T any](src *source[T]) *Stream[T] {
	src.last = new(cell[T])
	src.closed, src.close = lwt.Wait[lwt.Unit]()
	return &Stream[T]{head: src.last, src: src}
}

// add fills the last cell with v, or with the end of the stream.
func (src *source[T]) add(v T, end bool) {
	c := src.last
	c.v, c.end = v, end
	c.next = new(cell[T])
	src.last = c.next
}

// end closes the stream. The reads waiting for a push run last, so that they
// see the stream closed.
func (src *source[T]) end() {
	var zero T
	src.add(zero, true)
	lwt.Wakeup(src.close, lwt.Unit{})
	src.notify()
}

// wait registers a read waiting for a push.
func (src *source[T]) wait(w waiter) {
	if len(src.waiters) == cap(src.waiters) && len(src.waiters) >= 8 {
		// Reads canceled before any push would pile up: drop them.
		src.waiters = slices.DeleteFunc(src.waiters, waiter.canceled)
	}
	src.waiters = append(src.waiters, w)
}

// waiting reports whether a read waits for a push.
func (src *source[T]) waiting() bool {
	return slices.ContainsFunc(src.waiters, func(w waiter) bool { return !w.canceled() })
}

// notify wakes the reads waiting for a push, oldest first. Reads woken may
// wait again: they go to a fresh list, the spare array of the last round.
func (src *source[T]) notify() {
	ws := src.waiters
	if len(ws) == 0 {
		return
	}
	src.waiters, src.spare = src.spare[:0], nil
	for i, w := range ws {
		ws[i] = nil
		w.wake()
	}
	src.spare = ws[:0]
}

// pushed is a waiter that a feed made: its promise is fulfilled by the push.
// It is woken later when the push comes from a callback, so that a push never
// runs readers in the middle of the pusher's own work.
type pushed struct{ r lwt.Resolver[lwt.Unit] }

func (w pushed) wake()          { lwt.WakeupLater(w.r, lwt.Unit{}) }
func (w pushed) canceled() bool { return !w.r.Promise().IsSleeping() }

// feed asks the source for one more element, or the end: the returned
// promise is fulfilled once src.last has moved on, and fails with the error
// of a From or FromDirect function.
func (src *source[T]) feed() lwt.Promise[lwt.Unit] {
	switch {
	case src.push:
		if b := src.bounded; b != nil && b.blocked {
			// A read finds the stream empty while a push waits for room only
			// when the size is 0: hand the element over.
			b.count++
			b.unblock()
			return lwt.ReturnUnit()
		}
		p, r := lwt.Task[lwt.Unit]()
		src.wait(pushed{r})
		return p
	case src.direct != nil:
		o, err := lwt.Apply(callDirect[T], src.direct).Result()
		if err != nil {
			return lwt.Fail[lwt.Unit](err)
		}
		src.addOption(o)
		return lwt.ReturnUnit()
	}
	if !src.thread.IsSleeping() {
		src.thread = lwt.Map(lwt.Apply(callFrom[T], src.from), func(o Option[T]) lwt.Unit {
			src.addOption(o)
			return lwt.Unit{}
		})
	}
	// Protected: canceling one read must neither cancel the call of from
	// nor the other reads waiting for it.
	return lwt.Protected(src.thread)
}

func callFrom[T any](f func() lwt.Promise[Option[T]]) lwt.Promise[Option[T]] { return f() }

func callDirect[T any](f func() (T, bool)) lwt.Promise[Option[T]] {
	v, ok := f()
	return lwt.Return(Option[T]{Value: v, OK: ok})
}

func (src *source[T]) addOption(o Option[T]) {
	if o.OK {
		src.add(o.Value, false)
	} else {
		src.end()
	}
}

// feedNow feeds the source if that can complete without waiting, and
// reports whether it did. Push streams are fed by pushes alone, so it does
// not register a waiting read for them.
func (src *source[T]) feedNow() (bool, error) {
	if src.push && (src.bounded == nil || !src.bounded.blocked) {
		return false, nil
	}
	p := src.feed()
	if p.IsSleeping() {
		return false, nil
	}
	_, err := p.Result()
	return err == nil, err
}

// From makes a stream whose elements are produced by f, called each time a
// reader needs an element that is not there yet; the stream ends when f's
// promise is fulfilled with None. While a call's promise is pending, other
// reads wait for it rather than call f again.
//
// If f panics or its promise fails, the reads waiting for it fail with that
// error and the stream stays open: a later read calls f again.
func From[T any](f func() lwt.Promise[Option[T]]) *Stream[T] {
	return newStream(&source[T]{from: f})
}

// FromDirect is [From] for a function that returns the next element at once,
// and false at the end. The next function of [iter.Pull] has this shape. If
// f panics, the read that called it fails with a *lwt.PanicError and the
// stream stays open.
func FromDirect[T any](f func() (T, bool)) *Stream[T] {
	return newStream(&source[T]{direct: f})
}

// Pusher adds elements to a stream made by [Create].
type Pusher[T any] struct {
	src *source[T]
}

// Create makes a stream that holds the elements pushed to it by p, in
// order, and ends when p is closed. Pushing never waits: the stream buffers
// the elements until they are read.
func Create[T any]() (s *Stream[T], p *Pusher[T]) {
	src := &source[T]{push: true}
	return newStream(src), &Pusher[T]{src}
}

// Push adds v at the end of the stream and wakes the readers waiting for it.
// It returns [ErrClosed] if the stream was closed.
func (p *Pusher[T]) Push(v T) error {
	src := p.src
	if !src.closed.IsSleeping() {
		return ErrClosed
	}
	src.add(v, false)
	src.notify()
	return nil
}

// Close ends the stream: readers get the elements pushed so far, then the
// end. Closing a closed stream does nothing. Lwt's push None.
func (p *Pusher[T]) Close() {
	src := p.src
	if !src.closed.IsSleeping() {
		return
	}
	src.end()
}

// OfSlice makes a stream of the elements of xs, closed from the start.
func OfSlice[T any](xs []T) *Stream[T] {
	s, p := Create[T]()
	for _, x := range xs {
		p.Push(x)
	}
	p.Close()
	return s
}

// OfString makes a stream of the bytes of str, closed from the start. Lwt's
// chars are bytes; for a stream of runes use OfSlice([]rune(str)).
func OfString(str string) *Stream[byte] { return OfSlice([]byte(str)) }

// Return makes a stream holding v alone, closed from the start.
func Return[T any](v T) *Stream[T] { return OfSlice([]T{v}) }

// ReturnLwt makes a stream holding the value of p alone. It is closed once p
// is resolved; if p fails, the stream ends without elements.
func ReturnLwt[T any](p lwt.Promise[T]) *Stream[T] {
	s, push := Create[T]()
	lwt.OnAny(p, func(v T) {
		push.Push(v)
		push.Close()
	}, func(error) { push.Close() })
	return s
}

// OfLwtSeq makes a stream of the elements of seq, forced one node at a time
// as readers need them.
func OfLwtSeq[T any](seq lwtseq.Seq[T]) *Stream[T] {
	return From(func() lwt.Promise[Option[T]] {
		if seq == nil {
			return lwt.Return(None[T]())
		}
		return lwt.Map(seq(), func(n lwtseq.Node[T]) Option[T] {
			seq = n.Next
			return Option[T]{Value: n.Value, OK: n.Next != nil}
		})
	})
}

// Clone returns a stream that reads the elements of s not read yet, in the
// same order, independently of s: reading one does not consume the other.
// Clone panics on a stream made by [CreateBounded], whose room is counted
// for a single reader.
func (s *Stream[T]) Clone() *Stream[T] {
	if s.src.bounded != nil {
		panic("lwtstream: Clone of a bounded stream")
	}
	return &Stream[T]{head: s.head, src: s.src}
}

// IsClosed reports whether the stream has been closed: its end is known,
// though elements may remain to be read. Once it is closed, no read of s
// waits.
func (s *Stream[T]) IsClosed() bool { return !s.src.closed.IsSleeping() }

// Closed returns a promise fulfilled once the stream is closed.
func (s *Stream[T]) Closed() lwt.Promise[lwt.Unit] { return s.src.closed }

// All is how annotated code ranges over a stream: see the package
// documentation. lwtgen rewrites the loop into awaits of [Stream.Get].
//
// The iter.Seq it returns is no ordinary iterator: reading a stream means
// waiting, which an iter.Seq cannot do. lwtgen rewrites only a range loop
// over s.All() in an annotated function; anywhere else, in code not
// rewritten or given to a function that takes an iter.Seq (as in
// slices.Collect(s.All())), All panics. There, use the functions that
// return promises instead:
// [Stream.ToSlice] for all the elements (Lwt's to_list), [Iter] or [IterS]
// to run a function on each, [Stream.Get] in a loop, or
// [Stream.GetAvailable] for what is there already without waiting.
func (s *Stream[T]) All() iter.Seq[T] {
	panic("lwtstream: Stream.All was called outside a range loop of code rewritten by lwtgen " +
		"(it cannot be used as a plain iter.Seq, as in slices.Collect(s.All())): " +
		"in unannotated code use s.ToSlice(), lwtstream.Iter or IterS, or a loop of s.Get(), " +
		"which return promises; if this is annotated code, run go generate (or lwtgen) " +
		"on the package and build without -tags=lwtsource")
}

// seq views s as an lwtseq.Seq whose every node is a Get of s: forcing it
// consumes.
func (s *Stream[T]) seq() lwtseq.Seq[T] {
	var next lwtseq.Seq[T]
	next = func() lwt.Promise[lwtseq.Node[T]] {
		return lwt.Map(s.Get(), func(o Option[T]) lwtseq.Node[T] {
			if !o.OK {
				return lwtseq.Node[T]{}
			}
			return lwtseq.Node[T]{Value: o.Value, Next: next}
		})
	}
	return next
}
