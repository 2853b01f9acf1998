package lwtunix

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lwtgo/lwt/debugtrace"
	"github.com/lwtgo/lwt/runtime/lwt"
)

// A Job is a blocking operation run off the loop: Lwt_unix's 'a job, the
// manual's "Writing stubs using Lwt". It is usually a struct holding the
// arguments of the call and room for its outcome (see [Mkdir]).
//
// Work makes the blocking call. It runs on a thread of the job pool, not on
// the loop, so it must not touch loop state: no promise, resolver, engine
// event or notification other than [SendNotification]. It stores what it
// got in the job.
//
// Result runs on the loop once Work has returned, and turns what Work
// stored into the job's value or error.
type Job[T any] interface {
	Work()
	Result() (T, error)
}

// A Discarder is a [Job] whose Work acquires something that its Result would
// hand over, such as a descriptor. When the promise of such a job is
// canceled while Work runs, Discard is called on the loop, instead of
// Result, once Work has returned, to release it.
type Discarder interface {
	Discard()
}

// RunJob starts job and returns the promise of its result: Lwt_unix.run_job.
// job's Work runs on the job pool (see [SetPoolSize]); when it returns, the
// loop is notified and calls job's Result, whose value or error resolves the
// promise. A panic in Work or Result fails the promise with a
// *lwt.PanicError.
//
// The promise can be canceled (lwt.Cancel): it is rejected with
// lwt.ErrCanceled at once. A job that has not started yet then never runs; a
// job whose Work is running cannot be stopped: its Work runs to the end, and
// what it did is discarded (Result is not called; Discard is, if job is a
// [Discarder]). In Lwt 5, canceling the promise of a job does nothing.
//
// The loop learns that a job is done through the notification mechanism
// (see [SendNotification]); there is no polling.
func RunJob[T any](job Job[T]) lwt.Promise[T] {
	p, r := lwt.Task[T]()
	j := &jobRun[T]{job: job, r: r}
	if debugtrace.Enabled {
		j.site = debugtrace.Here()
	}
	lwt.OnCancel(p, j.cancel)
	if !jobs.watching {
		jobs.watching = true
		retainNotifications()
	}
	jobs.inFlight++
	pool.submit(j)
	return p
}

// JobCount returns the number of jobs started with [RunJob] whose result has
// not reached the loop yet, canceled ones whose Work runs included.
func JobCount() int { return jobs.inFlight }

// A runner is a job as the pool sees it.
type runner interface {
	run()    // on a pool thread
	finish() // on the loop, once run has returned
}

const (
	jobQueued int32 = iota
	jobRunning
	jobDropped // canceled before it started
)

type jobRun[T any] struct {
	job      Job[T]
	r        lwt.Resolver[T]
	state    atomic.Int32
	panicErr error               // a panic in Work; written by run, read by finish
	site     debugtrace.CallSite // the caller, in debug builds
	canceled bool                // owned by the loop, as finished is
	finished bool
}

func (j *jobRun[T]) run() {
	if !j.state.CompareAndSwap(jobQueued, jobRunning) {
		return // canceled; the loop has already counted it out
	}
	j.work()
	jobs.mu.Lock()
	first := len(jobs.done) == 0
	jobs.done = append(jobs.done, j)
	jobs.mu.Unlock()
	if first {
		SendNotification(jobsNotification)
	}
}

func (j *jobRun[T]) work() {
	defer func() {
		if x := recover(); x != nil {
			j.panicErr = lwt.PanicFailure(x)
		}
	}()
	j.job.Work()
}

func (j *jobRun[T]) cancel() {
	if j.finished {
		return // rejected with lwt.ErrCanceled by Result itself
	}
	if j.state.CompareAndSwap(jobQueued, jobDropped) {
		jobDone()
		return
	}
	j.canceled = true
}

func (j *jobRun[T]) finish() {
	j.finished = true
	// Counted out after the wake-up, so that a thread running jobs one after
	// the other keeps the count above 0.
	defer jobDone()
	switch {
	case j.canceled:
		if d, ok := j.job.(Discarder); ok {
			callDiscard(d)
		}
	case j.panicErr != nil:
		lwt.WakeupExn(j.r, raisedAt(j.site, j.panicErr))
	default:
		v, err := j.result()
		lwt.WakeupResult(j.r, v, raisedAt(j.site, err))
	}
}

