//go:build linux

package engine_test

import (
	"fmt"
	"time"

	"github.com/lwtgo/lwt/runtime/engine"
	"golang.org/x/sys/unix"
)

// A timer writes to a pipe; a readable event reads it.
func Example() {
	e, err := engine.NewEpoll()
	if err != nil {
		panic(err)
	}
	defer e.Destroy()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		panic(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])

	_, err = e.OnReadable(p[0], func(ev *engine.Event) {
		buf := make([]byte, 16)
		n, _ := unix.Read(p[0], buf)
		fmt.Printf("read %q\n", buf[:n])
		ev.Stop()
	})
	if err != nil {
		panic(err)
	}
	e.OnTimer(10*time.Millisecond, false, func(*engine.Event) {
		unix.Write(p[1], []byte("hello"))
	})
	for e.ReadableCount() > 0 {
		e.Iter(true)
	}
	// Output: read "hello"
}

// A foreign main loop, here a plain unix.Poll, drives the engine: it polls
// what PollFds gives, for no longer than it says, then runs Iter(false).
func ExampleEngine_PollFds() {
	e, err := engine.NewPoll()
	if err != nil {
		panic(err)
	}
	defer e.Destroy()
	ticks := 0
	e.OnTimer(5*time.Millisecond, true, func(ev *engine.Event) {
		if ticks++; ticks == 3 {
			ev.Stop()
		}
	})
	var fds []unix.PollFd
	for e.TimerCount() > 0 {
		var timeout time.Duration
		fds, timeout = e.PollFds(fds[:0])
		ms := -1
		if timeout >= 0 {
			ms = int((timeout + time.Millisecond - 1) / time.Millisecond)
		}
		unix.Poll(fds, ms) // the foreign loop's own wait
		e.Iter(false)
	}
	fmt.Println("ticks:", ticks)
	// Output: ticks: 3
}
