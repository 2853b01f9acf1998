package lwtio

import (
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtseq"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// An InputChannel is a buffered channel that reads: Lwt_io.input_channel.
type InputChannel struct{ c *channel }

// MakeInput makes an input channel whose backend is read: Lwt_io.make
// ~mode:input. read is called with the part of the buffer to fill, and
// returns the number of bytes it put there, 0 meaning the end of input; it
// must not keep the slice once its promise is resolved.
func MakeInput(read func(buf []byte) lwt.Promise[int], opts Options) *InputChannel {
	return &InputChannel{newChannel(Input, read, opts, closeNothing)}
}

// NewInput makes an input channel that reads fd: Lwt_io.of_fd ~mode:input.
//
// The channel can seek (SetPosition, Length) if fd can, and its Position
// starts at fd's offset.
func NewInput(fd *lwtunix.FD, opts Options) *InputChannel {
	return &InputChannel{fdChannel(Input, fd, fd.Read, opts)}
}

// Mode returns Input.
func (ic *InputChannel) Mode() Mode { return Input }

// BufferSize returns the size of the channel's buffer.
func (ic *InputChannel) BufferSize() int { return ic.c.bufferSize() }

// SetBufferSize resizes the channel's buffer once the operations started
// before are done: Lwt_io.resize_buffer. It fails with ErrBufferSize if n is
// out of [MinBufferSize, MaxBufferSize] or smaller than the unread data.
func (ic *InputChannel) SetBufferSize(n int) lwt.Promise[lwt.Unit] { return ic.c.setBufferSize(n) }

// Close closes the channel at once, failing the operations that wait with
// ErrClosed, and calls its close function; the promise is that function's.
// Closing again returns the same promise. Lwt_io.close. Closing the
// temporary channel given by Atomic fails with ErrAtomicClose.
func (ic *InputChannel) Close() lwt.Promise[lwt.Unit] {
	if ic.c.parent != nil {
		return lwt.Fail[lwt.Unit](ErrAtomicClose)
	}
	return ic.c.abort()
}

// Abort is Close: Lwt_io.abort.
func (ic *InputChannel) Abort() lwt.Promise[lwt.Unit] { return ic.c.abort() }

// Buffered returns how many bytes were read from the backend but not
// consumed yet: Lwt_io.buffered.
func (ic *InputChannel) Buffered() int {
	c := ic.c.live()
	return c.max - c.ptr
}

// IsClosed reports whether the channel was closed or aborted.
func (ic *InputChannel) IsClosed() bool { return ic.c.live().closed }

// IsBusy reports whether an operation is running on the channel (or an
// Atomic call), so that a new one would wait: Lwt_io.is_busy.
func (ic *InputChannel) IsBusy() bool { return ic.c.mu.IsLocked() }

// ReadChar reads one byte: Lwt_io.read_char. It fails with ErrEOF at the end
// of input.
func (ic *InputChannel) ReadChar() lwt.Promise[byte] {
	c := ic.c
	if c.ptr < c.max && !c.closed && !c.mu.IsLocked() {
		b := c.buf[c.ptr]
		c.ptr++
		return lwt.Return(b)
	}
	return c.readCharLocked()
}

func (c *channel) readCharLocked() lwt.Promise[byte] { return primitive(c, c.readChar) }

func (c *channel) readChar() lwt.Promise[byte] {
	if c.ptr < c.max {
		b := c.buf[c.ptr]
		c.ptr++
		return lwt.Return(b)
	}
	return lwt.Bind(c.fill(), func(n int) lwt.Promise[byte] {
		if n == 0 {
			return lwt.Fail[byte](ErrEOF)
		}
		c.ptr = 1
		return lwt.Return(c.buf[0])
	})
}

// ReadCharOpt is ReadChar, but gives ok false at the end of input:
// Lwt_io.read_char_opt.
func (ic *InputChannel) ReadCharOpt() lwt.Promise[Opt[byte]] {
	c := ic.c
	if !c.closed && c.ptr < c.max && !c.mu.IsLocked() {
		b := c.buf[c.ptr]
		c.ptr++
		return lwt.Return(Opt[byte]{Value: b, OK: true})
	}
	return orEOF(primitive(c, c.readChar))
}

// Opt is an optional value: the result of the ...Opt reads, where OK false
// means the end of input. It is lwtseq.Option, also lwtstream.Option.
type Opt[T any] = lwtseq.Option[T]

func orEOF[T any](p lwt.Promise[T]) lwt.Promise[Opt[T]] {
	return lwt.TryBind(func() lwt.Promise[T] { return p },
		func(v T) lwt.Promise[Opt[T]] { return lwt.Return(Opt[T]{Value: v, OK: true}) },
		func(err error) lwt.Promise[Opt[T]] {
			if err == ErrEOF {
				return lwt.Return(Opt[T]{})
			}
			return lwt.Fail[Opt[T]](err)
		})
}

// ReadLine reads a line and returns it without its end, "\n" or "\r\n":
// Lwt_io.read_line. At the end of input it returns what it read, the last
// line having no end; it fails with ErrEOF only if there was nothing left to
// read.
func (ic *InputChannel) ReadLine() lwt.Promise[string] { return ic.ReadLineMax(noLimit) }

// ReadLineOpt is ReadLine, but gives ok false at the end of input:
// Lwt_io.read_line_opt.
func (ic *InputChannel) ReadLineOpt() lwt.Promise[Opt[string]] {
	p := ic.ReadLine()
	if !p.IsSleeping() {
		if s, err := p.Result(); err == nil {
			return lwt.Return(Opt[string]{Value: s, OK: true})
		}
	}
	return orEOF(p)
}

// Read reads at most count bytes, as many as are there once some are: the
// buffered ones, or one read of the backend. It returns "" at the end of
// input (or if count is 0). Lwt_io.read ~count.
func (ic *InputChannel) Read(count int) lwt.Promise[string] {
	if count <= 0 {
		return lwt.Return("")
	}
	c := ic.c
	return primitive(c, func() lwt.Promise[string] {
		take := func() string {
			n := min(count, c.max-c.ptr)
			s := string(c.buf[c.ptr : c.ptr+n])
			c.ptr += n
			return s
		}
		if c.ptr < c.max {
			return lwt.Return(take())
		}
		return lwt.Map(c.fill(), func(int) string { return take() })
	})
}

// ReadAll reads until the end of input and returns everything: Lwt_io.read
// without a count.
func (ic *InputChannel) ReadAll() lwt.Promise[string] {
	c := ic.c
	return primitive(c, func() lwt.Promise[string] { return c.readAll(nil) })
}

func (c *channel) readAll(acc []byte) lwt.Promise[string] {
	acc = append(acc, c.buf[c.ptr:c.max]...)
	c.ptr = c.max
	return lwt.Bind(c.fill(), func(n int) lwt.Promise[string] {
		if n == 0 {
			return lwt.Return(string(acc))
		}
		return c.readAll(acc)
	})
}

// ReadInto reads at most len(buf) bytes into buf, as many as are there once
// some are, and returns their number, 0 at the end of input: Lwt_io.read_into.
// buf must not be used until the promise is resolved.
func (ic *InputChannel) ReadInto(buf []byte) lwt.Promise[int] {
	if len(buf) == 0 {
		return lwt.Return(0)
	}
	return op(ic.c, readIntoOp, bufRequest{ic.c, buf})
}

func (c *channel) readInto(buf []byte) lwt.Promise[int] {
	if c.ptr < c.max {
		n := copy(buf, c.buf[c.ptr:c.max])
		c.ptr += n
		return lwt.Return(n)
	}
	if len(buf) >= len(c.buf) {
		// Nothing buffered and a large read: skip the copy. The buffer no
		// longer holds the bytes before offset.
		c.ptr, c.max = 0, 0
		return c.perform(buf)
	}
	return lwt.Map(c.fill(), func(int) int {
		n := copy(buf, c.buf[:c.max])
		c.ptr = n
		return n
	})
}

// ReadIntoExactly fills buf: Lwt_io.read_into_exactly. It fails with ErrEOF
// if the input ends first. buf must not be used until the promise is
// resolved.
func (ic *InputChannel) ReadIntoExactly(buf []byte) lwt.Promise[lwt.Unit] {
	c := ic.c
	return primitive(c, func() lwt.Promise[lwt.Unit] { return c.readIntoExactly(buf) })
}

func (c *channel) readIntoExactly(buf []byte) lwt.Promise[lwt.Unit] {
	if len(buf) == 0 {
		return lwt.ReturnUnit()
	}
	return lwt.Bind(c.readInto(buf), func(n int) lwt.Promise[lwt.Unit] {
		if n == 0 {
			return lwt.Fail[lwt.Unit](ErrEOF)
		}
		return c.readIntoExactly(buf[n:])
	})
}
