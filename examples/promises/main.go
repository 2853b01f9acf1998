// Command promises walks through the core of lwt for Go the way the Lwt
// manual does: a thread reading a pipe, sleeping threads and their wakers,
// bind, cancellation, choose and thread-local keys.
package main

import (
	"errors"
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtio"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

var errExit = errors.New("Exit")

func main() {
	fmt.Println("-- a thread reading a pipe")
	ic, oc, err := lwtio.Pipe()
	if err != nil {
		panic(err)
	}
	reader := ic.ReadChar()
	fmt.Println(reader) // nothing to read yet
	fmt.Println(oc.WriteChar('a'))
	// The byte waits in oc's buffer; the loop flushes it before it waits
	// for events, and the reader wakes up.
	char, _ := lwtmain.Run(reader)
	fmt.Printf("%v: %q\n", reader, char)

	fmt.Println("-- states")
	fmt.Println(lwt.Return(42))
	fmt.Println(lwt.Fail[int](errExit))
	waiter, wakener := lwt.Wait[int]()
	fmt.Println(waiter)
	lwt.Wakeup(wakener, 42)
	fmt.Println(waiter)

	fmt.Println("-- bind")
	line, push := lwt.Wait[string]()
	echoed := lwt.Bind(line, func(s string) lwt.Promise[string] {
		return lwt.Return(fmt.Sprintf("You typed %q", s))
	})
	fmt.Println(echoed)
	lwt.Wakeup(push, "hello")
	fmt.Println(echoed)

	fmt.Println("-- cancel reaches the task under a bind")
	task, _ := lwt.Task[int]()
	t := lwt.Bind(task, func(x int) lwt.Promise[int] { return lwt.Return(x + 1) })
	lwt.Cancel(t)
	fmt.Println(task)
	fmt.Println(t)

	fmt.Println("-- choose")
	w1, _ := lwt.Wait[int]()
	w2, r2 := lwt.Wait[int]()
	c := lwt.Choose(w1, w2)
	fmt.Println(c)
	lwt.Wakeup(r2, 42)
	fmt.Println(c)

	fmt.Println("-- thread-local keys")
	id := lwt.NewKey[string]()
	log := func(msg string) lwt.Promise[lwt.Unit] {
		name, ok := lwt.Get(id)
		if !ok {
			name = "main"
		}
		fmt.Printf("%s: %s\n", name, msg)
		return lwt.ReturnUnit()
	}
	gate, open := lwt.Wait[lwt.Unit]()
	later := func(msg string) func() lwt.Promise[lwt.Unit] {
		return func() lwt.Promise[lwt.Unit] {
			return lwt.Bind(gate, func(lwt.Unit) lwt.Promise[lwt.Unit] { return log(msg) })
		}
	}
	all := lwt.Join(
		lwt.WithValue(id, "thread 1", later("foo")),
		lwt.WithValue(id, "thread 2", later("bar")),
	)
	log("both threads wait")
	lwt.Wakeup(open, lwt.Unit{})
	fmt.Println(all)
}
