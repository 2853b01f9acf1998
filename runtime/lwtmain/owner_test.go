package lwtmain_test

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/lwtgo/lwt/runtime/engine"
	"github.com/lwtgo/lwt/runtime/internal/owner"
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

type offLoopCall struct {
	api string
	f   func()
}

// offLoopCalls are the calls that must be made on the loop: the resolvers
// of r and Cancel of p.
func offLoopCalls(p lwt.Promise[int], r lwt.Resolver[int]) []offLoopCall {
	return []offLoopCall{
		{"lwt.Wakeup", func() { lwt.Wakeup(r, 1) }},
		{"lwt.WakeupExn", func() { lwt.WakeupExn(r, errors.New("x")) }},
		{"lwt.WakeupResult", func() { lwt.WakeupResult(r, 1, nil) }},
		{"lwt.WakeupLater", func() { lwt.WakeupLater(r, 1) }},
		{"lwt.WakeupLaterExn", func() { lwt.WakeupLaterExn(r, errors.New("x")) }},
		{"lwt.WakeupLaterResult", func() { lwt.WakeupLaterResult(r, 1, nil) }},
		{"lwt.Cancel", func() { lwt.Cancel(p) }},
	}
}

// panicOf calls f and returns what it panicked with, "" if it did not.
func panicOf(f func()) (msg string) {
	defer func() {
		if x := recover(); x != nil {
			msg = fmt.Sprint(x)
		}
	}()
	f()
	return ""
}

func checkOffLoopPanic(t *testing.T, api, msg string, why ...string) {
	t.Helper()
	want := append([]string{api + " called from a goroutine other than the loop's (",
		"MakeNotification", "lwtpreemptive.RunInMain"}, why...)
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("%s off the loop: panic %q, want it to mention %q", api, msg, w)
		}
	}
}

// In every build, resolving or canceling a promise while Run's loop is
// blocked waiting for events (so from another goroutine) panics at the call
// and leaves the promise alone; the loop then goes on.
func TestResolverWhileLoopWaitsPanics(t *testing.T) {
	p, r := lwt.Task[int]()
	calls := offLoopCalls(p, r)
	got := make([]string, len(calls))
	done := make(chan struct{})
	go func() {
		defer func() {
			close(done)
			engine.Wakeup() // after close: the loop's hook must see done
		}()
		for i, c := range calls {
			// Nothing else wakes the loop: once it waits, it waits until
			// the Wakeup above.
			for deadline := time.Now().Add(5 * time.Second); !owner.Waiting(); time.Sleep(100 * time.Microsecond) {
				if time.Now().After(deadline) {
					got[i] = "the loop never blocked"
					return
				}
			}
			got[i] = panicOf(c.f)
		}
	}()

	end, rend := lwt.Wait[lwt.Unit]()
	h := lwtmain.LeaveIterHooks.AddLast(func() {
		select {
		case <-done:
			if end.IsSleeping() {
				lwt.Wakeup(rend, lwt.Unit{}) // on the loop: allowed
			}
		default:
		}
	})
	defer h.Remove()
	if _, err := lwtmain.Run(end); err != nil {
		t.Fatal(err)
	}
	if owner.Waiting() {
		t.Error("the waiting flag outlived Run")
	}
	for i, c := range calls {
		checkOffLoopPanic(t, c.api, got[i], "the loop (lwtmain.Run) is blocked waiting for events")
	}
	if !p.IsSleeping() {
		t.Fatalf("the refused calls changed the promise: %v", p)
	}
	lwt.Wakeup(r, 1) // no Run: allowed
}

// The goroutine check of debug builds (owner_debug_test.go) is also run by
// a plain "go test", in a debug build.
func TestResolverOffLoopInDebugBuild(t *testing.T) {
	if owner.Enabled {
		t.Skip("this is a debug build: TestResolverOffLoopPanicsInDebugBuild runs directly")
	}
	if testing.Short() {
		t.Skip("builds the tests with -tags lwtdebug")
	}
	const name = "TestResolverOffLoopPanicsInDebugBuild"
	out, err := exec.Command("go", "test", "-tags=lwtdebug", "-count=1", "-v", "-run=^"+name+"$", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go test -tags=lwtdebug: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: "+name) {
		t.Fatalf("go test -tags=lwtdebug did not run %s:\n%s", name, out)
	}
}
