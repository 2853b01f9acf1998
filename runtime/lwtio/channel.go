// Package lwtio is lwt's buffered channels: Lwt_io.
//
// A channel is a buffer in front of a backend that reads or writes bytes
// with promises: usually a descriptor of package lwtunix ([NewInput],
// [NewOutput], [Pipe], [Stdin], [Stdout], [Stderr]), or any pair of functions
// ([MakeInput], [MakeOutput]). An [InputChannel] reads (ReadChar, ReadLine,
// Read, ReadInto ...), an [OutputChannel] writes (WriteChar, Write,
// WriteLine, Printf ...). Every operation returns a promise; it is resolved at
// once when the buffer can serve it, and otherwise waits for the backend,
// without blocking the loop.
//
// Operations on one channel run one at a time, in the order they were
// started: a ReadLine started while a ReadChar waits for data reads the bytes
// that follow that character.
//
// # Flushing
//
// Writes fill the buffer; the backend is called when it is full, on Flush and
// on Close. Besides, an output channel left with buffered data is flushed by
// the loop (lwtmain.Run) before it blocks waiting for events, or after one
// round of the loop if promises keep it from blocking: a program that writes a
// prompt and then reads an answer need not flush by hand. [FlushAll] flushes
// every such channel and is run at exit (lwtmain.AtExit).
//
// # Differences from Lwt
//
//   - Input and output channels are two types, not one type with a mode
//     parameter; [InputChannel.Mode] and [OutputChannel.Mode] tell the mode.
//   - The end of input is the error [ErrEOF] (End_of_file), for which
//     errors.Is(err, io.EOF) holds too.
//   - Closing Stdin, Stdout or Stderr flushes them but leaves the descriptor
//     open.
package lwtio

