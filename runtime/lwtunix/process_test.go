package lwtunix_test

import (
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// startChild starts a program and returns its pid; the test waits for it
// with Waitpid, not with cmd.Wait.
func startChild(t *testing.T, name string, args ...string) int {
	t.Helper()
	cmd := exec.Command(name, args...)
	if err := cmd.Start(); err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { cmd.Process.Release() })
	return cmd.Process.Pid
}

func TestWaitpid(t *testing.T) {
	pid := startChild(t, "/bin/true")
	st := runLoop(t, lwtunix.Waitpid(pid))
	if st.Pid != pid || !st.Status.Exited() || st.Status.ExitStatus() != 0 {
		t.Fatalf("Waitpid(%d) = %+v", pid, st)
	}
	pid = startChild(t, "/bin/sh", "-c", "sleep 0.05; exit 3")
	st = runLoop(t, lwtunix.Waitpid(pid))
	if st.Pid != pid || st.Status.ExitStatus() != 3 {
		t.Fatalf("Waitpid(%d) = %+v, want exit status 3", pid, st)
	}
	if n := lwtunix.WaitCount(); n != 0 || lwtunix.SignalCount() != 0 {
		t.Fatalf("WaitCount = %d, SignalCount = %d after the waits", n, lwtunix.SignalCount())
	}
}

// Several children waited for at once, ending in another order; one killed
// by a signal.
func TestWaitpidMany(t *testing.T) {
	slow := startChild(t, "/bin/sh", "-c", "sleep 0.1; exit 1")
	fast := startChild(t, "/bin/sh", "-c", "exit 2")
	killed := startChild(t, "/bin/sleep", "10")
	ps := lwt.All(lwtunix.Waitpid(slow), lwtunix.Waitpid(fast), lwtunix.Waitpid(killed))
	if n := lwtunix.WaitCount(); n < 2 {
		t.Fatalf("WaitCount = %d", n)
	}
	unix.Kill(killed, unix.SIGTERM)
	sts := runLoop(t, ps)
	if sts[0].Status.ExitStatus() != 1 || sts[1].Status.ExitStatus() != 2 {
		t.Fatalf("statuses %+v", sts)
	}
	if !sts[2].Status.Signaled() || sts[2].Status.Signal() != unix.SIGTERM {
		t.Fatalf("killed child: %+v", sts[2])
	}
}

// A canceled Waitpid leaves the child to others; a pid that is not a child
// fails with ECHILD.
func TestWaitpidCancelAndErrors(t *testing.T) {
	pid := startChild(t, "/bin/sleep", "10")
	p := lwtunix.Waitpid(pid)
	lwt.Cancel(p)
	if _, err := p.Result(); !errors.Is(err, lwt.ErrCanceled) {
		t.Fatalf("canceled Waitpid: %v", err)
	}
	if lwtunix.WaitCount() != 0 || lwtunix.SignalCount() != 0 {
		t.Fatal("a canceled Waitpid is still counted")
	}
	unix.Kill(pid, unix.SIGKILL)
	st := runLoop(t, lwtunix.WithTimeout(5*time.Second, func() lwt.Promise[lwtunix.ProcessStatus] { return lwtunix.Waitpid(pid) }))
	if st.Pid != pid || !st.Status.Signaled() {
		t.Fatalf("Waitpid after the cancel: %+v", st)
	}
	err := runErr(t, lwtunix.Waitpid(os.Getpid()))
	var se *os.SyscallError
	if !errors.Is(err, unix.ECHILD) || !errors.As(err, &se) || se.Syscall != "wait4" {
		t.Fatalf("Waitpid of a non-child: %v", err)
	}
}
