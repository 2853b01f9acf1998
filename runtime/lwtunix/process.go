package lwtunix

import (
	"os"
	"slices"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// ProcessStatus is how a child process ended, as wait4(2) tells it.
type ProcessStatus struct {
	Pid    int             // the child's process id
	Status unix.WaitStatus // Exited, ExitStatus, Signaled, Signal ...
	Rusage unix.Rusage     // the resources the child used
}

// childWaiter is a promise of Waitpid still pending.
type childWaiter struct {
	pid int
	r   lwt.Resolver[ProcessStatus]
}

var (
	childWaiters []*childWaiter
	sigchld      *SignalHandler // registered while childWaiters is not empty
)

// Waitpid waits for the child process pid to terminate and gives its status:
// Lwt_unix.waitpid (and wait4) without flags. A pid of -1 waits for any
// child; 0 or less than -1, for any child in a process group, as waitpid(2)
// says.
//
// It does not block a thread: it checks the child at once, then again on the
// loop each time the process receives SIGCHLD, which it watches (with
// [OnSignal], so that it counts in [SignalCount]) while some Waitpid is
// pending. The promise can be canceled; the child is then left to be waited
// for by someone else. A child started with os/exec or os.StartProcess is
// reaped by whoever waits first: do not also call its Wait, but call its
// Process's Release once Waitpid is done (the Process holds a pidfd).
//
// A failure of wait4 (unix.ECHILD: pid is not a child, or it was reaped
// already) is an *os.SyscallError.
func Waitpid(pid int) lwt.Promise[ProcessStatus] {
	if sigchld == nil {
		// Watch SIGCHLD before the first check, so that a child that
		// ends in between is seen.
		sigchld = OnSignal(unix.SIGCHLD, reapChildren)
	}
	st, err := wait4NoHang(pid)
	if err != nil || st.Pid != 0 {
		stopSigchld()
		return lwt.OfResult(st, err)
	}
	p, r := lwt.Task[ProcessStatus]()
	w := &childWaiter{pid: pid, r: r}
	childWaiters = append(childWaiters, w)
	lwt.OnCancel(p, func() { removeWaiter(w) })
	return p
}

// WaitCount returns the number of Waitpid promises pending:
// Lwt_unix.wait_count.
func WaitCount() int { return len(childWaiters) }

func wait4NoHang(pid int) (ProcessStatus, error) {
	var st ProcessStatus
	for {
		wpid, err := unix.Wait4(pid, &st.Status, unix.WNOHANG, &st.Rusage)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return ProcessStatus{}, os.NewSyscallError("wait4", err)
		}
		st.Pid = wpid
		return st, nil
	}
}

// reapChildren is the SIGCHLD handler: it checks each waiting child.
func reapChildren(unix.Signal) {
	for _, w := range slices.Clone(childWaiters) {
		if !slices.Contains(childWaiters, w) {
			continue // removed by a callback of an earlier one
		}
		st, err := wait4NoHang(w.pid)
		if err == nil && st.Pid == 0 {
			continue
		}
		removeWaiter(w)
		lwt.WakeupResult(w.r, st, err)
	}
}

func removeWaiter(w *childWaiter) {
	i := slices.Index(childWaiters, w)
	if i < 0 {
		return
	}
	childWaiters = slices.Delete(childWaiters, i, i+1)
	stopSigchld()
}

// stopSigchld stops watching SIGCHLD if nobody waits.
func stopSigchld() {
	if len(childWaiters) == 0 && sigchld != nil {
		DisableSignalHandler(sigchld)
		sigchld = nil
	}
}
