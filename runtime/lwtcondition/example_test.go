package lwtcondition_test

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtcondition"
	"github.com/lwtgo/lwt/runtime/lwtmutex"
)

// Consumers wait, under a mutex, until a queue has an item; a producer adds
// items and signals.
func Example() {
	var (
		mu    lwtmutex.Mutex
		ready lwtcondition.Condition[lwt.Unit]
		queue []string
	)

	// get locks mu, waits until queue is not empty, pops an item, unlocks.
	get := func(name string) lwt.Promise[lwt.Unit] {
		var loop func(lwt.Unit) lwt.Promise[lwt.Unit]
		loop = func(lwt.Unit) lwt.Promise[lwt.Unit] {
			if len(queue) == 0 {
				return lwt.Bind(ready.Wait(&mu), loop)
			}
			fmt.Println(name, "got", queue[0])
			queue = queue[1:]
			mu.Unlock()
			return lwt.ReturnUnit()
		}
		return lwt.Bind(mu.Lock(), loop)
	}
	put := func(item string) {
		lwt.Map(mu.Lock(), func(lwt.Unit) lwt.Unit {
			queue = append(queue, item)
			ready.Signal(lwt.Unit{})
			mu.Unlock()
			return lwt.Unit{}
		})
	}

	a, b := get("a"), get("b")
	fmt.Println("both wait:", a, b)
	put("apple")
	put("banana")
	fmt.Println("done:", a, b)
	// Output:
	// both wait: Sleep Sleep
	// a got apple
	// b got banana
	// done: Return () Return ()
}
