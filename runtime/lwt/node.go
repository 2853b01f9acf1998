package lwt

// A node is the shared state of a promise that was pending when it was made.
//
// It is kept small on purpose (48 bytes for an int promise): a sleeping
// thread is one node plus what waits on it. The fields are overloaded by
// phase rather than spread over several:
//
//	phase     val        aux
//	pending   -          how to cancel: nil (not cancelable), cancelSelf, canceler or cancelMany
//	fulfilled the value  nil
//	rejected  -          the error
//	proxied   -          the *node[T] this one now stands for
//
// cbs holds the callbacks: nil, one callback, or a *cbList. A resolved node
// may still hold callbacks while they wait in the run queue.
type node[T any] struct {
	phase  phase
	walked bool // visited by the Cancel in progress
	val    T
	aux    any
	cbs    callback[T]
}

type phase uint8

const (
	pending phase = iota
	fulfilled
	rejected
	proxied
)

// callback is what waits on a node. fire runs once, with the result.
type callback[T any] interface {
	fire(v T, err error)
}

// root follows proxies to the node that holds the state, compressing the path.
func (n *node[T]) root() *node[T] {
	if n.phase != proxied {
		return n
	}
	r := n.aux.(*node[T])
	if r.phase != proxied {
		return r
	}
	r = r.root()
	n.aux = r
	return r
}

func (n *node[T]) err() error {
	if n.phase != rejected {
		return nil
	}
	return n.aux.(error)
}

// result of a root node.
func (n *node[T]) result() (T, error) {
	switch n.phase {
	case fulfilled:
		return n.val, nil
	case rejected:
		return *new(T), n.aux.(error)
	}
	return *new(T), ErrSleeping
}

// settle resolves a pending root node and dispatches its callbacks.
func (n *node[T]) settle(v T, err error, later bool) {
	if err != nil {
		n.phase, n.aux = rejected, err
	} else {
		n.phase, n.val, n.aux = fulfilled, v, nil
	}
	if n.cbs != nil {
		dispatch(n, later)
	}
}

// resolve settles the node n stands for if it is still pending, and does
// nothing otherwise: internal resolutions may race with cancellation.
func (n *node[T]) resolve(v T, err error) {
	if r := n.root(); r.phase == pending {
		r.settle(v, err, false)
	}
}

// run fires the callbacks of a resolved node: the run-queue entry point.
func (n *node[T]) run() {
	cbs := n.cbs
	if cbs == nil {
		return
	}
	n.cbs = nil
	v, err := n.result()
	if err != nil && isCanceled(err) {
		fireCanceled(cbs, err)
		return
	}
	cbs.fire(v, err)
}

// fireCanceled runs the OnCancel hooks before the other callbacks (Lwt's
// order).
func fireCanceled[T any](cbs callback[T], err error) {
	var zero T
	l, ok := cbs.(*cbList[T])
	if !ok {
		cbs.fire(zero, err)
		return
	}
	for _, c := range l.items {
		if _, ok := c.(*cancelHook[T]); ok {
			c.fire(zero, err)
		}
	}
	for _, c := range l.items {
		if _, ok := c.(*cancelHook[T]); !ok {
			c.fire(zero, err)
		}
	}
}

// addCallback registers c on a pending root node, after those already there.
func (n *node[T]) addCallback(c callback[T]) {
	switch cur := n.cbs.(type) {
	case nil:
		n.cbs = c
	case *cbList[T]:
		cur.add(c)
	default:
		l := &cbList[T]{first: [2]callback[T]{cur, c}}
		l.items = l.first[:]
		n.cbs = l
	}
}

// become makes the node n stands for take the outcome of p: Lwt's
// make_into_proxy. If p is pending, p's node becomes a proxy of n's root, so
// that the two are one promise from now on and a loop that keeps returning
// fresh promises keeps one live node, not a chain.
func (n *node[T]) become(p Promise[T]) {
	if p.n == nil {
		n.resolve(p.v, p.err)
		return
	}
	outer, inner := n.root(), p.n.root()
	if outer == inner || outer.phase != pending {
		return
	}
	if inner.phase != pending {
		v, err := inner.result()
		outer.settle(v, err, false)
		return
	}
	if inner.cbs != nil {
		if outer.cbs == nil {
			outer.cbs = inner.cbs
		} else {
			outer.addCallbacks(inner.cbs)
		}
	}
	outer.aux = inner.aux
	*inner = node[T]{phase: proxied, aux: outer}
}

func (n *node[T]) addCallbacks(cbs callback[T]) {
	if l, ok := cbs.(*cbList[T]); ok {
		for _, c := range l.items {
			n.addCallback(c)
		}
		return
	}
	n.addCallback(cbs)
}

// cbList holds two or more callbacks, in registration order. The first
// two are in the list itself: a promise with two callbacks (a cancel hook
// and a continuation, a lock release and a continuation) costs one
// allocation for them, not two.
type cbList[T any] struct {
	items []callback[T]
	first [2]callback[T]
}

func (l *cbList[T]) fire(v T, err error) {
	for _, c := range l.items {
		c.fire(v, err)
	}
}

// add appends c. Callbacks that can be removed (those of Choose and friends on
// promises that lost the race) are dropped whenever the list would grow, so
// that choosing repeatedly over one long-lived promise does not leak.
func (l *cbList[T]) add(c callback[T]) {
	if len(l.items) == cap(l.items) && len(l.items) >= 8 {
		live := l.items[:0]
		for _, it := range l.items {
			if r, ok := it.(removable); !ok || !r.removed() {
				live = append(live, it)
			}
		}
		clear(l.items[len(live):])
		l.items = live
	}
	l.items = append(l.items, c)
}

// removable callbacks may be dropped before they fire.
type removable interface{ removed() bool }
