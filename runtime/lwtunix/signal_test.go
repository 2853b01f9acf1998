package lwtunix_test

import (
	"errors"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// A signal sent to the process is delivered on the loop to each handler,
// in order; disabled handlers no longer see it.
func TestOnSignal(t *testing.T) {
	got, r := lwt.Wait[unix.Signal]()
	var order []string
	h1 := lwtunix.OnSignal(unix.SIGUSR1, func(s unix.Signal) { order = append(order, "first") })
	h2 := lwtunix.OnSignal(unix.SIGUSR1, func(s unix.Signal) {
		order = append(order, "second")
		if got.IsSleeping() {
			lwt.Wakeup(r, s)
		}
	})
	if n := lwtunix.SignalCount(); n != 2 {
		t.Fatalf("SignalCount = %d", n)
	}
	if err := unix.Kill(unix.Getpid(), unix.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	if s := runLoop(t, lwtunix.WithTimeout(5*time.Second, func() lwt.Promise[unix.Signal] { return got })); s != unix.SIGUSR1 {
		t.Fatalf("handler got %v", s)
	}
	if len(order) != 2 || order[0] != "first" || order[1] != "second" {
		t.Fatalf("handlers ran %q", order)
	}
	lwtunix.DisableSignalHandler(h1)
	lwtunix.DisableSignalHandler(h1)
	order = nil
	unix.Kill(unix.Getpid(), unix.SIGUSR1)
	for len(order) == 0 {
		runLoop(t, lwtunix.Sleep(time.Millisecond))
	}
	if len(order) != 1 || order[0] != "second" {
		t.Fatalf("after disabling the first handler, ran %q", order)
	}
	lwtunix.DisableSignalHandler(h2)
	if n := lwtunix.SignalCount(); n != 0 {
		t.Fatalf("SignalCount = %d", n)
	}
}

// A handler may disable itself and the handlers after it.
func TestSignalHandlerDisablesOthers(t *testing.T) {
	calls := 0
	var h1, h2 *lwtunix.SignalHandler
	h1 = lwtunix.OnSignal(unix.SIGUSR2, func(unix.Signal) {
		calls++
		lwtunix.DisableSignalHandler(h1)
		lwtunix.DisableSignalHandler(h2)
	})
	h2 = lwtunix.OnSignal(unix.SIGUSR2, func(unix.Signal) { t.Error("disabled handler called") })
	unix.Kill(unix.Getpid(), unix.SIGUSR2)
	for calls == 0 {
		runLoop(t, lwtunix.Sleep(time.Millisecond))
	}
	if lwtunix.SignalCount() != 0 {
		t.Fatal("handlers left")
	}
}

// A write to a socket whose peer is gone fails with EPIPE; the process is
// not killed by SIGPIPE.
func TestEPIPE(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	unix.Close(fds[1])
	_, err = unix.Write(fds[0], []byte("anyone?"))
	if !errors.Is(err, unix.EPIPE) {
		t.Fatalf("write to a closed peer: %v", err)
	}
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	unix.Close(p[0])
	defer unix.Close(p[1])
	if _, err := unix.Write(p[1], []byte("x")); !errors.Is(err, unix.EPIPE) {
		t.Fatalf("write to a pipe with no reader: %v", err)
	}
}
