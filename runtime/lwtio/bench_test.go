package lwtio_test

import (
	"bufio"
	"encoding/binary"
	"io"
	"strings"
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtio"
)

// The hot paths of the channels, each beside its bufio equivalent. The
// backends are in memory and answer at once, so what is measured is the
// channel itself: the buffered path, and the refill or flush once per
// buffer.

const benchLine = "a line of text of some ordinary length, as in a log\n"

// endless fills buffers with repeated lines, forever.
type endless struct{ off int }

var benchText = strings.Repeat(benchLine, 2*lwtio.DefaultBufferSize/len(benchLine)+2)

func (e *endless) Read(p []byte) (int, error) {
	n := copy(p, benchText[e.off:])
	e.off = (e.off + n) % len(benchLine)
	return n, nil
}

func endlessInput() *lwtio.InputChannel {
	e := &endless{}
	return lwtio.MakeInput(func(b []byte) lwt.Promise[int] {
		n, _ := e.Read(b)
		return lwt.Return(n)
	}, lwtio.Options{})
}

func discardOutput() *lwtio.OutputChannel {
	return lwtio.MakeOutput(func(b []byte) lwt.Promise[int] { return lwt.Return(len(b)) }, lwtio.Options{})
}

func must[T any](b *testing.B, p lwt.Promise[T]) T {
	v, err := p.Result()
	if err != nil {
		b.Fatal(err)
	}
	return v
}

func BenchmarkReadChar(b *testing.B) {
	ic := endlessInput()
	var s byte
	for b.Loop() {
		s += must(b, ic.ReadChar())
	}
	sink = int(s)
}

func BenchmarkReadCharBufio(b *testing.B) {
	r := bufio.NewReaderSize(&endless{}, lwtio.DefaultBufferSize)
	var s byte
	for b.Loop() {
		c, err := r.ReadByte()
		if err != nil {
			b.Fatal(err)
		}
		s += c
	}
	sink = int(s)
}

func BenchmarkWriteChar(b *testing.B) {
	oc := discardOutput()
	for b.Loop() {
		must(b, oc.WriteChar('x'))
	}
}

func BenchmarkWriteCharBufio(b *testing.B) {
	w := bufio.NewWriterSize(io.Discard, lwtio.DefaultBufferSize)
	for b.Loop() {
		if err := w.WriteByte('x'); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadLine(b *testing.B) {
	ic := endlessInput()
	b.SetBytes(int64(len(benchLine)))
	for b.Loop() {
		sink = len(must(b, ic.ReadLine()))
	}
}

// bufio's equivalent of ReadLine, which returns a new string: ReadString.
func BenchmarkReadLineBufio(b *testing.B) {
	r := bufio.NewReaderSize(&endless{}, lwtio.DefaultBufferSize)
	b.SetBytes(int64(len(benchLine)))
	for b.Loop() {
		s, err := r.ReadString('\n')
		if err != nil {
			b.Fatal(err)
		}
		sink = len(s)
	}
}

func BenchmarkWriteLine(b *testing.B) {
	oc := discardOutput()
	line := benchLine[:len(benchLine)-1]
	b.SetBytes(int64(len(benchLine)))
	for b.Loop() {
		must(b, oc.WriteLine(line))
	}
}

func BenchmarkWriteLineBufio(b *testing.B) {
	w := bufio.NewWriterSize(io.Discard, lwtio.DefaultBufferSize)
	line := benchLine[:len(benchLine)-1]
	b.SetBytes(int64(len(benchLine)))
	for b.Loop() {
		w.WriteString(line)
		if err := w.WriteByte('\n'); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadUint32BE(b *testing.B) {
	ic := lwtio.Zero
	var s uint32
	for b.Loop() {
		s += must(b, lwtio.BE.ReadUint32(ic))
	}
	sink = int(s)
}

func BenchmarkReadUint32BEBufio(b *testing.B) {
	r := bufio.NewReaderSize(&endless{}, lwtio.DefaultBufferSize)
	var buf [4]byte
	var s uint32
	for b.Loop() {
		if _, err := io.ReadFull(r, buf[:]); err != nil {
			b.Fatal(err)
		}
		s += binary.BigEndian.Uint32(buf[:])
	}
	sink = int(s)
}

func BenchmarkWriteUint64LE(b *testing.B) {
	oc := discardOutput()
	for i := 0; b.Loop(); i++ {
		must(b, lwtio.LE.WriteUint64(oc, uint64(i)))
	}
}

func BenchmarkWriteUint64LEBufio(b *testing.B) {
	w := bufio.NewWriterSize(io.Discard, lwtio.DefaultBufferSize)
	var buf [8]byte
	for i := 0; b.Loop(); i++ {
		binary.LittleEndian.PutUint64(buf[:], uint64(i))
		if _, err := w.Write(buf[:]); err != nil {
			b.Fatal(err)
		}
	}
}

// Writer: the io.Writer adapter, against a bufio.Writer.
func BenchmarkWriter(b *testing.B) {
	w := discardOutput().Writer()
	p := []byte(benchLine)
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		if _, err := w.Write(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriterBufio(b *testing.B) {
	w := bufio.NewWriterSize(io.Discard, lwtio.DefaultBufferSize)
	p := []byte(benchLine)
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		if _, err := w.Write(p); err != nil {
			b.Fatal(err)
		}
	}
}

var sink int

// BenchmarkRequestCycle is the channel work of one request of a keep-alive
// server: a three-line request that arrives while the buffer is empty (so
// the first read waits for the backend), then a response written and
// flushed. The backend is in memory: no system call is measured.
func BenchmarkRequestCycle(b *testing.B) {
	const req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
	var (
		dst  []byte
		wake lwt.Resolver[int]
	)
	ic := lwtio.MakeInput(func(buf []byte) lwt.Promise[int] {
		p, r := lwt.Task[int]()
		dst, wake = buf, r
		return p
	}, lwtio.Options{})
	oc := discardOutput()
	b.ReportAllocs()
	for b.Loop() {
		p := ic.ReadLineMax(8192)
		lwt.Wakeup(wake, copy(dst, req))
		if must(b, p) != "GET / HTTP/1.1" {
			b.Fatal("bad line")
		}
		for must(b, ic.ReadLineMax(8192)) != "" {
		}
		oc.Write("HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nHello, world!")
		must(b, oc.Flush())
	}
}
