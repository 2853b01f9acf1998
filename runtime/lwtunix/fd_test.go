package lwtunix_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/engine"
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// fdRun runs the loop until p is resolved and fails the test on an error.
func fdRun[T any](t testing.TB, p lwt.Promise[T]) T {
	t.Helper()
	v, err := lwtmain.Run(p)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return v
}

// writeAll writes all of buf to fd.
func writeAll(fd *lwtunix.FD, buf []byte) lwt.Promise[lwt.Unit] {
	if len(buf) == 0 {
		return lwt.ReturnUnit()
	}
	return lwt.Bind(fd.Write(buf), func(n int) lwt.Promise[lwt.Unit] {
		return writeAll(fd, buf[n:])
	})
}

// readN reads from fd until it has n bytes or meets the end of the file.
func readN(fd *lwtunix.FD, n int) lwt.Promise[[]byte] {
	buf := make([]byte, n)
	var loop func(int) lwt.Promise[[]byte]
	loop = func(got int) lwt.Promise[[]byte] {
		if got == n {
			return lwt.Return(buf)
		}
		return lwt.Bind(fd.Read(buf[got:]), func(k int) lwt.Promise[[]byte] {
			if k == 0 {
				return lwt.Return(buf[:got])
			}
			return loop(got + k)
		})
	}
	return loop(0)
}

// after runs f on the loop once d has passed.
func after(d time.Duration, f func()) {
	engine.OnTimer(d, false, func(*engine.Event) { f() })
}

// quiet runs the loop until no job is in flight (an abandoned job of an
// earlier test keeps the jobs' notification registered) and returns the
// numbers of readable and writable events left, for a test to count its own.
func quiet(t testing.TB) (readable, writable int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for lwtunix.JobCount() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still in flight", lwtunix.JobCount())
		}
		runLoop(t, lwtunix.Sleep(time.Millisecond))
	}
	return engine.ReadableCount(), engine.WritableCount()
}

func closeAll(t testing.TB, fds ...*lwtunix.FD) {
	t.Helper()
	for _, fd := range fds {
		if err := fd.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	}
}

func newPipe(t testing.TB) (r, w *lwtunix.FD) {
	t.Helper()
	r, w, err := lwtunix.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	return r, w
}

func TestPipeFlags(t *testing.T) {
	r, w := newPipe(t)
	defer closeAll(t, r, w)
	for _, fd := range []*lwtunix.FD{r, w} {
		fl, err := unix.FcntlInt(uintptr(fd.Unix()), unix.F_GETFL, 0)
		if err != nil || fl&unix.O_NONBLOCK == 0 {
			t.Errorf("fd %d: flags %#x, %v: want O_NONBLOCK", fd.Unix(), fl, err)
		}
		fdfl, err := unix.FcntlInt(uintptr(fd.Unix()), unix.F_GETFD, 0)
		if err != nil || fdfl&unix.FD_CLOEXEC == 0 {
			t.Errorf("fd %d: fd flags %#x, %v: want FD_CLOEXEC", fd.Unix(), fdfl, err)
		}
		if fd.Blocking() || fd.Fd() != uintptr(fd.Unix()) {
			t.Errorf("fd %d: Blocking %v, Fd %d", fd.Unix(), fd.Blocking(), fd.Fd())
		}
	}
}

// A read of data already there resolves at once, without the engine.
func TestReadReady(t *testing.T) {
	base, _ := quiet(t)
	r, w := newPipe(t)
	defer closeAll(t, r, w)
	p := w.Write([]byte("hello"))
	if v, err := p.Result(); v != 5 || err != nil {
		t.Fatalf("Write: %v, %v", v, err)
	}
	buf := make([]byte, 10)
	q := r.Read(buf)
	if n, err := q.Result(); n != 5 || err != nil || string(buf[:n]) != "hello" {
		t.Fatalf("Read: %d, %v, %q", n, err, buf)
	}
	if engine.ReadableCount() != base {
		t.Fatalf("ReadableCount %d after an immediate read", engine.ReadableCount())
	}
}

