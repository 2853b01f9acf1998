package lwtio

import (
	"errors"
	"fmt"
	"io"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// fdChannel makes a channel over fd, seeking with lseek(2) unless opts say
// otherwise; its position starts at fd's offset, when fd has one.
func fdChannel(mode Mode, fd *lwtunix.FD, backend func([]byte) lwt.Promise[int], opts Options) *channel {
	c := newChannel(mode, backend, opts, closeFD(fd))
	if c.seek == nil {
		c.seek = seekFD(fd)
		if off, err := unix.Seek(fd.Unix(), 0, io.SeekCurrent); err == nil {
			c.offset = off
		}
	}
	return c
}

// seekFD seeks fd on the loop: lseek(2) never waits for a device.
func seekFD(fd *lwtunix.FD) func(int64, int) lwt.Promise[int64] {
	return func(offset int64, whence int) lwt.Promise[int64] {
		n, err := unix.Seek(fd.Unix(), offset, whence)
		if err != nil {
			err = &fdSeekError{err}
		}
		return lwt.OfResult(n, err)
	}
}

// fdSeekError is a failed lseek(2): an *os.SyscallError-like error that also
// matches ErrNotSeekable when the descriptor cannot seek.
type fdSeekError struct{ errno error }

func (e *fdSeekError) Error() string { return "lwtio: lseek: " + e.errno.Error() }
func (e *fdSeekError) Unwrap() error { return e.errno }
func (e *fdSeekError) Is(target error) bool {
	return target == ErrNotSeekable && errors.Is(e.errno, unix.ESPIPE)
}

func (c *channel) doSeek(offset int64, whence int) lwt.Promise[int64] {
	if c.seek == nil {
		return lwt.Fail[int64](ErrNotSeekable)
	}
	return lwt.Apply(func(lwt.Unit) lwt.Promise[int64] { return c.seek(offset, whence) }, lwt.Unit{})
}

// position is the channel's position: bytes read from it or written to it,
// from the start of the backend if it can seek.
func (c *channel) position() int64 {
	l := c.live()
	if l.mode == Input {
		return l.offset - int64(l.max-l.ptr)
	}
	return l.offset + int64(l.ptr)
}

func (c *channel) setPosition(pos int64) lwt.Promise[lwt.Unit] {
	if pos < 0 {
		return lwt.Fail[lwt.Unit](fmt.Errorf("lwtio: SetPosition to %d: negative position", pos))
	}
	return primitive(c, func() lwt.Promise[lwt.Unit] {
		if c.seek == nil {
			return lwt.Fail[lwt.Unit](ErrNotSeekable)
		}
		if c.mode == Input {
			// The buffer holds the bytes from offset-max to offset: a
			// position among them needs no seek.
			if start := c.offset - int64(c.max); pos >= start && pos <= c.offset {
				c.ptr = int(pos - start)
				return lwt.ReturnUnit()
			}
			return lwt.Map(c.seekTo(pos), func(lwt.Unit) lwt.Unit {
				c.ptr, c.max = 0, 0
				return lwt.Unit{}
			})
		}
		return lwt.Bind(c.flushTotal(), func(lwt.Unit) lwt.Promise[lwt.Unit] { return c.seekTo(pos) })
	})
}

// seekTo moves the backend to pos, and offset with it.
func (c *channel) seekTo(pos int64) lwt.Promise[lwt.Unit] {
	return lwt.Bind(c.doSeek(pos, io.SeekStart), func(got int64) lwt.Promise[lwt.Unit] {
		if got != pos {
			return lwt.Fail[lwt.Unit](fmt.Errorf("lwtio: seek to %d went to %d", pos, got))
		}
		c.offset = pos
		return lwt.ReturnUnit()
	})
}

func (c *channel) length() lwt.Promise[int64] {
	return primitive(c, func() lwt.Promise[int64] {
		if c.seek == nil {
			return lwt.Fail[int64](ErrNotSeekable)
		}
		flushed := lwt.ReturnUnit()
		if c.mode == Output {
			flushed = c.flushTotal()
		}
		return lwt.Bind(flushed, func(lwt.Unit) lwt.Promise[int64] {
			return lwt.Bind(c.doSeek(0, io.SeekEnd), func(n int64) lwt.Promise[int64] {
				return lwt.Map(c.seekTo(c.offset), func(lwt.Unit) int64 { return n })
			})
		})
	})
}

// Position returns the number of bytes read from the channel so far
// (Lwt_io.position): where the next read starts, counting from the start of
// the file for a channel over a file descriptor that can seek, from 0 for
// other channels. It accounts for the buffer: bytes the backend has given
// but the channel has not are not counted.
func (ic *InputChannel) Position() int64 { return ic.c.position() }

// Position returns the number of bytes written to the channel so far
// (Lwt_io.position), buffered ones included: where the next write goes,
// counting from the start of the file for a channel over a file descriptor
// that can seek, from 0 for other channels.
func (oc *OutputChannel) Position() int64 { return oc.c.position() }

// SetPosition moves the channel to pos, once the operations started before
// are done: Lwt_io.set_position. A position within the buffer needs no
// seek; otherwise the buffered bytes are dropped and the backend seeks. It
// fails with ErrNotSeekable if the channel cannot seek.
func (ic *InputChannel) SetPosition(pos int64) lwt.Promise[lwt.Unit] { return ic.c.setPosition(pos) }

// SetPosition flushes the channel, once the operations started before are
// done, and moves it to pos: Lwt_io.set_position. It fails with
// ErrNotSeekable if the channel cannot seek.
func (oc *OutputChannel) SetPosition(pos int64) lwt.Promise[lwt.Unit] {
	return oc.c.setPosition(pos)
}

// Length gives the length of what the channel reads, a file usually:
// Lwt_io.length. It fails with ErrNotSeekable if the channel cannot seek.
func (ic *InputChannel) Length() lwt.Promise[int64] { return ic.c.length() }

// Length flushes the channel and gives the length of what it writes to, a
// file usually: Lwt_io.length, which does not flush. It fails with
// ErrNotSeekable if the channel cannot seek.
func (oc *OutputChannel) Length() lwt.Promise[int64] { return oc.c.length() }
