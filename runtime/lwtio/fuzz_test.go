package lwtio_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/lwtgo/lwt/runtime/lwtio"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

// FuzzReadLineMax reads untrusted input line by line, whatever the size of
// the backend's reads and the limit: reading always ends, no line returned
// is longer than the limit, and when every line fits, the lines are exactly
// those of the input.
func FuzzReadLineMax(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), uint8(3), uint8(20))
	f.Add([]byte("abcd\rx\n"), uint8(5), uint8(4))
	f.Add([]byte("x\n\n\r\n"), uint8(1), uint8(0))
	f.Add([]byte("no newline at all"), uint8(2), uint8(4))
	f.Fuzz(func(t *testing.T, data []byte, chunk, limit uint8) {
		ic := chunked(string(data), int(chunk%32)+1, 16)
		var got []string
		tooLong := false
		for calls := 0; ; calls++ {
			if calls > len(data)+2 {
				t.Fatalf("no end after %d reads of %d bytes", calls, len(data))
			}
			line, err := lwtmain.Run(ic.ReadLineMax(int(limit)))
			if errors.Is(err, lwtio.ErrEOF) {
				break
			}
			if errors.Is(err, lwtio.ErrLineTooLong) {
				tooLong = true
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(line) > int(limit) || bytes.ContainsRune([]byte(line), '\n') {
				t.Fatalf("line %q with limit %d", line, limit)
			}
			got = append(got, line)
		}
		var want []string
		fits := true
		for rest := data; len(rest) > 0; {
			i := bytes.IndexByte(rest, '\n')
			var l []byte
			if i < 0 {
				l, rest = rest, nil
			} else {
				l, rest = bytes.TrimSuffix(rest[:i], []byte("\r")), rest[i+1:]
			}
			fits = fits && len(l) <= int(limit)
			want = append(want, string(l))
		}
		if !fits {
			return
		}
		if tooLong || len(got) != len(want) {
			t.Fatalf("got %q (too long: %v), want %q", got, tooLong, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("got %q, want %q", got, want)
			}
		}
	})
}
