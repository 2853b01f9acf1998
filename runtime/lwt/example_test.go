package lwt_test

import (
	"errors"
	"fmt"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// Exit stands for OCaml's Exit exception in the manual's examples.
var Exit = errors.New("Exit")

// The manual's exercise: "try to guess the result of each of the following
// expressions".
//
//	# Lwt.state (Lwt.return 42);;
//	# Lwt.state (Lwt.fail Exit);;
//	# let waiter, wakener = Lwt.wait ();;
//	# Lwt.state waiter;;
//	# Lwt.wakeup wakener 42;;
//	# Lwt.state waiter;;
//	# let waiter, wakener = Lwt.wait ();;
//	# Lwt.state waiter;;
//	# Lwt.wakeup_exn wakener Exit;;
//	# Lwt.state waiter;;
func ExampleWakeup() {
	fmt.Println(lwt.Return(42).State())
	fmt.Println(lwt.Fail[int](Exit).State())

	waiter, wakener := lwt.Wait[int]()
	fmt.Println(waiter.State())
	lwt.Wakeup(wakener, 42)
	fmt.Println(waiter.State())

	waiter, wakener = lwt.Wait[int]()
	fmt.Println(waiter.State())
	lwt.WakeupExn(wakener, Exit)
	fmt.Println(waiter.State())
	// Output:
	// Return 42
	// Fail Exit
	// Sleep
	// Return 42
	// Sleep
	// Fail Exit
}

// "Note that it is an error to wakeup the same thread twice. Lwt will raise
// Invalid_argument if you try to do so."
func ExampleWakeup_twice() {
	_, wakener := lwt.Wait[int]()
	lwt.Wakeup(wakener, 42)
	defer func() { fmt.Println("panic:", recover()) }()
	lwt.Wakeup(wakener, 43)
	// Output:
	// panic: lwt.Wakeup: promise already resolved
}

// The manual's bind: wait for a line, then print a message (with a promise
// woken by hand standing for Lwt_io.read_line).
func ExampleBind() {
	line, wakener := lwt.Wait[string]()
	p := lwt.Bind(line, func(str string) lwt.Promise[lwt.Unit] {
		fmt.Printf("You typed %q\n", str)
		return lwt.ReturnUnit()
	})
	fmt.Println(p)
	lwt.Wakeup(wakener, "hello")
	fmt.Println(p)
	// Output:
	// Sleep
	// You typed "hello"
	// Return ()
}

// The manual's cancelable threads:
//
//	# let waiter, wakener = Lwt.task ();;
//	# let t = Lwt.bind waiter (fun x -> Lwt.return (x + 1));;
//	# Lwt.cancel t;;
//	# Lwt.state waiter;;
//	- : int Lwt.state = Lwt.Fail Lwt.Canceled
//	# Lwt.state t;;
//	- : int Lwt.state = Lwt.Fail Lwt.Canceled
func ExampleCancel() {
	waiter, _ := lwt.Task[int]()
	t := lwt.Bind(waiter, func(x int) lwt.Promise[int] { return lwt.Return(x + 1) })
	lwt.Cancel(t)
	fmt.Println(waiter.State())
	fmt.Println(t.State())
	fmt.Println(errors.Is(t.State().Err, lwt.ErrCanceled))
	// Output:
	// Fail lwt: canceled
	// Fail lwt: canceled
	// true
}

// "To execute a function when the thread is canceled, you must use
// Lwt.on_cancel."
func ExampleOnCancel() {
	waiter, _ := lwt.Task[int]()
	lwt.OnCancel(waiter, func() { fmt.Println("canceled") })
	lwt.Cancel(waiter)
	fmt.Println(waiter)
	// Output:
	// canceled
	// Fail lwt: canceled
}

// "Canceling (protected t) will have no effect on t."
func ExampleProtected() {
	t, wakener := lwt.Task[int]()
	p := lwt.Protected(t)
	lwt.Cancel(p)
	fmt.Println(p.State())
	fmt.Println(t.State())
	lwt.Wakeup(wakener, 42)
	fmt.Println(t.State())
	fmt.Println(p.State())
	// Output:
	// Fail lwt: canceled
	// Sleep
	// Return 42
	// Fail lwt: canceled
}

// The manual's choose:
//
//	# let waiter1, wakener1 = Lwt.wait ();;
//	# let waiter2, wakener2 = Lwt.wait ();;
//	# let t = Lwt.choose [waiter1; waiter2];;
//	# Lwt.state t;;
//	- : '_a Lwt.state = Lwt.Sleep
//	# Lwt.wakeup wakener2 42;;
//	# Lwt.state t;;
//	- : int Lwt.state = Lwt.Return 42
func ExampleChoose() {
	waiter1, wakener1 := lwt.Wait[int]()
	waiter2, wakener2 := lwt.Wait[int]()
	t := lwt.Choose(waiter1, waiter2)
	fmt.Println(t.State())
	lwt.Wakeup(wakener2, 42)
	fmt.Println(t.State())
	lwt.Wakeup(wakener1, 1) // too late: ignored
	fmt.Println(t.State())
	// Output:
	// Sleep
	// Return 42
	// Return 42
}

// "pick is the same as choose except that it cancels all other threads when
// one terminates."
func ExamplePick() {
	waiter1, _ := lwt.Task[int]()
	waiter2, wakener2 := lwt.Task[int]()
	t := lwt.Pick(waiter1, waiter2)
	lwt.Wakeup(wakener2, 42)
	fmt.Println(t.State())
	fmt.Println(waiter1.State())
	// Output:
	// Return 42
	// Fail lwt: canceled
}

// "catch f g will call f (), then waits for its termination, and if it fails
// with an exception exn, calls g exn to handle it. Note that both exceptions
// raised with Pervasives.raise and Lwt.fail are caught by catch." In Go, a
// panic is the raise.
func ExampleCatch() {
	handler := func(err error) lwt.Promise[string] {
		fmt.Println("caught:", err, errors.Is(err, Exit))
		return lwt.Return("recovered")
	}
	failed := lwt.Catch(func() lwt.Promise[string] { return lwt.Fail[string](Exit) }, handler)
	raised := lwt.Catch(func() lwt.Promise[string] { panic(Exit) }, handler)
	waiter, wakener := lwt.Wait[string]()
	later := lwt.Catch(func() lwt.Promise[string] { return waiter }, handler)
	fmt.Println(later)
	lwt.WakeupExn(wakener, Exit)
	fmt.Println(failed, raised, later)
	// Output:
	// caught: Exit true
	// caught: panic: Exit true
	// Sleep
	// caught: Exit true
	// Return recovered Return recovered Return recovered
}

// "join takes a list of threads and waits for all of them to terminate ... if
// at least one thread fails, join l will fail with the same exception as the
// first to fail, after all threads terminate."
func ExampleJoin() {
	waiter1, wakener1 := lwt.Wait[lwt.Unit]()
	waiter2, wakener2 := lwt.Wait[lwt.Unit]()
	t := lwt.Join(waiter1, waiter2)
	fmt.Println(t)
	lwt.Wakeup(wakener1, lwt.Unit{})
	fmt.Println(t)
	lwt.Wakeup(wakener2, lwt.Unit{})
	fmt.Println(t)

	waiter1, wakener1 = lwt.Wait[lwt.Unit]()
	waiter2, wakener2 = lwt.Wait[lwt.Unit]()
	t = lwt.Join(waiter1, waiter2)
	lwt.WakeupExn(wakener1, Exit)
	fmt.Println(t)
	lwt.Wakeup(wakener2, lwt.Unit{})
	fmt.Println(t)
	// Output:
	// Sleep
	// Sleep
	// Return ()
	// Sleep
	// Fail Exit
}

var idKey = lwt.NewKey[string]()

func log(msg string) lwt.Promise[lwt.Unit] {
	threadID, ok := lwt.Get(idKey)
	if !ok {
		threadID = "main"
	}
	fmt.Printf("%s: %s\n", threadID, msg)
	return lwt.ReturnUnit()
}

// The manual's thread-local storage example:
//
//	let id_key = Lwt.new_key ()
//
//	let log msg =
//	  let thread_id =
//	    match Lwt.get id_key with
//	      | Some id -> id
//	      | None -> "main"
//	  in
//	  Lwt_io.printlf "%s: %s" thread_id msg
//
//	lwt () =
//	  Lwt.join [
//	    Lwt.with_value id_key (Some "thread 1") (fun () -> log "foo");
//	    Lwt.with_value id_key (Some "thread 2") (fun () -> log "bar");
//	  ]
func ExampleWithValue() {
	lwt.Join(
		lwt.WithValue(idKey, "thread 1", func() lwt.Promise[lwt.Unit] { return log("foo") }),
		lwt.WithValue(idKey, "thread 2", func() lwt.Promise[lwt.Unit] { return log("bar") }),
	)
	log("baz")
	// Output:
	// thread 1: foo
	// thread 2: bar
	// main: baz
}

// The same threads, each logging after it has waited: a callback sees the
// values in effect when it was registered, whoever wakes it.
func ExampleWithValue_afterWaiting() {
	waiter1, wakener1 := lwt.Wait[lwt.Unit]()
	waiter2, wakener2 := lwt.Wait[lwt.Unit]()
	t := lwt.Join(
		lwt.WithValue(idKey, "thread 1", func() lwt.Promise[lwt.Unit] {
			return lwt.Bind(waiter1, func(lwt.Unit) lwt.Promise[lwt.Unit] { return log("foo") })
		}),
		lwt.WithValue(idKey, "thread 2", func() lwt.Promise[lwt.Unit] {
			return lwt.Bind(waiter2, func(lwt.Unit) lwt.Promise[lwt.Unit] { return log("bar") })
		}),
	)
	lwt.Wakeup(wakener2, lwt.Unit{})
	lwt.Wakeup(wakener1, lwt.Unit{})
	log("done")
	fmt.Println(t)
	// Output:
	// thread 2: bar
	// thread 1: foo
	// main: done
	// Return ()
}
