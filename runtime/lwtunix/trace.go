package lwtunix

import (
	"errors"
	"os"

	"github.com/lwtgo/lwt/debugtrace"
)

// Failing system calls are raise sites of async backtraces: in a debug build
// (the lwtdebug tag) the error of an operation notes where it was called
// from, so that the backtrace of a failure that travels through annotated
// functions starts at the call that failed (see package debugtrace). In a
// default build debugtrace.Enabled is false and all of this compiles away.

// raised returns err, the failure of an operation whose caller is still on
// the stack, after recording that caller as its raise site in a debug build
// (for system call errors; the error itself is returned as it is).
func raised(err error) error {
	if debugtrace.Enabled && err != nil {
		return debugtrace.Raise(err, failedWhat(err))
	}
	return err
}

// raisedAt returns err, the failure of an operation that waited, after
// recording the caller kept in site when it started as its raise site, in a
// debug build.
func raisedAt(site debugtrace.CallSite, err error) error {
	if debugtrace.Enabled && err != nil {
		return site.Raise(err, failedWhat(err))
	}
	return err
}

// failedWhat says what failed, for a backtrace: "read failed".
func failedWhat(err error) string {
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Syscall + " failed"
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Op + " failed"
	}
	return "failed"
}
