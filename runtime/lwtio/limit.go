package lwtio

import (
	"bytes"
	"errors"
	"math"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// noLimit is ReadLine's limit: so large that limit+1 does not overflow.
const noLimit = math.MaxInt - 1

// ErrLineTooLong is the error of [InputChannel.ReadLineMax] when a line is
// longer than the limit.
var ErrLineTooLong = errors.New("lwtio: line too long")

// ReadLineMax is ReadLine for input that is not trusted: it fails with
// ErrLineTooLong once it has read more than limit bytes without finding the
// end of the line, instead of holding whatever a peer sends in memory. The
// first limit bytes of the line are then consumed (limit+1 if the last is a
// '\r' that might have started the line's end, 1 if limit is 0); the rest
// is left to read.
// The line's end ("\n" or "\r\n") does not count in limit.
func (ic *InputChannel) ReadLineMax(limit int) lwt.Promise[string] {
	c := ic.c
	if !c.closed && !c.mu.IsLocked() {
		// A line that is in the buffer already needs neither the lock nor a
		// closure.
		chunk := c.buf[c.ptr:c.max]
		if i := bytes.IndexByte(chunk, '\n'); i >= 0 && i <= limit+1 {
			line := chunk[:i]
			if n := len(line); n > 0 && line[n-1] == '\r' {
				line = line[:n-1]
			}
			if len(line) <= limit {
				c.ptr += i + 1
				return lwt.Return(string(line))
			}
		}
	}
	return op(c, readLineMaxOp, lineRequest{c, limit})
}

// keep is how many bytes of the current chunk a line too long consumes,
// acc having been consumed already: up to limit in all, and at least one, so
// that reading again makes progress even with a limit of 0.
func keep(limit int, acc []byte) int {
	if len(acc) == 0 {
		return max(1, limit)
	}
	return max(0, limit-len(acc))
}

type lineRequest struct {
	c     *channel
	limit int
}

func readLineMaxOp(r lineRequest) lwt.Promise[string] { return r.c.readLineMax(nil, r.limit) }

// readLineMax is readLine with a limit on the line's length. It reads in a
// loop while the backend answers at once.
func (c *channel) readLineMax(acc []byte, limit int) lwt.Promise[string] {
	for {
		for c.ptr < c.max {
			chunk := c.buf[c.ptr:c.max]
			i := bytes.IndexByte(chunk, '\n')
			if i < 0 {
				// A final '\r' may start the line's end: it does not count yet.
				if len(acc)+len(chunk) > limit+1 || (len(acc)+len(chunk) == limit+1 && chunk[len(chunk)-1] != '\r') {
					c.ptr += min(len(chunk), keep(limit, acc))
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
			if len(line) > limit {
				c.ptr += keep(limit, acc)
				return lwt.Fail[string](ErrLineTooLong)
			}
			c.ptr += i + 1
			return lwt.Return(string(line))
		}
		n, err, p, waiting := c.startFill()
		if waiting {
			return c.lineLater(p, acc, limit)
		}
		if err != nil {
			return lwt.Fail[string](err)
		}
		if n == 0 {
			return lineAtEOF(acc, limit)
		}
	}
}

// lineLater goes on with a line once the backend has filled the buffer. (A
// function of its own, so that readLineMax's variables stay on its stack.)
func (c *channel) lineLater(p lwt.Promise[int], acc []byte, limit int) lwt.Promise[string] {
	return lwt.BindResult(p, func(n int, err error) lwt.Promise[string] {
		if n, err = c.fillDone(n, err); err != nil {
			return lwt.Fail[string](err)
		}
		if n == 0 {
			return lineAtEOF(acc, limit)
		}
		return c.readLineMax(acc, limit)
	})
}

// lineAtEOF ends a line at the end of input: what was read is the last
// line, and nothing is the end.
func lineAtEOF(acc []byte, limit int) lwt.Promise[string] {
	switch {
	case len(acc) == 0:
		return lwt.Fail[string](ErrEOF)
	case len(acc) > limit: // a final '\r' that was not a line end
		return lwt.Fail[string](ErrLineTooLong)
	}
	return lwt.Return(string(acc))
}
