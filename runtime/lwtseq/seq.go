// Package lwtseq provides lazy sequences whose elements are computed by
// promises: Lwt_seq.
//
// A [Seq] is a function that, when called, starts computing the first node
// of the sequence and returns a promise of it. A [Node] holds an element and
// the rest of the sequence, or marks the end. Nothing is computed until a
// sequence is forced, one node at a time, and calling a Seq again computes
// its node again: a Seq is a recipe, not a buffer (for a buffer that readers
// consume, see package lwtstream).
//
// Transformers ([Map], [Filter], [Append] ...) are lazy: they return new
// recipes. Consumers ([Fold], [IterS], [ToSlice] ...) force the whole
// sequence and return a promise of the outcome; they never resolve on an
// infinite sequence. A failed node, or a panic in a Seq or in a function
// given to this package, fails the consumer's promise. Consumers run in
// constant stack however long the sequence.
//
// Functions whose name ends in S take a function that returns a promise and
// wait for it before forcing the next node; IterP and IterN do not wait.
package lwtseq

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// Seq is a lazy sequence of elements of type T: Lwt_seq.t. Calling it
// computes its first node. The nil Seq is the empty sequence for every
// function of this package.
type Seq[T any] func() lwt.Promise[Node[T]]

// Node is a forced sequence node. A node with an element has a non-nil Next,
// the rest of the sequence ([Empty] after the last element); the zero Node,
// whose Next is nil, is the end (Lwt's Nil).
type Node[T any] struct {
	Value T
	Next  Seq[T]
}

// String prints the node as "Cons v" or "Nil".
func (n Node[T]) String() string {
	if n.Next == nil {
		return "Nil"
	}
	return fmt.Sprintf("Cons %v", n.Value)
}

// Option is a value that may be absent: Lwt's 'a option. OK tells whether
// Value is there.
type Option[T any] struct {
	Value T
	OK    bool
}

// Some makes an Option holding v.
func Some[T any](v T) Option[T] { return Option[T]{Value: v, OK: true} }

// Get returns the value and whether there is one, for Go's comma-ok form:
// line, ok := lwt.Await(ch.ReadLineOpt()).Get().
func (o Option[T]) Get() (T, bool) { return o.Value, o.OK }

// None makes an empty Option.
func None[T any]() Option[T] { return Option[T]{} }

// String prints the option as "Some v" or "None".
func (o Option[T]) String() string {
	if !o.OK {
		return "None"
	}
	return fmt.Sprintf("Some %v", o.Value)
}

// force calls s, turning a panic into a failed promise; a nil s is empty.
func force[T any](s Seq[T]) lwt.Promise[Node[T]] {
	if s == nil {
		return lwt.Return(Node[T]{})
	}
	return lwt.Apply(call[T], s)
}

func call[T any](s Seq[T]) lwt.Promise[Node[T]] { return s() }

func nonNil[T any](s Seq[T]) Seq[T] {
	if s == nil {
		return Empty[T]()
	}
	return s
}

// Empty returns the sequence with no elements.
func Empty[T any]() Seq[T] {
	return func() lwt.Promise[Node[T]] { return lwt.Return(Node[T]{}) }
}

// Return returns the sequence holding v alone.
func Return[T any](v T) Seq[T] { return Cons(v, nil) }

// ReturnLwt returns the sequence holding the value of p alone: Lwt's
// return_lwt. Forcing it waits for p.
func ReturnLwt[T any](p lwt.Promise[T]) Seq[T] { return ConsLwt(p, nil) }

// Cons returns the sequence of v followed by the elements of s.
func Cons[T any](v T, s Seq[T]) Seq[T] {
	s = nonNil(s)
	return func() lwt.Promise[Node[T]] { return lwt.Return(Node[T]{Value: v, Next: s}) }
}

// ConsLwt returns the sequence of the value of p followed by the elements of
// s. Forcing it waits for p.
func ConsLwt[T any](p lwt.Promise[T], s Seq[T]) Seq[T] {
	s = nonNil(s)
	return func() lwt.Promise[Node[T]] {
		return lwt.Map(p, func(v T) Node[T] { return Node[T]{Value: v, Next: s} })
	}
}

// OfSlice returns the sequence of the elements of xs. It reads xs lazily:
// later changes to its elements show.
func OfSlice[T any](xs []T) Seq[T] {
	return func() lwt.Promise[Node[T]] {
		if len(xs) == 0 {
			return lwt.Return(Node[T]{})
		}
		return lwt.Return(Node[T]{Value: xs[0], Next: OfSlice(xs[1:])})
	}
}

// Init returns the sequence f(0), f(1) ... f(n-1), each computed when its node
// is forced.
func Init[T any](n int, f func(int) T) Seq[T] {
	return Unfold(0, func(i int) (T, int, bool) {
		if i >= n {
			var zero T
			return zero, i, false
		}
		return f(i), i + 1, true
	})
}

// Unfold returns the sequence that f produces from state s: each call f(s)
// returns an element, the next state and true, or false at the end.
func Unfold[T, S any](s S, f func(S) (T, S, bool)) Seq[T] {
	return func() lwt.Promise[Node[T]] {
		v, next, ok := f(s)
		if !ok {
			return lwt.Return(Node[T]{})
		}
		return lwt.Return(Node[T]{Value: v, Next: Unfold(next, f)})
	}
}

