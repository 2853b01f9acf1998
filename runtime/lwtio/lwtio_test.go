package lwtio_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtio"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

// chunked is an input channel reading s in pieces of at most chunk bytes.
func chunked(s string, chunk, bufSize int) *lwtio.InputChannel {
	return lwtio.MakeInput(func(b []byte) lwt.Promise[int] {
		n := copy(b[:min(len(b), chunk)], s)
		s = s[n:]
		return lwt.Return(n)
	}, lwtio.Options{BufferSize: bufSize})
}

func capture(bufSize int) (*lwtio.OutputChannel, *bytes.Buffer) {
	var out bytes.Buffer
	return lwtio.MakeOutput(func(b []byte) lwt.Promise[int] {
		out.Write(b)
		return lwt.Return(len(b))
	}, lwtio.Options{BufferSize: bufSize}), &out
}

func readLines(t *testing.T, ic *lwtio.InputChannel) []string {
	t.Helper()
	var lines []string
	for {
		o, err := lwtmain.Run(ic.ReadLineOpt())
		if err != nil {
			t.Fatal(err)
		}
		if !o.OK {
			return lines
		}
		lines = append(lines, o.Value)
	}
}

// As in Lwt_io: read_line accepts "\n" and "\r\n" and fails with End_of_file
// only when nothing was read.
func TestReadLine(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"\n", []string{""}},
		{"a", []string{"a"}},
		{"a\n", []string{"a"}},
		{"a\r\nb\nc", []string{"a", "b", "c"}},
		{"a\r\n\r\n", []string{"a", ""}},
		{"a\rb\n", []string{"a\rb"}},
		{"a\r\r\n", []string{"a\r"}},
		{"a\r", []string{"a\r"}},
		{"\r\n", []string{""}},
		{string(bytes.Repeat([]byte("x"), 100)) + "\r\ny", []string{string(bytes.Repeat([]byte("x"), 100)), "y"}},
	}
	for _, tc := range cases {
		for _, chunk := range []int{1, 2, 3, 1000} {
			got := readLines(t, chunked(tc.in, chunk, lwtio.MinBufferSize))
			if len(got) != len(tc.want) {
				t.Fatalf("%q chunk %d: got %q, want %q", tc.in, chunk, got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("%q chunk %d: got %q, want %q", tc.in, chunk, got, tc.want)
				}
			}
		}
	}
}

func TestReadLineEOF(t *testing.T) {
	ic := chunked("last", 10, 0)
	if s, err := lwtmain.Run(ic.ReadLine()); s != "last" || err != nil {
		t.Fatalf("got %q, %v", s, err)
	}
	_, err := lwtmain.Run(ic.ReadLine())
	if err != lwtio.ErrEOF || !errors.Is(err, io.EOF) {
		t.Fatalf("got %v, want ErrEOF, also io.EOF", err)
	}
}

func TestReadChar(t *testing.T) {
	ic := chunked("ab", 1, 0)
	for _, want := range []byte("ab") {
		if c, err := lwtmain.Run(ic.ReadChar()); c != want || err != nil {
			t.Fatalf("got %q, %v", c, err)
		}
	}
	if _, err := lwtmain.Run(ic.ReadChar()); !errors.Is(err, io.EOF) {
		t.Fatalf("got %v, want EOF", err)
	}
	if o, err := lwtmain.Run(ic.ReadCharOpt()); o.OK || err != nil {
		t.Fatalf("got %v, %v", o, err)
	}
}

func TestRead(t *testing.T) {
	ic := chunked("hello world", 4, 0)
	want := []string{"hel", "l", "o w", "o", "rld", "", ""}
	for _, w := range want {
		if s, err := lwtmain.Run(ic.Read(3)); s != w || err != nil {
			t.Fatalf("got %q, %v; want %q", s, err, w)
		}
	}
	if s, _ := lwtmain.Run(chunked("abc\ndef", 2, 0).ReadAll()); s != "abc\ndef" {
		t.Fatalf("ReadAll: %q", s)
	}
}

