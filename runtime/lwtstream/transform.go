package lwtstream

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtresult"
)

// The functions of this file make streams from streams. The new stream reads
// the old one as its own readers need elements: reading either consumes the
// elements of the old one.

// Map returns the stream of f applied to each element of s.
func Map[T, U any](s *Stream[T], f func(T) U) *Stream[U] {
	return From(func() lwt.Promise[Option[U]] {
		return lwt.Map(s.Get(), func(o Option[T]) Option[U] {
			if !o.OK {
				return None[U]()
			}
			return Some(f(o.Value))
		})
	})
}

// MapS is [Map] with a function that returns a promise.
func MapS[T, U any](s *Stream[T], f func(T) lwt.Promise[U]) *Stream[U] {
	return From(func() lwt.Promise[Option[U]] {
		return lwt.Bind(s.Get(), func(o Option[T]) lwt.Promise[Option[U]] {
			if !o.OK {
				return lwt.Return(None[U]())
			}
			return lwt.Map(f(o.Value), Some[U])
		})
	})
}

// Filter returns the stream of the elements of s that satisfy f.
func Filter[T any](s *Stream[T], f func(T) bool) *Stream[T] {
	return From(func() lwt.Promise[Option[T]] { return Find(s, f) })
}

// FilterS is [Filter] with a predicate that returns a promise.
func FilterS[T any](s *Stream[T], f func(T) lwt.Promise[bool]) *Stream[T] {
	return From(func() lwt.Promise[Option[T]] { return FindS(s, f) })
}

// FilterMap returns the stream of f(x) for the elements x of s for which f
// returns true as its second result.
func FilterMap[T, U any](s *Stream[T], f func(T) (U, bool)) *Stream[U] {
	return From(func() lwt.Promise[Option[U]] { return FindMap(s, f) })
}

// FilterMapS is [FilterMap] with a function that returns a promise.
func FilterMapS[T, U any](s *Stream[T], f func(T) lwt.Promise[Option[U]]) *Stream[U] {
	return From(func() lwt.Promise[Option[U]] { return FindMapS(s, f) })
}

// MapList returns the stream of the elements of the slices f returns for
// each element of s, in order.
func MapList[T, U any](s *Stream[T], f func(T) []U) *Stream[U] {
	return MapListS(s, func(x T) lwt.Promise[[]U] { return lwt.Return(f(x)) })
}

// MapListS is [MapList] with a function that returns a promise.
func MapListS[T, U any](s *Stream[T], f func(T) lwt.Promise[[]U]) *Stream[U] {
	var pending []U
	var next func() lwt.Promise[Option[U]]
	next = func() lwt.Promise[Option[U]] {
		if len(pending) > 0 {
			x := pending[0]
			pending = pending[1:]
			return lwt.Return(Some(x))
		}
		return lwt.Bind(s.Get(), func(o Option[T]) lwt.Promise[Option[U]] {
			if !o.OK {
				return lwt.Return(None[U]())
			}
			return lwt.Bind(f(o.Value), func(xs []U) lwt.Promise[Option[U]] {
				pending = xs
				return next() // the runtime bounds the nesting of a run of empty slices
			})
		})
	}
	return From(next)
}

// Flatten returns the stream of the elements of the slices of s, in order.
func Flatten[T any](s *Stream[[]T]) *Stream[T] {
	return MapList(s, func(xs []T) []T { return xs })
}

// Combine returns the stream of the pairs of elements of s1 and s2 read
// together. It ends when either ends; the element read from the other one
// then is lost.
func Combine[A, B any](s1 *Stream[A], s2 *Stream[B]) *Stream[lwt.Pair[A, B]] {
	return From(func() lwt.Promise[Option[lwt.Pair[A, B]]] {
		both := lwt.Both(s1.Get(), s2.Get())
		return lwt.Map(both, func(p lwt.Pair[Option[A], Option[B]]) Option[lwt.Pair[A, B]] {
			if !p.First.OK || !p.Second.OK {
				return None[lwt.Pair[A, B]]()
			}
			return Some(lwt.Pair[A, B]{First: p.First.Value, Second: p.Second.Value})
		})
	})
}

// Append returns the stream of the elements of s1, then those of s2.
func Append[T any](s1, s2 *Stream[T]) *Stream[T] {
	cur := s1
	var next func() lwt.Promise[Option[T]]
	next = func() lwt.Promise[Option[T]] {
		return lwt.Bind(cur.Get(), func(o Option[T]) lwt.Promise[Option[T]] {
			if o.OK || cur == s2 {
				return lwt.Return(o)
			}
			cur = s2
			return next()
		})
	}
	return From(next)
}

