package lwtpreemptive

import (
	"errors"
	"slices"
	"sync"
	"time"
)

// ErrQueueFull is the failure of a [Detach] that finds every worker busy
// and [GetMaxThreadQueueLength] functions already waiting.
var ErrQueueFull = errors.New("lwtpreemptive: queue of detached functions is full")

// DefaultIdleTimeout is how long a worker above the minimum waits for work
// before it ends, until [SetIdleTimeout] changes it.
const DefaultIdleTimeout = 10 * time.Second

// A job is a detached function as the pool sees it.
type job interface {
	// work runs on a worker: it calls the function and sends its result to
	// the loop.
	work()
	state() *jobState
}

type jobState uint8

const (
	jobNew      jobState = iota
	jobQueued            // waiting in pool.queue
	jobRunning           // given to a worker
	jobCanceled          // canceled while queued: skipped by pop
)

type worker struct {
	jobs      chan job // a job given to this idle worker; buffered, never blocks
	idle      bool     // in pool.idle; under pool.mu
	idleSince time.Time
	timer     *time.Timer
}

// pool is the state shared by the loop (Detach, cancel, settings) and the
// workers. Everything is under mu.
type pool struct {
	mu          sync.Mutex
	min, max    int
	maxQueued   int
	idleTimeout time.Duration
	workers     int       // live worker goroutines
	idle        []*worker // idle workers, the last idle on top
	queue       []job     // waiting jobs, from queue[head]; canceled ones stay until popped
	head        int
	queued      int           // jobs waiting, canceled ones not counted
	poke        chan struct{} // closed when the settings change, for idle workers to look again
}

var thePool = pool{max: 4, maxQueued: 1000, idleTimeout: DefaultIdleTimeout, poke: make(chan struct{})}

// SetBounds sets the minimum and maximum number of workers: Lwt_preemptive's
// set_bounds. At most max detached functions run at once; min workers are
// started at once and kept even when idle. Functions waiting in the queue
// start if max grows; if it shrinks, workers above it end once their
// function returns, and idle ones at once. SetBounds(0, 0) stops the pool:
// Detach then queues until the bounds are raised. It panics if min < 0 or
// max < min. It may be called from any goroutine.
func SetBounds(min, max int) {
	if min < 0 || max < min {
		panic("lwtpreemptive.SetBounds: need 0 <= min <= max")
	}
	p := &thePool
	p.mu.Lock()
	defer p.mu.Unlock()
	p.min, p.max = min, max
	for p.workers < p.max {
		j := p.pop()
		if j == nil {
			break
		}
		p.start(j)
	}
	for p.workers < p.min {
		w := p.newWorker()
		p.workers++
		p.makeIdle(w)
		go p.run(w, nil)
	}
	p.pokeIdle()
}

// GetBounds returns the minimum and maximum number of workers.
func GetBounds() (min, max int) {
	p := &thePool
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.min, p.max
}

// SetMaxThreadQueueLength sets how many detached functions may wait for a
// worker; past that, [Detach] fails with [ErrQueueFull]. Functions already
// waiting stay. It panics if n < 0. It may be called from any goroutine.
func SetMaxThreadQueueLength(n int) {
	if n < 0 {
		panic("lwtpreemptive.SetMaxThreadQueueLength: negative length")
	}
	p := &thePool
	p.mu.Lock()
	defer p.mu.Unlock()
	p.maxQueued = n
}

// GetMaxThreadQueueLength returns how many detached functions may wait for
// a worker.
func GetMaxThreadQueueLength() int {
	p := &thePool
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.maxQueued
}

// SetIdleTimeout sets how long a worker waits for work before it ends, when
// more than the minimum number of workers exist (see [SetBounds]); a timeout
// of 0 or less ends them as soon as they are idle, workers idle already
// included. It may be called from any goroutine.
func SetIdleTimeout(d time.Duration) {
	p := &thePool
	p.mu.Lock()
	defer p.mu.Unlock()
	p.idleTimeout = max(d, 0)
	p.pokeIdle()
}

// Stats returns the number of workers, how many of them are busy (running a
// function, or just done with one and not idle yet), and how many functions
// wait for a worker: Lwt_preemptive's nbthreads, nbthreadsbusy and
// nbthreadsqueued.
func Stats() (workers, busy, queued int) {
	p := &thePool
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.workers, p.workers - len(p.idle), p.queued
}

type submitted uint8

const (
	handed    submitted = iota // to a worker
	queued                     // waiting for a worker
	queueFull                  // refused
)

