package lwtio_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"log"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtio"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtstream"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// slowOutput is an output channel whose backend writes one byte per round
// of the loop, so that every flush waits.
func slowOutput(bufSize int) (*lwtio.OutputChannel, *bytes.Buffer) {
	var out bytes.Buffer
	return lwtio.MakeOutput(func(b []byte) lwt.Promise[int] {
		return lwt.Map(lwt.Pause(), func(lwt.Unit) int {
			out.WriteByte(b[0])
			return 1
		})
	}, lwtio.Options{BufferSize: bufSize}), &out
}

func run[T any](t *testing.T, p lwt.Promise[T]) T {
	t.Helper()
	v, err := lwtmain.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func seq(ps ...func() lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit] {
	if len(ps) == 0 {
		return lwt.ReturnUnit()
	}
	return lwt.Bind(ps[0](), func(lwt.Unit) lwt.Promise[lwt.Unit] { return seq(ps[1:]...) })
}

// Writes inside Atomic are not interleaved with writes started meanwhile,
// even though each of them waits for the backend.
func TestAtomicOutput(t *testing.T) {
	oc, out := slowOutput(lwtio.MinBufferSize)
	var tmp *lwtio.OutputChannel
	part := func(oc *lwtio.OutputChannel, s string) func() lwt.Promise[lwt.Unit] {
		return func() lwt.Promise[lwt.Unit] {
			return lwt.Bind(oc.Write(s), func(lwt.Unit) lwt.Promise[lwt.Unit] { return oc.Flush() })
		}
	}
	a := lwtio.Atomic(oc, func(oc *lwtio.OutputChannel) lwt.Promise[lwt.Unit] {
		tmp = oc
		return seq(part(oc, "<a1"), part(oc, "a2"), part(oc, "a3>"))
	})
	b := oc.Write("[b]")
	c := lwtio.Atomic(oc, func(oc *lwtio.OutputChannel) lwt.Promise[int] {
		return lwt.Map(seq(part(oc, "<c1"), part(oc, "c2>")), func(lwt.Unit) int { return 42 })
	})
	if !oc.IsBusy() {
		t.Fatal("not busy during Atomic")
	}
	if n := run(t, lwt.Bind(lwt.Join(a, b), func(lwt.Unit) lwt.Promise[int] { return c })); n != 42 {
		t.Fatalf("result %d", n)
	}
	run(t, oc.Flush())
	if got := out.String(); got != "<a1a2a3>[b]<c1c2>" {
		t.Fatalf("got %q", got)
	}
	if oc.Position() != int64(out.Len()) {
		t.Fatalf("position %d, want %d", oc.Position(), out.Len())
	}
	if _, err := lwtmain.Run(tmp.Write("late")); err != lwtio.ErrInvalidChannel {
		t.Fatalf("temporary channel after Atomic: %v", err)
	}
	if _, err := lwtmain.Run(tmp.Abort()); err != lwtio.ErrInvalidChannel {
		t.Fatalf("abort of temporary channel after Atomic: %v", err)
	}
	if tmp.IsClosed() != true || oc.IsClosed() {
		t.Fatal("IsClosed")
	}
}

// Operations the function starts but does not wait for still complete on
// the channel before it is released; Close on the temporary channel fails;
// a panic fails Atomic and releases the channel.
func TestAtomicEdges(t *testing.T) {
	oc, out := slowOutput(lwtio.MinBufferSize)
	a := lwtio.Atomic(oc, func(oc *lwtio.OutputChannel) lwt.Promise[lwt.Unit] {
		oc.Write(strings.Repeat("x", 20)) // waits for the backend, not awaited
		if _, err := oc.Close().Result(); err != lwtio.ErrAtomicClose {
			t.Errorf("Close of the temporary channel: %v", err)
		}
		return lwt.ReturnUnit()
	})
	b := oc.Write("y")
	run(t, lwt.Join(a, b))
	run(t, oc.Flush())
	if got := out.String(); got != strings.Repeat("x", 20)+"y" {
		t.Fatalf("got %q", got)
	}

	p := lwtio.Atomic(oc, func(oc *lwtio.OutputChannel) lwt.Promise[lwt.Unit] { panic("boom") })
	if _, err := lwtmain.Run(p); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("panic: %v", err)
	}
	run(t, oc.Write("z"))
	if oc.IsBusy() {
		t.Fatal("busy after a panic")
	}

	// Nesting.
	got := run(t, lwtio.Atomic(oc, func(o1 *lwtio.OutputChannel) lwt.Promise[int64] {
		return lwtio.Atomic(o1, func(o2 *lwtio.OutputChannel) lwt.Promise[int64] {
			return lwt.Map(o2.Write("n"), func(lwt.Unit) int64 { return oc.Position() })
		})
	}))
	if want := int64(out.Len() + oc.Buffered()); got != want || oc.Position() != want {
		t.Fatalf("nested: position %d inside, %d after, want %d", got, oc.Position(), want)
	}
}

