package lwtunix_test

import (
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/engine"
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// getpidJob is a job whose Work makes a system call and records the thread
// it ran on.
type getpidJob struct {
	pid, tid int
}

func (j *getpidJob) Work()                { j.pid, j.tid = unix.Getpid(), unix.Gettid() }
func (j *getpidJob) Result() (int, error) { return j.pid, nil }

// A job's Work runs off the loop's thread and its Result on the loop.
func TestJobRoundTrip(t *testing.T) {
	j := &getpidJob{}
	loopTid := -1
	p := lwt.Map(lwtunix.RunJob[int](j), func(pid int) int {
		loopTid = unix.Gettid()
		return pid
	})
	if pid := runLoop(t, p); pid != os.Getpid() {
		t.Fatalf("pid %d, want %d", pid, os.Getpid())
	}
	if j.tid == loopTid {
		t.Fatalf("Work ran on the loop's thread %d", j.tid)
	}
	if n := lwtunix.JobCount(); n != 0 {
		t.Fatalf("JobCount = %d after the job", n)
	}
}

// blockingJob's Work waits until it is released, and reports when it starts
// and what happened to it.
type blockingJob struct {
	started   chan struct{}
	release   chan struct{}
	ran       atomic.Bool
	results   atomic.Int32
	discarded atomic.Int32
}

func newBlockingJob() *blockingJob {
	return &blockingJob{started: make(chan struct{}), release: make(chan struct{})}
}

func (j *blockingJob) Work() {
	j.ran.Store(true)
	close(j.started)
	<-j.release
}

func (j *blockingJob) Result() (string, error) { j.results.Add(1); return "done", nil }
func (j *blockingJob) Discard()                { j.discarded.Add(1) }

// Canceling the promise of a running job rejects it at once; Work runs to
// its end, then Discard is called on the loop, and Result never.
func TestJobCancelRunning(t *testing.T) {
	j := newBlockingJob()
	p := lwtunix.RunJob[string](j)
	<-j.started
	lwt.Cancel(p)
	if _, err := p.Result(); !errors.Is(err, lwt.ErrCanceled) {
		t.Fatalf("canceled job: %v, want lwt.ErrCanceled at once", err)
	}
	close(j.release)
	for j.discarded.Load() == 0 {
		runLoop(t, lwtunix.Sleep(time.Millisecond))
	}
	if r, d := j.results.Load(), j.discarded.Load(); r != 0 || d != 1 {
		t.Fatalf("Result called %d times, Discard %d times; want 0 and 1", r, d)
	}
	if n := lwtunix.JobCount(); n != 0 {
		t.Fatalf("JobCount = %d", n)
	}
}

// A canceled job that has not started never runs: with a pool of one
// thread, busy, the second job waits in the queue and is dropped.
func TestJobCancelQueued(t *testing.T) {
	defer lwtunix.SetPoolSize(lwtunix.PoolSize())
	lwtunix.SetPoolSize(1)
	first, second := newBlockingJob(), newBlockingJob()
	p1 := lwtunix.RunJob[string](first)
	<-first.started
	p2 := lwtunix.RunJob[string](second)
	if n := lwtunix.JobCount(); n != 2 {
		t.Fatalf("JobCount = %d, want 2", n)
	}
	lwt.Cancel(p2)
	if _, err := p2.Result(); !errors.Is(err, lwt.ErrCanceled) {
		t.Fatalf("canceled job: %v", err)
	}
	if n := lwtunix.JobCount(); n != 1 {
		t.Fatalf("JobCount = %d after canceling the queued job, want 1", n)
	}
	close(first.release)
	close(second.release)
	if v := runLoop(t, p1); v != "done" {
		t.Fatalf("first job: %q", v)
	}
	// Let the pool thread get to the queued job.
	runLoop(t, lwtunix.Sleep(20*time.Millisecond))
	if second.ran.Load() || second.results.Load() != 0 || second.discarded.Load() != 0 {
		t.Fatal("a job canceled before it started ran")
	}
}

// Canceling a job that is done does nothing; a Result that fails with
// lwt.ErrCanceled is not taken for a cancellation.
type canceledResultJob struct{}

func (canceledResultJob) Work()                { time.Sleep(time.Millisecond) }
func (canceledResultJob) Result() (int, error) { return 0, lwt.ErrCanceled }

func TestJobResultCanceled(t *testing.T) {
	p := lwtunix.RunJob[int](canceledResultJob{})
	if err := runErr(t, p); !errors.Is(err, lwt.ErrCanceled) {
		t.Fatal(err)
	}
	lwt.Cancel(p)
	if n := lwtunix.JobCount(); n != 0 {
		t.Fatalf("JobCount = %d", n)
	}
}

// panicJob panics in Work or in Result.
type panicJob struct{ inWork bool }

func (j panicJob) Work() {
	if j.inWork {
		panic("in work")
	}
}

func (j panicJob) Result() (int, error) { panic("in result") }

// A panic in Work or Result fails the job's promise with a *lwt.PanicError.
func TestJobPanics(t *testing.T) {
	for _, inWork := range []bool{true, false} {
		err := runErr(t, lwtunix.RunJob[int](panicJob{inWork}))
		var pe *lwt.PanicError
		want := map[bool]string{true: "in work", false: "in result"}[inWork]
		if !errors.As(err, &pe) || pe.Value != want {
			t.Fatalf("panic %s: %v", want, err)
		}
	}
}

// sleepJob sleeps in Work and counts how many run at once.
type sleepJob struct {
	d          time.Duration
	now, peak  *atomic.Int32
	peakLocker *sync.Mutex
}

func (j sleepJob) Work() {
	n := j.now.Add(1)
	j.peakLocker.Lock()
	if n > j.peak.Load() {
		j.peak.Store(n)
	}
	j.peakLocker.Unlock()
	time.Sleep(j.d)
	j.now.Add(-1)
}

func (j sleepJob) Result() (lwt.Unit, error) { return lwt.Unit{}, nil }

// The pool runs at most PoolSize jobs at once; the others wait their turn.
func TestJobPoolSize(t *testing.T) {
	defer lwtunix.SetPoolSize(lwtunix.PoolSize())
	if n := lwtunix.PoolSize(); n != lwtunix.DefaultPoolSize {
		t.Fatalf("PoolSize = %d, want %d", n, lwtunix.DefaultPoolSize)
	}
	var now, peak atomic.Int32
	var mu sync.Mutex
	run := func(size, jobs int) int32 {
		lwtunix.SetPoolSize(size)
		peak.Store(0)
		var ps []lwt.Promise[lwt.Unit]
		for range jobs {
			ps = append(ps, lwtunix.RunJob[lwt.Unit](sleepJob{5 * time.Millisecond, &now, &peak, &mu}))
		}
		runLoop(t, lwt.Join(ps...))
		return peak.Load()
	}
	if p := run(3, 12); p != 3 {
		t.Fatalf("pool of 3 ran %d jobs at once", p)
	}
	if p := run(12, 12); p < 4 {
		t.Fatalf("pool of 12 ran at most %d of 12 sleeping jobs at once", p)
	}
	if n := lwtunix.ThreadCount(); n < 4 || n > 12 {
		t.Fatalf("ThreadCount = %d", n)
	}
	lwtunix.SetPoolSize(2) // idle threads beyond 2 stop at once
	if n := lwtunix.ThreadCount(); n > 2 {
		t.Fatalf("ThreadCount = %d after shrinking the pool to 2", n)
	}
	if n := lwtunix.ThreadWaitingCount(); n > 2 {
		t.Fatalf("ThreadWaitingCount = %d", n)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("SetPoolSize(0) did not panic")
			}
		}()
		lwtunix.SetPoolSize(0)
	}()
}