// submit gives j to an idle worker, to a new one, or queues it.
func (p *pool) submit(j job) submitted {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case len(p.idle) > 0 && p.workers <= p.max:
		w := p.idle[len(p.idle)-1]
		p.idle[len(p.idle)-1] = nil
		p.idle = p.idle[:len(p.idle)-1]
		w.idle = false
		*j.state() = jobRunning
		w.jobs <- j
		return handed
	case p.workers < p.max:
		p.start(j)
		return handed
	case p.queued < p.maxQueued:
		if p.head > 0 && len(p.queue) == cap(p.queue) {
			p.compact()
		}
		*j.state() = jobQueued
		p.queue = append(p.queue, j)
		p.queued++
		if len(p.idle) > 0 {
			// max shrank and idle workers above it have not ended yet: those
			// that end make room for the others to take j.
			p.pokeIdle()
		}
		return queued
	default:
		return queueFull
	}
}

// cancel takes j out of the queue if it is still there.
func (p *pool) cancel(j job) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s := j.state(); *s == jobQueued {
		*s = jobCanceled
		p.queued--
		if dead := len(p.queue) - p.head - p.queued; dead > 64 && dead > p.queued {
			p.compact()
		}
	}
}

// compact drops taken and canceled jobs from the queue.
func (p *pool) compact() {
	q := p.queue[:0]
	for _, j := range p.queue[p.head:] {
		if *j.state() == jobQueued {
			q = append(q, j)
		}
	}
	clear(p.queue[len(q):])
	p.queue, p.head = q, 0
}

// pop takes the first waiting job and marks it running; nil if none.
func (p *pool) pop() job {
	for p.head < len(p.queue) {
		j := p.queue[p.head]
		p.queue[p.head] = nil
		p.head++
		if s := j.state(); *s == jobQueued {
			*s = jobRunning
			p.queued--
			if p.head == len(p.queue) {
				p.queue, p.head = p.queue[:0], 0
			}
			return j
		}
	}
	p.queue, p.head = p.queue[:0], 0
	return nil
}

// start starts a worker for j.
func (p *pool) start(j job) {
	*j.state() = jobRunning
	p.workers++
	go p.run(p.newWorker(), j)
}

func (p *pool) newWorker() *worker {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &worker{jobs: make(chan job, 1), timer: t}
}

func (p *pool) makeIdle(w *worker) {
	w.idle = true
	w.idleSince = time.Now()
	p.idle = append(p.idle, w)
}

func (p *pool) pokeIdle() {
	close(p.poke)
	p.poke = make(chan struct{})
}

// run is a worker's goroutine: it runs j, then the jobs it is given or
// finds in the queue, until it ends.
func (p *pool) run(w *worker, j job) {
	ended := false
	defer func() {
		if !ended { // runtime.Goexit in a function: this worker is gone
			p.mu.Lock()
			p.workers--
			p.mu.Unlock()
		}
	}()
	if j == nil {
		j = p.wait(w)
	}
	for j != nil {
		j.work()
		j = p.next(w)
	}
	ended = true
}

// next returns the job a worker that finished one runs next, waiting for
// one if the queue is empty; nil if the worker must end.
func (p *pool) next(w *worker) job {
	p.mu.Lock()
	if p.workers > p.max {
		p.workers--
		p.mu.Unlock()
		return nil
	}
	if j := p.pop(); j != nil {
		p.mu.Unlock()
		return j
	}
	p.makeIdle(w)
	p.mu.Unlock()
	return p.wait(w)
}

// wait waits, idle, for a job; nil if the worker must end.
func (p *pool) wait(w *worker) job {
	for {
		p.mu.Lock()
		if !w.idle { // submit took w and sent it a job
			p.mu.Unlock()
			return <-w.jobs
		}
		if p.workers > p.max {
			p.end(w)
			return nil
		}
		if j := p.pop(); j != nil { // queued while max was below the workers
			p.removeIdle(w)
			p.mu.Unlock()
			return j
		}
		var timeout <-chan time.Time
		if p.workers > p.min {
			left := p.idleTimeout - time.Since(w.idleSince)
			if left <= 0 {
				p.end(w)
				return nil
			}
			w.timer.Reset(left)
			timeout = w.timer.C
		}
		poke := p.poke
		p.mu.Unlock()
		select {
		case j := <-w.jobs:
			w.timer.Stop()
			return j
		case <-timeout:
		case <-poke:
			w.timer.Stop()
		}
	}
}

// end takes idle w out of the pool and unlocks p.
func (p *pool) end(w *worker) {
	p.removeIdle(w)
	p.workers--
	p.mu.Unlock()
}

func (p *pool) removeIdle(w *worker) {
	if i := slices.Index(p.idle, w); i >= 0 {
		p.idle = slices.Delete(p.idle, i, i+1)
	}
	w.idle = false
}
