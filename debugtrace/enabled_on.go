//go:build lwtdebug

package debugtrace

import (
	"errors"
	"runtime"
	"slices"
)

// Enabled is true in debug builds (the lwtdebug tag) only.
const Enabled = true

// callDepth is how many callers Here keeps: enough to get out of the
// runtime's own frames (an lwtio write reaches lwtunix some fifteen calls
// down).
const callDepth = 48

// A CallSite is where a runtime operation was called from, kept so that a
// failure found later, once the operation has waited, starts its backtrace
// there: see [Here]. In a default build it is empty and has no size.
type CallSite struct {
	pcs []uintptr
}

// Here records the calls that led to the runtime operation that calls it,
// for [CallSite.Raise]. In a default build it records nothing and costs
// nothing; call it under "if debugtrace.Enabled" all the same, so that the
// field it fills is not even assigned.
func Here() CallSite {
	var pcs [callDepth]uintptr
	n := runtime.Callers(2, pcs[:])
	return CallSite{pcs: slices.Clone(pcs[:n])}
}

// Raise records that err was raised where the operation that recorded c
// was called (see [Raise]). It returns err unchanged if c is empty or if no
// caller outside lwt's runtime started the operation.
func (c CallSite) Raise(err error, what string) error {
	if err == nil || len(c.pcs) == 0 {
		return err
	}
	return raiseAt(c.pcs, err, what)
}

// Raise records that err was raised by the runtime operation that is
// calling it, at the place that called the operation: the first caller
// outside lwt's runtime packages (runtime/...), which in generated code is
// the annotated source line, thanks to its //line directives. what says what
// failed, such as "read failed". An operation started by the loop itself (a
// flush lwtio does on its own) has no such caller: err is returned as it is.
//
// It is for failures found while the caller is still on the stack; an
// operation that waits records its caller with [Here] before. In a default
// build it returns err and costs nothing.
func Raise(err error, what string) error {
	if err == nil {
		return nil
	}
	var pcs [callDepth]uintptr
	n := runtime.Callers(2, pcs[:])
	return raiseAt(pcs[:n], err, what)
}

func raiseAt(pcs []uintptr, err error, what string) error {
	var e *Error
	if errors.As(err, &e) {
		return err // raised deeper already: by a call the operation made
	}
	if _, ok := originOf(err); ok {
		return err
	}
	site, ok := callerSite(runtime.CallersFrames(pcs))
	if !ok {
		return err
	}
	site.What = what
	setOrigin(err, site) // the error stays as it is; see origins
	return err
}
