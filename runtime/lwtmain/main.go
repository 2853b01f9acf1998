// Package lwtmain is the main loop of lwt: Lwt_main.
//
// A program builds its promises and calls [Run] on the one it waits for,
// once, at its top level. Run turns the loop until that promise is resolved.
// A round goes as in Lwt:
//
//  1. resume the promises paused with lwt.Pause; return if the promise given
//     to Run is resolved;
//  2. run the [EnterIterHooks];
//  3. iterate the engine (package engine), which runs the callbacks of ready
//     descriptors and due timers, blocking only when nothing is runnable (no
//     promise paused or yielded);
//  4. resume the promises paused meanwhile, then those of [Yield];
//  5. run the [LeaveIterHooks].
//
// So a chain of pauses advances twice a round (before the enter hooks and
// after the engine), and a promise paused by a callback of step 4 or 5 waits
// for the next round.
//
// [ExitHooks] (see [AtExit]) run when the program ends through [Exit] or
// [RunExitHooks].
//
// # Cost of a round
//
// A round costs no allocation. While promises are paused the loop must not
// block, and polling the kernel for IO on every round would make each
// lwt.Pause cost a system call (a non-blocking epoll_wait takes about 1.7 µs
// on the 2-core benchmark machines, several times a pause round trip). So
// while promises are paused or yielded the loop iterates the engine, without
// blocking, once every [IOInterval] resumed promises: on every round when
// that many are resumed at once (Lwt polls once per round whatever their
// number), and every IOInterval/2-th round for a single thread pausing in a
// loop. A descriptor or timer that becomes ready meanwhile is seen that much
// later, and a loop of pauses cannot starve IO. When nothing is paused or
// yielded the loop iterates the engine on every round, blocking. The engine
// makes no system call at all for a non-blocking iteration when it watches
// no descriptor.
//
// # Differences from Lwt
//
//   - While promises are paused, the engine is iterated once every
//     [IOInterval] resumed promises rather than on every round (see "Cost of
//     a round"); the order of the steps in a round is Lwt's.
//   - A nested Run returns [ErrNested] instead of raising Failure.
package lwtmain

import (
	"errors"
	"runtime"
	"sync/atomic"

	"github.com/lwtgo/lwt/runtime/engine"
	"github.com/lwtgo/lwt/runtime/internal/owner"
	"github.com/lwtgo/lwt/runtime/lwt"
)

// ErrNested is the error of a [Run] called while another one runs, from a
// callback or from another goroutine: Lwt's "Nested calls to Lwt_main.run
// are not allowed".
var ErrNested = errors.New("lwtmain: nested calls to Run are not allowed")

// IOInterval is how many paused promises the loop resumes between two
// non-blocking iterations of the engine (see "Cost of a round").
const IOInterval = 64

var running atomic.Bool

// Run runs the scheduler until p is resolved and returns p's value or error:
// Lwt_main.run. It returns [ErrNested] at once if a Run is already running.
// Each round first resumes the paused promises, then returns if p is
// resolved: so Run of a resolved promise resumes the promises paused so far,
// as Lwt does, but runs no hook and does not look at the engine.
//
// If p never resolves, Run never returns, blocked in the engine once nothing
// is runnable, as in Lwt; an [engine.Wakeup] from another goroutine makes it
// go round once more (and run its hooks).
//
// A panic in an engine callback or a hook leaves Run, which can be called
// again afterwards.
func Run[T any](p lwt.Promise[T]) (T, error) {
	if !running.CompareAndSwap(false, true) {
		var zero T
		return zero, ErrNested
	}
	defer running.Store(false)
	owner.Enter()
	defer owner.Leave()
	loop(p)
	return p.Result()
}

// loop runs the rounds described in the package documentation. budget
// counts down the promises resumed since the engine was last iterated.
func loop[T any](p lwt.Promise[T]) {
	budget := IOInterval
	for {
		budget -= lwt.PausedCount()
		lwt.WakeupPaused()
		if !p.IsSleeping() {
			return
		}
		runHooks(&EnterIterHooks)
		// The promises that step 4 resumes count before the engine's turn,
		// so that IOInterval threads pausing at once see it on every round.
		if n := lwt.PausedCount() + len(yielded); n == 0 {
			// About to block: first let run the goroutines this round made
			// runnable (job workers, detached calls). Go queues them on the
			// loop's own processor, which a blocking epoll_wait would hold
			// for tens of microseconds before another thread takes them.
			runtime.Gosched()
			engine.Get().Iter(true)
			budget = IOInterval
		} else if budget -= n; budget <= 0 {
			engine.Get().Iter(false)
			budget = IOInterval
		}
		lwt.WakeupPaused()
		wakeupYielded()
		runHooks(&LeaveIterHooks)
	}
}

// The resolvers of Yield's promises, resumed once a round after the paused
// ones; spareYielded is the array of the previous round, reused.
var yielded, spareYielded []lwt.Resolver[lwt.Unit]

// Yield returns a cancelable promise fulfilled in the next round of the
// loop, after the engine has been iterated and the promises paused with
// lwt.Pause resumed: Lwt_main.yield. Lwt has since deprecated it for
// lwt.Pause, which resumes earlier in the round (see the package
// documentation); a yielded promise also keeps Run from blocking.
func Yield() lwt.Promise[lwt.Unit] {
	p, r := lwt.Task[lwt.Unit]()
	yielded = append(yielded, r)
	return p
}

// wakeupYielded fulfills the promises of Yield, oldest first; those yielded
// meanwhile wait for the next round. A canceled one stays canceled.
func wakeupYielded() {
	if len(yielded) == 0 {
		return
	}
	batch := yielded
	yielded, spareYielded = spareYielded[:0], nil
	for i, r := range batch {
		batch[i] = lwt.Resolver[lwt.Unit]{}
		lwt.Wakeup(r, lwt.Unit{})
	}
	spareYielded = batch[:0]
}
