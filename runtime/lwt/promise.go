package lwt

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/internal/owner"
)

// Unit is the type of promises that carry no value, Lwt's unit.
type Unit = struct{}

// Promise is a light-weight thread computing a value of type T.
//
// It is a small value: copy it freely. A promise resolved when it was made
// holds its result inline; a pending one points to a node shared by all
// copies. The zero Promise is fulfilled with the zero value of T.
type Promise[T any] struct {
	n   *node[T] // nil when the promise was resolved at creation
	v   T
	err error
}

// Resolver wakes up the promise made with it by [Wait] or [Task]: Lwt's 'a u.
// The zero Resolver is invalid.
type Resolver[T any] struct {
	n *node[T]
}

// Return makes a promise fulfilled with v.
func Return[T any](v T) Promise[T] { return Promise[T]{v: v} }

// ReturnUnit makes a fulfilled Promise[Unit], Lwt's return_unit.
func ReturnUnit() Promise[Unit] { return Promise[Unit]{} }

// Fail makes a promise rejected with err, Lwt's fail (raise_lwt in the
// syntax extension). err must not be nil.
func Fail[T any](err error) Promise[T] {
	if err == nil {
		panic("lwt.Fail: nil error")
	}
	return Promise[T]{err: err}
}

// OfResult makes a promise resolved with the pair a Go function returns:
// rejected with err if it is not nil, fulfilled with v otherwise.
func OfResult[T any](v T, err error) Promise[T] { return Promise[T]{v: v, err: err} }

// Wait makes a sleeping promise and its resolver. The promise cannot be
// canceled: [Cancel] on it does nothing.
func Wait[T any]() (Promise[T], Resolver[T]) {
	n := &node[T]{}
	return Promise[T]{n: n}, Resolver[T]{n}
}

// Task is like [Wait], but the promise can be canceled: [Cancel] rejects it
// with [ErrCanceled].
func Task[T any]() (Promise[T], Resolver[T]) {
	n := &node[T]{aux: cancelSelf{}}
	return Promise[T]{n: n}, Resolver[T]{n}
}

// Promise returns the promise this resolver wakes up.
func (r Resolver[T]) Promise() Promise[T] { return Promise[T]{n: r.n} }

// Wakeup fulfills the promise of r with v and runs everything that waits on
// it before returning. Waking a canceled promise does nothing; waking one that
// is resolved otherwise panics.
func Wakeup[T any](r Resolver[T], v T) { r.wake("lwt.Wakeup", v, nil, false) }

// WakeupExn rejects the promise of r with err, as [Wakeup] fulfills it.
func WakeupExn[T any](r Resolver[T], err error) {
	r.wake("lwt.WakeupExn", *new(T), nonNil("lwt.WakeupExn", err), false)
}

// WakeupResult resolves the promise of r with the pair a Go function returns:
// rejected with err if it is not nil, fulfilled with v otherwise.
func WakeupResult[T any](r Resolver[T], v T, err error) { r.wake("lwt.WakeupResult", v, err, false) }

// WakeupLater is [Wakeup], except that when it is called from a callback the
// callbacks of r's promise run after the current callback has returned, not
// before WakeupLater returns. Outside any callback it is Wakeup.
func WakeupLater[T any](r Resolver[T], v T) { r.wake("lwt.WakeupLater", v, nil, true) }

// WakeupLaterExn is [WakeupExn] with the timing of [WakeupLater].
func WakeupLaterExn[T any](r Resolver[T], err error) {
	r.wake("lwt.WakeupLaterExn", *new(T), nonNil("lwt.WakeupLaterExn", err), true)
}

// WakeupLaterResult is [WakeupResult] with the timing of [WakeupLater].
func WakeupLaterResult[T any](r Resolver[T], v T, err error) {
	r.wake("lwt.WakeupLaterResult", v, err, true)
}

func (r Resolver[T]) wake(api string, v T, err error, later bool) {
	owner.Check(api)
	if r.n == nil {
		panic(api + ": zero Resolver")
	}
	n := r.n.root()
	switch n.phase {
	case pending:
		n.settle(v, err, later)
	case rejected:
		if isCanceled(n.err()) {
			return // Lwt ignores waking a canceled promise
		}
		panic(api + ": promise already resolved")
	default:
		panic(api + ": promise already resolved")
	}
}

func nonNil(api string, err error) error {
	if err == nil {
		panic(api + ": nil error")
	}
	return err
}

// Key returns a value that identifies p's shared state, for use as a map
// key (debug tables, for instance); it is nil for a promise resolved at
// creation. Copies of a promise have the same key.
func (p Promise[T]) Key() any {
	if p.n == nil {
		return nil
	}
	return p.n
}

// IsSleeping reports whether p is still pending.
func (p Promise[T]) IsSleeping() bool {
	return p.n != nil && p.n.root().phase == pending
}

// Result returns the value and error of a resolved promise. On a sleeping
// promise it returns the zero value and [ErrSleeping].
func (p Promise[T]) Result() (v T, err error) {
	// Written to stay within the inliner's budget: generated code calls it
	// after every await.
	if p.n != nil {
		v, err = p.n.rootResult()
	} else {
		v, err = p.v, p.err
	}
	return
}

func (n *node[T]) rootResult() (T, error) { return n.root().result() }

// Kind tells which of the three states a promise is in.
type Kind uint8

const (
	Sleeping Kind = iota // pending: Lwt's Sleep
	Returned             // fulfilled: Lwt's Return v
	Failed               // rejected: Lwt's Fail err
)

// State is a snapshot of a promise: Lwt.state. Its String method prints it
// the way the Lwt manual does: "Sleep", "Return 42", "Return ()" (for Unit),
// "Fail <error>".
type State[T any] struct {
	Kind  Kind
	Value T     // when Kind is Returned
	Err   error // when Kind is Failed
}

// State returns the current state of p.
func (p Promise[T]) State() State[T] {
	if p.IsSleeping() {
		return State[T]{Kind: Sleeping}
	}
	v, err := p.Result()
	switch {
	case err != nil:
		return State[T]{Kind: Failed, Err: err}
	}
	return State[T]{Kind: Returned, Value: v}
}

func (s State[T]) String() string {
	switch s.Kind {
	case Returned:
		if _, ok := any(s.Value).(Unit); ok {
			return "Return ()"
		}
		return fmt.Sprintf("Return %v", s.Value)
	case Failed:
		return fmt.Sprintf("Fail %v", s.Err)
	}
	return "Sleep"
}

// String prints the state of p, so that fmt.Println(p) shows it.
func (p Promise[T]) String() string { return p.State().String() }
