package lwtstream

import "github.com/lwtgo/lwt/runtime/lwt"

// consume takes the element of c if c is still at the head of s: another read
// waiting for the same cell may have taken it already.
func (s *Stream[T]) consume(c *cell[T]) {
	if c != s.head {
		return
	}
	s.head = c.next
	if b := s.src.bounded; b != nil {
		b.consumed()
	}
}

// A reader is what a read does once the cell it waits for is filled: take
// its element, look at it... Readers are empty structs, so that passing one
// costs no allocation.
type reader[T, R any] interface {
	read(s *Stream[T], c *cell[T]) lwt.Promise[R]
}

// at returns k.read(s, c) once the cell c holds an element or the end,
// feeding the source as needed.
func at[T, R any](s *Stream[T], c *cell[T], k reader[T, R]) lwt.Promise[R] {
	src := s.src
	for c == src.last {
		if src.push && (src.bounded == nil || !src.bounded.blocked) {
			p, r := lwt.Task[R]()
			src.wait(&readWaiter[T, R]{s: s, c: c, k: k, r: r})
			return p
		}
		p := src.feed()
		if p.IsSleeping() {
			return lwt.Bind(p, func(lwt.Unit) lwt.Promise[R] { return at(s, c, k) })
		}
		if _, err := p.Result(); err != nil {
			return lwt.Fail[R](err)
		}
	}
	return k.read(s, c)
}

// readWaiter is a read of a push stream waiting for a push. Once woken, it
// reads at once and resolves its promise later if the push comes from a
// callback, so that a push never runs readers in the middle of the pusher's
// own work.
type readWaiter[T, R any] struct {
	s *Stream[T]
	c *cell[T]
	k reader[T, R]
	r lwt.Resolver[R]
}

func (w *readWaiter[T, R]) wake() {
	if w.canceled() {
		return // a canceled read takes nothing
	}
	v, err := w.k.read(w.s, w.c).Result()
	lwt.WakeupLaterResult(w.r, v, err)
}

func (w *readWaiter[T, R]) canceled() bool { return !w.r.Promise().IsSleeping() }

type (
	nextReader[T any]  struct{}
	getReader[T any]   struct{}
	peekReader[T any]  struct{}
	junkReader[T any]  struct{}
	emptyReader[T any] struct{}
)

// Next removes the next element of s and returns it. It fails with
// [ErrEmpty] at the end of the stream.
func (s *Stream[T]) Next() lwt.Promise[T] {
	return at[T, T](s, s.head, nextReader[T]{})
}

func (nextReader[T]) read(s *Stream[T], c *cell[T]) lwt.Promise[T] {
	if c.end {
		return lwt.Fail[T](ErrEmpty)
	}
	s.consume(c)
	return lwt.Return(c.v)
}

// Get removes the next element of s and returns it, or None at the end of
// the stream.
func (s *Stream[T]) Get() lwt.Promise[Option[T]] {
	return at[T, Option[T]](s, s.head, getReader[T]{})
}

func (getReader[T]) read(s *Stream[T], c *cell[T]) lwt.Promise[Option[T]] {
	if c.end {
		return lwt.Return(None[T]())
	}
	s.consume(c)
	return lwt.Return(Some(c.v))
}

// Peek returns the next element of s without removing it, or None at the end
// of the stream.
func (s *Stream[T]) Peek() lwt.Promise[Option[T]] {
	return at[T, Option[T]](s, s.head, peekReader[T]{})
}

func (peekReader[T]) read(_ *Stream[T], c *cell[T]) lwt.Promise[Option[T]] {
	if c.end {
		return lwt.Return(None[T]())
	}
	return lwt.Return(Some(c.v))
}

// Junk removes the next element of s, if any.
func (s *Stream[T]) Junk() lwt.Promise[lwt.Unit] {
	return at[T, lwt.Unit](s, s.head, junkReader[T]{})
}

func (junkReader[T]) read(s *Stream[T], c *cell[T]) lwt.Promise[lwt.Unit] {
	if !c.end {
		s.consume(c)
	}
	return lwt.ReturnUnit()
}