// A read with nothing to read waits on the engine, and the event is gone
// once it completes.
func TestReadWaits(t *testing.T) {
	base, _ := quiet(t)
	r, w := newPipe(t)
	defer closeAll(t, r, w)
	buf := make([]byte, 10)
	p := r.Read(buf)
	if !p.IsSleeping() {
		t.Fatalf("Read on an empty pipe: %v", p)
	}
	if n := engine.ReadableCount(); n != base+1 {
		t.Fatalf("ReadableCount %d, want %d", n, base+1)
	}
	after(5*time.Millisecond, func() { w.Write([]byte("later")) })
	n := runLoop(t, p)
	if string(buf[:n]) != "later" {
		t.Fatalf("read %q", buf[:n])
	}
	if n := engine.ReadableCount(); n != base {
		t.Fatalf("ReadableCount %d after Run, want %d", n, base)
	}
}

// Canceling a pending read stops its event at once, leaves no registration
// and consumes nothing.
func TestReadCancel(t *testing.T) {
	r, w := newPipe(t)
	defer closeAll(t, r, w)
	before, _ := quiet(t)
	buf := make([]byte, 10)
	p := r.Read(buf)
	if engine.ReadableCount() != before+1 {
		t.Fatalf("ReadableCount %d, want %d", engine.ReadableCount(), before+1)
	}
	lwt.Cancel(p)
	if _, err := p.Result(); !errors.Is(err, lwt.ErrCanceled) {
		t.Fatalf("canceled Read: %v", err)
	}
	if n := engine.ReadableCount(); n != before {
		t.Fatalf("ReadableCount %d after cancel, want %d", n, before)
	}
	// The data written later is still there for the next read.
	w.Write([]byte("x"))
	q := r.Read(buf)
	if n, err := q.Result(); n != 1 || err != nil || buf[0] != 'x' {
		t.Fatalf("Read after cancel: %d, %v", n, err)
	}
	// Of two readers, canceling one keeps the event for the other.
	p1, p2 := r.Read(buf), r.Read(make([]byte, 10))
	lwt.Cancel(p1)
	if n := engine.ReadableCount(); n != before+1 {
		t.Fatalf("ReadableCount %d with one reader left, want %d", n, before+1)
	}
	after(time.Millisecond, func() { w.Write([]byte("y")) })
	if n := runLoop(t, p2); n != 1 {
		t.Fatalf("second reader got %d bytes", n)
	}
	if n := engine.ReadableCount(); n != before {
		t.Fatalf("ReadableCount %d at the end, want %d", n, before)
	}
}

