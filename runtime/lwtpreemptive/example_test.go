package lwtpreemptive_test

import (
	"fmt"
	"time"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtpreemptive"
)

// A blocking call runs on a worker of the pool while the loop goes on with
// other threads; its result comes back to the loop.
func Example() {
	slow := lwtpreemptive.Detach(func() (string, error) {
		time.Sleep(20 * time.Millisecond) // a blocking call
		return "blocking call done", nil
	})
	ticks := 0
	var tick func(lwt.Unit) lwt.Promise[lwt.Unit]
	tick = func(lwt.Unit) lwt.Promise[lwt.Unit] {
		if !slow.IsSleeping() {
			return lwt.ReturnUnit()
		}
		ticks++
		return lwt.Bind(lwtmain.Yield(), tick)
	}
	p := lwt.Bind(tick(lwt.Unit{}), func(lwt.Unit) lwt.Promise[string] { return slow })
	v, err := lwtmain.Run(p)
	fmt.Println(v, err)
	fmt.Println("the loop went on meanwhile:", ticks > 0)
	// Output:
	// blocking call done <nil>
	// the loop went on meanwhile: true
}

// A detached function reads and changes loop state only through RunInMain.
func ExampleRunInMain() {
	counter := 0 // belongs to the loop
	p := lwtpreemptive.Detach(func() (int, error) {
		for range 3 {
			lwtpreemptive.RunInMain(func() lwt.Promise[lwt.Unit] {
				counter++
				return lwt.ReturnUnit()
			})
		}
		return lwtpreemptive.RunInMain(func() lwt.Promise[int] {
			// f may wait: RunInMain returns once its promise is resolved.
			return lwt.Map(lwtmain.Yield(), func(lwt.Unit) int { return counter * 10 })
		})
	})
	fmt.Println(lwtmain.Run(p))
	// Output: 30 <nil>
}

// Canceling a detached function rejects its promise at once; a function
// that runs already goes on to its end, and its result is dropped.
func ExampleDetach_cancel() {
	started, release := make(chan struct{}), make(chan struct{})
	p := lwtpreemptive.Detach(func() (int, error) {
		close(started)
		<-release
		return 1, nil
	})
	<-started
	lwt.Cancel(p)
	fmt.Println(p.State())
	close(release)
	// Output: Fail lwt: canceled
}
