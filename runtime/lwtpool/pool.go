// Package lwtpool keeps a pool of reusable resources for lwt threads:
// Lwt_pool.
//
// A Pool hands out members (database connections, say) that are expensive
// to make: Use lends one to a function and takes it back once the function's
// promise is resolved. Members are made on demand, up to a maximum; past it,
// Use waits until a member is given back, and waiting threads are served in
// the order they came. A waiting Use that is canceled leaves the queue.
//
// Options let the pool check its members: WithValidate tests a free member
// before it is lent, WithCheck decides whether a member whose user failed can
// still be used, and WithDispose releases a member that is dropped. Clear
// drops every member, so that the next Use gets a fresh one.
//
// This is a pool of resources within one lwt program, not of goroutines.
package lwtpool

import (
	"github.com/lwtgo/lwt/runtime/internal/waitq"
	"github.com/lwtgo/lwt/runtime/lwt"
)

// Pool is a pool of at most n members of type T. Make one with New.
type Pool[T any] struct {
	max      int
	create   func() lwt.Promise[T]
	validate func(T) lwt.Promise[bool] // nil: every member is valid
	check    func(T) bool              // nil: every member stays usable
	dispose  func(T) lwt.Promise[lwt.Unit]

	count   int // members that exist or are being made
	free    []T // members not in use, oldest first
	waiters waitq.Queue[T, struct{}]
	cleared *bool // set by Clear: members lent before must not come back
}

// Option configures a Pool.
type Option[T any] func(*Pool[T])

// WithValidate makes Use call validate on a free member before lending it.
// If validate's promise is fulfilled with false, the member is disposed of
// and a new one made in its place; if it fails (or validate panics), the
// member is disposed of and Use fails with that error.
func WithValidate[T any](validate func(T) lwt.Promise[bool]) Option[T] {
	return func(p *Pool[T]) { p.validate = validate }
}

// WithCheck makes Use call check on a member whose user failed: if check
// returns false, the member is disposed of instead of being given back.
func WithCheck[T any](check func(T) bool) Option[T] {
	return func(p *Pool[T]) { p.check = check }
}

// WithDispose sets the function that releases a member the pool drops.
// Dispose is not called on members still in the pool when it is no longer
// used: call Clear for that.
func WithDispose[T any](dispose func(T) lwt.Promise[lwt.Unit]) Option[T] {
	return func(p *Pool[T]) { p.dispose = dispose }
}

// New returns an empty pool of at most n members, which create makes on
// demand. It panics if n < 1.
func New[T any](n int, create func() lwt.Promise[T], opts ...Option[T]) *Pool[T] {
	if n < 1 {
		panic("lwtpool.New: the size of a pool must be at least 1")
	}
	p := &Pool[T]{max: n, create: create, cleared: new(bool)}
	for _, o := range opts {
		o(p)
	}
	return p
}

// Use lends a member of p to f and gives it back once f's promise is
// resolved; the result is f's. If no member is free and p has its maximum,
// Use waits until one is given back. If f fails or panics, the member goes
// through the WithCheck function before it is given back. Canceling the
// result while it waits for a member gives up the wait.
func Use[T, U any](p *Pool[T], f func(T) lwt.Promise[U]) lwt.Promise[U] {
	return lwt.Bind(p.acquire(), func(c T) lwt.Promise[U] {
		cleared := p.cleared
		return lwt.TryBind(
			func() lwt.Promise[U] { return f(c) },
			func(v U) lwt.Promise[U] {
				if *cleared {
					return lwt.Map(p.drop(c), func(lwt.Unit) U { return v })
				}
				p.release(c)
				return lwt.Return(v)
			},
			func(err error) lwt.Promise[U] {
				if *cleared || p.check != nil && !p.check(c) {
					return lwt.Bind(p.drop(c), func(lwt.Unit) lwt.Promise[U] { return lwt.Fail[U](err) })
				}
				p.release(c)
				return lwt.Fail[U](err)
			})
	})
}

