package lwtio

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// An OutputChannel is a buffered channel that writes: Lwt_io.output_channel.
// See "Flushing" in the package documentation for when its buffer is written.
type OutputChannel struct{ c *channel }

// MakeOutput makes an output channel whose backend is write: Lwt_io.make
// ~mode:output. write is called with buffered bytes and returns how many of
// them it wrote, at least one; it must not keep the slice once its promise is
// resolved.
func MakeOutput(write func(buf []byte) lwt.Promise[int], opts Options) *OutputChannel {
	return &OutputChannel{newChannel(Output, write, opts, closeNothing)}
}

// NewOutput makes an output channel that writes to fd: Lwt_io.of_fd
// ~mode:output.
//
// The channel can seek (SetPosition, Length) if fd can, and its Position
// starts at fd's offset.
func NewOutput(fd *lwtunix.FD, opts Options) *OutputChannel {
	return &OutputChannel{fdChannel(Output, fd, fd.Write, opts)}
}

// Mode returns Output.
func (oc *OutputChannel) Mode() Mode { return Output }

// BufferSize returns the size of the channel's buffer.
func (oc *OutputChannel) BufferSize() int { return oc.c.bufferSize() }

// SetBufferSize flushes the channel, once the operations started before are
// done, and resizes its buffer: Lwt_io.resize_buffer. It fails with
// ErrBufferSize if n is out of [MinBufferSize, MaxBufferSize].
func (oc *OutputChannel) SetBufferSize(n int) lwt.Promise[lwt.Unit] { return oc.c.setBufferSize(n) }

// Flush writes the buffered bytes, once the operations started before are
// done: Lwt_io.flush.
func (oc *OutputChannel) Flush() lwt.Promise[lwt.Unit] {
	return op(oc.c, flushOp, oc.c)
}

// Close waits for the operations started before, flushes the channel, then
// closes it and calls its close function: Lwt_io.close. If the flush fails
// the channel is closed all the same. Closing again returns the same promise.
//
// Closing the temporary channel given by Atomic fails with ErrAtomicClose.
func (oc *OutputChannel) Close() lwt.Promise[lwt.Unit] {
	c := oc.c
	if c.parent != nil {
		return lwt.Fail[lwt.Unit](ErrAtomicClose)
	}
	if c.closed {
		return c.closeP
	}
	return lwt.Catch(func() lwt.Promise[lwt.Unit] {
		return primitive(c, func() lwt.Promise[lwt.Unit] {
			return lwt.Bind(c.flushTotal(), func(lwt.Unit) lwt.Promise[lwt.Unit] { return c.abort() })
		})
	}, func(error) lwt.Promise[lwt.Unit] { return c.abort() })
}

// Abort closes the channel at once, dropping the buffered bytes and failing
// the operations that wait with ErrClosed: Lwt_io.abort.
func (oc *OutputChannel) Abort() lwt.Promise[lwt.Unit] { return oc.c.abort() }

// Buffered returns how many bytes were written but not flushed yet:
// Lwt_io.buffered.
func (oc *OutputChannel) Buffered() int { return oc.c.live().ptr }

// IsClosed reports whether the channel was closed or aborted.
func (oc *OutputChannel) IsClosed() bool { return oc.c.live().closed }

// IsBusy reports whether an operation is running on the channel (or an
// Atomic call), so that a new one would wait: Lwt_io.is_busy.
func (oc *OutputChannel) IsBusy() bool { return oc.c.mu.IsLocked() }

// WriteChar writes one byte: Lwt_io.write_char.
func (oc *OutputChannel) WriteChar(b byte) lwt.Promise[lwt.Unit] {
	c := oc.c
	if c.ptr < len(c.buf) && c.dirty && !c.closed && !c.mu.IsLocked() {
		c.buf[c.ptr] = b
		c.ptr++
		return lwt.ReturnUnit()
	}
	return c.writeChar(b)
}

func (c *channel) writeChar(b byte) lwt.Promise[lwt.Unit] {
	if !c.closed && c.ptr < len(c.buf) && !c.mu.IsLocked() {
		c.buf[c.ptr] = b
		c.ptr++
		c.markDirty()
		return lwt.ReturnUnit()
	}
	return primitive(c, func() lwt.Promise[lwt.Unit] { return c.writeString(string(b)) })
}

