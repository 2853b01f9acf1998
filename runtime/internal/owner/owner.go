// Package owner catches, with a clear panic, what goroutines other than the
// loop's must not do: resolve or cancel a promise while lwtmain.Run runs on
// another goroutine.
//
// Two checks, by cost:
//
//   - In every build, a resolution made while the loop of a running Run is
//     blocked in the engine, waiting for events, cannot come from the loop:
//     it panics. The engine raises a flag around that wait ([SetWaiting]);
//     the check is one atomic load. This catches the usual mistake, a
//     goroutine that finishes some work and resolves a promise the loop
//     waits on, whenever the loop is idle; not when it happens to be busy.
//   - In debug builds (the lwtdebug tag), [Enter] also records the goroutine
//     running Run, and [Check] compares the caller's with it, read from the
//     header of runtime.Stack: exact, but it costs microseconds, more the
//     deeper the stack.
//
// Nothing is checked while no Run is running: then any goroutine may use
// promises, one at a time.
package owner

import (
	"fmt"
	"sync/atomic"
)

var (
	running atomic.Bool // lwtmain.Run is running
	waiting atomic.Bool // and its loop is blocked in the engine
)

// Enter records that lwtmain.Run is running, on the calling goroutine: Run
// calls it once it knows it is the only one.
func Enter() {
	running.Store(true)
	enter()
}

// Leave records that Run has returned.
func Leave() {
	waiting.Store(false)
	running.Store(false)
	leave()
}

// Running reports whether a Run is running: the engine raises the waiting
// flag only then, for the engine in use.
func Running() bool { return running.Load() }

// SetWaiting tells whether the loop is blocked in the engine's wait for
// events. The engine calls it around that wait only.
func SetWaiting(w bool) { waiting.Store(w) }

// Waiting reports whether the loop is blocked in the engine's wait, as
// recorded by SetWaiting.
func Waiting() bool { return waiting.Load() }

// Check panics, naming api, if the call cannot be the loop's.
func Check(api string) {
	if waiting.Load() {
		panic(message(api, "the loop (lwtmain.Run) is blocked waiting for events"))
	}
	check(api)
}

func message(api, why string) string {
	return fmt.Sprintf("%s called from a goroutine other than the loop's (%s): "+
		"promises belong to the goroutine running lwtmain.Run; from another goroutine, "+
		"send an lwtunix notification (MakeNotification, SendNotification) or call "+
		"lwtpreemptive.RunInMain (or RunInMainDontWait) to make the call on the loop", api, why)
}
