// Package inbox is the door into the lwt loop from other goroutines: a queue
// of functions that any goroutine may Post and that the goroutine running
// lwtmain.Run calls, in order, in its next round.
//
// The loop drains the queue from two hooks, registered when the package is
// initialised: one in EnterIterHooks, before the round may block in the
// engine (a round that drains the queue there does not block: it pauses a
// promise), and one in LeaveIterHooks, at the end of the round, so that
// what a drained function resolves is seen by Run's test of its promise in
// the same round. A Post wakes the loop (engine.Wakeup, a system call)
// when the queue was empty, unless the loop is known to look at the queue
// before it may block: before the first round, and while it yields to a
// goroutine it has just handed work or a result to (see Handoff), which
// then answers without a system call. Both hooks cost a few plain loads
// per round when the queue is empty. Removing them
// (EnterIterHooks.RemoveAll, LeaveIterHooks.RemoveAll) closes the door.
//
// Functions posted while no Run is running wait for the next one.
package inbox

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/lwtgo/lwt/runtime/engine"
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

var (
	mu      sync.Mutex
	queue   []func()
	pending atomic.Bool // queue is not empty
	// mayBlock is set when the loop may be blocked in the engine, or may
	// block without looking at the queue first: a Post then must wake it.
	// It is clear before the first round, and while the loop yields to a
	// goroutine it handed something to (see Handoff); clearing it in every
	// round would cost a locked instruction per round for little gain.
	mayBlock atomic.Bool
	spare    []func() // the slice the last drain emptied, for the next one; loop only
	handoff  bool     // see Handoff; loop only
)

func init() {
	lwtmain.EnterIterHooks.AddLast(enterRound)
	lwtmain.LeaveIterHooks.AddLast(Drain)
}

// Post queues f to be called on the loop. It may be called from any
// goroutine, the loop's included (f then runs at the end of the round). f
// must not panic: a panic would leave lwtmain.Run (the functions queued
// after f stay queued).
func Post(f func()) {
	mu.Lock()
	wake := len(queue) == 0
	queue = append(queue, f)
	pending.Store(true)
	mu.Unlock()
	// enterRound stores mayBlock, then loads pending; Post stores pending,
	// then loads mayBlock: one of the two sees the other's store, so either
	// the loop drains f before it may block or Post wakes it up. Once set,
	// mayBlock stays set until the loop has yielded and stores it again.
	if wake && mayBlock.Load() {
		engine.Wakeup()
	}
}

// Handoff tells the loop that it made a goroutine runnable (sent it work,
// or the result it waits for), on the loop's goroutine. Go puts such a
// goroutine next in line on the loop's processor, where it waits if the
// loop then blocks in the engine: until another thread wakes up to steal
// it, tens of microseconds on a virtual machine, or until the runtime
// takes the processor back from the blocked system call. So at the start of
// the next round the loop yields the processor once (runtime.Gosched), and
// that goroutine runs at once. If it answers at once (with a Post), it
// does so before the loop may block, and no wakeup is needed. (With
// GOMAXPROCS=1 the loop then waits for that goroutine to block or be
// preempted, as it would once it blocked in the engine anyway.)
func Handoff() { handoff = true }

func enterRound() {
	if handoff {
		handoff = false
		// The goroutine runs while the loop yields: what it posts then,
		// the check below sees, with no wakeup.
		mayBlock.Store(false)
		runtime.Gosched()
	}
	if !mayBlock.Load() {
		// The engine must exist before mayBlock is set, for a Post that
		// sees mayBlock to have something to wake.
		engine.Get()
		mayBlock.Store(true)
	}
	if pending.Load() {
		Drain()
		lwt.Pause() // do not block in this round: Run may be done
	}
}

// Drain calls the queued functions, in the order they were posted, on the
// calling goroutine, which must be the loop's. Functions posted meanwhile
// wait for the next Drain. The loop calls Drain in each round; code that
// must see the queue empty before going on (exit hooks) may call it too.
func Drain() {
	if !pending.Load() {
		return
	}
	mu.Lock()
	q := queue
	queue, spare = spare, nil
	pending.Store(false)
	mu.Unlock()
	for i, f := range q {
		q[i] = nil
		call(f, q[i+1:])
	}
	if spare == nil {
		spare = q[:0]
	}
}

// call calls f; if f panics, the functions after it go back to the head of
// the queue before the panic goes on.
func call(f func(), rest []func()) {
	ok := false
	defer func() {
		if !ok {
			requeue(rest)
		}
	}()
	f()
	ok = true
}

func requeue(rest []func()) {
	mu.Lock()
	queue = append(append([]func(){}, rest...), queue...)
	pending.Store(len(queue) > 0)
	mu.Unlock()
	engine.Wakeup()
}