// UnfoldS is [Unfold] with a step function that returns a promise of the
// element and next state, or of None at the end: Lwt's unfold_lwt.
func UnfoldS[T, S any](s S, f func(S) lwt.Promise[Option[lwt.Pair[T, S]]]) Seq[T] {
	return func() lwt.Promise[Node[T]] {
		return lwt.Map(f(s), func(o Option[lwt.Pair[T, S]]) Node[T] {
			if !o.OK {
				return Node[T]{}
			}
			return Node[T]{Value: o.Value.First, Next: UnfoldS(o.Value.Second, f)}
		})
	}
}

// Append returns the elements of s1 followed by those of s2.
func Append[T any](s1, s2 Seq[T]) Seq[T] {
	return func() lwt.Promise[Node[T]] {
		// Bind rather than a direct call: the runtime bounds its nesting, so
		// a long run of empty sequences cannot grow the stack.
		return lwt.Bind(force(s1), func(n Node[T]) lwt.Promise[Node[T]] {
			if n.Next == nil {
				return force(s2)
			}
			return lwt.Return(Node[T]{Value: n.Value, Next: Append(n.Next, s2)})
		})
	}
}

// Map returns the sequence of f applied to each element of s, lazily.
func Map[T, U any](s Seq[T], f func(T) U) Seq[U] {
	return func() lwt.Promise[Node[U]] {
		return lwt.Map(force(s), func(n Node[T]) Node[U] {
			if n.Next == nil {
				return Node[U]{}
			}
			return Node[U]{Value: f(n.Value), Next: Map(n.Next, f)}
		})
	}
}

// MapS is [Map] with a function that returns a promise. The next node of s is
// forced only once that promise is fulfilled.
func MapS[T, U any](s Seq[T], f func(T) lwt.Promise[U]) Seq[U] {
	return func() lwt.Promise[Node[U]] {
		return lwt.Bind(force(s), func(n Node[T]) lwt.Promise[Node[U]] {
			if n.Next == nil {
				return lwt.Return(Node[U]{})
			}
			return lwt.Map(f(n.Value), func(v U) Node[U] { return Node[U]{Value: v, Next: MapS(n.Next, f)} })
		})
	}
}

// FilterMap returns, lazily, f(x) for each element x of s for which f
// returns true as its second result.
func FilterMap[T, U any](s Seq[T], f func(T) (U, bool)) Seq[U] {
	return FilterMapS(s, func(x T) lwt.Promise[Option[U]] {
		v, ok := f(x)
		return lwt.Return(Option[U]{Value: v, OK: ok})
	})
}

// FilterMapS is [FilterMap] with a function that returns a promise.
func FilterMapS[T, U any](s Seq[T], f func(T) lwt.Promise[Option[U]]) Seq[U] {
	return func() lwt.Promise[Node[U]] { return filterMapFrom(force(s), f) }
}

// filterMapFrom skips the elements f drops in a loop while promises are
// resolved, so that a long run of them neither grows the stack nor binds.
func filterMapFrom[T, U any](p lwt.Promise[Node[T]], f func(T) lwt.Promise[Option[U]]) lwt.Promise[Node[U]] {
	for {
		if p.IsSleeping() {
			return lwt.Bind(p, func(n Node[T]) lwt.Promise[Node[U]] { return filterMapFrom(lwt.Return(n), f) })
		}
		n, err := p.Result()
		if err != nil {
			return lwt.Fail[Node[U]](err)
		}
		if n.Next == nil {
			return lwt.Return(Node[U]{})
		}
		q := f(n.Value)
		if q.IsSleeping() {
			return lwt.Bind(q, func(o Option[U]) lwt.Promise[Node[U]] {
				if o.OK {
					return lwt.Return(Node[U]{Value: o.Value, Next: FilterMapS(n.Next, f)})
				}
				return filterMapFrom(force(n.Next), f)
			})
		}
		o, err := q.Result()
		if err != nil {
			return lwt.Fail[Node[U]](err)
		}
		if o.OK {
			return lwt.Return(Node[U]{Value: o.Value, Next: FilterMapS(n.Next, f)})
		}
		p = force(n.Next)
	}
}

// Filter returns, lazily, the elements of s that satisfy f.
func Filter[T any](s Seq[T], f func(T) bool) Seq[T] {
	return FilterMap(s, func(x T) (T, bool) { return x, f(x) })
}

// FilterS is [Filter] with a predicate that returns a promise.
func FilterS[T any](s Seq[T], f func(T) lwt.Promise[bool]) Seq[T] {
	return FilterMapS(s, func(x T) lwt.Promise[Option[T]] {
		return lwt.Map(f(x), func(ok bool) Option[T] { return Option[T]{Value: x, OK: ok} })
	})
}

// FlatMap returns, lazily, the elements of the sequences f returns for each
// element of s, in order.
func FlatMap[T, U any](s Seq[T], f func(T) Seq[U]) Seq[U] {
	return func() lwt.Promise[Node[U]] {
		return lwt.Bind(force(s), func(n Node[T]) lwt.Promise[Node[U]] {
			if n.Next == nil {
				return lwt.Return(Node[U]{})
			}
			return Append(f(n.Value), FlatMap(n.Next, f))()
		})
	}
}