func (j *jobRun[T]) result() (v T, err error) {
	defer func() {
		if x := recover(); x != nil {
			err = lwt.PanicFailure(x)
		}
	}()
	return j.job.Result()
}

// callDiscard sends a panic in Discard to the async exception hook, as a
// panic in an lwt.OnCancel callback would be.
func callDiscard(d Discarder) {
	defer func() {
		if x := recover(); x != nil {
			err := lwt.PanicFailure(x)
			lwt.Async(func() lwt.Promise[lwt.Unit] { return lwt.Fail[lwt.Unit](err) })
		}
	}()
	d.Discard()
}

// jobDone counts a job out. When none is left, the notification eventfd is
// let go at the end of the round, not at once, so that a thread of promises
// that runs jobs one after the other does not take it out of the engine
// and put it back (two epoll_ctl calls) for each.
func jobDone() {
	if jobs.inFlight--; jobs.inFlight == 0 && !jobs.sweeping {
		jobs.sweeping = true
		lwt.OnSuccess(lwt.Pause(), stopWatchingJobs)
	}
}

func stopWatchingJobs(lwt.Unit) {
	jobs.sweeping = false
	if jobs.inFlight == 0 && jobs.watching {
		jobs.watching = false
		releaseNotifications()
	}
}

// jobs holds the jobs whose Work has returned, on their way to the loop.
var jobs struct {
	mu       sync.Mutex
	done     []runner
	spare    []runner // owned by the loop
	inFlight int      // owned by the loop, as watching and sweeping are
	watching bool     // jobs hold a reference to the notification eventfd
	sweeping bool     // stopWatchingJobs is due at the end of the round
}

// finishJobs is the internal notification of jobs: it finishes those done.
func finishJobs() {
	jobs.mu.Lock()
	batch := jobs.done
	jobs.done = jobs.spare
	jobs.mu.Unlock()
	jobs.spare = nil
	i := 0
	defer func() {
		if i < len(batch) {
			// The wake-up of batch[i] panicked (an async exception hook
			// that panics): the panic leaves the loop, and the jobs after
			// it wait for the next round.
			requeueJobs(batch[i+1:])
		}
		clear(batch)
		jobs.spare = batch[:0]
	}()
	for ; i < len(batch); i++ {
		j := batch[i]
		batch[i] = nil
		j.finish()
	}
}

// requeueJobs puts finished jobs back at the head of the queue, and the
// notification that finishes them.
func requeueJobs(rest []runner) {
	if len(rest) == 0 {
		return
	}
	jobs.mu.Lock()
	jobs.done = append(append([]runner(nil), rest...), jobs.done...)
	jobs.mu.Unlock()
	SendNotification(jobsNotification)
}

// The pool: up to size threads, each a goroutine locked to its OS thread,
// started on demand. The loop hands a job to the idle thread that finished
// last, or starts a thread, or queues the job when size threads run. A
// thread idle for a second exits (and its OS thread with it).
//
// An idle thread sleeps in the kernel, on a futex, rather than on a
// channel: the loop wakes it with one system call, whereas a channel would
// make the Go scheduler run it, through the loop's own P (which the loop
// keeps while it blocks in the engine) and a hand-off to its locked
// thread. On the 2-core benchmark machines that costs tens of
// microseconds per job.

// DefaultPoolSize is the size of the job pool until [SetPoolSize] changes
// it, that of Lwt.
const DefaultPoolSize = 1000

// defaultIdleTimeout is how long an idle thread of the pool waits for a job
// before it exits.
const defaultIdleTimeout = time.Second

var pool = jobPool{size: DefaultPoolSize, idleTimeout: defaultIdleTimeout}

type jobPool struct {
	mu          sync.Mutex
	size        int
	idleTimeout time.Duration // settable by the tests
	threads     int
	idle        []*poolThread // a stack: the last one idle is reused first
	queue       []runner
	head        int // queue[head:] are waiting
}

