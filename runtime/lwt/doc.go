// Package lwt is the core of lwt for Go: light-weight cooperative threads,
// after OCaml's Lwt.
//
// A thread is a [Promise]: a value of type T that may not be there yet. A
// promise is in one of three states, printed the way the Lwt manual prints
// them: Sleep (pending), Return v (fulfilled with v) or Fail err (rejected
// with err). [Return] and [Fail] make resolved promises; [Wait] and [Task]
// make sleeping ones together with the [Resolver] that wakes them up
// ([Wakeup], [WakeupExn]). Only Task promises can be canceled ([Cancel]).
//
// Promises compose: [Bind] runs a function once a promise is fulfilled,
// [Catch] handles failures, [Join], [Choose] and [Pick] wait for several
// promises at once. Code is usually not written with these functions by hand:
// lwtgen rewrites direct-style functions that call [Await] into them.
//
// Promise is a small value, not a pointer. A resolved promise holds its
// result inline and costs no allocation; a pending one points to shared state
// that every copy sees, so a copy made before resolution sees the result.
// The zero Promise is fulfilled with the zero value of T.
//
// The runtime is single-threaded: promises and resolvers must be used from
// one goroutine at a time (the one running the scheduler, lwtmain.Run). Other
// goroutines reach it through notifications, jobs and
// lwtpreemptive.RunInMain.
//
// # Calls from other goroutines
//
// Resolving a promise from another goroutine while lwtmain.Run runs would
// corrupt it silently, so the resolvers ([Wakeup], [WakeupExn],
// [WakeupResult], [WakeupLater], [WakeupLaterExn], [WakeupLaterResult]) and
// [Cancel] check where they are called from, as far as that is cheap, and
// panic with a message naming the call and the ways in (a notification of
// lwtunix, lwtpreemptive.RunInMain):
//
//   - In every build, a call made while Run's loop is blocked in the engine
//     waiting for events panics: it cannot come from the loop. This costs
//     one atomic load per call, and catches the usual mistake (a goroutine
//     that finishes some work and resolves a promise the loop waits on)
//     whenever the loop is idle, not while it happens to be running
//     callbacks.
//   - In debug builds (the lwtdebug build tag), every such call made on a
//     goroutine other than the one running Run panics. Naming the calling
//     goroutine costs a stack trace, one to several microseconds per call,
//     which is why default builds do not do it.
//
// Nothing is checked while no Run is running. The other functions of the
// package (Bind, Pause ...) are not checked; the race detector reports such
// races when they happen.
//
// # Support for generated code
//
// [Frame] and its methods, [Resumer], [Suspend], [Promise.Ready],
// [PanicFailure], [Recovered] and [AssertionFailed] are what the state
// machines lwtgen generates call; their doc comments say "for generated
// code". They are exported because generated code lives in the user's
// packages, and are not meant for hand-written code. They stay in this
// package rather than one of their own (as protobuf's protoimpl) because
// Suspend works on the promise's internals (its node, its callbacks, the
// queue), and a second package would need those exported, or the whole core
// moved behind two facades, for a difference in naming only.
//
// # Differences from Lwt
//
//   - Callbacks on one promise run in registration order; Lwt runs them last
//     in, first out.
//   - A panic inside a callback (the function given to Bind, Map, Catch ...)
//     becomes a failure of the resulting promise, carrying the panic value and
//     its stack as a [*PanicError]. It never escapes synchronously, even when
//     the promise was already resolved (Lwt raises there).
//   - Resolution is synchronous: when Wakeup returns, everything it unblocked
//     has run. Yet no chain of callbacks, however long, grows the stack without
//     bound: past a nesting depth of [MaxNesting] callbacks are queued and run
//     before the outermost callback returns. This is also true of Bind on a
//     resolved promise, so a recursive loop of binds runs in constant stack.
package lwt