// Aborting the channel while Atomic runs aborts what the temporary channel
// waits for, and the channel stays closed.
func TestAtomicAbort(t *testing.T) {
	ic, oc, _ := lwtio.Pipe()
	defer oc.Close()
	var r lwt.Promise[byte]
	a := lwtio.Atomic(ic, func(ic *lwtio.InputChannel) lwt.Promise[byte] {
		r = ic.ReadChar()
		return r
	})
	q := ic.ReadChar()
	if !ic.IsBusy() || ic.IsClosed() {
		t.Fatal("state before abort")
	}
	ic.Abort()
	if _, err := lwtmain.Run(a); err != lwtio.ErrClosed {
		t.Fatalf("atomic: %v", err)
	}
	if _, err := lwtmain.Run(q); err != lwtio.ErrClosed {
		t.Fatalf("queued: %v", err)
	}
	if !ic.IsClosed() {
		t.Fatal("not closed")
	}
}

// Input: each Atomic reads a whole record while the data trickles in.
func TestAtomicInput(t *testing.T) {
	ic, oc, _ := lwtio.Pipe()
	defer ic.Close()
	defer oc.Close()
	record := func(ic *lwtio.InputChannel) lwt.Promise[string] {
		return lwt.Bind(ic.ReadChar(), func(a byte) lwt.Promise[string] {
			return lwt.Map(ic.ReadLine(), func(rest string) string { return string(a) + rest })
		})
	}
	a := lwtio.Atomic(ic, record)
	b := ic.ReadLine()
	c := lwtio.Atomic(ic, record)
	w := seq(
		func() lwt.Promise[lwt.Unit] { return oc.Write("1") },
		oc.Flush,
		func() lwt.Promise[lwt.Unit] { return oc.Write("one\ntwo\n3") },
		oc.Flush,
		func() lwt.Promise[lwt.Unit] { return oc.Write("three\n") },
	)
	res := run(t, lwt.All(a, b, c, lwt.Map(w, func(lwt.Unit) string { return "" })))
	if res[0] != "1one" || res[1] != "two" || res[2] != "3three" {
		t.Fatalf("got %q", res)
	}
}

func TestPositionBytes(t *testing.T) {
	data := []byte("0123456789abcdefghijklmnopqrstuvwxyz")
	ic := lwtio.OfBytes(data, lwtio.Options{BufferSize: lwtio.MinBufferSize})
	if ic.Position() != 0 {
		t.Fatal("start")
	}
	if s := run(t, ic.Read(5)); s != "01234" || ic.Position() != 5 {
		t.Fatalf("read %q, position %d", s, ic.Position())
	}
	if ic.Buffered() != lwtio.MinBufferSize-5 {
		t.Fatalf("buffered %d", ic.Buffered())
	}
	// Back and forth within the buffer.
	for _, pos := range []int64{2, 0, 15, 16, 3} {
		run(t, ic.SetPosition(pos))
		if c := run(t, ic.ReadChar()); c != data[pos] || ic.Position() != pos+1 {
			t.Fatalf("at %d: read %c, position %d", pos, c, ic.Position())
		}
	}
	// Out of the buffer.
	for _, pos := range []int64{30, 1, 35} {
		run(t, ic.SetPosition(pos))
		if c := run(t, ic.ReadChar()); c != data[pos] || ic.Position() != pos+1 {
			t.Fatalf("at %d: read %c, position %d", pos, c, ic.Position())
		}
	}
	if n := run(t, ic.Length()); n != int64(len(data)) {
		t.Fatalf("length %d", n)
	}
	if _, err := lwtmain.Run(ic.ReadChar()); err != lwtio.ErrEOF {
		t.Fatalf("after length: %v", err)
	}
	if _, err := lwtmain.Run(ic.SetPosition(-1)); err == nil {
		t.Fatal("negative position")
	}
	// A large ReadInto bypasses the buffer: seeking back must not use stale
	// buffered bytes.
	run(t, ic.SetPosition(0))
	run(t, ic.ReadChar())
	run(t, ic.Read(lwtio.MinBufferSize)) // empties the buffer
	big := make([]byte, 2*lwtio.MinBufferSize)
	n := run(t, ic.ReadInto(big))
	if ic.Position() != int64(1+lwtio.MinBufferSize-1+n) {
		t.Fatalf("position %d after direct read of %d", ic.Position(), n)
	}
	run(t, ic.SetPosition(ic.Position()-1))
	if c := run(t, ic.ReadChar()); c != big[n-1] {
		t.Fatalf("after direct read, read %c want %c", c, big[n-1])
	}
}

func TestPositionFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	oc := run(t, lwtio.OpenOutputFile(path, lwtio.FileOptions{BufferSize: lwtio.MinBufferSize}))
	run(t, oc.Write("hello, world, and more than a buffer"))
	if oc.Position() != 36 {
		t.Fatalf("position %d", oc.Position())
	}
	run(t, oc.SetPosition(7))
	run(t, oc.Write("WORLD"))
	if oc.Position() != 12 {
		t.Fatalf("position after seek %d", oc.Position())
	}
	if n := run(t, oc.Length()); n != 36 {
		t.Fatalf("length %d", n)
	}
	run(t, oc.Close())
	if b, _ := os.ReadFile(path); string(b) != "hello, WORLD, and more than a buffer" {
		t.Fatalf("file %q", b)
	}
	if n := run(t, lwtio.FileLength(path)); n != 36 {
		t.Fatalf("FileLength %d", n)
	}

	ic := run(t, lwtio.OpenInputFile(path, lwtio.FileOptions{}))
	defer ic.Close()
	run(t, ic.SetPosition(30))
	if s := run(t, ic.ReadAll()); s != "buffer" {
		t.Fatalf("read %q", s)
	}
	if n := run(t, ic.Length()); n != 36 || ic.Position() != 36 {
		t.Fatalf("length %d position %d", n, ic.Position())
	}

	// A channel over a descriptor that was read already starts at its offset.
	fd := run(t, lwtunix.OpenFile(path, unix.O_RDONLY, 0))
	unix.Seek(fd, 13, io.SeekStart)
	ic2 := lwtio.NewInput(lwtunix.OfFDWithMode(fd, true), lwtio.Options{})
	defer ic2.Close()
	if ic2.Position() != 13 {
		t.Fatalf("position of a descriptor at 13: %d", ic2.Position())
	}
	if s := run(t, ic2.Read(4)); s != " and" || ic2.Position() != 17 {
		t.Fatalf("read %q at %d", s, ic2.Position())
	}
}

func TestNotSeekable(t *testing.T) {
	ic, oc, _ := lwtio.Pipe()
	defer ic.Close()
	defer oc.Close()
	run(t, oc.Write("abc"))
	run(t, oc.Flush())
	if oc.Position() != 3 {
		t.Fatalf("pipe output position %d", oc.Position())
	}
	run(t, ic.ReadChar())
	if ic.Position() != 1 {
		t.Fatalf("pipe input position %d", ic.Position())
	}
	for _, err := range []error{
		waitErr(ic.SetPosition(5)), waitErr(oc.SetPosition(0)), waitErr(ic.Length()), waitErr(oc.Length()),
	} {
		if !errors.Is(err, lwtio.ErrNotSeekable) || !errors.Is(err, unix.ESPIPE) {
			t.Fatalf("pipe: %v", err)
		}
	}
	if s := run(t, ic.Read(10)); s != "bc" {
		t.Fatalf("after failed seek: %q", s)
	}
	custom := chunked("abc", 10, 0)
	if err := waitErr(custom.SetPosition(0)); err != lwtio.ErrNotSeekable {
		t.Fatalf("custom: %v", err)
	}
	if err := waitErr(custom.Length()); err != lwtio.ErrNotSeekable {
		t.Fatalf("custom: %v", err)
	}
}

