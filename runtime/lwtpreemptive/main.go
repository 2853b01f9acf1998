package lwtpreemptive

import (
	"reflect"
	"runtime"
	"strings"
	"sync"

	"github.com/lwtgo/lwt/runtime/internal/inbox"
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

// RunInMain runs f on the loop, waits until its promise is resolved and
// returns its value or error: Lwt_preemptive.run_in_main. A panic in f
// becomes the error, an *lwt.PanicError. It is meant for detached functions
// (see [Detach]) and other goroutines that are not the loop's; f runs in
// the next round of lwtmain.Run, which wakes up for it if it is waiting for
// IO. While no Run is running, RunInMain waits for the next one.
//
// Called from the loop itself (from a callback or hook run by lwtmain.Run,
// or from an exit hook), RunInMain would wait for itself for ever: it panics
// instead. It cannot tell the loop's goroutine apart from others while no
// Run is running on it: called there, it waits for a Run on another
// goroutine.
func RunInMain[T any](f func() lwt.Promise[T]) (T, error) {
	if f == nil {
		panic("lwtpreemptive.RunInMain: nil function")
	}
	if insideRun() {
		panic("lwtpreemptive.RunInMain called from the loop (inside lwtmain.Run), which would wait for itself for ever: call f directly, or use RunInMainDontWait")
	}
	c := &call[T]{f: f, done: make(chan struct{})}
	inbox.Post(c.start)
	<-c.done
	return c.v, c.err
}

// call is a RunInMain on its way to the loop and back.
type call[T any] struct {
	f    func() lwt.Promise[T]
	v    T
	err  error
	done chan struct{} // closed once v and err are set
}

// start runs on the loop.
func (c *call[T]) start() {
	p := protect(c.f)
	if p.IsSleeping() {
		lwt.OnTermination(p, func() { c.finish(p) })
		return
	}
	c.finish(p)
}

func (c *call[T]) finish(p lwt.Promise[T]) {
	c.v, c.err = p.Result()
	close(c.done)
	inbox.Handoff()
}

// RunInMainDontWait runs f on the loop like [RunInMain], but returns at once
// instead of waiting for the result: Lwt_preemptive.run_in_main_dont_wait.
// If f panics or its promise fails, h is called with the error, on the loop;
// a panic in h goes to lwt's async exception hook. Unlike RunInMain it may
// be called from the loop too: f then runs at the end of the current round.
func RunInMainDontWait(f func() lwt.Promise[lwt.Unit], h func(error)) {
	if f == nil || h == nil {
		panic("lwtpreemptive.RunInMainDontWait: nil function")
	}
	inbox.Post(func() { lwt.DontWait(f, h) })
}

// protect calls f, turning a panic into a failed promise.
func protect[T any](f func() lwt.Promise[T]) (p lwt.Promise[T]) {
	defer func() {
		if x := recover(); x != nil {
			p = lwt.Fail[T](lwt.PanicFailure(x))
		}
	}()
	return f()
}

// lwtmainPrefix is the prefix of the names of lwtmain's functions: one of
// them on the stack means the loop called us.
var lwtmainPrefix = func() string {
	name := runtime.FuncForPC(reflect.ValueOf(lwtmain.RunExitHooks).Pointer()).Name()
	return name[:strings.LastIndexByte(name, '.')+1]
}()

// inLwtmain caches, for each return address seen on a stack, whether it is
// in a function of lwtmain.
var inLwtmain sync.Map // uintptr → bool

// insideRun reports whether a function of lwtmain is on the calling
// goroutine's stack: lwtmain.Run, RunExitHooks or Exit, which run the loop
// and everything it calls. It costs a stack walk, well below the round trip
// of RunInMain (see BenchmarkRunInMainRoundTrip).
func insideRun() bool {
	var buf [32]uintptr
	pcs := buf[:]
	n := runtime.Callers(3, pcs)
	for n == len(pcs) { // deeper than pcs: the loop is at the bottom
		pcs = make([]uintptr, 2*len(pcs))
		n = runtime.Callers(3, pcs)
	}
	for _, pc := range pcs[:n] {
		in, ok := inLwtmain.Load(pc)
		if !ok {
			f := runtime.FuncForPC(pc - 1)
			in = f != nil && strings.HasPrefix(f.Name(), lwtmainPrefix)
			inLwtmain.Store(pc, in)
		}
		if in.(bool) {
			return true
		}
	}
	return false
}