// Concat returns the stream of the elements of the streams of ss, one
// stream after the other. A nil stream counts as empty.
func Concat[T any](ss *Stream[*Stream[T]]) *Stream[T] {
	var cur *Stream[T]
	var next func() lwt.Promise[Option[T]]
	next = func() lwt.Promise[Option[T]] {
		if cur == nil {
			return lwt.Bind(ss.Get(), func(o Option[*Stream[T]]) lwt.Promise[Option[T]] {
				if !o.OK {
					return lwt.Return(None[T]())
				}
				cur = o.Value
				return next()
			})
		}
		return lwt.Bind(cur.Get(), func(o Option[T]) lwt.Promise[Option[T]] {
			if o.OK {
				return lwt.Return(o)
			}
			cur = nil
			return next()
		})
	}
	return From(next)
}

// choice is the outcome of a read of one of the streams of Choose.
type choice[T any] struct {
	id  int // of the read
	s   *Stream[T]
	o   Option[T]
	err error
}

// Choose returns the stream of the elements of all the streams of ss, in
// the order they become available; it ends when they all have. When several
// have an element at hand, one is drawn as by [lwt.Choose]. A failure of one
// stream's source is passed on once, and that stream is read again later.
func Choose[T any](ss ...*Stream[T]) *Stream[T] {
	// One pending read per stream still going: reads[i] has id ids[i].
	var reads []lwt.Promise[choice[T]]
	var ids []int
	lastID := 0
	read := func(s *Stream[T]) {
		lastID++
		id := lastID
		p := lwt.TryBind(s.Get,
			func(o Option[T]) lwt.Promise[choice[T]] { return lwt.Return(choice[T]{id: id, s: s, o: o}) },
			func(err error) lwt.Promise[choice[T]] { return lwt.Return(choice[T]{id: id, s: s, err: err}) })
		// In front, as Lwt does.
		reads, ids = slices.Insert(reads, 0, p), slices.Insert(ids, 0, id)
	}
	for _, s := range slices.Backward(ss) {
		read(s)
	}
	var next func() lwt.Promise[Option[T]]
	next = func() lwt.Promise[Option[T]] {
		if len(reads) == 0 {
			return lwt.Return(None[T]())
		}
		return lwt.Bind(lwt.Choose(reads...), func(c choice[T]) lwt.Promise[Option[T]] {
			i := slices.Index(ids, c.id)
			reads, ids = slices.Delete(reads, i, i+1), slices.Delete(ids, i, i+1)
			if c.err == nil && !c.o.OK {
				return next()
			}
			read(c.s)
			return lwt.OfResult(c.o, c.err)
		})
	}
	return From(next)
}

// Result is an element of the stream [WrapExn] returns: a value or the
// error of a source.
type Result[T any] = lwtresult.Result[T]

// WrapExn returns the stream of the elements of s as results, and of the
// failures of s's source as errors, rather than failing the read. If the
// source fails every time, the stream does not end.
func WrapExn[T any](s *Stream[T]) *Stream[Result[T]] {
	return From(func() lwt.Promise[Option[Result[T]]] {
		return lwt.TryBind(s.Get,
			func(o Option[T]) lwt.Promise[Option[Result[T]]] {
				return lwt.Return(Option[Result[T]]{Value: Result[T]{Value: o.Value}, OK: o.OK})
			},
			func(err error) lwt.Promise[Option[Result[T]]] {
				return lwt.Return(Some(Result[T]{Err: err}))
			})
	})
}

// Parse calls f to read s and, if f's promise fails, puts the elements f
// read back into s, so that another parser can try. Parse panics on a stream
// made by [CreateBounded].
func Parse[T, U any](s *Stream[T], f func(*Stream[T]) lwt.Promise[U]) lwt.Promise[U] {
	if s.src.bounded != nil {
		panic("lwtstream: Parse of a bounded stream")
	}
	head := s.head
	return lwt.Catch(func() lwt.Promise[U] { return f(s) }, func(err error) lwt.Promise[U] {
		s.head = head
		return lwt.Fail[U](err)
	})
}

// Hexdump returns the lines of the hexadecimal dump of the bytes of s, in
// the format of hexdump -C with a '|' after the offset, as Lwt prints it:
//
//	00000000|  68 65 6c 6c 6f 0a                                 |hello.|
func Hexdump(s *Stream[byte]) *Stream[string] {
	offset := 0
	return From(func() lwt.Promise[Option[string]] {
		return lwt.Map(s.NGet(16), func(b []byte) Option[string] {
			if len(b) == 0 {
				return None[string]()
			}
			line := hexLine(offset, b)
			offset += 16
			return Some(line)
		})
	})
}

func hexLine(offset int, b []byte) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%08x|  ", offset)
	for i := range 16 {
		if i == 8 {
			sb.WriteByte(' ')
		}
		if i < len(b) {
			fmt.Fprintf(&sb, "%02x ", b[i])
		} else {
			sb.WriteString("   ")
		}
	}
	sb.WriteString(" |")
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			c = '.'
		}
		sb.WriteByte(c)
	}
	sb.WriteByte('|')
	return sb.String()
}
