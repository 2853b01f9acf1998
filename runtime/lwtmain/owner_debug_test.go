//go:build lwtdebug

package lwtmain_test

import (
	"runtime"
	"testing"

	"github.com/lwtgo/lwt/runtime/engine"
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

// In a debug build, resolving or canceling a promise from a goroutine other
// than the one running Run panics even while the loop is busy (here, inside
// an engine callback), and leaves the promise alone. Without a Run the same
// calls work from any goroutine.
func TestResolverOffLoopPanicsInDebugBuild(t *testing.T) {
	p, r := lwt.Task[int]()
	calls := offLoopCalls(p, r)
	got := make([]string, len(calls))

	start, done := make(chan struct{}), make(chan struct{})
	go func() {
		<-start
		for i, c := range calls {
			got[i] = panicOf(c.f)
		}
		close(done)
	}()

	end, rend := lwt.Wait[lwt.Unit]()
	engine.OnTimer(0, false, func(*engine.Event) {
		close(start)
		for busy := true; busy; { // the loop is busy, not waiting for events
			select {
			case <-done:
				busy = false
			default:
				runtime.Gosched()
			}
		}
		lwt.Wakeup(rend, lwt.Unit{}) // on the loop: allowed
	})
	if _, err := lwtmain.Run(end); err != nil {
		t.Fatal(err)
	}
	for i, c := range calls {
		checkOffLoopPanic(t, c.api, got[i], "goroutine ", ", while lwtmain.Run runs on goroutine ")
	}
	if !p.IsSleeping() {
		t.Fatalf("the refused calls changed the promise: %v", p)
	}

	// No Run now: any goroutine may resolve it.
	ok := make(chan string)
	go func() { ok <- panicOf(func() { lwt.Wakeup(r, 7) }) }()
	if x := <-ok; x != "" {
		t.Fatalf("Wakeup off the loop with no Run running panicked: %v", x)
	}
	if v, err := p.Result(); v != 7 || err != nil {
		t.Fatalf("after Wakeup: %v, %v", v, err)
	}
}
