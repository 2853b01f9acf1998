// Package lwtio is lwt's buffered channels: Lwt_io.
//
// A channel is a buffer in front of a backend that reads or writes bytes
// with promises: usually a descriptor of package lwtunix ([NewInput],
// [NewOutput], [Pipe], [Stdin], [Stdout], [Stderr], [OpenInputFile],
// [OpenOutputFile]), any pair of functions ([MakeInput], [MakeOutput]), a
// byte slice ([OfBytes]) or a Go reader or writer ([OfReader], [OfWriter]).
// An [InputChannel] reads (ReadChar, ReadLine, Read, ReadInto, ReadLines
// ...), an [OutputChannel] writes (WriteChar, Write, WriteLine, Printf,
// WriteLines ...); [LE], [BE] and [NE] read and write binary numbers. Every
// operation returns a promise; it is resolved at once when the buffer can
// serve it, and otherwise waits for the backend, without blocking the loop.
//
// Operations on one channel run one at a time, in the order they were
// started: a ReadLine started while a ReadChar waits for data reads the bytes
// that follow that character. [Atomic] makes a sequence of operations one.
// The stream functions (ReadChars, ReadLines, WriteChars, WriteLines) are not
// atomic: each element is one operation.
//
// # Flushing
//
// Writes fill the buffer; the backend is called when it is full, on Flush and
// on Close. Besides, an output channel left with buffered data is flushed by
// the loop (lwtmain.Run) before it blocks waiting for events, or after one
// round of the loop if promises keep it from blocking: a program that writes a
// prompt and then reads an answer need not flush by hand. [FlushAll] flushes
// every such channel and is run at exit (lwtmain.AtExit). [OutputChannel.Writer]
// gives an io.Writer that writes into the buffer the same way, for log.Logger
// and the like.
//
// # Position
//
// Position counts the bytes read from or written to a channel, from the start
// of the file for a channel over a descriptor that can seek. SetPosition and
// Length need a backend that can seek: a descriptor of a file or device, or a
// custom backend with [Options.Seek]; others fail with [ErrNotSeekable].
//
// # Files
//
// [OpenInputFile], [OpenOutputFile], [WithInputFile], [WithOutputFile],
// [LinesOfFile], [LinesToFile], [CharsOfFile], [CharsToFile], [FileLength],
// and temporary files and directories ([CreateTempFile], [WithTempFile],
// [CreateTempDir], [WithTempDir], [DeleteRecursively]). A file opened
// without unix.O_NONBLOCK is read and written off the loop, as jobs.
//
// # Connections and servers
//
// [OpenConnection] and [WithConnection] connect to a socket address
// ([ResolveAddr] turns "host:port" or a Unix socket's path into one) and give
// a [Conn]: an input and an output channel over the socket. [EstablishServer]
// listens and runs a handler per connection, each a thread of its own; the
// channels are closed when the handler's promise is resolved. Input from a
// peer is not trusted: [InputChannel.ReadLineMax] reads a line of bounded
// length where ReadLine would hold whatever the peer sends.
//
// # Differences from Lwt
//
//   - Input and output channels are two types, not one type with a mode
//     parameter; [InputChannel.Mode] and [OutputChannel.Mode] tell the mode.
//     So opening a file has two functions, OpenInputFile and OpenOutputFile
//     (Lwt_io.open_file ~mode), and so has with_file.
//   - The end of input is the error [ErrEOF] (End_of_file), for which
//     errors.Is(err, io.EOF) holds too.
//   - Closing Stdin, Stdout or Stderr flushes them but leaves the descriptor
//     open.
//   - The binary numbers are methods of a byte order, lwtio.BE.ReadInt32(ic)
//     for Lwt_io.BE.read_int32 ic, with unsigned variants; Lwt's read_int
//     and write_int (an OCaml int in 32 bits) have no counterpart.
//   - A channel over a descriptor starts at the descriptor's offset, so that
//     Position is the offset in the file; Lwt starts at 0. An input
//     channel's SetPosition to a position still in its buffer, backwards
//     too, does not seek. An output channel's Length flushes it first, so
//     that the length counts what was written.
//   - Operations the function given to Atomic starts on its temporary channel
//     and does not wait for still finish before the channel is released.
//   - Temporary names follow os.CreateTemp's patterns ("prefix*suffix")
//     rather than prefix and suffix arguments; a temporary directory has
//     permissions 0o700 by default (Lwt: 0o755). DeleteRecursively succeeds
//     when the path does not exist.
//   - Closing one channel of a [Conn] shuts down its direction of the socket;
//     the socket is closed when both are. (In Lwt either closes the socket,
//     which loses what the other still buffers.) A server's handler failure
//     goes to [ServerOptions].OnError, not to the async exception hook, and
//     running out of descriptors makes the server wait and accept again,
//     where Lwt's accept loop fails.
//   - There is no global default buffer size to set
//     (Lwt_io.set_default_buffer_size): pass Options.BufferSize. Lwt_io.block,
//     direct_access, read_value and write_value (Marshal) are not provided.
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