func TestReadInto(t *testing.T) {
	ic := chunked("0123456789", 4, 0)
	b := make([]byte, 3)
	if n, err := lwtmain.Run(ic.ReadInto(b)); n != 3 || err != nil || string(b) != "012" {
		t.Fatalf("got %d %v %q", n, err, b)
	}
	b = make([]byte, 6)
	if _, err := lwtmain.Run(ic.ReadIntoExactly(b)); err != nil || string(b) != "345678" {
		t.Fatalf("got %v %q", err, b)
	}
	if _, err := lwtmain.Run(ic.ReadIntoExactly(make([]byte, 2))); err != lwtio.ErrEOF {
		t.Fatalf("got %v, want ErrEOF", err)
	}
	if n, err := lwtmain.Run(ic.ReadInto(b)); n != 0 || err != nil {
		t.Fatalf("at EOF: %d %v", n, err)
	}
}

func TestWrite(t *testing.T) {
	oc, out := capture(lwtio.MinBufferSize)
	oc.WriteChar('>')
	oc.Write(" hello, a string longer than the buffer")
	oc.WriteLine("")
	oc.Printlf("%d-%s", 42, "x")
	oc.Printf("%v", true)
	if n, _ := lwtmain.Run(oc.WriteFrom([]byte("abc"))); n < 1 || n > 3 {
		t.Fatalf("WriteFrom: %d", n)
	}
	oc.WriteFromExactly(bytes.Repeat([]byte("z"), 40))
	if _, err := lwtmain.Run(oc.Close()); err != nil {
		t.Fatal(err)
	}
	want := "> hello, a string longer than the buffer\n42-x\ntrue"
	got := out.String()
	if got[:len(want)] != want || len(got) != len(want)+3+40 {
		t.Fatalf("got %q", got)
	}
	if _, err := lwtmain.Run(oc.Write("late")); err != lwtio.ErrClosed {
		t.Fatalf("write after close: %v", err)
	}
}

// As in Lwt_io: output channels are flushed before the scheduler goes idle.
func TestAutoFlush(t *testing.T) {
	ic, oc, err := lwtio.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer ic.Close()
	defer oc.Close()
	oc.WriteLine("no flush needed")
	if s, err := lwtmain.Run(ic.ReadLine()); s != "no flush needed" || err != nil {
		t.Fatalf("got %q, %v", s, err)
	}
}

// A thread that keeps pausing keeps the loop from going idle: the channel is
// flushed after a round all the same.
func TestAutoFlushBusyLoop(t *testing.T) {
	ic, oc, _ := lwtio.Pipe()
	defer ic.Close()
	defer oc.Close()
	stop := false
	var spin func() lwt.Promise[lwt.Unit]
	spin = func() lwt.Promise[lwt.Unit] {
		if stop {
			return lwt.ReturnUnit()
		}
		return lwt.Bind(lwt.Pause(), func(lwt.Unit) lwt.Promise[lwt.Unit] { return spin() })
	}
	s := spin()
	oc.WriteChar('x')
	r := lwt.Map(ic.ReadChar(), func(c byte) byte { stop = true; return c })
	if c, err := lwtmain.Run(lwt.Both(r, s)); c.First != 'x' || err != nil {
		t.Fatalf("got %v, %v", c, err)
	}
}

