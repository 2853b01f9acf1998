package lwtio

import (
	"errors"
	"io"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtpreemptive"
)

// A Writer is an io.Writer over an output channel, for Go code that wants
// one (a log.Logger, fmt.Fprintf, encoders ...). Get one from
// [OutputChannel.Writer].
//
// Write never waits: it copies the bytes into the channel's buffer when they
// fit and the channel is idle, and otherwise starts a write of a copy of
// them on the channel, which runs after the operations started before.
// Either way the bytes go out as the channel's own writes do: when the
// buffer fills, on Flush, or when the loop flushes it (see "Flushing" in the
// package documentation). So Write reports success before the bytes are
// written; a write that fails later makes the next Write fail with its
// error (see Err).
//
// A Writer belongs to the loop's goroutine, like the channel: call Write
// from the loop only (from lwt callbacks, or code they call). Another
// goroutine should go through lwtpreemptive.RunInMain.
type Writer struct {
	oc  *OutputChannel
	err error
}

// Writer returns an io.Writer that writes to oc; see [Writer].
func (oc *OutputChannel) Writer() *Writer { return &Writer{oc: oc} }

// Write buffers p in the channel, or starts writing a copy of it, and
// returns len(p). It fails if the channel is closed, or if an earlier write
// failed.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	c := w.oc.c
	if !c.closed && !c.mu.IsLocked() && len(p) <= len(c.buf)-c.ptr {
		c.ptr += copy(c.buf[c.ptr:], p)
		if !c.dirty {
			c.markDirty()
		}
		return len(p), nil
	}
	return w.start(w.oc.Write(string(p)), len(p))
}

// WriteString is Write for a string: io.StringWriter.
func (w *Writer) WriteString(s string) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	c := w.oc.c
	if !c.closed && !c.mu.IsLocked() && len(s) <= len(c.buf)-c.ptr {
		c.ptr += copy(c.buf[c.ptr:], s)
		if !c.dirty {
			c.markDirty()
		}
		return len(s), nil
	}
	return w.start(w.oc.Write(s), len(s))
}

func (w *Writer) start(p lwt.Promise[lwt.Unit], n int) (int, error) {
	if !p.IsSleeping() {
		if _, err := p.Result(); err != nil {
			return 0, err
		}
		return n, nil
	}
	lwt.OnFailure(p, func(err error) {
		if w.err == nil {
			w.err = err
		}
	})
	return n, nil
}

// Err returns the error of the first write that failed after Write had
// returned, or nil.
func (w *Writer) Err() error { return w.err }

// OfReader makes an input channel that reads r, calling r.Read off the loop
// (lwtpreemptive.Detach), so that a reader that blocks (an os.File, a
// net.Conn, a decompressor over them ...) does not block the loop. An error
// of r is the error of the channel's read that meets it; io.EOF is the end
// of input. If the channel is aborted while r.Read runs, that call goes on
// to its end on its worker and what it reads is lost.
//
// For a descriptor, NewInput is cheaper: it reads without leaving the loop.
func OfReader(r io.Reader, opts Options) *InputChannel {
	var pending error // met by the last read, after some bytes
	return MakeInput(func(buf []byte) lwt.Promise[int] {
		if pending != nil {
			err := pending
			pending = nil
			if err == io.EOF {
				return lwt.Return(0)
			}
			return lwt.Fail[int](err)
		}
		return lwt.Bind(lwtpreemptive.Detach(func() (readResult, error) {
			for range 100 {
				n, err := r.Read(buf)
				if n > 0 || err != nil {
					return readResult{n, err}, nil
				}
			}
			return readResult{0, io.ErrNoProgress}, nil
		}), func(res readResult) lwt.Promise[int] {
			switch {
			case res.n > 0:
				pending = res.err
				return lwt.Return(res.n)
			case res.err == io.EOF:
				return lwt.Return(0)
			}
			return lwt.Fail[int](res.err)
		})
	}, opts)
}

type readResult struct {
	n   int
	err error
}

// OfWriter makes an output channel that writes to w, calling w.Write off
// the loop (lwtpreemptive.Detach). An error of w is the error of the
// channel's flush that meets it. For a descriptor, NewOutput is cheaper.
func OfWriter(w io.Writer, opts Options) *OutputChannel {
	var pending error // met by the last write, after some bytes
	return MakeOutput(func(buf []byte) lwt.Promise[int] {
		if pending != nil {
			err := pending
			pending = nil
			return lwt.Fail[int](err)
		}
		return lwt.Bind(lwtpreemptive.Detach(func() (readResult, error) {
			n, err := w.Write(buf)
			if n == 0 && err == nil {
				err = io.ErrShortWrite
			}
			return readResult{n, err}, nil
		}), func(res readResult) lwt.Promise[int] {
			if res.n > 0 {
				pending = res.err
				return lwt.Return(res.n)
			}
			return lwt.Fail[int](res.err)
		})
	}, opts)
}

// OfBytes makes an input channel that reads b: Lwt_io.of_bytes ~mode:Input.
// It can seek, so SetPosition and Length work. b must not change while the
// channel reads it.
func OfBytes(b []byte, opts Options) *InputChannel {
	var off int64
	opts.Seek = func(offset int64, whence int) lwt.Promise[int64] {
		switch whence {
		case io.SeekCurrent:
			offset += off
		case io.SeekEnd:
			offset += int64(len(b))
		}
		if offset < 0 {
			return lwt.Fail[int64](errors.New("lwtio: seek to a negative position"))
		}
		off = offset
		return lwt.Return(off)
	}
	return MakeInput(func(buf []byte) lwt.Promise[int] {
		if off >= int64(len(b)) {
			return lwt.Return(0)
		}
		n := copy(buf, b[off:])
		off += int64(n)
		return lwt.Return(n)
	}, opts)
}