func waitErr[T any](p lwt.Promise[T]) error {
	_, err := lwtmain.Run(p)
	return err
}

// A custom backend with Options.Seek.
func TestCustomSeek(t *testing.T) {
	var file []byte
	var off int64
	oc := lwtio.MakeOutput(func(b []byte) lwt.Promise[int] {
		if need := int(off) + len(b); need > len(file) {
			file = append(file, make([]byte, need-len(file))...)
		}
		copy(file[off:], b)
		off += int64(len(b))
		return lwt.Return(len(b))
	}, lwtio.Options{Seek: func(o int64, whence int) lwt.Promise[int64] {
		switch whence {
		case io.SeekEnd:
			o += int64(len(file))
		case io.SeekCurrent:
			o += off
		}
		off = o
		return lwt.Return(o)
	}})
	run(t, oc.Write("abcdef"))
	run(t, oc.SetPosition(2))
	run(t, oc.Write("XY"))
	if n := run(t, oc.Length()); n != 6 || string(file) != "abXYef" || oc.Position() != 4 {
		t.Fatalf("length %d file %q position %d", n, file, oc.Position())
	}
}

func TestStreams(t *testing.T) {
	ic := chunked("one\ntwo\r\nthree", 3, lwtio.MinBufferSize)
	if got := run(t, ic.ReadLines().ToSlice()); strings.Join(got, ",") != "one,two,three" {
		t.Fatalf("lines %q", got)
	}
	ic = chunked("abc", 1, 0)
	if got := run(t, lwtstream.ToString(ic.ReadChars())); got != "abc" {
		t.Fatalf("chars %q", got)
	}
	oc, out := capture(lwtio.MinBufferSize)
	run(t, oc.WriteLines(lwtstream.OfSlice([]string{"a", "", "bc"})))
	run(t, oc.WriteChars(lwtstream.OfString("xyz")))
	run(t, oc.Flush())
	if out.String() != "a\n\nbc\nxyz" {
		t.Fatalf("got %q", out)
	}
	out.Reset()
	run(t, oc.Hexdump("hello\n"))
	run(t, oc.Flush())
	if want := "00000000|  68 65 6c 6c 6f 0a                                 |hello.|\n"; out.String() != want {
		t.Fatalf("hexdump %q", out)
	}
	// A failure of the stream's source is the failure of the write.
	boom := errors.New("boom")
	src := lwtstream.From(func() lwt.Promise[lwtstream.Option[string]] { return lwt.Fail[lwtstream.Option[string]](boom) })
	if err := waitErr(oc.WriteLines(src)); err != boom {
		t.Fatalf("failing stream: %v", err)
	}
}

