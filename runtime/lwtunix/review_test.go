package lwtunix_test

// Edge cases of waiting operations: cancel and close while they wait, in
// both modes and for every kind of operation, and what reaches the loop
// between two Runs.

import (
	"context"
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

// counts checks that the engine is back to r readable and w writable events.
func wantCounts(t *testing.T, what string, r, w int) {
	t.Helper()
	if gr, gw := engine.ReadableCount(), engine.WritableCount(); gr != r || gw != w {
		t.Fatalf("%s: ReadableCount %d, WritableCount %d; want %d, %d", what, gr, gw, r, w)
	}
}

// A Read of an FD in blocking mode waits for readiness on the engine:
// canceling it leaves no event; closing the FD fails it as a Read.
func TestBlockingReadCancelAndClose(t *testing.T) {
	baseR, baseW := quiet(t)
	r, w := newPipe(t)
	defer w.Close()
	if err := r.SetBlocking(true); err != nil {
		t.Fatal(err)
	}
	p := r.Read(make([]byte, 1))
	if !p.IsSleeping() {
		t.Fatalf("Read of an empty pipe: %v", p.State())
	}
	wantCounts(t, "waiting blocking Read", baseR+1, baseW)
	lwt.Cancel(p)
	if err := errOf(p); !errors.Is(err, lwt.ErrCanceled) {
		t.Fatalf("canceled Read: %v", err)
	}
	wantCounts(t, "canceled blocking Read", baseR, baseW)

	q := r.Read(make([]byte, 1))
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	var se *os.SyscallError
	if err := errOf(q); !errors.Is(err, lwtunix.ErrClosed) || !errors.As(err, &se) || se.Syscall != "read" {
		t.Fatalf("blocking Read pending at Close: %v", err)
	}
	wantCounts(t, "closed", baseR, baseW)
}

// Closing the FD from the continuation of one read fails the others waiting
// on it in the same round, instead of leaving them pending.
func TestCloseFromContinuationFailsOtherWaiters(t *testing.T) {
	baseR, baseW := quiet(t)
	r, w := newPipe(t)
	defer w.Close()
	first := lwt.Bind(r.Read(make([]byte, 1)), func(n int) lwt.Promise[int] {
		r.Close()
		return lwt.Return(n)
	})
	second := r.Read(make([]byte, 1))
	third := r.WaitRead()
	w.Write([]byte("x"))
	if n := runLoop(t, first); n != 1 {
		t.Fatalf("first read %d", n)
	}
	if err := errOf(second); !errors.Is(err, lwtunix.ErrClosed) {
		t.Fatalf("second read: %v", err)
	}
	if err := errOf(third); !errors.Is(err, lwtunix.ErrClosed) {
		t.Fatalf("WaitRead: %v", err)
	}
	wantCounts(t, "after close", baseR, baseW)
}

// A continuation that cancels another waiter of the same direction, later
// in line, while the direction fires.
func TestCancelOtherWaiterWhileFiring(t *testing.T) {
	baseR, baseW := quiet(t)
	r, w := newPipe(t)
	defer closeAll(t, r, w)
	var second lwt.Promise[int]
	first := lwt.Bind(r.Read(make([]byte, 1)), func(n int) lwt.Promise[int] {
		lwt.Cancel(second)
		return lwt.Return(n)
	})
	second = r.Read(make([]byte, 1))
	third := r.Read(make([]byte, 1))
	w.Write([]byte("ab"))
	runLoop(t, first)
	if err := errOf(second); !errors.Is(err, lwt.ErrCanceled) {
		t.Fatalf("second: %v", err)
	}
	if n := runLoop(t, third); n != 1 {
		t.Fatalf("third: %d", n)
	}
	wantCounts(t, "after the reads", baseR, baseW)
}

// Accept, Connect, RecvFrom and SendTo pending when their FD is closed fail
// with EBADF and leave no event.
func TestCloseFailsPendingSocketOperations(t *testing.T) {
	baseR, baseW := quiet(t)
	l, _ := listenOn(t, unix.AF_INET, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	acc := l.Accept()
	wantCounts(t, "Accept waiting", baseR+1, baseW)
	l.Close()
	if err := errOf(acc); !errors.Is(err, unix.EBADF) {
		t.Fatalf("Accept at Close: %v", err)
	}

	u, err := lwtunix.Socket(unix.AF_INET, unix.SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	runLoop(t, u.Bind(&unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))
	rf := u.RecvFrom(make([]byte, 10), 0)
	wantCounts(t, "RecvFrom waiting", baseR+1, baseW)
	u.Close()
	if err := errOf(rf); !errors.Is(err, unix.EBADF) {
		t.Fatalf("RecvFrom at Close: %v", err)
	}
	wantCounts(t, "after close", baseR, baseW)

	c, _ := lwtunix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	p := c.Connect(&unix.SockaddrInet4{Addr: [4]byte{192, 0, 2, 1}, Port: 9})
	if !p.IsSleeping() {
		c.Close()
		t.Skipf("connect to 192.0.2.1: %v", p)
	}
	c.Close()
	if err := errOf(p); !errors.Is(err, unix.EBADF) {
		t.Fatalf("Connect at Close: %v", err)
	}
	wantCounts(t, "after close", baseR, baseW)
}

// A notification sent while no Run runs is delivered by the next Run.
func TestNotificationBetweenRuns(t *testing.T) {
	got := 0
	id := lwtunix.MakeNotification(func() { got++ }, false)
	defer lwtunix.StopNotification(id)
	runLoop(t, lwtunix.Sleep(0))
	done := make(chan struct{})
	go func() { lwtunix.SendNotification(id); close(done) }()
	<-done
	p, r := lwt.Wait[lwt.Unit]()
	id2 := lwtunix.MakeNotification(func() { lwt.Wakeup(r, lwt.Unit{}) }, true)
	lwtunix.SendNotification(id2)
	runLoop(t, p)
	if got != 1 {
		t.Fatalf("notification sent between runs delivered %d times", got)
	}
}

// A context canceled while no Run runs fails the promise tied to it on the
// next Run.
func TestWithContextCanceledBetweenRuns(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	p := lwtunix.WithContext(ctx, lwtunix.Sleep(time.Hour))
	runLoop(t, lwtunix.Sleep(0))
	cancel()
	if err := runErr(t, p); !errors.Is(err, context.Canceled) {
		t.Fatalf("WithContext: %v", err)
	}
}

// A job canceled while it runs, its Run left meanwhile: the next Run counts
// it out, and its result goes nowhere.
func TestJobCanceledRunningAcrossRuns(t *testing.T) {
	quiet(t)
	release := make(chan struct{})
	started := make(chan struct{})
	p := lwtunix.RunJob[int](&blockJob{started: started, release: release})
	<-started
	lwt.Cancel(p)
	if _, err := lwtmain.Run(p); !errors.Is(err, lwt.ErrCanceled) {
		t.Fatalf("canceled job: %v", err)
	}
	close(release)
	quiet(t)
	if n := lwtunix.JobCount(); n != 0 {
		t.Fatalf("JobCount %d", n)
	}
}

type blockJob struct {
	started, release chan struct{}
}

func (j *blockJob) Work()                { close(j.started); <-j.release }
func (j *blockJob) Result() (int, error) { return 1, nil }

// signalAllThreads sends sig to every thread of the process.
func signalAllThreads(t *testing.T, sig unix.Signal) {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Skip("no /proc/self/task:", err)
	}
	for _, e := range ents {
		var tid int
		if _, err := fmt.Sscan(e.Name(), &tid); err == nil {
			unix.Tgkill(unix.Getpid(), tid, sig)
		}
	}
}

// System calls interrupted by a signal are retried: here the loop waits in
// epoll_wait, which a signal always interrupts, and a job thread in a read
// from a socket with a receive timeout, which a signal interrupts even with
// SA_RESTART (socket(7)). Both go on as if nothing happened.
func TestEINTRRetried(t *testing.T) {
	quiet(t)
	a, b, err := lwtunix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(t, a, b)
	if err := a.SetBlocking(true); err != nil {
		t.Fatal(err)
	}
	tv := unix.Timeval{Sec: 10}
	if err := unix.SetsockoptTimeval(a.Unix(), unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		t.Fatal(err)
	}
	// Two reads wait for a readable a; one byte wakes both, and each runs
	// its read(2) as a job: one takes the byte, the other blocks on its job
	// thread. Interrupt everything a few times while the loop waits, then
	// send the second byte.
	buf1, buf2 := make([]byte, 1), make([]byte, 1)
	both := lwt.Both(a.Read(buf1), a.Read(buf2))
	b.Write([]byte("1"))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 5 {
			time.Sleep(10 * time.Millisecond)
			signalAllThreads(t, unix.SIGURG)
		}
		time.Sleep(10 * time.Millisecond)
		unix.Write(b.Unix(), []byte("2"))
	}()
	start := time.Now()
	ns, err := lwtmain.Run(both)
	<-done
	got := string(buf1) + string(buf2)
	if err != nil || ns.First != 1 || ns.Second != 1 || (got != "12" && got != "21") || time.Since(start) > 5*time.Second {
		t.Fatalf("reads: %v %q %v after %v", ns, got, err, time.Since(start))
	}
}

// A signal that arrives while no Run runs is handled by the next Run, and a
// child that ends then is reaped by it.
func TestSignalAndChildBetweenRuns(t *testing.T) {
	got := 0
	h := lwtunix.OnSignal(unix.SIGUSR2, func(unix.Signal) { got++ })
	defer lwtunix.DisableSignalHandler(h)
	pid := startChild(t, "/bin/sh", "-c", "sleep 0.02")
	w := lwtunix.Waitpid(pid)
	runLoop(t, lwtunix.Sleep(0))
	if err := unix.Kill(unix.Getpid(), unix.SIGUSR2); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // the child ends, both signals arrive
	if got != 0 || !w.IsSleeping() {
		t.Fatalf("handled outside Run: %d, %v", got, w.State())
	}
	st := runLoop(t, w)
	if st.Pid != pid || !st.Status.Exited() {
		t.Fatalf("Waitpid: %+v", st)
	}
	p, r := lwt.Wait[lwt.Unit]()
	id := lwtunix.MakeNotification(func() { lwt.Wakeup(r, lwt.Unit{}) }, true)
	lwtunix.SendNotification(id) // after the signal's: delivered after it
	runLoop(t, p)
	if got != 1 {
		t.Fatalf("signal sent between runs handled %d times", got)
	}
}
