package lwtgc_test

import (
	"fmt"
	"runtime"
	"time"

	"github.com/lwtgo/lwt/runtime/engine"
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtgc"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

type conn struct{ name string }

// A finaliser closes a connection nobody uses any more. It runs on the loop,
// not in the garbage collector, and may wait like any thread.
func ExampleFinalise() {
	closed, r := lwt.Wait[lwt.Unit]()
	lwtgc.Finalise(func(c *conn) lwt.Promise[lwt.Unit] {
		return lwt.Map(lwtmain.Yield(), func(lwt.Unit) lwt.Unit {
			fmt.Println("closed", c.name)
			lwt.Wakeup(r, lwt.Unit{})
			return lwt.Unit{}
		})
	}, &conn{name: "db"})

	// Collect garbage until the finaliser has run.
	gc := engine.OnTimer(time.Millisecond, true, func(*engine.Event) { runtime.GC() })
	lwtmain.Run(closed)
	gc.Stop()
	// Output: closed db
}

// A finaliser that must run in any case: the exit hooks call it for an
// object still reachable when the program ends.
func ExampleFinaliseOrExit() {
	log := &conn{name: "log"}
	lwtgc.FinaliseOrExit(func(c *conn) lwt.Promise[lwt.Unit] {
		fmt.Println("flushed", c.name)
		return lwt.ReturnUnit()
	}, log)
	fmt.Println(lwtmain.Run(lwt.Return("main done")))
	lwtmain.RunExitHooks() // or lwtmain.Exit
	runtime.KeepAlive(log)
	// Output:
	// main done <nil>
	// flushed log
}