func TestBinary(t *testing.T) {
	for _, o := range []lwtio.ByteOrder{lwtio.LE, lwtio.BE, lwtio.NE} {
		oc, out := capture(lwtio.MinBufferSize)
		ps := []lwt.Promise[lwt.Unit]{
			oc.WriteChar('>'),
			o.WriteInt16(oc, -2),
			o.WriteInt32(oc, -3),
			o.WriteInt64(oc, -4),
			o.WriteUint16(oc, 0xfffe),
			o.WriteUint32(oc, 0xdeadbeef),
			o.WriteUint64(oc, 0x0102030405060708),
			o.WriteFloat32(oc, 1.5),
			o.WriteFloat64(oc, math.Pi),
		}
		run(t, lwt.Join(ps...))
		run(t, oc.Flush())
		bo := o.Order().(binary.AppendByteOrder)
		var want []byte
		want = append(want, '>')
		want = bo.AppendUint16(want, uint16(0xfffe))
		want = bo.AppendUint32(want, uint32(0xfffffffd))
		want = bo.AppendUint64(want, uint64(0xfffffffffffffffc))
		want = bo.AppendUint16(want, 0xfffe)
		want = bo.AppendUint32(want, 0xdeadbeef)
		want = bo.AppendUint64(want, 0x0102030405060708)
		want = bo.AppendUint32(want, math.Float32bits(1.5))
		want = bo.AppendUint64(want, math.Float64bits(math.Pi))
		if !bytes.Equal(out.Bytes(), want) {
			t.Fatalf("%v: wrote % x, want % x", o, out.Bytes(), want)
		}
		for _, chunk := range []int{1, 3, 100} {
			ic := chunked(out.String(), chunk, lwtio.MinBufferSize)
			run(t, ic.ReadChar())
			i16, i32, i64 := run(t, o.ReadInt16(ic)), run(t, o.ReadInt32(ic)), run(t, o.ReadInt64(ic))
			u16, u32, u64 := run(t, o.ReadUint16(ic)), run(t, o.ReadUint32(ic)), run(t, o.ReadUint64(ic))
			f32, f64 := run(t, o.ReadFloat32(ic)), run(t, o.ReadFloat64(ic))
			if i16 != -2 || i32 != -3 || i64 != -4 || u16 != 0xfffe || u32 != 0xdeadbeef || u64 != 0x0102030405060708 || f32 != 1.5 || f64 != math.Pi {
				t.Fatalf("%v chunk %d: read %v %v %v %v %v %v %v %v", o, chunk, i16, i32, i64, u16, u32, u64, f32, f64)
			}
			if ic.Position() != int64(len(want)) {
				t.Fatalf("position %d", ic.Position())
			}
		}
	}
	if (lwtio.NE == lwtio.BE) != (binary.NativeEndian.Uint16([]byte{1, 0}) == 256) {
		t.Fatal("NE is not the native order")
	}
	// The input ends within a number: ErrEOF, and the bytes stay unread.
	ic := chunked("abc", 1, lwtio.MinBufferSize)
	if err := waitErr(lwtio.BE.ReadInt32(ic)); err != lwtio.ErrEOF {
		t.Fatalf("short: %v", err)
	}
	if s := run(t, ic.ReadAll()); s != "abc" {
		t.Fatalf("after short read: %q", s)
	}
}

func TestZeroNull(t *testing.T) {
	b := []byte("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")
	run(t, lwtio.Zero.ReadIntoExactly(b))
	if !bytes.Equal(b, make([]byte, len(b))) {
		t.Fatalf("zero: %q", b)
	}
	if n := run(t, lwtio.BE.ReadInt64(lwtio.Zero)); n != 0 {
		t.Fatal(n)
	}
	pos := lwtio.Null.Position()
	run(t, lwtio.Null.Write(strings.Repeat("z", 10000)))
	run(t, lwtio.Null.Flush())
	if lwtio.Null.Position() != pos+10000 {
		t.Fatalf("null position %d", lwtio.Null.Position())
	}
}

func TestFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lines")
	run(t, lwtio.LinesToFile(path, lwtstream.OfSlice([]string{"a", "bb", "ccc"})))
	if got := run(t, lwtio.LinesOfFile(path).ToSlice()); strings.Join(got, ",") != "a,bb,ccc" {
		t.Fatalf("lines %q", got)
	}
	if got := run(t, lwtstream.ToString(lwtio.CharsOfFile(path))); got != "a\nbb\nccc\n" {
		t.Fatalf("chars %q", got)
	}
	run(t, lwtio.CharsToFile(path, lwtstream.OfString("xy")))
	if n := run(t, lwtio.FileLength(path)); n != 2 {
		t.Fatalf("length %d", n)
	}
	if err := waitErr(lwtio.FileLength(dir)); !errors.Is(err, unix.EISDIR) {
		t.Fatalf("FileLength of a directory: %v", err)
	}
	if err := waitErr(lwtio.OpenInputFile(filepath.Join(dir, "none"), lwtio.FileOptions{})); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	if err := waitErr(lwtio.LinesOfFile(filepath.Join(dir, "none")).Next()); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("lines of a missing file: %v", err)
	}
	if err := waitErr(lwtio.OpenInputFile(path, lwtio.FileOptions{BufferSize: 1})); !errors.Is(err, lwtio.ErrBufferSize) {
		t.Fatalf("bad buffer size: %v", err)
	}

	// Append, with flags.
	run(t, lwtio.WithOutputFile(path, lwtio.FileOptions{Flags: unix.O_WRONLY | unix.O_APPEND}, func(oc *lwtio.OutputChannel) lwt.Promise[lwt.Unit] {
		return oc.Write("z")
	}))
	// WithInputFile closes on success, failure and panic.
	var ics []*lwtio.InputChannel
	s := run(t, lwtio.WithInputFile(path, lwtio.FileOptions{}, func(ic *lwtio.InputChannel) lwt.Promise[string] {
		ics = append(ics, ic)
		return ic.ReadAll()
	}))
	if s != "xyz" {
		t.Fatalf("read %q", s)
	}
	boom := errors.New("boom")
	if err := waitErr(lwtio.WithInputFile(path, lwtio.FileOptions{}, func(ic *lwtio.InputChannel) lwt.Promise[int] {
		ics = append(ics, ic)
		return lwt.Fail[int](boom)
	})); err != boom {
		t.Fatalf("failure: %v", err)
	}
	if err := waitErr(lwtio.WithInputFile(path, lwtio.FileOptions{}, func(ic *lwtio.InputChannel) lwt.Promise[int] {
		ics = append(ics, ic)
		panic("boom")
	})); err == nil {
		t.Fatal("panic: no error")
	}
	for i, ic := range ics {
		if !ic.IsClosed() {
			t.Fatalf("channel %d not closed", i)
		}
	}
	// Output: the buffer is flushed when f fails too.
	if err := waitErr(lwtio.WithOutputFile(path, lwtio.FileOptions{}, func(oc *lwtio.OutputChannel) lwt.Promise[lwt.Unit] {
		oc.Write("partial")
		return lwt.Fail[lwt.Unit](boom)
	})); err != boom {
		t.Fatalf("output failure: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "partial" {
		t.Fatalf("file %q", b)
	}
}

func TestTemp(t *testing.T) {
	parent := t.TempDir()
	var file, dir string
	n := run(t, lwtio.WithTempDir(parent, "d-*.tmp", func(d string) lwt.Promise[int] {
		dir = d
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
			t.Errorf("temp dir: %v %v", fi, err)
		}
		if !strings.HasPrefix(filepath.Base(d), "d-") || !strings.HasSuffix(d, ".tmp") {
			t.Errorf("name %q", d)
		}
		return lwtio.WithTempFile(d, "", lwtio.FileOptions{}, func(path string, oc *lwtio.OutputChannel) lwt.Promise[int] {
			file = path
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 || !strings.HasPrefix(filepath.Base(path), "lwtio-") {
				t.Errorf("temp file: %v %v", fi, err)
			}
			os.WriteFile(filepath.Join(d, "other"), []byte("x"), 0o600)
			os.Mkdir(filepath.Join(d, "sub"), 0o700)
			os.WriteFile(filepath.Join(d, "sub", "f"), []byte("x"), 0o600)
			return lwt.Map(oc.Write("data"), func(lwt.Unit) int { return 7 })
		})
	}))
	if n != 7 {
		t.Fatal(n)
	}
	if _, err := os.Stat(file); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("temp file left: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("temp dir left: %v", err)
	}

	tf := run(t, lwtio.CreateTempFile(parent, "x*y", lwtio.FileOptions{}))
	run(t, tf.Out.Write("kept"))
	run(t, tf.Out.Close())
	if b, err := os.ReadFile(tf.Path); string(b) != "kept" || err != nil {
		t.Fatalf("temp file %q %v", b, err)
	}
	d := run(t, lwtio.CreateTempDir(parent, "", 0o750))
	if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o750 {
		t.Fatalf("temp dir %v %v", fi, err)
	}
	run(t, lwtio.DeleteRecursively(d))
	if _, err := os.Stat(d); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("not deleted")
	}
	if err := waitErr(lwtio.CreateTempFile(parent, "a/b*", lwtio.FileOptions{})); !errors.Is(err, lwtio.ErrPatternHasSeparator) {
		t.Fatalf("separator: %v", err)
	}
}