// ErrNotSeekable is the error of SetPosition and Length on a channel that
// cannot seek: one made by MakeInput or MakeOutput without Options.Seek, or
// one over a pipe, a socket or a terminal (then errors.Is also matches the
// system's error, unix.ESPIPE).
var ErrNotSeekable = errors.New("lwtio: channel is not seekable")

// ErrInvalidChannel is the error of an operation on the temporary channel
// given by [Atomic] once the function it was given to is done.
var ErrInvalidChannel = errors.New("lwtio: temporary channel of Atomic used after its function returned")

// ErrAtomicClose is the error of Close on the temporary channel given by
// [Atomic]: close the channel itself once Atomic is done (Abort works).
var ErrAtomicClose = errors.New("lwtio: Close of the temporary channel of Atomic")

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
	// Seek moves the backend to a position, as io.Seeker does: offset is
	// relative to the start (whence io.SeekStart), the current position
	// (io.SeekCurrent) or the end (io.SeekEnd), and the promise gives the new
	// position from the start. It makes SetPosition and Length work. For
	// NewInput and NewOutput, nil means lseek(2) on the descriptor; for
	// MakeInput and MakeOutput, a channel that is not seekable
	// ([ErrNotSeekable]).
	Seek func(offset int64, whence int) lwt.Promise[int64]
}

// channel is what input and output channels share. An input channel holds
// unread bytes in buf[ptr:max]; an output channel holds bytes to write in
// buf[:ptr].
//
// The state of the stream is the embedded core. While an [Atomic] call holds
// the channel, the core lives in the temporary channel given to its function
// (atomic), and comes back when that function is done: the channel's own lock
// stays held all that time, so its own operations wait.
type channel struct {
	core
	mu lwtmutex.Mutex
	// releaseFn is c.release, made once: the callback of operations that
	// wait.
	releaseFn func()
	// dirty: the channel is in the dirty list; aged: it was there at the
	// previous round of the loop already.
	dirty bool
	aged  bool
	// atomic is the temporary channel of the Atomic call running on this
	// one; parent is the channel a temporary channel stands for.
	atomic *channel
	parent *channel
}

type core struct {
	mode Mode
	buf  []byte
	ptr  int
	max  int
	// offset is the backend's position: where the next byte read from it
	// or written to it goes. An input channel's buf[:max] holds the bytes
	// just before offset.
	offset  int64
	backend func([]byte) lwt.Promise[int]
	seek    func(offset int64, whence int) lwt.Promise[int64]
	closeFn func() lwt.Promise[lwt.Unit]
	closed  bool
	// invalid: a temporary channel whose Atomic function is done.
	invalid bool
	closeP  lwt.Promise[lwt.Unit]
	// pending is the backend call in progress, if waiting; Abort cancels it.
	pending lwt.Promise[int]
	waiting bool
}

