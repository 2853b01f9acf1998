package lwtunix_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/engine"
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// workload uses every part of the package this file tests: sleeps, jobs,
// notifications from goroutines, a signal, a child process and a context.
func workload(t *testing.T, dir string) lwt.Promise[lwt.Unit] {
	sub := filepath.Join(dir, "d")
	files := lwt.Bind(lwtunix.Mkdir(sub, 0o700), func(lwt.Unit) lwt.Promise[lwt.Unit] {
		return lwt.Bind(lwtunix.Readdir(dir), func([]string) lwt.Promise[lwt.Unit] { return lwtunix.Rmdir(sub) })
	})
	got, r := lwt.Wait[lwt.Unit]()
	n := 0
	id := lwtunix.MakeNotification(func() {
		if n++; n == 10 {
			lwt.Wakeup(r, lwt.Unit{})
		}
	}, false)
	for range 10 {
		go lwtunix.SendNotification(id)
	}
	notified := lwt.Map(got, func(lwt.Unit) lwt.Unit { lwtunix.StopNotification(id); return lwt.Unit{} })

	sig, sr := lwt.Wait[lwt.Unit]()
	var h *lwtunix.SignalHandler
	h = lwtunix.OnSignal(unix.SIGUSR1, func(unix.Signal) {
		lwtunix.DisableSignalHandler(h)
		lwt.Wakeup(sr, lwt.Unit{})
	})
	unix.Kill(unix.Getpid(), unix.SIGUSR1)

	cmd := exec.Command("/bin/true")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Release, not Wait: the Process holds a pidfd.
	child := lwt.Map(lwtunix.Waitpid(cmd.Process.Pid), func(lwtunix.ProcessStatus) lwt.Unit { cmd.Process.Release(); return lwt.Unit{} })

	ctx, cancel := context.WithCancel(context.Background())
	ctxDone := lwt.Catch(func() lwt.Promise[lwt.Unit] {
		return lwtunix.WithContext(ctx, lwtunix.Sleep(time.Hour))
	}, func(error) lwt.Promise[lwt.Unit] { return lwt.ReturnUnit() })
	go cancel()

	return lwt.Join(lwtunix.Sleep(time.Millisecond), files, notified, sig, child, ctxDone,
		lwtunix.WithTimeout(time.Hour, func() lwt.Promise[lwt.Unit] { return lwtunix.Sleep(0) }))
}

// After Run returns, no descriptor, goroutine or engine event is left
// behind. The first round makes what lives as long as the process (the
// engine, the notification eventfd, os/signal's goroutine).
func TestNoLeakAfterRun(t *testing.T) {
	defer lwtunix.SetIdleTimeout(10 * time.Millisecond)()
	dir := t.TempDir()
	runLoop(t, workload(t, dir))
	waitPoolIdle(t)
	fds, gs := openFDs(t), runtime.NumGoroutine()
	events := engine.ReadableCount() + engine.WritableCount() + engine.TimerCount()
	for range 3 {
		runLoop(t, workload(t, dir))
	}
	waitPoolIdle(t)
	if n := openFDs(t); n != fds {
		t.Errorf("%d descriptors open after Run, %d before", n, fds)
	}
	if n := engine.ReadableCount() + engine.WritableCount() + engine.TimerCount(); n != events {
		t.Errorf("%d engine events after Run, %d before", n, events)
	}
	if n := waitGoroutines(gs); n > gs {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after Run, %d before\n%s", n, gs, buf[:runtime.Stack(buf, true)])
	}
	if lwtunix.NotificationCount()+lwtunix.SignalCount()+lwtunix.WaitCount()+lwtunix.JobCount() != 0 {
		t.Errorf("left: %d notifications, %d signal handlers, %d waits, %d jobs",
			lwtunix.NotificationCount(), lwtunix.SignalCount(), lwtunix.WaitCount(), lwtunix.JobCount())
	}
}

// waitPoolIdle waits for the threads of the job pool to exit.
func waitPoolIdle(t *testing.T) {
	deadline := time.Now().Add(5 * time.Second)
	for lwtunix.ThreadCount() > 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := lwtunix.ThreadCount(); n != 0 {
		t.Fatalf("%d pool threads left", n)
	}
}
