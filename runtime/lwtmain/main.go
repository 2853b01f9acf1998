// Package lwtmain is the main loop of lwt: Lwt_main.
//
// A program builds its promises and calls [Run] on the one it waits for,
// once, at its top level. Run turns the loop until that promise is resolved:
// each round it resumes the promises paused with lwt.Pause (or [Yield]) and
// iterates the engine (package engine), which runs the callbacks of ready
// descriptors and due timers. It blocks in the engine only when nothing is
// runnable, that is when no promise is paused.
//
// Hooks run at fixed points: [EnterIterHooks] and [LeaveIterHooks] around
// each round, [ExitHooks] (see [AtExit]) when the program ends through
// [Exit] or [RunExitHooks].
//
// # Cost of a round
//
// A round costs no allocation. While promises are paused the loop must not
// block, and polling the kernel for IO on every round would make each
// lwt.Pause cost a system call (a non-blocking epoll_wait takes about 1.7 µs
// on the 2-core benchmark machines, several times a pause round trip). So
// while promises are paused the loop iterates the engine, without blocking,
// once every [IOInterval] resumed promises: on every round when that many
// are paused at once (Lwt polls once per round whatever their number), and
// every IOInterval-th round for a single thread pausing in a loop. A
// descriptor or timer that becomes ready meanwhile is seen that much later,
// and a loop of pauses cannot starve IO. When nothing is paused the loop
// iterates the engine on every round, blocking. The engine makes no system
// call at all for a non-blocking iteration when it watches no descriptor.
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
// If p is resolved already, Run returns without running a round.
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

func loop[T any](p lwt.Promise[T]) {
	budget := IOInterval
	for p.IsSleeping() {
		runHooks(&EnterIterHooks)
		if n := lwt.PausedCount(); n == 0 {
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
		runHooks(&LeaveIterHooks)
	}
}

// Yield returns a promise fulfilled on the next round of the loop:
// Lwt_main.yield, which Lwt now spells lwt.Pause.
func Yield() lwt.Promise[lwt.Unit] { return lwt.Pause() }