// IsEmpty reports whether s is at its end, waiting for the next element or
// the end if neither is there yet.
func (s *Stream[T]) IsEmpty() lwt.Promise[bool] {
	return at[T, bool](s, s.head, emptyReader[T]{})
}

func (emptyReader[T]) read(_ *Stream[T], c *cell[T]) lwt.Promise[bool] { return lwt.Return(c.end) }

// mode says when a walk takes the elements it visits.
type mode uint8

const (
	takeFirst  mode = iota // take each element, then visit it
	takeIfTrue             // visit each element, and take it if visit says to go on
	peekOnly               // visit without taking
)

// walk calls visit on the elements of s in order, from the head, until the
// end or until the promise visit returns is fulfilled with false; it waits
// for that promise before going on. It loops while promises are resolved and
// binds only on one that sleeps, so a stream of any length is walked in
// constant stack.
func walk[T any](s *Stream[T], m mode, visit func(T) lwt.Promise[bool]) lwt.Promise[lwt.Unit] {
	w := &walker[T]{s: s, mode: m, visit: visit}
	return lwt.Apply(w.from, s.head)
}

type walker[T any] struct {
	s     *Stream[T]
	mode  mode
	visit func(T) lwt.Promise[bool]
}

func (w *walker[T]) from(c *cell[T]) lwt.Promise[lwt.Unit] {
	s := w.s
	for {
		if c == s.src.last {
			p := s.src.feed()
			if p.IsSleeping() {
				return lwt.Bind(p, func(lwt.Unit) lwt.Promise[lwt.Unit] { return w.from(c) })
			}
			if _, err := p.Result(); err != nil {
				return lwt.Fail[lwt.Unit](err)
			}
			continue
		}
		if c.end {
			return lwt.ReturnUnit()
		}
		if w.mode == takeFirst {
			s.consume(c)
		}
		q := w.visit(c.v)
		if q.IsSleeping() {
			return lwt.Bind(q, func(more bool) lwt.Promise[lwt.Unit] { return w.next(c, more) })
		}
		more, err := q.Result()
		if err != nil {
			return lwt.Fail[lwt.Unit](err)
		}
		if !more {
			return lwt.ReturnUnit()
		}
		if w.mode == takeIfTrue {
			s.consume(c)
		}
		c = c.next
	}
}

// next goes on after visit's promise for c slept.
func (w *walker[T]) next(c *cell[T], more bool) lwt.Promise[lwt.Unit] {
	if !more {
		return lwt.ReturnUnit()
	}
	if w.mode == takeIfTrue {
		w.s.consume(c)
	}
	return w.from(c.next)
}

// collect walks s and returns the elements visited and kept.
func collect[T any](s *Stream[T], m mode, keep func(T) lwt.Promise[bool]) lwt.Promise[[]T] {
	var xs []T
	done := walk(s, m, func(x T) lwt.Promise[bool] {
		return lwt.Map(keep(x), func(ok bool) bool {
			if ok {
				xs = append(xs, x)
			}
			return ok
		})
	})
	return lwt.Map(done, func(lwt.Unit) []T { return xs })
}

// NPeek returns the first n elements of s, or all of them if the stream
// ends before, without removing them.
func (s *Stream[T]) NPeek(n int) lwt.Promise[[]T] {
	if n <= 0 {
		return lwt.Return([]T(nil))
	}
	var xs []T
	done := walk(s, peekOnly, func(x T) lwt.Promise[bool] {
		xs = append(xs, x)
		return lwt.Return(len(xs) < n)
	})
	return lwt.Map(done, func(lwt.Unit) []T { return xs })
}

// NGet removes and returns the first n elements of s, or all of them if the
// stream ends before.
func (s *Stream[T]) NGet(n int) lwt.Promise[[]T] {
	if n <= 0 {
		return lwt.Return([]T(nil))
	}
	var xs []T
	done := walk(s, takeFirst, func(x T) lwt.Promise[bool] {
		xs = append(xs, x)
		return lwt.Return(len(xs) < n)
	})
	return lwt.Map(done, func(lwt.Unit) []T { return xs })
}

