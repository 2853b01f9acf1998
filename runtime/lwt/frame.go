package lwt

import (
	"fmt"
	"unsafe"
)

// This file is the runtime side of lwtgen: what generated state machines
// call. It is exported because generated code lives in other packages, not
// for hand-written code.
//
// A generated async function keeps its state (variables live across an
// await, the resume point) in a frame struct that embeds Frame. A call starts
// with the frame on the Go stack; awaits of resolved promises continue in
// place at the cost of a branch. Only the first real suspension moves the
// frame to the heap — the one allocation of the call — and registers it on
// the awaited promise; the frame's node then is the promise the call
// returned.

// Resumer (for generated code) is implemented by generated frames: Resume continues the state
// machine once the promise it waits on is resolved.
type Resumer interface{ Resume() }

// Frame (for generated code) is embedded in every frame lwtgen generates for an async function
// whose result is Promise[R].
type Frame[R any] struct {
	out  node[R]
	self Resumer   // the heap copy of the frame, once it has suspended
	heap *Frame[R] // the same, as a Frame: read through f, it does not make f escape
}

func (f *Frame[R]) frame() *Frame[R] { return f }

// OnHeap (for generated code) reports whether the frame has suspended at least once, and so runs
// as a callback whose result goes to its node.
func (f *Frame[R]) OnHeap() bool { return f.heap != nil }

// frameOf constrains the frames Suspend accepts: pointers to generated
// structs that embed Frame[R] and implement Resumer.
type frameOf[F, R any] interface {
	*F
	Resumer
	frame() *Frame[R]
}

// Suspend (for generated code) makes frame f wait for the pending promise p, and returns the
// promise of the whole call (meaningful on the first suspension only). On the
// first suspension the frame is copied to the heap; the copy is resumed.
//
// Generated frames embed Frame[R] as their first field: Suspend finds it
// there without calling a method on f, so that f does not escape.
func Suspend[R, T, F any, PF frameOf[F, R]](f PF, p Promise[T]) Promise[R] {
	fr := (*Frame[R])(unsafe.Pointer(f)).heap
	if fr == nil {
		h := PF(new(F))
		*h = *f
		fr = (*Frame[R])(unsafe.Pointer(h))
		if h.frame() != fr {
			panic("lwt.Suspend: a frame must embed lwt.Frame as its first field")
		}
		fr.self, fr.heap = h, fr
	}
	if p.n == nil || p.n.root().phase != pending {
		// Resolved after all (p was a proxy): resume as if it had just
		// been resolved, through the queue, so that a loop of such
		// awaits does not recurse.
		dispatch(resumeRunner{fr.self}, false)
		return Promise[R]{n: &fr.out}
	}
	r := p.n.root()
	// Canceling the call cancels what it waits on. The link goes on the
	// root of the call's node: after a return of another call's promise,
	// the node may stand for (be a proxy of) the caller's.
	if out := fr.out.root(); out.phase == pending {
		out.aux = r
	}
	r.addCallback((*resumeCb[T, R])(fr))
	return Promise[R]{n: &fr.out}
}

type resumeRunner struct{ Resumer }

func (r resumeRunner) run() { r.Resume() }

// resumeCb is a frame seen as a callback of the awaited promise's type, so
// that a suspension allocates nothing beyond the frame.
type resumeCb[T, R any] Frame[R]

func (c *resumeCb[T, R]) fire(T, error) { c.self.Resume() }

// Ready is the quick test generated code makes before an await: true means
// p is resolved, and with [Promise.Result] the await costs a branch. False
// means p may be pending; [Suspend] finds out. (A promise that was merged
// into another one answers false even once resolved.)
func (p Promise[T]) Ready() bool {
	return p.n == nil || p.n.phase == fulfilled || p.n.phase == rejected
}

// Return (for generated code) ends a call of an async function with value v.
func (f *Frame[R]) Return(v R) Promise[R] {
	if f.heap == nil {
		return Promise[R]{v: v}
	}
	f.heap.out.resolve(v, nil)
	return Promise[R]{}
}

// Fail (for generated code) ends a call of an async function with error err.
func (f *Frame[R]) Fail(err error) Promise[R] {
	if f.heap == nil {
		return Promise[R]{err: nonNil("lwt.Fail", err)}
	}
	f.heap.out.resolve(*new(R), nonNil("lwt.Fail", err))
	return Promise[R]{}
}

// Become (for generated code) ends a call of an async function with the outcome of p (a return
// of a promise expression).
func (f *Frame[R]) Become(p Promise[R]) Promise[R] {
	if f.heap == nil {
		return p
	}
	f.heap.out.become(p)
	return Promise[R]{}
}

// Key (for generated code) identifies the call a heap frame runs: the same value as
// [Promise.Key] of the promise the call returned.
func (f *Frame[R]) Key() any { return &f.out }

// Recover (for generated code) is deferred by a frame's step function: a panic in the body
// becomes the failure of the call.
func (f *Frame[R]) Recover(r *Promise[R]) {
	if x := recover(); x != nil {
		*r = f.Fail(newPanicError(x))
	}
}

// PanicFailure (for generated code) is the failure a recovered panic value becomes: a
// [*PanicError] with the stack of the panic.
func PanicFailure(x any) error { return newPanicError(x) }

// Recovered (for generated code) is deferred by the functions lwtgen generates for lwt.Try: a
// panic while evaluating the promise expression becomes its failure.
func Recovered[T any](p *Promise[T]) {
	if x := recover(); x != nil {
		*p = Promise[T]{err: newPanicError(x)}
	}
}

// AssertionFailed (for generated code) is the failure of a false lwt.Assert at site
// ("file:line:col"); it wraps [ErrAssert].
func AssertionFailed(site string) error { return fmt.Errorf("%w at %s", ErrAssert, site) }
