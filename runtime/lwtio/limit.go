package lwtio

import (
	"bytes"
	"errors"
	"math"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// noLimit is ReadLine's limit: so large that max+1 does not overflow.
const noLimit = math.MaxInt - 1

// ErrLineTooLong is the error of [InputChannel.ReadLineMax] when a line is
// longer than the limit.
var ErrLineTooLong = errors.New("lwtio: line too long")

// ReadLineMax is ReadLine for input that is not trusted: it fails with
// ErrLineTooLong once it has read more than max bytes without finding the
// end of the line, instead of holding whatever a peer sends in memory. The
// bytes read are then consumed; the rest of the line is left to read. The
// line's end ("\n" or "\r\n") does not count in max.
func (ic *InputChannel) ReadLineMax(max int) lwt.Promise[string] {
	c := ic.c
	if !c.closed && !c.mu.IsLocked() {
		// A line that is in the buffer already needs neither the lock nor a
		// closure.
		chunk := c.buf[c.ptr:c.max]
		if i := bytes.IndexByte(chunk, '\n'); i >= 0 && i <= max+1 {
			line := chunk[:i]
			if n := len(line); n > 0 && line[n-1] == '\r' {
				line = line[:n-1]
			}
			if len(line) <= max {
				c.ptr += i + 1
				return lwt.Return(string(line))
			}
		}
	}
	return op(c, readLineMaxOp, lineRequest{c, max})
}

type lineRequest struct {
	c   *channel
	max int
}

func readLineMaxOp(r lineRequest) lwt.Promise[string] { return r.c.readLineMax(nil, r.max) }

// readLineMax is readLine with a limit on the line's length. It reads in a
// loop while the backend answers at once.
func (c *channel) readLineMax(acc []byte, max int) lwt.Promise[string] {
	for {
		for c.ptr < c.max {
			chunk := c.buf[c.ptr:c.max]
			i := bytes.IndexByte(chunk, '\n')
			if i < 0 {
				// A final '\r' may start the line's end: it does not count yet.
				if len(acc)+len(chunk) > max+1 || (len(acc)+len(chunk) == max+1 && chunk[len(chunk)-1] != '\r') {
					c.ptr += min(len(chunk), max+1-len(acc))
					return lwt.Fail[string](ErrLineTooLong)
				}
				acc = append(acc, chunk...)
				c.ptr = c.max
				break
			}
			line := chunk[:i]
			if acc != nil {
				line = append(acc, line...)
			}
			if n := len(line); n > 0 && line[n-1] == '\r' {
				line = line[:n-1]
			}
			if len(line) > max {
				c.ptr += max - len(acc)
				return lwt.Fail[string](ErrLineTooLong)
			}
			c.ptr += i + 1
			return lwt.Return(string(line))
		}
		n, err, p, waiting := c.startFill()
		if waiting {
			return c.lineLater(p, acc, max)
		}
		if err != nil {
			return lwt.Fail[string](err)
		}
		if n == 0 {
			return lineAtEOF(acc, max)
		}
	}
}

// lineLater goes on with a line once the backend has filled the buffer. (A
// function of its own, so that readLineMax's variables stay on its stack.)
func (c *channel) lineLater(p lwt.Promise[int], acc []byte, max int) lwt.Promise[string] {
	return lwt.BindResult(p, func(n int, err error) lwt.Promise[string] {
		if n, err = c.fillDone(n, err); err != nil {
			return lwt.Fail[string](err)
		}
		if n == 0 {
			return lineAtEOF(acc, max)
		}
		return c.readLineMax(acc, max)
	})
}

// lineAtEOF ends a line at the end of input: what was read is the last
// line, and nothing is the end.
func lineAtEOF(acc []byte, max int) lwt.Promise[string] {
	switch {
	case len(acc) == 0:
		return lwt.Fail[string](ErrEOF)
	case len(acc) > max: // a final '\r' that was not a line end
		return lwt.Fail[string](ErrLineTooLong)
	}
	return lwt.Return(string(acc))
}

// Buffered returns how many bytes were read from the backend but not
// consumed yet: Lwt_io.buffered.
func (ic *InputChannel) Buffered() int {
	c := ic.c.live()
	return c.max - c.ptr
}

// Buffered returns how many bytes were written but not flushed yet:
// Lwt_io.buffered.
func (oc *OutputChannel) Buffered() int { return oc.c.live().ptr }