func TestWriter(t *testing.T) {
	oc, out := slowOutput(lwtio.MinBufferSize)
	w := oc.Writer()
	logger := log.New(w, "log: ", 0)
	logger.Print("first")
	if oc.Buffered() != len("log: first\n") || out.Len() != 0 {
		t.Fatalf("buffered %d, written %q", oc.Buffered(), out)
	}
	// Longer than the buffer, and while the channel is busy.
	logger.Print("a message longer than the buffer")
	w.WriteString("tail\n")
	run(t, oc.Flush())
	if want := "log: first\nlog: a message longer than the buffer\ntail\n"; out.String() != want {
		t.Fatalf("got %q", out)
	}
	// Errors come back at the next Write.
	boom := errors.New("boom")
	fails := lwtio.MakeOutput(func(b []byte) lwt.Promise[int] {
		return lwt.Bind(lwt.Pause(), func(lwt.Unit) lwt.Promise[int] { return lwt.Fail[int](boom) })
	}, lwtio.Options{BufferSize: lwtio.MinBufferSize})
	fw := fails.Writer()
	if n, err := fw.Write(make([]byte, 40)); n != 40 || err != nil {
		t.Fatalf("first write: %d %v", n, err)
	}
	lwtmain.Run(lwt.Pause())
	lwtmain.Run(lwt.Pause())
	if _, err := fw.Write([]byte("x")); err != boom || fw.Err() != boom {
		t.Fatalf("after failure: %v", err)
	}
	oc.Close()
	run(t, oc.Close())
	if _, err := oc.Writer().Write([]byte("x")); err != lwtio.ErrClosed {
		t.Fatalf("closed: %v", err)
	}
}

type slowReader struct {
	data  string
	calls int
}

func (r *slowReader) Read(p []byte) (int, error) {
	r.calls++
	if r.calls%2 == 0 {
		return 0, nil // no progress, once in a while
	}
	if r.data == "" {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), 3)], r.data)
	r.data = r.data[n:]
	if r.data == "" {
		return n, io.EOF
	}
	return n, nil
}

func TestOfReaderWriter(t *testing.T) {
	ic := lwtio.OfReader(&slowReader{data: "line one\nline two"}, lwtio.Options{})
	if got := run(t, ic.ReadLines().ToSlice()); strings.Join(got, ",") != "line one,line two" {
		t.Fatalf("got %q", got)
	}
	boom := errors.New("boom")
	ic = lwtio.OfReader(io.MultiReader(strings.NewReader("ab"), iotestErr{boom}), lwtio.Options{})
	if s := run(t, ic.Read(10)); s != "ab" {
		t.Fatalf("got %q", s)
	}
	if err := waitErr(ic.Read(10)); err != boom {
		t.Fatalf("error: %v", err)
	}

	var buf bytes.Buffer
	oc := lwtio.OfWriter(&buf, lwtio.Options{BufferSize: lwtio.MinBufferSize})
	run(t, oc.Write(strings.Repeat("0123456789", 10)))
	run(t, oc.Close())
	if buf.String() != strings.Repeat("0123456789", 10) {
		t.Fatalf("got %q", buf.String())
	}
	oc = lwtio.OfWriter(errWriter{boom}, lwtio.Options{})
	run(t, oc.Write("x"))
	if err := waitErr(oc.Flush()); err != boom {
		t.Fatalf("write error: %v", err)
	}
}

type iotestErr struct{ err error }

func (r iotestErr) Read([]byte) (int, error) { return 0, r.err }

type errWriter struct{ err error }

func (w errWriter) Write([]byte) (int, error) { return 0, w.err }

// What a temporary channel leaves in the buffer is flushed by the loop like
// the rest.
func TestAtomicAutoFlush(t *testing.T) {
	ic, oc, _ := lwtio.Pipe()
	defer ic.Close()
	defer oc.Close()
	lwtio.Atomic(oc, func(oc *lwtio.OutputChannel) lwt.Promise[lwt.Unit] { return oc.Write("x") })
	if c := run(t, ic.ReadChar()); c != 'x' {
		t.Fatalf("got %q", c)
	}
	lwtio.Atomic(oc, func(oc *lwtio.OutputChannel) lwt.Promise[lwt.Unit] {
		return lwt.Bind(lwt.Pause(), func(lwt.Unit) lwt.Promise[lwt.Unit] { return oc.Write("y") })
	})
	if c := run(t, ic.ReadChar()); c != 'y' {
		t.Fatalf("got %q", c)
	}
}