// Clear disposes of every free member, one after the other, and makes sure
// that the members in use now are disposed of when they are given back. The
// next Use gets a new member. The result is fulfilled once the free members
// are disposed of.
func (p *Pool[T]) Clear() lwt.Promise[lwt.Unit] {
	free := p.free
	p.free = nil
	*p.cleared = true
	p.cleared = new(bool)
	var next func(lwt.Unit) lwt.Promise[lwt.Unit]
	next = func(lwt.Unit) lwt.Promise[lwt.Unit] {
		if len(free) == 0 {
			return lwt.ReturnUnit()
		}
		c := free[0]
		free = free[1:]
		return lwt.Bind(p.drop(c), next)
	}
	return next(lwt.Unit{})
}

// WaitQueueLength returns the number of Use calls waiting for a member.
func (p *Pool[T]) WaitQueueLength() int { return p.waiters.Len() }

// acquire gets a member: a free one, validated; a new one if p is not
// full; otherwise the next one given back.
func (p *Pool[T]) acquire() lwt.Promise[T] {
	if len(p.free) > 0 {
		c := p.free[0]
		var zero T
		p.free[0] = zero
		p.free = p.free[1:]
		return p.validated(c)
	}
	if p.count < p.max {
		p.count++
		return p.newMember()
	}
	return lwt.Bind(p.waiters.Add(struct{}{}), p.validated)
}

// validated returns c if it passes validation, a new member in its place if
// it does not, and fails if validation fails.
func (p *Pool[T]) validated(c T) lwt.Promise[T] {
	if p.validate == nil {
		return lwt.Return(c)
	}
	return lwt.TryBind(
		func() lwt.Promise[bool] { return p.validate(c) },
		func(ok bool) lwt.Promise[T] {
			if ok {
				return lwt.Return(c)
			}
			return lwt.TryBind(
				func() lwt.Promise[lwt.Unit] { return p.disposeOf(c) },
				func(lwt.Unit) lwt.Promise[T] { return p.newMember() },
				func(err error) lwt.Promise[T] {
					p.vacate()
					return lwt.Fail[T](err)
				})
		},
		func(err error) lwt.Promise[T] {
			return lwt.Bind(p.drop(c), func(lwt.Unit) lwt.Promise[T] { return lwt.Fail[T](err) })
		})
}

// newMember creates a member in a place already counted; if creation fails,
// the place is vacated.
func (p *Pool[T]) newMember() lwt.Promise[T] {
	return lwt.Catch(p.create, func(err error) lwt.Promise[T] {
		p.vacate()
		return lwt.Fail[T](err)
	})
}

// release gives c back: to the oldest waiter, or to the free members.
func (p *Pool[T]) release(c T) {
	if r, _, ok := p.waiters.Take(); ok {
		lwt.WakeupLater(r, c)
		return
	}
	p.free = append(p.free, c)
}

// drop disposes of c and vacates its place, even if disposal fails.
func (p *Pool[T]) drop(c T) lwt.Promise[lwt.Unit] {
	return lwt.Finalize(
		func() lwt.Promise[lwt.Unit] { return p.disposeOf(c) },
		func() lwt.Promise[lwt.Unit] {
			p.vacate()
			return lwt.ReturnUnit()
		})
}

func (p *Pool[T]) disposeOf(c T) lwt.Promise[lwt.Unit] {
	if p.dispose == nil {
		return lwt.ReturnUnit()
	}
	return lwt.Apply(p.dispose, c)
}

// vacate forgets a member that was dropped or could not be made. If a thread
// waits, it gets a new member in that place: it must not wait for a member
// that will never come back. If making it fails, that thread's Use fails.
func (p *Pool[T]) vacate() {
	r, _, ok := p.waiters.Take()
	if !ok {
		p.count--
		return
	}
	lwt.OnAny(p.newMember(),
		func(c T) {
			if r.Promise().IsSleeping() {
				lwt.WakeupLater(r, c)
			} else {
				p.release(c) // the waiter was canceled meanwhile
			}
		},
		func(err error) { lwt.WakeupLaterExn(r, err) })
}
