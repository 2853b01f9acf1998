package lwtpool_test

import (
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtpool"
)

type conn struct{ id int }

// A pool of two connections serves three queries: the third waits until a
// connection is given back.
func Example() {
	opened := 0
	connect := func() lwt.Promise[*conn] {
		opened++
		fmt.Println("connect", opened)
		return lwt.Return(&conn{opened})
	}
	pool := lwtpool.New(2, connect, lwtpool.WithDispose(func(c *conn) lwt.Promise[lwt.Unit] {
		fmt.Println("close", c.id)
		return lwt.ReturnUnit()
	}))

	reply, answer := lwt.Wait[string]() // stands for a slow server
	query := func(q string) lwt.Promise[string] {
		return lwtpool.Use(pool, func(c *conn) lwt.Promise[string] {
			fmt.Println(q, "on connection", c.id)
			return lwt.Map(reply, func(r string) string { return q + ": " + r })
		})
	}
	a, b, c := query("a"), query("b"), query("c")
	fmt.Println("waiting:", pool.WaitQueueLength())
	lwt.Wakeup(answer, "ok")
	fmt.Println(a, "|", b, "|", c)
	pool.Clear()
	// Output:
	// connect 1
	// a on connection 1
	// connect 2
	// b on connection 2
	// waiting: 1
	// c on connection 1
	// Return a: ok | Return b: ok | Return c: ok
	// close 2
	// close 1
}