// Write writes s: Lwt_io.write.
func (oc *OutputChannel) Write(s string) lwt.Promise[lwt.Unit] {
	c := oc.c
	if !c.closed && len(s) <= len(c.buf)-c.ptr && !c.mu.IsLocked() {
		c.ptr += copy(c.buf[c.ptr:], s)
		if !c.dirty {
			c.markDirty()
		}
		return lwt.ReturnUnit()
	}
	return primitive(c, func() lwt.Promise[lwt.Unit] { return c.writeString(s) })
}

// WriteLine writes s and "\n": Lwt_io.write_line.
func (oc *OutputChannel) WriteLine(s string) lwt.Promise[lwt.Unit] {
	c := oc.c
	if !c.closed && len(s) < len(c.buf)-c.ptr && !c.mu.IsLocked() {
		c.ptr += copy(c.buf[c.ptr:], s)
		c.buf[c.ptr] = '\n'
		c.ptr++
		if !c.dirty {
			c.markDirty()
		}
		return lwt.ReturnUnit()
	}
	return primitive(c, func() lwt.Promise[lwt.Unit] {
		return lwt.Bind(c.writeString(s), func(lwt.Unit) lwt.Promise[lwt.Unit] { return c.writeString("\n") })
	})
}

func (c *channel) writeString(s string) lwt.Promise[lwt.Unit] {
	for {
		n := copy(c.buf[c.ptr:], s)
		c.ptr += n
		s = s[n:]
		if len(s) == 0 {
			return lwt.ReturnUnit()
		}
		p := c.flushPartial()
		if p.IsSleeping() {
			return lwt.Bind(p, func(lwt.Unit) lwt.Promise[lwt.Unit] { return c.writeString(s) })
		}
		if _, err := p.Result(); err != nil {
			return lwt.Fail[lwt.Unit](err)
		}
	}
}

// WriteFrom writes at most len(buf) bytes of buf and returns their number,
// at least one: Lwt_io.write_from. It waits for the backend only if the
// buffer is full. buf must not be modified until the promise is resolved.
func (oc *OutputChannel) WriteFrom(buf []byte) lwt.Promise[int] {
	if len(buf) == 0 {
		return lwt.Return(0)
	}
	return op(oc.c, writeFromOp, bufRequest{oc.c, buf})
}

func (c *channel) writeFrom(buf []byte) lwt.Promise[int] {
	if c.ptr == 0 && len(buf) >= len(c.buf) {
		// Nothing buffered and a large write: skip the copy.
		return c.perform(buf)
	}
	if c.ptr < len(c.buf) {
		n := copy(c.buf[c.ptr:], buf)
		c.ptr += n
		return lwt.Return(n)
	}
	return lwt.Bind(c.flushPartial(), func(lwt.Unit) lwt.Promise[int] { return c.writeFrom(buf) })
}

// WriteFromExactly writes all of buf: Lwt_io.write_from_exactly. buf must
// not be modified until the promise is resolved.
func (oc *OutputChannel) WriteFromExactly(buf []byte) lwt.Promise[lwt.Unit] {
	return op(oc.c, writeFromExactlyOp, bufRequest{oc.c, buf})
}

func (c *channel) writeFromExactly(buf []byte) lwt.Promise[lwt.Unit] {
	if len(buf) == 0 {
		return lwt.ReturnUnit()
	}
	return lwt.Bind(c.writeFrom(buf), func(n int) lwt.Promise[lwt.Unit] {
		return c.writeFromExactly(buf[n:])
	})
}

// Printf formats with fmt's verbs and writes the result: Lwt_io.fprintf.
func (oc *OutputChannel) Printf(format string, args ...any) lwt.Promise[lwt.Unit] {
	return oc.Write(fmt.Sprintf(format, args...))
}

// Printlf is Printf followed by "\n": Lwt_io.fprintlf.
func (oc *OutputChannel) Printlf(format string, args ...any) lwt.Promise[lwt.Unit] {
	return oc.WriteLine(fmt.Sprintf(format, args...))
}

// bufRequest is the argument of the operations on a buffer, for op.
type bufRequest struct {
	c *channel
	b []byte
}

func writeFromOp(r bufRequest) lwt.Promise[int]             { return r.c.writeFrom(r.b) }
func writeFromExactlyOp(r bufRequest) lwt.Promise[lwt.Unit] { return r.c.writeFromExactly(r.b) }
func readIntoOp(r bufRequest) lwt.Promise[int]              { return r.c.readInto(r.b) }