// NJunk removes the first n elements of s, or all of them if the stream ends
// before.
func (s *Stream[T]) NJunk(n int) lwt.Promise[lwt.Unit] {
	if n <= 0 {
		return lwt.ReturnUnit()
	}
	return walk(s, takeFirst, func(T) lwt.Promise[bool] {
		n--
		return lwt.Return(n > 0)
	})
}

// ToSlice removes all the elements of s and returns them, once the stream
// has ended: Lwt's to_list.
func (s *Stream[T]) ToSlice() lwt.Promise[[]T] {
	var xs []T
	done := walk(s, takeFirst, func(x T) lwt.Promise[bool] {
		xs = append(xs, x)
		return lwt.Return(true)
	})
	return lwt.Map(done, func(lwt.Unit) []T { return xs })
}

// ToString removes all the bytes of s and returns them as a string, once the
// stream has ended.
func ToString(s *Stream[byte]) lwt.Promise[string] {
	return lwt.Map(s.ToSlice(), func(b []byte) string { return string(b) })
}

// GetWhile removes and returns the longest prefix of s whose elements satisfy
// f. The first element that does not stays in the stream.
func GetWhile[T any](s *Stream[T], f func(T) bool) lwt.Promise[[]T] {
	return collect(s, takeIfTrue, func(x T) lwt.Promise[bool] { return lwt.Return(f(x)) })
}

// GetWhileS is [GetWhile] with a predicate that returns a promise.
func GetWhileS[T any](s *Stream[T], f func(T) lwt.Promise[bool]) lwt.Promise[[]T] {
	return collect(s, takeIfTrue, f)
}

// JunkWhile removes the elements at the head of s that satisfy f. The first
// element that does not stays in the stream.
func JunkWhile[T any](s *Stream[T], f func(T) bool) lwt.Promise[lwt.Unit] {
	return walk(s, takeIfTrue, func(x T) lwt.Promise[bool] { return lwt.Return(f(x)) })
}

// JunkWhileS is [JunkWhile] with a predicate that returns a promise.
func JunkWhileS[T any](s *Stream[T], f func(T) lwt.Promise[bool]) lwt.Promise[lwt.Unit] {
	return walk(s, takeIfTrue, f)
}

// LastNew removes all the elements of s that are there without waiting and
// returns the last one. If there is none, it waits for the next one. It
// fails with [ErrEmpty] at the end of the stream.
func (s *Stream[T]) LastNew() lwt.Promise[T] {
	p := s.Next()
	if p.IsSleeping() {
		return p
	}
	x, err := p.Result()
	if err != nil {
		return p
	}
	xs, err := s.GetAvailable()
	if err != nil {
		return lwt.Fail[T](err)
	}
	if len(xs) > 0 {
		x = xs[len(xs)-1]
	}
	return lwt.Return(x)
}

// GetAvailable removes and returns the elements of s that are there without
// waiting. The error is that of the function of a From or FromDirect
// stream; the elements removed before it are returned with it.
func (s *Stream[T]) GetAvailable() ([]T, error) { return s.available(-1, true) }

// GetAvailableUpTo is [Stream.GetAvailable] for at most n elements.
func (s *Stream[T]) GetAvailableUpTo(n int) ([]T, error) {
	if n <= 0 {
		return nil, nil
	}
	return s.available(n, true)
}

// available takes up to n elements at hand, or all of them if n < 0, and
// returns them if keep is set.
func (s *Stream[T]) available(n int, keep bool) ([]T, error) {
	var xs []T
	c := s.head
	for n != 0 {
		if c == s.src.last {
			ok, err := s.src.feedNow()
			if !ok {
				return xs, err
			}
			continue
		}
		if c.end {
			break
		}
		s.consume(c)
		if keep {
			xs = append(xs, c.v)
		}
		c = c.next
		n--
	}
	return xs, nil
}

// JunkAvailable removes the elements of s that are there without waiting.
// The error is that of the function of a From or FromDirect stream.
func (s *Stream[T]) JunkAvailable() error {
	_, err := s.available(-1, false)
	return err
}

// JunkOld is [Stream.JunkAvailable] as a promise.
//
// Deprecated: use JunkAvailable, as in Lwt.
func (s *Stream[T]) JunkOld() lwt.Promise[lwt.Unit] {
	return lwt.OfResult(lwt.Unit{}, s.JunkAvailable())
}
