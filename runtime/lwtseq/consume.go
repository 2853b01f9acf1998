package lwtseq

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// walk forces s node by node and calls visit on each element, forcing the
// next node only once the promise visit returned is fulfilled. It loops while
// promises are resolved and binds only on one that sleeps, so a sequence of
// any length runs in constant stack.
func walk[T any](s Seq[T], visit func(T) lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit] {
	w := &walker[T]{visit: visit}
	return w.from(force(s))
}

type walker[T any] struct {
	visit func(T) lwt.Promise[lwt.Unit]
}

func (w *walker[T]) from(p lwt.Promise[Node[T]]) lwt.Promise[lwt.Unit] {
	for {
		if p.IsSleeping() {
			return lwt.Bind(p, func(n Node[T]) lwt.Promise[lwt.Unit] { return w.from(lwt.Return(n)) })
		}
		n, err := p.Result()
		if err != nil {
			return lwt.Fail[lwt.Unit](err)
		}
		if n.Next == nil {
			return lwt.ReturnUnit()
		}
		q := lwt.Apply(w.visit, n.Value)
		if q.IsSleeping() {
			return lwt.Bind(q, func(lwt.Unit) lwt.Promise[lwt.Unit] { return w.from(force(n.Next)) })
		}
		if _, err := q.Result(); err != nil {
			return q
		}
		p = force(n.Next)
	}
}

// Fold combines the elements of s from left to right: acc = f(acc, x) for
// each element x, starting from init. Lwt's fold_left.
func Fold[T, A any](s Seq[T], init A, f func(A, T) A) lwt.Promise[A] {
	acc := init
	done := walk(s, func(x T) lwt.Promise[lwt.Unit] {
		acc = f(acc, x)
		return lwt.ReturnUnit()
	})
	return lwt.Map(done, func(lwt.Unit) A { return acc })
}

// FoldS is [Fold] with a function that returns a promise: Lwt's
// fold_left_s.
func FoldS[T, A any](s Seq[T], init A, f func(A, T) lwt.Promise[A]) lwt.Promise[A] {
	acc := init
	done := walk(s, func(x T) lwt.Promise[lwt.Unit] {
		return lwt.Map(f(acc, x), func(a A) lwt.Unit { acc = a; return lwt.Unit{} })
	})
	return lwt.Map(done, func(lwt.Unit) A { return acc })
}

// Iter calls f on each element of s in order.
func Iter[T any](s Seq[T], f func(T)) lwt.Promise[lwt.Unit] {
	return walk(s, func(x T) lwt.Promise[lwt.Unit] {
		f(x)
		return lwt.ReturnUnit()
	})
}

// IterS calls f on each element of s in order, waiting for the promise f
// returns before forcing the next node.
func IterS[T any](s Seq[T], f func(T) lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit] {
	return walk(s, f)
}

// ToSlice returns the elements of s in order.
func ToSlice[T any](s Seq[T]) lwt.Promise[[]T] {
	var xs []T
	done := walk(s, func(x T) lwt.Promise[lwt.Unit] {
		xs = append(xs, x)
		return lwt.ReturnUnit()
	})
	return lwt.Map(done, func(lwt.Unit) []T { return xs })
}

// Length returns the number of elements of s.
func Length[T any](s Seq[T]) lwt.Promise[int] {
	return Fold(s, 0, func(n int, _ T) int { return n + 1 })
}

// IterP calls f on each element of s as soon as its node is resolved,
// without waiting for the promises of earlier calls. The result is fulfilled
// once s has ended and every call's promise is fulfilled.
//
// If a call or s itself fails, IterP stops forcing s (it cancels a pending
// node), waits for the calls still running and fails with the first failure.
// Lwt fails at once in some of these cases.
func IterP[T any](s Seq[T], f func(T) lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit] {
	p := &pool[T]{f: f}
	return p.loop(s)
}

// IterN is [IterP] with at most n calls of f pending at a time: the next node
// is forced only when there is room for another call. It panics if n < 1.
// Elements are not necessarily processed in order.
func IterN[T any](s Seq[T], n int, f func(T) lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit] {
	if n < 1 {
		panic(fmt.Sprintf("lwtseq.IterN: max concurrency must be at least 1, got %d", n))
	}
	p := &pool[T]{f: f, limit: n}
	return p.loop(s)
}

// pool runs the calls of IterP and IterN.
type pool[T any] struct {
	f       func(T) lwt.Promise[lwt.Unit]
	limit   int // at most this many calls pending; 0 for no limit
	running int
	err     error                // the first failure
	read    lwt.Promise[Node[T]] // the node being forced, while it sleeps
	room    *lwt.Resolver[lwt.Unit]
	idle    *lwt.Resolver[lwt.Unit]
}

// loop starts calls on the elements of s until it must wait: for room, for a
// node, or, once s has ended or something failed, for the running calls.
func (p *pool[T]) loop(s Seq[T]) lwt.Promise[lwt.Unit] {
	for {
		if p.err != nil {
			return p.finish()
		}
		if p.limit > 0 && p.running >= p.limit {
			w, r := lwt.Task[lwt.Unit]()
			p.room = &r
			return lwt.Bind(w, func(lwt.Unit) lwt.Promise[lwt.Unit] { return p.loop(s) })
		}
		q := force(s)
		if q.IsSleeping() {
			p.read = q
			return lwt.TryBind(func() lwt.Promise[Node[T]] { return q }, p.node, p.failed)
		}
		n, err := q.Result()
		if err != nil {
			p.fail(err)
			continue
		}
		if n.Next == nil {
			return p.finish()
		}
		p.start(n.Value)
		s = n.Next
	}
}

func (p *pool[T]) node(n Node[T]) lwt.Promise[lwt.Unit] {
	p.read = lwt.Promise[Node[T]]{}
	if n.Next == nil {
		return p.finish()
	}
	if p.err == nil {
		p.start(n.Value)
	}
	return p.loop(n.Next)
}

func (p *pool[T]) failed(err error) lwt.Promise[lwt.Unit] {
	p.read = lwt.Promise[Node[T]]{}
	p.fail(err)
	return p.finish()
}

func (p *pool[T]) start(x T) {
	c := lwt.Apply(p.f, x)
	if !c.IsSleeping() {
		if _, err := c.Result(); err != nil {
			p.fail(err)
		}
		return
	}
	p.running++
	lwt.OnAny(c, func(lwt.Unit) { p.done(nil) }, p.done)
}

// fail records the first failure and stops forcing the sequence.
func (p *pool[T]) fail(err error) {
	if p.err != nil {
		return
	}
	p.err = err
	if p.read.IsSleeping() {
		lwt.Cancel(p.read)
	}
}

// done is called when a pending call resolves.
func (p *pool[T]) done(err error) {
	p.running--
	if err != nil {
		p.fail(err)
	}
	if r := p.room; r != nil {
		p.room = nil
		lwt.Wakeup(*r, lwt.Unit{}) // does nothing if the result was canceled
	}
	if r := p.idle; r != nil && p.running == 0 {
		p.idle = nil
		lwt.WakeupResult(*r, lwt.Unit{}, p.err)
	}
}

// finish waits for the running calls and returns the outcome.
func (p *pool[T]) finish() lwt.Promise[lwt.Unit] {
	if p.running == 0 {
		return lwt.OfResult(lwt.Unit{}, p.err)
	}
	w, r := lwt.Wait[lwt.Unit]()
	p.idle = &r
	return w
}
