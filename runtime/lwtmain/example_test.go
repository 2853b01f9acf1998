package lwtmain_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/lwtgo/lwt/runtime/engine"
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

// Run turns the loop until the promise is resolved: here a timer wakes it.
func Example() {
	p, r := lwt.Wait[string]()
	engine.OnTimer(10*time.Millisecond, false, func(*engine.Event) { lwt.Wakeup(r, "hello") })
	v, err := lwtmain.Run(lwt.Map(p, strings.ToUpper))
	fmt.Println(v, err)
	// Output: HELLO <nil>
}

// Exit hooks run when the program ends, the last added first.
func ExampleAtExit() {
	lwtmain.AtExit(func() lwt.Promise[lwt.Unit] {
		fmt.Println("close the log")
		return lwt.ReturnUnit()
	})
	lwtmain.AtExit(func() lwt.Promise[lwt.Unit] {
		return lwt.Map(lwtmain.Yield(), func(lwt.Unit) lwt.Unit {
			fmt.Println("flush the output")
			return lwt.Unit{}
		})
	})
	fmt.Println(lwtmain.Run(lwt.Return("main done")))
	lwtmain.RunExitHooks() // or lwtmain.Exit(0)
	// Output:
	// main done <nil>
	// flush the output
	// close the log
}