func TestRoundTrip1MB(t *testing.T) {
	ic, oc, err := lwtio.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 1<<20)
	for i := range data {
		data[i] = byte(i*7 + i>>9)
	}
	w := lwt.Bind(oc.WriteFromExactly(data), func(lwt.Unit) lwt.Promise[lwt.Unit] { return oc.Close() })
	r := ic.ReadAll()
	res, err := lwtmain.Run(lwt.Both(r, w))
	if err != nil {
		t.Fatal(err)
	}
	if res.First != string(data) {
		t.Fatalf("read %d bytes, differ from the %d written", len(res.First), len(data))
	}
	ic.Close()

	// The same by lines and bytes through small operations.
	ic, oc, _ = lwtio.Pipe()
	const lines = 20000
	var wr func(i int) lwt.Promise[lwt.Unit]
	wr = func(i int) lwt.Promise[lwt.Unit] {
		if i == lines {
			return oc.Close()
		}
		return lwt.Bind(oc.Printlf("line %d\r", i), func(lwt.Unit) lwt.Promise[lwt.Unit] { return wr(i + 1) })
	}
	w = wr(0)
	count := 0
	var rd func() lwt.Promise[lwt.Unit]
	rd = func() lwt.Promise[lwt.Unit] {
		return lwt.Bind(ic.ReadLineOpt(), func(o lwtio.Opt[string]) lwt.Promise[lwt.Unit] {
			if !o.OK {
				return lwt.ReturnUnit()
			}
			if want := "line " + itoa(count); o.Value != want {
				return lwt.Fail[lwt.Unit](errors.New(o.Value + " != " + want))
			}
			count++
			return rd()
		})
	}
	if _, err := lwtmain.Run(lwt.Join(w, rd())); err != nil || count != lines {
		t.Fatalf("%d lines, %v", count, err)
	}
	ic.Close()
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// Operations on one channel run in the order they were started.
func TestSerialized(t *testing.T) {
	ic, oc, _ := lwtio.Pipe()
	defer ic.Close()
	defer oc.Close()
	a, b := ic.ReadLine(), ic.ReadChar()
	c := ic.ReadLine()
	oc.Write("first\nxsecond\n")
	res, err := lwtmain.Run(lwt.Both(lwt.Both(a, b), c))
	if err != nil || res.First.First != "first" || res.First.Second != 'x' || res.Second != "second" {
		t.Fatalf("got %+v, %v", res, err)
	}
}

func TestAbort(t *testing.T) {
	ic, oc, _ := lwtio.Pipe()
	defer oc.Close()
	r := ic.ReadChar()
	q := ic.ReadLine()
	ic.Abort()
	if _, err := r.Result(); err != lwtio.ErrClosed {
		t.Fatalf("pending read: %v", err)
	}
	if _, err := lwtmain.Run(q); err != lwtio.ErrClosed {
		t.Fatalf("queued read: %v", err)
	}
	if !ic.IsClosed() {
		t.Fatal("not closed")
	}
	if _, err := lwtmain.Run(ic.Close()); err != nil {
		t.Fatalf("second close: %v", err)
	}
}

func TestBufferSize(t *testing.T) {
	ic := chunked("abcdefghijklmnopqrstuvwxyz", 100, 0)
	if ic.BufferSize() != lwtio.DefaultBufferSize {
		t.Fatalf("default size %d", ic.BufferSize())
	}
	for _, n := range []int{0, lwtio.MinBufferSize - 1, lwtio.MaxBufferSize + 1} {
		if _, err := lwtmain.Run(ic.SetBufferSize(n)); !errors.Is(err, lwtio.ErrBufferSize) {
			t.Fatalf("size %d: %v", n, err)
		}
	}
	lwtmain.Run(ic.ReadChar())
	if _, err := lwtmain.Run(ic.SetBufferSize(lwtio.MinBufferSize)); !errors.Is(err, lwtio.ErrBufferSize) {
		t.Fatalf("shrink below unread data: %v", err)
	}
	lwtmain.Run(ic.Read(10))
	if _, err := lwtmain.Run(ic.SetBufferSize(lwtio.MinBufferSize)); err != nil || ic.BufferSize() != lwtio.MinBufferSize {
		t.Fatalf("resize: %v", err)
	}
	if s, _ := lwtmain.Run(ic.ReadAll()); s != "lmnopqrstuvwxyz" {
		t.Fatalf("after resize: %q", s)
	}

	oc, out := capture(0)
	oc.Write("kept")
	if _, err := lwtmain.Run(oc.SetBufferSize(32)); err != nil || oc.BufferSize() != 32 || out.String() != "kept" {
		t.Fatalf("output resize: %v %q", err, out)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for a bad size in Options")
		}
	}()
	lwtio.MakeOutput(nil, lwtio.Options{BufferSize: 3})
}
