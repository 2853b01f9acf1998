package lwtmutex_test

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmutex"
)

// Two threads write a two-part record; the first sleeps in the middle of its
// critical section, and the mutex keeps the second from interleaving.
func Example() {
	var m lwtmutex.Mutex
	io, ioDone := lwt.Wait[lwt.Unit]() // stands for a slow write

	write := func(name string, slow bool) lwt.Promise[lwt.Unit] {
		return lwtmutex.WithLock(&m, func() lwt.Promise[lwt.Unit] {
			fmt.Println(name, "begins")
			wait := lwt.ReturnUnit()
			if slow {
				wait = io
			}
			return lwt.Map(wait, func(lwt.Unit) lwt.Unit {
				fmt.Println(name, "ends")
				return lwt.Unit{}
			})
		})
	}
	a := write("a", true)
	b := write("b", false)
	fmt.Println("b waits for the lock:", b)
	lwt.Wakeup(ioDone, lwt.Unit{})
	fmt.Println(a, b, m.IsLocked())
	// Output:
	// a begins
	// b waits for the lock: Sleep
	// a ends
	// b begins
	// b ends
	// Return () Return () false
}
