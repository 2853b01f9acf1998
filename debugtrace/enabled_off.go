//go:build !lwtdebug

package debugtrace

// Enabled is true in debug builds (the lwtdebug tag) only.
const Enabled = false

// A CallSite is where a runtime operation was called from, kept so that a
// failure found later, once the operation has waited, starts its backtrace
// there: see [Here]. In a default build it is empty and has no size.
type CallSite struct{}

// Here records the calls that led to the runtime operation that calls it,
// for [CallSite.Raise]. In a default build it records nothing and costs
// nothing; call it under "if debugtrace.Enabled" all the same, so that the
// field it fills is not even assigned.
func Here() CallSite { return CallSite{} }

// Raise returns err as a failure raised where the operation that recorded c
// was called (see [Raise]). It returns err unchanged if c is empty or if no
// caller outside lwt's runtime started the operation.
func (CallSite) Raise(err error, what string) error { return err }

// Raise returns err as a failure raised by the runtime operation that is
// calling it, at the place that called the operation: the first caller
// outside lwt's runtime packages (runtime/...), which in generated code is
// the annotated source line, thanks to its //line directives. what says what
// failed, such as "read failed". An operation started by the loop itself (a
// flush lwtio does on its own) has no such caller: err is returned as it is.
//
// It is for failures found while the caller is still on the stack; an
// operation that waits records its caller with [Here] before. In a default
// build it returns err and costs nothing.
func Raise(err error, what string) error { return err }
