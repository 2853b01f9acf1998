// Package lwtpreemptive runs blocking functions off the lwt loop, on a pool
// of goroutines, and brings their results back to it: Lwt_preemptive.
//
// A function that blocks (a system call with no non-blocking form, a cgo
// library, a long computation) must not run on the loop, which would stop
// every other thread while it runs. [Detach] runs it on a goroutine of the
// pool and returns a promise that the loop resolves with the function's
// result. The other way round, code running off the loop (a detached
// function, or any other goroutine) calls [RunInMain] to run a function on
// the loop and wait for its result; it is the only lwt call such code may
// make, since promises belong to the loop's goroutine.
//
// # The pool
//
// The pool runs at most max functions at once (see [SetBounds]; the default
// bounds are Lwt's, 0 and 4). A Detach that finds every worker busy waits in
// a first-in, first-out queue, without a goroutine of its own; once that
// queue holds [GetMaxThreadQueueLength] functions (1000 by default), Detach
// fails with [ErrQueueFull] rather than queue more.
//
// Workers are goroutines, started on demand. A worker that finds nothing to
// do waits for the next function; when more than min workers exist, one
// that has waited for the idle timeout ([SetIdleTimeout], 10 seconds by
// default) ends. A program that wants no goroutine of the pool left, a test
// checking for leaks for instance, lowers min to 0 and the idle timeout to
// 0: idle workers then end at once, and busy ones when their function
// returns.
//
// Workers are not locked to OS threads. Go already hands the processor of a
// goroutine blocked in a system call or in C to other goroutines, which is
// what Lwt's preemptive threads are for; locking would add a thread switch
// to every call and buy nothing, except to a function that depends on the
// identity of its thread (thread-local state of a C library, setns, a
// per-thread credential). Such a function calls runtime.LockOSThread itself
// and defers runtime.UnlockOSThread, so that the worker does not carry the
// lock on to the next function.
//
// # Results, panics, cancellation
//
// The promise of Detach is fulfilled with the function's value or rejected
// with its error; a panic in the function rejects it with the
// *lwt.PanicError that lwt.PanicFailure makes, holding the panic value and
// the stack of the worker. Results reach the loop through a queue that the
// loop drains in each round, from hooks in lwtmain.EnterIterHooks and
// LeaveIterHooks (RemoveAll on those removes them too): a loop blocked
// waiting for IO is woken up (engine.Wakeup) and comes round at once, and
// nothing polls.
//
// The promise can be canceled (lwt.Cancel). A function still waiting in the
// queue then never runs. One that is running cannot be stopped: it runs to
// its end on its worker, which stays busy meanwhile, and its result is
// dropped; the promise is rejected with lwt.ErrCanceled at once.
//
// # Differences from Lwt
//
//   - Detach takes a Go function returning (T, error), called with no
//     argument: Lwt's detach f x is Detach(func() (T, error) { return f(x),
//     nil }).
//   - Lwt's maximum queue length is not enforced (the documentation says
//     detach then "sleeps", which every waiting detach does); here a full
//     queue makes Detach fail with ErrQueueFull.
//   - Lwt never ends its threads; workers above min end after the idle
//     timeout.
//   - RunInMain called from the loop itself, which would wait for itself for
//     ever, panics instead.
package lwtpreemptive
