package lwtunix

import (
	"errors"
	"testing"
	"time"

	"github.com/lwtgo/lwt/runtime/engine"
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

// A panic that leaves an engine callback (here an async exception hook that
// panics) leaves Run, which can be called again: the FD the callback was
// retrying must not stay "firing" for ever, which would make every later
// removal leave a hole in its waiters, never compacted.
func TestPanicInFireLeavesFDUsable(t *testing.T) {
	boom := errors.New("boom")
	prev := lwt.SetAsyncExceptionHook(func(err error) { panic(err) })
	defer lwt.SetAsyncExceptionHook(prev)
	base := engine.ReadableCount()
	r, w, err := Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	buf := make([]byte, 1)
	lwt.Async(func() lwt.Promise[lwt.Unit] {
		return lwt.Bind(r.Read(buf), func(int) lwt.Promise[lwt.Unit] { return lwt.Fail[lwt.Unit](boom) })
	})
	w.Write([]byte("x"))
	sleep := Sleep(time.Hour)
	defer lwt.Cancel(sleep) // the panic leaves it pending
	func() {
		defer func() {
			x := recover()
			if err, _ := x.(error); !errors.Is(err, boom) {
				t.Fatalf("Run: recovered %v, want boom", x)
			}
		}()
		lwtmain.Run(sleep)
	}()
	if r.rd.firing != 0 || engine.ReadableCount() != base {
		t.Fatalf("firing %d, ReadableCount %d (want %d) after the panic", r.rd.firing, engine.ReadableCount(), base)
	}
	for i := range 100 {
		p := r.Read(buf)
		w.Write([]byte("y"))
		if n, err := lwtmain.Run(p); n != 1 || err != nil {
			t.Fatalf("read %d: %d %v", i, n, err)
		}
		lwt.Cancel(r.Read(buf))
	}
	if n := len(r.rd.waiters); n != 0 {
		t.Fatalf("%d waiters left (holes) after the reads", n)
	}
}

type gateJob struct{ gate chan struct{} }

func (j gateJob) Work()                { <-j.gate }
func (j gateJob) Result() (int, error) { return 1, nil }

// The same for jobs: a panic out of the wake-up of one job's promise must
// not lose the other jobs finished in the same batch.
func TestPanicInJobWakeupKeepsOthers(t *testing.T) {
	boom := errors.New("boom")
	prev := lwt.SetAsyncExceptionHook(func(err error) { panic(err) })
	defer lwt.SetAsyncExceptionHook(prev)
	gate1, gate2 := make(chan struct{}), make(chan struct{})
	lwt.Async(func() lwt.Promise[lwt.Unit] {
		return lwt.Bind(RunJob[int](gateJob{gate1}), func(int) lwt.Promise[lwt.Unit] { return lwt.Fail[lwt.Unit](boom) })
	})
	second := RunJob[int](gateJob{gate2})
	doneCount := func() int {
		jobs.mu.Lock()
		defer jobs.mu.Unlock()
		return len(jobs.done)
	}
	// Both done, in one batch, the one whose wake-up panics first.
	close(gate1)
	for doneCount() < 1 {
		time.Sleep(time.Millisecond)
	}
	close(gate2)
	for doneCount() < 2 {
		time.Sleep(time.Millisecond)
	}
	sleep := Sleep(time.Hour)
	defer lwt.Cancel(sleep) // the panic leaves it pending
	func() {
		defer func() {
			x := recover()
			if err, _ := x.(error); !errors.Is(err, boom) {
				t.Fatalf("Run: recovered %v, want boom", x)
			}
		}()
		lwtmain.Run(sleep)
	}()
	if v, err := lwtmain.Run(lwt.Pick(second, lwt.Bind(Sleep(time.Second), func(lwt.Unit) lwt.Promise[int] { return lwt.Return(-1) }))); v != 1 || err != nil {
		t.Fatalf("second job: %d, %v", v, err)
	}
	if n := JobCount(); n != 0 {
		t.Fatalf("JobCount %d", n)
	}
}