// Several readers waiting on one descriptor are served in order.
func TestReadersInOrder(t *testing.T) {
	r, w := newPipe(t)
	defer closeAll(t, r, w)
	var got []string
	var ps []lwt.Promise[lwt.Unit]
	for i := range 3 {
		buf := make([]byte, 1)
		ps = append(ps, lwt.Map(r.Read(buf), func(int) lwt.Unit {
			got = append(got, string(rune('a'+i))+string(buf))
			return lwt.Unit{}
		}))
	}
	after(time.Millisecond, func() { w.Write([]byte("xyz")) })
	runLoop(t, lwt.Join(ps...))
	if want := []string{"ax", "by", "cz"}; !equalStrings(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A write into a full pipe waits until the reader makes room.
func TestWriteWaits(t *testing.T) {
	rbase, wbase := quiet(t)
	r, w := newPipe(t)
	defer closeAll(t, r, w)
	data := bytes.Repeat([]byte("0123456789abcdef"), 1<<14) // 256 KiB > the 64 KiB pipe
	wp := writeAll(w, data)
	if !wp.IsSleeping() {
		t.Fatal("writeAll of 256 KiB into a pipe did not wait")
	}
	if engine.WritableCount() != wbase+1 {
		t.Fatalf("WritableCount %d, want %d", engine.WritableCount(), wbase+1)
	}
	got := runLoop(t, lwt.Bind(readN(r, len(data)), func(b []byte) lwt.Promise[[]byte] {
		return lwt.Map(wp, func(lwt.Unit) []byte { return b })
	}))
	if !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes, not the %d written", len(got), len(data))
	}
	if engine.WritableCount() != wbase || engine.ReadableCount() != rbase {
		t.Fatalf("counts %d %d after Run", engine.ReadableCount(), engine.WritableCount())
	}
}

func TestReadvWritev(t *testing.T) {
	r, w := newPipe(t)
	defer closeAll(t, r, w)
	n := runLoop(t, w.Writev([][]byte{[]byte("foo"), nil, []byte("bar")}))
	if n != 6 {
		t.Fatalf("Writev wrote %d", n)
	}
	a, b := []byte("_____"), []byte("____")
	n = runLoop(t, r.Readv([][]byte{a[1:4], b[1:4]}))
	if n != 6 || string(a) != "_foo_" || string(b) != "_bar" {
		t.Fatalf("Readv: %d %q %q", n, a, b)
	}
	// Readv waits like Read.
	p := r.Readv([][]byte{a})
	after(time.Millisecond, func() { w.Write([]byte("z")) })
	if n := runLoop(t, p); n != 1 || a[0] != 'z' {
		t.Fatalf("Readv after wait: %d %q", n, a)
	}
	// More buffers than the kernel takes: the extra ones are left alone.
	bufs := make([][]byte, lwtunix.MaxIOVecs+1)
	for i := range bufs {
		bufs[i] = []byte{'a'}
	}
	if n := runLoop(t, w.Writev(bufs)); n != lwtunix.MaxIOVecs {
		t.Fatalf("Writev of %d buffers wrote %d", len(bufs), n)
	}
}

func TestWaitReadWrite(t *testing.T) {
	r, w := newPipe(t)
	defer closeAll(t, r, w)
	if p := w.WaitWrite(); p.IsSleeping() {
		t.Fatal("WaitWrite on an empty pipe waits")
	}
	p := r.WaitRead()
	if !p.IsSleeping() {
		t.Fatal("WaitRead on an empty pipe did not wait")
	}
	if ok, err := r.Readable(); ok || err != nil {
		t.Fatalf("Readable: %v %v", ok, err)
	}
	after(time.Millisecond, func() { w.Write([]byte("!")) })
	runLoop(t, p)
	if ok, err := r.Readable(); !ok || err != nil {
		t.Fatalf("Readable after a write: %v %v", ok, err)
	}
	// WaitRead consumes nothing.
	buf := make([]byte, 4)
	if n := runLoop(t, r.Read(buf)); n != 1 {
		t.Fatalf("read %d", n)
	}
}

// Closing an FD fails the operations that wait on it and those started
// later with an error matching ErrClosed and EBADF.
func TestClose(t *testing.T) {
	base, _ := quiet(t)
	r, w := newPipe(t)
	defer w.Close()
	p := r.Read(make([]byte, 1))
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := p.Result()
	var se *os.SyscallError
	if !errors.Is(err, lwtunix.ErrClosed) || !errors.Is(err, unix.EBADF) || !errors.As(err, &se) || se.Syscall != "read" {
		t.Fatalf("pending Read after Close: %v", err)
	}
	if engine.ReadableCount() != base {
		t.Fatalf("ReadableCount %d after Close", engine.ReadableCount())
	}
	_, err = r.Read(make([]byte, 1)).Result()
	if !errors.As(err, &se) || se.Syscall != "read" || !errors.Is(err, unix.EBADF) {
		t.Fatalf("Read after Close: %v", err)
	}
	if err := r.Close(); !errors.Is(err, lwtunix.ErrClosed) {
		t.Fatalf("second Close: %v", err)
	}
	for name, err := range map[string]error{
		"Write":       errOf(r.Write(nil)),
		"WaitRead":    errOf(r.WaitRead()),
		"Readv":       errOf(r.Readv(nil)),
		"SetBlocking": r.SetBlocking(true),
		"Listen":      r.Listen(1),
	} {
		if !errors.Is(err, unix.EBADF) {
			t.Errorf("%s after Close: %v", name, err)
		}
	}
}

func errOf[T any](p lwt.Promise[T]) error {
	_, err := p.Result()
	return err
}

func TestAbort(t *testing.T) {
	base, _ := quiet(t)
	r, w := newPipe(t)
	defer closeAll(t, r, w)
	boom := errors.New("boom")
	p := r.Read(make([]byte, 1))
	r.Abort(boom)
	if err := errOf(p); err != boom {
		t.Fatalf("pending Read after Abort: %v", err)
	}
	if err := errOf(r.Read(make([]byte, 1))); err != boom {
		t.Fatalf("Read after Abort: %v", err)
	}
	if engine.ReadableCount() != base {
		t.Fatalf("ReadableCount %d after Abort", engine.ReadableCount())
	}
}

// Reading from a pipe whose writer is closed gives 0; writing to one whose
// reader is closed is EPIPE, not a dead process.
func TestPipeEnds(t *testing.T) {
	r, w := newPipe(t)
	p := r.Read(make([]byte, 1))
	after(time.Millisecond, func() { w.Close() })
	if n := runLoop(t, p); n != 0 {
		t.Fatalf("Read at end of file: %d", n)
	}
	r.Close()
	r, w = newPipe(t)
	defer w.Close()
	r.Close()
	if err := errOf(w.Write([]byte("x"))); !errors.Is(err, unix.EPIPE) {
		t.Fatalf("Write to a pipe with no reader: %v", err)
	}
}

// In blocking mode the system calls run off the loop, as jobs.
func TestBlockingMode(t *testing.T) {
	r, w := newPipe(t)
	defer closeAll(t, r, w)
	if err := r.SetBlocking(true); err != nil {
		t.Fatal(err)
	}
	fl, _ := unix.FcntlInt(uintptr(r.Unix()), unix.F_GETFL, 0)
	if !r.Blocking() || fl&unix.O_NONBLOCK != 0 {
		t.Fatalf("Blocking %v, flags %#x", r.Blocking(), fl)
	}
	buf := make([]byte, 8)
	p := r.Read(buf)
	after(time.Millisecond, func() { w.Write([]byte("blocking")) })
	if n := runLoop(t, p); string(buf[:n]) != "blocking" {
		t.Fatalf("read %q", buf[:n])
	}
	w.Write([]byte("abcdef"))
	a, b := make([]byte, 3), make([]byte, 3)
	if n := runLoop(t, r.Readv([][]byte{a, b})); n != 6 || string(a)+string(b) != "abcdef" {
		t.Fatalf("Readv %d %q %q", n, a, b)
	}
	if err := w.SetBlocking(true); err != nil {
		t.Fatal(err)
	}
	if n := runLoop(t, w.Writev([][]byte{[]byte("xy"), []byte("z")})); n != 3 {
		t.Fatalf("Writev %d", n)
	}
	if n := runLoop(t, w.Write([]byte("!"))); n != 1 {
		t.Fatalf("Write %d", n)
	}
	if got := runLoop(t, readN(r, 4)); string(got) != "xyz!" {
		t.Fatalf("read %q", got)
	}
	// A regular file wrapped as it is, in blocking mode.
	f, err := os.CreateTemp(t.TempDir(), "blocking")
	if err != nil {
		t.Fatal(err)
	}
	fd, err := unix.Dup(int(f.Fd()))
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	file := lwtunix.OfFDWithMode(fd, true)
	defer file.Close()
	if n := runLoop(t, file.Write([]byte("on disk"))); n != 7 {
		t.Fatalf("file Write %d", n)
	}
}

func TestOfFD(t *testing.T) {
	var p [2]int
	if err := unix.Pipe(p[:]); err != nil {
		t.Fatal(err)
	}
	r, w := lwtunix.OfFD(p[0]), lwtunix.OfFD(p[1])
	defer closeAll(t, r, w)
	fl, _ := unix.FcntlInt(uintptr(p[0]), unix.F_GETFL, 0)
	if fl&unix.O_NONBLOCK == 0 || r.Unix() != p[0] {
		t.Fatalf("OfFD left flags %#x", fl)
	}
	p1 := r.Read(make([]byte, 1))
	after(time.Millisecond, func() { w.Write([]byte("1")) })
	if n := runLoop(t, p1); n != 1 {
		t.Fatalf("read %d", n)
	}
	if err := r.SetBlocking(false); err != nil {
		t.Fatal(err)
	}
	if lwtunix.Stdin.Unix() != 0 || !lwtunix.Stdout.Blocking() || lwtunix.Stderr.Unix() != 2 {
		t.Fatal("standard descriptors")
	}
}

// A read started from the continuation of the previous one takes over its
// event; the event is stopped once a read completes and nothing waits.
func TestEventKeptForTheNextRead(t *testing.T) {
	base, _ := quiet(t)
	r, w := newPipe(t)
	defer closeAll(t, r, w)
	buf := make([]byte, 1)
	counts := []int{}
	p := lwt.Bind(r.Read(buf), func(int) lwt.Promise[int] {
		counts = append(counts, engine.ReadableCount()) // kept while the continuation runs
		q := r.Read(buf)                                // waits again: takes it over
		counts = append(counts, engine.ReadableCount())
		after(time.Millisecond, func() { w.Write([]byte("b")) })
		return q
	})
	after(time.Millisecond, func() { w.Write([]byte("a")) })
	runLoop(t, p)
	if want := []int{base + 1, base + 1}; counts[0] != want[0] || counts[1] != want[1] {
		t.Fatalf("ReadableCount while reading: %v, want %v", counts, want)
	}
	if n := engine.ReadableCount(); n != base {
		t.Fatalf("ReadableCount after the reads: %d, want %d", n, base)
	}
}

// The engine can change while operations wait: their events move.
func TestEngineChange(t *testing.T) {
	r, w := newPipe(t)
	defer closeAll(t, r, w)
	p := r.Read(make([]byte, 1))
	e, err := engine.NewPoll()
	if err != nil {
		t.Fatal(err)
	}
	if err := engine.Set(e); err != nil {
		t.Fatal(err)
	}
	defer func() {
		e, _ := engine.NewEpoll()
		engine.Set(e)
	}()
	after(time.Millisecond, func() { w.Write([]byte("1")) })
	if n := runLoop(t, p); n != 1 {
		t.Fatalf("read %d", n)
	}
}

// A pipe round trip: the read waits on the engine until a write brings data.
func ExamplePipe() {
	r, w, err := lwtunix.Pipe()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	defer w.Close()

	buf := make([]byte, 16)
	reading := r.Read(buf) // nothing to read yet
	fmt.Println(reading.State())

	w.Write([]byte("hello"))
	n, err := lwtmain.Run(reading)
	fmt.Println(n, err, string(buf[:n]))
	// Output:
	// Sleep
	// 5 <nil> hello
}

// After a short read of a stream whose engine event is still registered, the
// next read waits for the engine instead of calling read(2) at once: the data
// that came in the meantime must still be read, in order, and a read that
// asks for exactly what is there must still complete.
func TestReadAfterShortRead(t *testing.T) {
	a, b, err := lwtunix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	defer b.Close()
	buf := make([]byte, 100)
	var got []string
	// The first read waits (registering the event); the peer's write wakes
	// it with a short read; from that continuation the peer writes again
	// and the next read goes straight to waiting.
	first := a.Read(buf)
	p := lwt.Bind(first, func(n int) lwt.Promise[int] {
		got = append(got, string(buf[:n]))
		if _, err := unix.Write(b.Unix(), []byte("second")); err != nil {
			t.Fatal(err)
		}
		return a.Read(buf)
	})
	p = lwt.Bind(p, func(n int) lwt.Promise[int] {
		got = append(got, string(buf[:n]))
		unix.Write(b.Unix(), []byte("0123456789"))
		return a.Read(buf[:10]) // a full read: not short
	})
	p = lwt.Bind(p, func(n int) lwt.Promise[int] {
		got = append(got, string(buf[:n]))
		unix.Write(b.Unix(), []byte("end"))
		return a.Read(buf)
	})
	go func() {
		time.Sleep(10 * time.Millisecond)
		unix.Write(b.Unix(), []byte("first"))
	}()
	n := fdRun(t, p)
	got = append(got, string(buf[:n]))
	if want := []string{"first", "second", "0123456789", "end"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("read %q, want %q", got, want)
	}
}