// While no job runs, the loop watches no descriptor for them: the
// notification eventfd is let go at the end of the round in which the last
// job finished.
func TestJobsLeaveNoEvent(t *testing.T) {
	readable := engine.ReadableCount()
	runLoop(t, lwtunix.RunJob[int](&getpidJob{}))
	if n := engine.ReadableCount(); n != readable {
		t.Fatalf("ReadableCount = %d after the job, was %d", n, readable)
	}
	// Jobs one after the other keep it registered.
	registered := 0
	p := lwt.Bind(lwtunix.RunJob[int](&getpidJob{}), func(int) lwt.Promise[int] {
		registered = engine.ReadableCount() - readable
		return lwtunix.RunJob[int](&getpidJob{})
	})
	runLoop(t, p)
	if registered != 1 || engine.ReadableCount() != readable {
		t.Fatalf("between two jobs %d more events; after them %d", registered, engine.ReadableCount()-readable)
	}
}

// Job round trip: a job making one system call, started from the loop and
// its result back on the loop, one after the other.
func BenchmarkJobRoundTrip(b *testing.B) {
	n := b.N
	j := &getpidJob{}
	var step func(int) lwt.Promise[int]
	step = func(int) lwt.Promise[int] {
		if n--; n < 0 {
			return lwt.Return(0)
		}
		return lwt.Bind(lwtunix.RunJob[int](j), step)
	}
	b.ReportAllocs()
	runLoop(b, step(0))
}

// The goroutine equivalent: a goroutine makes the system call and sends the
// result back on a channel.
func BenchmarkGoroutineRoundTrip(b *testing.B) {
	b.ReportAllocs()
	c := make(chan int)
	for b.Loop() {
		go func() { c <- unix.Getpid() }()
		<-c
	}
}

// The same with a long-lived goroutine, asked over a channel.
func BenchmarkChannelWorkerRoundTrip(b *testing.B) {
	req, resp := make(chan struct{}), make(chan int)
	go func() {
		for range req {
			resp <- unix.Getpid()
		}
	}()
	defer close(req)
	b.ReportAllocs()
	for b.Loop() {
		req <- struct{}{}
		<-resp
	}
}

// Many jobs at once: throughput of the pool.
func BenchmarkJobsParallel(b *testing.B) {
	ps := make([]lwt.Promise[int], b.N)
	j := &getpidJob{}
	b.ReportAllocs()
	for i := range ps {
		ps[i] = lwtunix.RunJob[int](j)
	}
	if _, err := lwtmain.Run(lwt.All(ps...)); err != nil {
		b.Fatal(err)
	}
}