func newChannel(mode Mode, backend func([]byte) lwt.Promise[int], opts Options, defClose func() lwt.Promise[lwt.Unit]) *channel {
	size := opts.BufferSize
	if size == 0 {
		size = DefaultBufferSize
	}
	if size < MinBufferSize || size > MaxBufferSize {
		panic(fmt.Sprintf("lwtio: buffer size %d out of [%d, %d]", size, MinBufferSize, MaxBufferSize))
	}
	c := &channel{core: core{mode: mode, buf: make([]byte, size), backend: backend, closeFn: opts.Close, seek: opts.Seek}}
	if c.closeFn == nil {
		c.closeFn = defClose
	}
	if c.closeFn == nil {
		c.closeFn = closeNothing
	}
	return c
}

// live is the channel holding the core: c, or the innermost temporary
// channel of the Atomic calls running on it.
func (c *channel) live() *channel {
	for c.atomic != nil {
		c = c.atomic
	}
	return c
}

// closedErr is the error of an operation on the closed channel c.
func (c *channel) closedErr() error {
	if c.invalid {
		return ErrInvalidChannel
	}
	return ErrClosed
}

func closeNothing() lwt.Promise[lwt.Unit] { return lwt.ReturnUnit() }

func closeFD(fd *lwtunix.FD) func() lwt.Promise[lwt.Unit] {
	return func() lwt.Promise[lwt.Unit] {
		return lwt.Wrap(func() (lwt.Unit, error) { return lwt.Unit{}, fd.Close() })
	}
}

// primitive runs f with the channel's lock held, if it is still open then.
// Canceling the result while it waits for the lock gives up the wait.
func primitive[T any](c *channel, f func() lwt.Promise[T]) lwt.Promise[T] {
	return op(c, callOp[T], f)
}

// op is primitive for f(x): with a function that captures nothing, it costs
// no allocation when the lock is free and f's promise is resolved at once.
func op[A, T any](c *channel, f func(A) lwt.Promise[T], x A) lwt.Promise[T] {
	if c.closed {
		return lwt.Fail[T](c.closedErr())
	}
	if c.mu.IsLocked() {
		return lwt.Bind(c.mu.Lock(), func(lwt.Unit) lwt.Promise[T] { return heldWith(c, f, x) })
	}
	c.mu.Lock() // fulfilled at once
	return heldWith(c, f, x)
}

// heldWith runs f(x), for which c's lock is held, and releases the lock
// once its promise is resolved, even if f panics. (lwtmutex.WithLock does
// the same with more allocations: this is every operation's path.)
func heldWith[A, T any](c *channel, f func(A) lwt.Promise[T], x A) lwt.Promise[T] {
	if c.closed {
		c.release()
		return lwt.Fail[T](c.closedErr())
	}
	p := lwt.Apply(f, x)
	if p.IsSleeping() {
		if c.releaseFn == nil {
			c.releaseFn = c.release
		}
		lwt.OnTermination(p, c.releaseFn)
	} else {
		c.release()
	}
	return p
}

func callOp[T any](f func() lwt.Promise[T]) lwt.Promise[T] { return f() }

// release ends an operation: an output channel that still holds data is
// put in the list the loop flushes, then the lock goes to the next
// operation.
func (c *channel) release() {
	if c.mode == Output {
		c.markDirty()
	}
	c.mu.Unlock()
}

// perform calls the backend on b, and checks what it returns. An Abort
// while the call waits cancels it (lwt.Cancel) and fails it with ErrClosed;
// a backend whose promise is not cancelable fails with ErrClosed when it
// returns.
func (c *channel) perform(b []byte) lwt.Promise[int] {
	p := c.backend(b)
	if !p.IsSleeping() {
		n, err := p.Result()
		return lwt.OfResult(c.performed(len(b), n, err))
	}
	c.pending, c.waiting = p, true
	return lwt.BindResult(p, func(n int, err error) lwt.Promise[int] {
		return lwt.OfResult(c.performed(len(b), n, err))
	})
}

