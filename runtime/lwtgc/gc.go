// Package lwtgc runs lwt threads when values are garbage collected: Lwt_gc.
//
// [Finalise] registers a finaliser, a function that returns a promise, to
// run once a value has become unreachable; [FinaliseOrExit] runs it at the
// latest when the program exits. The garbage collector only queues the
// finaliser: it runs later on the loop, in a round of lwtmain.Run, like any
// other callback, and may wait for IO or do anything else a thread does.
// Finalisers are waited for when the program exits: the exit hooks
// (lwtmain.RunExitHooks or lwtmain.Exit) run those that the collector has
// queued already, and do not return before the promises of all that have
// run are resolved. lwtmain.Run itself returns as soon as its own promise
// is resolved: as in Lwt, the waiting is the exit hooks' job.
//
// Collection is Go's: x is handed to runtime.SetFinalizer, with its rules.
// x must point to the start of an allocation of its own, made by new, a
// composite literal or make (not a global, and not a small object without
// pointers, which the allocator may pack with others); a cycle of objects
// with finalisers is never collected; and the finaliser must not keep x
// reachable, by capturing it for instance. x must not have a finaliser set
// with runtime.SetFinalizer, which would end the program (the runtime's
// "finalizer already set"), but lwtgc's functions may be called several
// times on one x: its finalisers run in the order they were added.
// While its finalisers run, x is reachable again; it is freed at a later
// collection.
//
// A finaliser is called with x, on the loop, once the collector has found x
// unreachable, which takes at least one garbage collection, and may take
// two or more. If no Run is running then, it waits for the next one. A
// panic in a finaliser, or a failure of its promise, goes to lwt's async
// exception hook (lwt.SetAsyncExceptionHook), as with lwt.Async.
//
// Like the rest of lwt, Finalise and FinaliseOrExit belong to the loop's
// goroutine.
package lwtgc

import (
	"runtime"
	"sync"
	"weak"

	"github.com/lwtgo/lwt/runtime/internal/inbox"
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

// Finalise makes f(x) run on the loop after x has become unreachable:
// Lwt_gc.finalise. If f's promise is still pending when the program exits,
// the exit hooks wait for it. f is not called at exit for an x that is
// still reachable then: see [FinaliseOrExit] for that. It panics if x is nil.
func Finalise[T any](f func(*T) lwt.Promise[lwt.Unit], x *T) {
	add(&entry[T]{f: f}, x, "lwtgc.Finalise")
}

// FinaliseOrExit makes f(x) run once: on the loop after x has become
// unreachable, or when the program exits (in lwtmain's exit hooks) if x is
// still reachable then, whichever comes first: Lwt_gc.finalise_or_exit.
// Either way the exit hooks wait for f's promise. It panics if x is nil.
func FinaliseOrExit[T any](f func(*T) lwt.Promise[lwt.Unit], x *T) {
	e := &entry[T]{f: f}
	wp := add(e, x, "lwtgc.FinaliseOrExit")
	// The hook holds x weakly, so that it does not keep it reachable.
	e.hook = lwtmain.AtExit(func() lwt.Promise[lwt.Unit] {
		if e.called {
			return lwt.ReturnUnit()
		}
		if x := wp.Value(); x != nil {
			return e.call(x)
		}
		// x is unreachable and its finaliser queued: it is on its way to
		// the loop. Wait for it.
		p, r := lwt.Wait[lwt.Unit]()
		e.arrived = &r
		return p
	})
}

// entry is one finaliser of an object.
type entry[T any] struct {
	f       func(*T) lwt.Promise[lwt.Unit]
	called  bool                                        // f was called
	hook    *lwtmain.Hook[func() lwt.Promise[lwt.Unit]] // FinaliseOrExit's exit hook
	arrived *lwt.Resolver[lwt.Unit]                     // the exit hook waits for f's call
}

// record is the list of the finalisers of one object.
type record[T any] struct {
	entries []*entry[T]
}

var (
	mu sync.Mutex
	// records maps a weak pointer to an object with finalisers, a
	// weak.Pointer[T] (equal for all pointers to one object, and keeping it
	// from nobody), to its *record[T]. The runtime's finaliser removes it.
	records = map[any]any{}
)

// add registers e as a finaliser of x and returns a weak pointer to x.
func add[T any](e *entry[T], x *T, api string) weak.Pointer[T] {
	if x == nil {
		panic(api + ": nil pointer")
	}
	if e.f == nil {
		panic(api + ": nil function")
	}
	wp := weak.Make(x)
	mu.Lock()
	rec, ok := records[wp].(*record[T])
	mu.Unlock()
	if !ok {
		// x is reachable until add returns (KeepAlive below): its finaliser
		// cannot run before the record is in records.
		rec = &record[T]{}
		runtime.SetFinalizer(x, func(x *T) {
			mu.Lock()
			delete(records, wp)
			mu.Unlock()
			inbox.Post(func() { rec.run(x) })
		})
		mu.Lock()
		records[wp] = rec
		mu.Unlock()
	}
	// Only the loop touches entries: Finalise, FinaliseOrExit and run.
	rec.entries = append(rec.entries, e)
	watchExit()
	runtime.KeepAlive(x)
	return wp
}

// run calls, on the loop, the finalisers of x not called yet.
func (rec *record[T]) run(x *T) {
	for _, e := range rec.entries {
		if e.hook != nil {
			e.hook.Remove()
		}
		if !e.called {
			p := e.call(x)
			if e.arrived != nil {
				lwt.OnTermination(p, func() { lwt.Wakeup(*e.arrived, lwt.Unit{}) })
			}
		}
	}
}

// call calls f(x), once, and makes the exit hooks wait for its promise.
// A panic or failure goes to the async exception hook.
func (e *entry[T]) call(x *T) lwt.Promise[lwt.Unit] {
	e.called = true
	var p lwt.Promise[lwt.Unit]
	lwt.Async(func() lwt.Promise[lwt.Unit] {
		p = e.f(x) // a panic leaves p resolved
		return p
	})
	if p.IsSleeping() {
		// Lwt's ensure_termination: an exit hook that waits for p, gone
		// once p is resolved.
		h := lwtmain.AtExit(func() lwt.Promise[lwt.Unit] { return p })
		lwt.OnTermination(p, h.Remove)
	}
	return p
}

// exitHook is set while lwtgc's exit hook is in the exit hooks.
var exitHook bool

// watchExit makes sure the exit hooks run the finalisers that reached the
// loop's queue but not the loop yet (the loop drains its queue in its
// rounds, and exit hooks may need no round at all).
func watchExit() {
	if exitHook {
		return
	}
	exitHook = true
	lwtmain.AtExit(func() lwt.Promise[lwt.Unit] {
		exitHook = false
		inbox.Drain()
		return lwt.ReturnUnit()
	})
}