// poolThread is an idle thread's mailbox: the loop stores a job (nil: exit)
// in job, then sets handed and wakes the futex on it.
type poolThread struct {
	handed atomic.Uint32
	job    runner
}

// SetPoolSize sets the most threads the job pool may run at once:
// Lwt_unix.set_pool_size. Jobs started while all are busy wait in a queue,
// first in, first out (Lwt runs them on the loop instead). Shrinking the pool
// stops idle threads at once and busy ones when their job is done. n must be
// at least 1. SetPoolSize may be called from any goroutine.
func SetPoolSize(n int) {
	if n < 1 {
		panic("lwtunix.SetPoolSize: size must be at least 1")
	}
	p := &pool
	p.mu.Lock()
	defer p.mu.Unlock()
	p.size = n
	for p.threads > n && len(p.idle) > 0 {
		p.threads--
		p.popIdle().hand(nil)
	}
	for p.threads < n && p.head < len(p.queue) {
		p.threads++
		go p.thread(p.pop())
	}
}

// PoolSize returns the most threads the job pool may run at once:
// Lwt_unix.pool_size.
func PoolSize() int {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	return pool.size
}

// ThreadCount returns the number of threads of the job pool, busy or idle:
// Lwt_unix.thread_count.
func ThreadCount() int {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	return pool.threads
}

// ThreadWaitingCount returns the number of idle threads of the job pool:
// Lwt_unix.thread_waiting_count.
func ThreadWaitingCount() int {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	return len(pool.idle)
}

func (p *jobPool) submit(j runner) {
	p.mu.Lock()
	if len(p.idle) > 0 {
		t := p.popIdle()
		p.mu.Unlock()
		t.hand(j)
		return
	}
	if p.threads < p.size {
		p.threads++
		p.mu.Unlock()
		go p.thread(j)
		return
	}
	p.queue = append(p.queue, j)
	p.mu.Unlock()
}

// popIdle takes the idle thread that went idle last; p.mu is held.
func (p *jobPool) popIdle() *poolThread {
	n := len(p.idle)
	t := p.idle[n-1]
	p.idle[n-1] = nil
	p.idle = p.idle[:n-1]
	return t
}

// pop takes the oldest queued job; p.mu is held and the queue not empty.
func (p *jobPool) pop() runner {
	j := p.queue[p.head]
	p.queue[p.head] = nil
	if p.head++; p.head == len(p.queue) {
		p.queue, p.head = p.queue[:0], 0
	}
	return j
}

// thread runs the jobs of one pool thread, j first.
func (p *jobPool) thread(j runner) {
	// The goroutine keeps its OS thread to itself and never unlocks it,
	// so that the thread exits with it: whatever a job does to its thread
	// goes away with it.
	runtime.LockOSThread()
	t := &poolThread{}
	for {
		j.run()
		p.mu.Lock()
		if p.threads > p.size {
			p.threads--
			p.mu.Unlock()
			return
		}
		if p.head < len(p.queue) {
			j = p.pop()
			p.mu.Unlock()
			continue
		}
		p.idle = append(p.idle, t)
		timeout := p.idleTimeout
		p.mu.Unlock()
		if !t.wait(timeout) {
			p.mu.Lock()
			if i := slices.Index(p.idle, t); i >= 0 {
				p.idle = slices.Delete(p.idle, i, i+1)
				p.threads--
				p.mu.Unlock()
				return
			}
			p.mu.Unlock()
			t.wait(-1) // handed a job (or told to exit) as time ran out
		}
		j = t.job
		t.job = nil
		t.handed.Store(0)
		if j == nil {
			return // SetPoolSize counted it out
		}
	}
}

// hand gives j to the idle thread t and wakes it.
func (t *poolThread) hand(j runner) {
	t.job = j
	t.handed.Store(1)
	futexWake(&t.handed)
}

// wait waits until t is handed a job, for up to timeout if it is not
// negative, and reports whether it was.
func (t *poolThread) wait(timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for t.handed.Load() == 0 {
		d := time.Duration(-1)
		if timeout >= 0 {
			if d = time.Until(deadline); d <= 0 {
				return false
			}
		}
		futexWait(&t.handed, 0, d)
	}
	return true
}