// performed checks what the backend did with size bytes.
func (c *channel) performed(size, n int, err error) (int, error) {
	c.waiting = false
	switch {
	case c.closed:
		return 0, ErrClosed
	case err != nil:
		return 0, err
	case n < 0 || n > size || (n == 0 && c.mode == Output && size > 0):
		return 0, fmt.Errorf("%w: %d for %d bytes", ErrShortIO, n, size)
	}
	c.offset += int64(n)
	return n, nil
}

func (c *channel) abort() lwt.Promise[lwt.Unit] {
	if c.atomic != nil {
		return c.atomic.abort()
	}
	if c.invalid {
		return lwt.Fail[lwt.Unit](ErrInvalidChannel)
	}
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

func (c *channel) bufferSize() int { return len(c.live().buf) }

// checkBufferSize checks a buffer size of the options, where 0 means the
// default.
func checkBufferSize(n int) error {
	if n != 0 && (n < MinBufferSize || n > MaxBufferSize) {
		return fmtBufferSize(n)
	}
	return nil
}

func fmtBufferSize(n int) error {
	return fmt.Errorf("%w: %d out of [%d, %d]", ErrBufferSize, n, MinBufferSize, MaxBufferSize)
}

func (c *channel) setBufferSize(n int) lwt.Promise[lwt.Unit] {
	if n < MinBufferSize || n > MaxBufferSize {
		return lwt.Fail[lwt.Unit](fmtBufferSize(n))
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
	n, err, p, waiting := c.startFill()
	if !waiting {
		return lwt.OfResult(n, err)
	}
	return lwt.BindResult(p, func(n int, err error) lwt.Promise[int] { return lwt.OfResult(c.fillDone(n, err)) })
}

// startFill calls the backend to fill the empty buffer. If it answers at
// once, the outcome is n and err, with the buffer updated; if not, waiting
// is true, and the pending promise p must be finished with fillDone.
// Callers loop over startFill rather than nest continuations, so that a
// backend that answers at once costs neither allocations nor stack.
func (c *channel) startFill() (n int, err error, p lwt.Promise[int], waiting bool) {
	p = c.backend(c.buf)
	if p.IsSleeping() {
		c.pending, c.waiting = p, true
		return 0, nil, p, true
	}
	n, err = p.Result()
	n, err = c.fillDone(n, err)
	return n, err, p, false
}

// fillDone checks the outcome of a fill and makes its bytes the buffer's.
func (c *channel) fillDone(n int, err error) (int, error) {
	n, err = c.performed(len(c.buf), n, err)
	if err == nil {
		c.ptr, c.max = 0, n
	}
	return n, err
}

// Output side.

// flushPartial writes some of the buffer, and keeps the rest at its start.
func (c *channel) flushPartial() lwt.Promise[lwt.Unit] {
	p := c.perform(c.buf[:c.ptr])
	if !p.IsSleeping() {
		n, err := p.Result()
		if err == nil {
			c.ptr = copy(c.buf, c.buf[n:c.ptr])
		}
		return lwt.OfResult(lwt.Unit{}, err)
	}
	return lwt.Map(p, func(n int) lwt.Unit {
		c.ptr = copy(c.buf, c.buf[n:c.ptr])
		return lwt.Unit{}
	})
}

// flushTotal writes the whole buffer: in a loop while the backend writes
// at once, waiting for it when it does not.
func (c *channel) flushTotal() lwt.Promise[lwt.Unit] {
	for c.ptr > 0 {
		p := c.flushPartial()
		if p.IsSleeping() {
			return lwt.Bind(p, func(lwt.Unit) lwt.Promise[lwt.Unit] { return c.flushTotal() })
		}
		if _, err := p.Result(); err != nil {
			return p
		}
	}
	return lwt.ReturnUnit()
}

// flushOp is Flush's operation, for heldWith.
func flushOp(c *channel) lwt.Promise[lwt.Unit] { return c.flushTotal() }

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
