package lwtio

import (
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmutex"
)

// Atomic runs a sequence of operations on ch as one: Lwt_io.atomic. Once
// the operations started on ch before are done, it calls f with a temporary
// channel that stands for ch, and ch's own operations wait until f's promise
// is resolved and the operations f started on the temporary channel are
// done. The result is f's; a panic in f fails it.
//
//	lwtio.Atomic(oc, func(oc *lwtio.OutputChannel) lwt.Promise[lwt.Unit] {
//		oc.Write("HTTP/1.1 200 OK\r\n")
//		return oc.Write("\r\n")
//	})
//
// The temporary channel reads or writes the same stream, with the same
// buffer and position, as ch. It becomes invalid when f is done: operations
// on it then fail with [ErrInvalidChannel]. Closing it fails with
// [ErrAtomicClose]; aborting it, or aborting ch meanwhile, aborts ch. Atomic
// may be called on it (nesting), but calling ch's own operations from f and
// waiting for them deadlocks, as in Lwt.
func Atomic[C *InputChannel | *OutputChannel, T any](ch C, f func(C) lwt.Promise[T]) lwt.Promise[T] {
	var c *channel
	var wrap func(*channel) C
	switch x := any(ch).(type) {
	case *InputChannel:
		c = x.c
		wrap = func(t *channel) C { return any(&InputChannel{t}).(C) }
	case *OutputChannel:
		c = x.c
		wrap = func(t *channel) C { return any(&OutputChannel{t}).(C) }
	}
	return primitive(c, func() lwt.Promise[T] {
		t := &channel{core: c.core, parent: c}
		c.atomic = t
		tmp := wrap(t)
		return lwt.Finalize(func() lwt.Promise[T] { return f(tmp) }, func() lwt.Promise[lwt.Unit] {
			return lwtmutex.WithLock(&t.mu, func() lwt.Promise[lwt.Unit] {
				c.core = t.core
				t.core = core{mode: c.mode, closed: true, invalid: true}
				c.atomic = nil
				return lwt.ReturnUnit()
			})
		})
	})
}
