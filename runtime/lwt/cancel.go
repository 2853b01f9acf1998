package lwt

import "github.com/lwtgo/lwt/runtime/internal/owner"

// How a pending node is canceled is kept in its aux field:
//
//	nil          not cancelable (a Wait promise): Cancel does nothing
//	cancelSelf   a Task promise: Cancel rejects it with ErrCanceled
//	canceler     forward to the promise this one waits on (Bind ...)
//	cancelMany   forward to each of several (Join, Choose ...)
type cancelSelf struct{}

type cancelMany []canceler

// canceler is a node of any type, seen from the cancellation walk.
type canceler interface {
	cancelStep(w *cancelWalk)
}

// cancelWalk collects the cancelable promises reachable from a canceled one.
// It is iterative so that canceling the end of a long chain of binds does not
// recurse once per link, and it marks what it visits so that diamonds and
// cycles are walked once.
type cancelWalk struct {
	todo     []canceler
	canceled []runner // rejected, callbacks still to run
	marked   []marker
}

type marker interface{ unmark() }

// Cancel cancels p: the deepest cancelable promises p waits on (Task
// promises, through Bind, Join and the like) are rejected with [ErrCanceled],
// and that failure flows back to p through the usual callbacks. Cancel does
// nothing on a resolved promise or on one that waits only on Wait promises.
// Like a wakeup, it runs all the callbacks it triggers before returning.
//
// As in Lwt, all the promises found are rejected first, then their callbacks
// run, those of the last one found first: canceling Pick(t1, t2, t3) runs
// the OnCancel hooks of t3, then t2, then t1, and the pick, which fails with
// t3, runs its own callbacks between those of t3 and t2.
func Cancel[T any](p Promise[T]) {
	if p.n == nil {
		return
	}
	owner.Check("lwt.Cancel")
	w := cancelWalk{todo: []canceler{p.n}}
	for len(w.todo) > 0 {
		c := w.todo[len(w.todo)-1]
		w.todo = w.todo[:len(w.todo)-1]
		c.cancelStep(&w)
	}
	for _, m := range w.marked {
		m.unmark()
	}
	// Lwt's two phases: every initial promise is rejected first, then their
	// callbacks run, last found first (Lwt collects them by consing onto a
	// list): canceling Pick(t1, t2, t3) runs the callbacks of t3, then t2,
	// then t1.
	for i := len(w.canceled) - 1; i >= 0; i-- {
		dispatch(w.canceled[i], false)
	}
}

func (n *node[T]) cancelStep(w *cancelWalk) {
	r := n.root()
	if r.phase != pending || r.walked {
		return
	}
	switch how := r.aux.(type) {
	case cancelSelf:
		r.phase, r.aux = rejected, error(ErrCanceled)
		if r.cbs != nil {
			w.canceled = append(w.canceled, r)
		}
	case canceler:
		r.walked = true
		w.marked = append(w.marked, r)
		w.todo = append(w.todo, how)
	case cancelMany:
		r.walked = true
		w.marked = append(w.marked, r)
		for i := len(how) - 1; i >= 0; i-- { // popped in list order
			w.todo = append(w.todo, how[i])
		}
	}
}

func (n *node[T]) unmark() { n.walked = false }

// OnCancel calls f if p is canceled: when it is rejected with [ErrCanceled],
// before its other callbacks run. If p is already canceled, f runs at once. A
// panic in f goes to the async exception hook.
func OnCancel[T any](p Promise[T], f func()) {
	h := &cancelHook[T]{f: f, ctx: current}
	if p.n != nil {
		if r := p.n.root(); r.phase == pending {
			r.addCallback(h)
			return
		}
	}
	if _, err := p.Result(); isCanceled(err) {
		h.fire(*new(T), err)
	}
}

type cancelHook[T any] struct {
	f   func()
	ctx *binding
}

func (h *cancelHook[T]) fire(_ T, err error) {
	if !isCanceled(err) {
		return
	}
	defer guard(h.ctx)()
	h.f()
}

// relay is a promise that takes the outcome of another: the basis of
// Protected, NoCancel and WrapInCancelable.
type relay[T any] struct{ node[T] }

func (r *relay[T]) fire(v T, err error) { r.resolve(v, err) }

func relayOf[T any](r *node[T], how any) *relay[T] {
	out := &relay[T]{node[T]{aux: how}}
	r.addCallback(out)
	return out
}

// Protected returns a promise that resolves as p does, but whose
// cancellation does not reach p: canceling it rejects it alone.
func Protected[T any](p Promise[T]) Promise[T] {
	if !p.IsSleeping() {
		return p
	}
	return Promise[T]{n: &relayOf(p.n.root(), cancelSelf{}).node}
}

// NoCancel returns a promise that resolves as p does and that cannot be
// canceled at all.
func NoCancel[T any](p Promise[T]) Promise[T] {
	if !p.IsSleeping() {
		return p
	}
	return Promise[T]{n: &relayOf(p.n.root(), nil).node}
}

// WrapInCancelable returns a cancelable promise that resolves as p does;
// canceling it rejects it and cancels p. Useful around a Wait promise, which
// cannot be canceled itself.
func WrapInCancelable[T any](p Promise[T]) Promise[T] {
	if !p.IsSleeping() {
		return p
	}
	out := Promise[T]{n: &relayOf(p.n.root(), cancelSelf{}).node}
	OnCancel(out, func() { Cancel(p) })
	return out
}
