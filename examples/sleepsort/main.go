//go:build lwtsource

// Command sleepsort sorts numbers by sleeping: one light-weight thread per
// number sleeps that many tens of milliseconds, then prints it. It shows the
// annotated style: direct-style functions that wait, many threads at once,
// one scheduler.
//
//	go run ./examples/sleepsort 3 1 4 1 5
package main

//go:generate go tool lwtgen

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// sleepThenPrint waits n ticks, then prints n.
//
//lwt:async
func sleepThenPrint(n int) lwt.Promise[lwt.Unit] {
	lwt.Await(lwtunix.Sleep(time.Duration(n) * 10 * time.Millisecond))
	fmt.Println(n)
	return lwt.ReturnUnit()
}

// sleepSort starts a thread per number and waits for all of them.
//
//lwt:async
func sleepSort(xs []int) lwt.Promise[lwt.Unit] {
	var threads []lwt.Promise[lwt.Unit]
	for _, x := range xs {
		threads = append(threads, sleepThenPrint(x))
	}
	lwt.Await(lwt.Join(threads...))
	return lwt.ReturnUnit()
}

func main() { os.Exit(run(os.Args[1:])) }

// run sorts args, or an example list if there are none, and returns the
// exit status.
func run(args []string) int {
	xs := []int{3, 1, 4, 1, 5, 9, 2, 6}
	if len(args) > 0 {
		xs = xs[:0]
		for _, a := range args {
			n, err := strconv.Atoi(a)
			if err != nil || n < 0 {
				fmt.Fprintf(os.Stderr, "sleepsort: %q is not a natural number\n", a)
				return 2
			}
			xs = append(xs, n)
		}
	}
	if _, err := lwtmain.Run(sleepSort(xs)); err != nil {
		fmt.Fprintln(os.Stderr, "sleepsort:", err)
		return 1
	}
	return 0
}