import (
	"errors"
	"fmt"
	"io"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtmutex"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// Mode is the direction of a channel: Lwt_io.mode.
type Mode uint8

const (
	Input  Mode = iota // a channel that reads
	Output             // a channel that writes
)

func (m Mode) String() string {
	if m == Input {
		return "input"
	}
	return "output"
}

// Buffer sizes: the default one (Lwt_io.default_buffer_size) and the bounds
// of the size a channel accepts.
const (
	DefaultBufferSize = 4096
	MinBufferSize     = 16
	MaxBufferSize     = 1 << 30
)

// ErrEOF is the error of a read that found the end of input: End_of_file.
// errors.Is(ErrEOF, io.EOF) is true.
var ErrEOF error = eofError{}

type eofError struct{}

func (eofError) Error() string        { return "lwtio: end of file" }
func (eofError) Is(target error) bool { return target == io.EOF }

// ErrClosed is the error of an operation on a closed or aborted channel, and
// of an operation that was waiting when its channel was aborted:
// Lwt_io.Channel_closed.
var ErrClosed = errors.New("lwtio: channel closed")

// ErrBufferSize is the error of a buffer size out of
// [MinBufferSize, MaxBufferSize], or too small for the data a channel holds.
var ErrBufferSize = errors.New("lwtio: invalid buffer size")

// ErrShortIO is the error of a backend that returned a count out of
// [0, len(buf)], or 0 for a write.
var ErrShortIO = errors.New("lwtio: backend returned an invalid count")

// Options configure a new channel. The zero Options are the defaults.
type Options struct {
	// BufferSize is the size of the channel's buffer; 0 means
	// DefaultBufferSize.
	BufferSize int
	// Close is called once when the channel is closed or aborted, after the
	// last flush. For NewInput and NewOutput, nil means closing the
	// descriptor; for MakeInput and MakeOutput, doing nothing.
	Close func() lwt.Promise[lwt.Unit]
}

// channel is what input and output channels share. An input channel holds
// unread bytes in buf[ptr:max]; an output channel holds bytes to write in
// buf[:ptr].
type channel struct {
	mode    Mode
	buf     []byte
	ptr     int
	max     int
	mu      lwtmutex.Mutex
	backend func([]byte) lwt.Promise[int]
	closeFn func() lwt.Promise[lwt.Unit]
	closed  bool
	closeP  lwt.Promise[lwt.Unit]
	// pending is the backend call in progress, if waiting; Abort cancels it.
	pending lwt.Promise[int]
	waiting bool
	// dirty: the channel is in the dirty list; aged: it was there at the
	// previous round of the loop already.
	dirty bool
	aged  bool
}

func newChannel(mode Mode, backend func([]byte) lwt.Promise[int], opts Options, defClose func() lwt.Promise[lwt.Unit]) *channel {
	size := opts.BufferSize
	if size == 0 {
		size = DefaultBufferSize
	}
	if size < MinBufferSize || size > MaxBufferSize {
		panic(fmt.Sprintf("lwtio: buffer size %d out of [%d, %d]", size, MinBufferSize, MaxBufferSize))
	}
	c := &channel{mode: mode, buf: make([]byte, size), backend: backend, closeFn: opts.Close}
	if c.closeFn == nil {
		c.closeFn = defClose
	}
	return c
}

func closeNothing() lwt.Promise[lwt.Unit] { return lwt.ReturnUnit() }

func closeFD(fd *lwtunix.FD) func() lwt.Promise[lwt.Unit] {
	return func() lwt.Promise[lwt.Unit] {
		return lwt.Wrap(func() (lwt.Unit, error) { return lwt.Unit{}, fd.Close() })
	}
}

// primitive runs f with the channel's lock held, if it is still open then.
func primitive[T any](c *channel, f func() lwt.Promise[T]) lwt.Promise[T] {
	if c.closed {
		return lwt.Fail[T](ErrClosed)
	}
	return lwtmutex.WithLock(&c.mu, func() lwt.Promise[T] {
		if c.closed {
			return lwt.Fail[T](ErrClosed)
		}
		p := f()
		if c.mode == Output {
			if p.IsSleeping() {
				lwt.OnTermination(p, c.markDirty)
			} else {
				c.markDirty()
			}
		}
		return p
	})
}

// perform calls the backend on b, and checks what it returns. An Abort
// while the call waits cancels it (lwt.Cancel) and fails it with ErrClosed;
// a backend whose promise is not cancelable fails with ErrClosed when it
// returns.
func (c *channel) perform(b []byte) lwt.Promise[int] {
	p := c.backend(b)
	if p.IsSleeping() {
		c.pending, c.waiting = p, true
	}
	return lwt.TryBind(func() lwt.Promise[int] { return p }, func(n int) lwt.Promise[int] {
		c.waiting = false
		if c.closed {
			return lwt.Fail[int](ErrClosed)
		}
		if n < 0 || n > len(b) || (n == 0 && c.mode == Output && len(b) > 0) {
			return lwt.Fail[int](fmt.Errorf("%w: %d for %d bytes", ErrShortIO, n, len(b)))
		}
		return lwt.Return(n)
	}, func(err error) lwt.Promise[int] {
		c.waiting = false
		if c.closed {
			return lwt.Fail[int](ErrClosed)
		}
		return lwt.Fail[int](err)
	})
}

func (c *channel) abort() lwt.Promise[lwt.Unit] {
	if c.closed {
		return c.closeP
	}
	c.closed = true
	c.ptr, c.max = 0, 0
	if c.waiting {
		c.waiting = false
		lwt.Cancel(c.pending)
	}
	c.closeP = lwt.Catch(c.closeFn, func(err error) lwt.Promise[lwt.Unit] { return lwt.Fail[lwt.Unit](err) })
	return c.closeP
}

func (c *channel) bufferSize() int { return len(c.buf) }

func (c *channel) setBufferSize(n int) lwt.Promise[lwt.Unit] {
	if n < MinBufferSize || n > MaxBufferSize {
		return lwt.Fail[lwt.Unit](fmt.Errorf("%w: %d out of [%d, %d]", ErrBufferSize, n, MinBufferSize, MaxBufferSize))
	}
	return primitive(c, func() lwt.Promise[lwt.Unit] {
		if c.mode == Output {
			return lwt.Map(c.flushTotal(), func(lwt.Unit) lwt.Unit {
				c.buf = make([]byte, n)
				return lwt.Unit{}
			})
		}
		unread := c.max - c.ptr
		if unread > n {
			return lwt.Fail[lwt.Unit](fmt.Errorf("%w: %d bytes unread, new size %d", ErrBufferSize, unread, n))
		}
		buf := make([]byte, n)
		copy(buf, c.buf[c.ptr:c.max])
		c.buf, c.ptr, c.max = buf, 0, unread
		return lwt.ReturnUnit()
	})
}

// Input side.

// fill reads into the empty buffer; 0 means the end of input.
func (c *channel) fill() lwt.Promise[int] {
	return lwt.Map(c.perform(c.buf), func(n int) int {
		c.ptr, c.max = 0, n
		return n
	})
}

// Output side.

// flushPartial writes some of the buffer, and keeps the rest at its start.
func (c *channel) flushPartial() lwt.Promise[lwt.Unit] {
	return lwt.Map(c.perform(c.buf[:c.ptr]), func(n int) lwt.Unit {
		c.ptr = copy(c.buf, c.buf[n:c.ptr])
		return lwt.Unit{}
	})
}

func (c *channel) flushTotal() lwt.Promise[lwt.Unit] {
	if c.ptr == 0 {
		return lwt.ReturnUnit()
	}
	return lwt.Bind(c.flushPartial(), func(lwt.Unit) lwt.Promise[lwt.Unit] { return c.flushTotal() })
}

// dirtyList holds the output channels that may have buffered data for the
// loop to flush.
var (
	dirtyList []*channel
	dirtyHook bool
)

func (c *channel) markDirty() {
	if c.dirty || c.ptr == 0 || c.closed {
		return
	}
	c.dirty, c.aged = true, false
	dirtyList = append(dirtyList, c)
	if !dirtyHook {
		dirtyHook = true
		lwtmain.EnterIterHooks.AddLast(autoFlush)
		lwtmain.AtExit(FlushAll)
	}
}

// autoFlush runs at the start of each round of the loop. It flushes the
// channels that are idle, when the loop is about to block (nothing paused)
// or when they have waited a whole round already.
func autoFlush() {
	if len(dirtyList) == 0 {
		return
	}
	idle := lwt.PausedCount() == 0
	keep := dirtyList[:0]
	for _, c := range dirtyList {
		switch {
		case c.closed || c.ptr == 0:
			c.dirty = false
		case c.mu.IsLocked() || (!idle && !c.aged):
			// Busy: the operation's unlock marks it dirty again anyway,
			// but keep it so that it is flushed if it stays so.
			c.aged = true
			keep = append(keep, c)
		default:
			c.dirty = false
			safeFlush(c)
		}
	}
	clear(dirtyList[len(keep):])
	dirtyList = keep
}

// safeFlush flushes c in the background; on failure the buffered data is
// dropped, as nobody waits to be told (Lwt does the same).
func safeFlush(c *channel) lwt.Promise[lwt.Unit] {
	return lwt.Catch(func() lwt.Promise[lwt.Unit] {
		return primitive(c, func() lwt.Promise[lwt.Unit] {
			return lwt.Catch(c.flushTotal, func(error) lwt.Promise[lwt.Unit] {
				c.ptr = 0
				return lwt.ReturnUnit()
			})
		})
	}, func(error) lwt.Promise[lwt.Unit] { return lwt.ReturnUnit() })
}

// FlushAll flushes every output channel that holds buffered data, and
// ignores their errors: Lwt_io.flush_all. It runs at exit (lwtmain.AtExit)
// once an output channel has been written to.
func FlushAll() lwt.Promise[lwt.Unit] {
	list := dirtyList
	dirtyList = nil
	ps := make([]lwt.Promise[lwt.Unit], 0, len(list))
	for _, c := range list {
		c.dirty = false
		ps = append(ps, safeFlush(c))
	}
	return lwt.Join(ps...)
}
