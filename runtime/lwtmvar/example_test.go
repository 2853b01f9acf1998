package lwtmvar_test

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmvar"
)

// A consumer thread takes messages from a mailbox; a second Put waits while
// the mailbox is full.
func Example() {
	box := lwtmvar.NewEmpty[string]()

	var consume func(n int) lwt.Promise[lwt.Unit]
	consume = func(n int) lwt.Promise[lwt.Unit] {
		if n == 0 {
			return lwt.ReturnUnit()
		}
		return lwt.Bind(box.Take(), func(msg string) lwt.Promise[lwt.Unit] {
			fmt.Println("consumer got", msg)
			return consume(n - 1)
		})
	}
	done := consume(3)

	fmt.Println("put hello:", box.Put("hello")) // the waiting consumer takes it at once
	fmt.Println("put world:", box.Put("world"))
	fmt.Println("done:", done)

	box = lwtmvar.New("first")
	second := box.Put("second")
	fmt.Println("put into a full box:", second)
	v, _ := box.TakeAvailable()
	fmt.Println("took", v, "- second put:", second)
	// Output:
	// consumer got hello
	// put hello: Return ()
	// consumer got world
	// put world: Return ()
	// done: Sleep
	// put into a full box: Sleep
	// took first - second put: Return ()
}
