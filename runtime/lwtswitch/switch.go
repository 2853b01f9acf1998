// Package lwtswitch groups the release of resources: Lwt_switch.
//
// A Switch starts on. Code that opens a resource (a connection, a temporary
// file, a stream) registers a hook that releases it; turning the switch off
// runs every hook and waits for them all. A function that takes a *Switch
// can thus tie what it opens to the lifetime its caller chose, and WithSwitch
// ties that lifetime to a function call, like defer does for a goroutine.
//
// A nil *Switch is valid and means "no switch": hooks added to it are never
// run and Check never fails. Functions that accept an optional switch take a
// *Switch and pass it on, as Lwt functions take a switch option.
package lwtswitch

import (
	"errors"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// ErrOff is the error of using a switch that is already off: Lwt_switch.Off.
var ErrOff = errors.New("lwtswitch: switch is off")

// Switch holds the hooks to run when it is turned off. The zero Switch is on
// and has no hooks.
type Switch struct {
	off   bool
	hooks []func() lwt.Promise[lwt.Unit]
}

// New returns a switch that is on.
func New() *Switch { return &Switch{} }

// IsOn reports whether s is on. It must not be called on a nil switch.
func (s *Switch) IsOn() bool { return !s.off }

// Check returns ErrOff if s is off, and nil if it is on or nil.
func (s *Switch) Check() error {
	if s != nil && s.off {
		return ErrOff
	}
	return nil
}

// AddHook registers hook to run when s is turned off. It returns ErrOff, and
// registers nothing, if s is already off. On a nil switch it does nothing.
func (s *Switch) AddHook(hook func() lwt.Promise[lwt.Unit]) error {
	if s == nil {
		return nil
	}
	if s.off {
		return ErrOff
	}
	s.hooks = append(s.hooks, hook)
	return nil
}

// AddHookOrExec registers hook as AddHook does, and the result is fulfilled
// at once; if s is already off it runs hook now instead, and the result is
// hook's. On a nil switch it does nothing.
func (s *Switch) AddHookOrExec(hook func() lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit] {
	if s != nil && s.off {
		return lwt.Apply(call, hook)
	}
	s.AddHook(hook)
	return lwt.ReturnUnit()
}

// TurnOff turns s off and runs each of its hooks once, the last added first
// (as deferred calls run). The hooks run concurrently: all are started, and
// the result is resolved once all are; if any failed or panicked, it fails
// with the first failure, after all have finished. Turning off a switch that
// is already off does nothing.
func (s *Switch) TurnOff() lwt.Promise[lwt.Unit] {
	if s.off {
		return lwt.ReturnUnit()
	}
	s.off = true
	hooks := s.hooks
	s.hooks = nil
	running := make([]lwt.Promise[lwt.Unit], len(hooks))
	for i := range hooks {
		running[i] = lwt.Apply(call, hooks[len(hooks)-1-i])
	}
	return lwt.Join(running...)
}

// WithSwitch calls f with a new switch, and turns it off once f's promise is
// resolved, however it ends. The result is f's outcome, unless a hook fails:
// then the hook's error wins.
func WithSwitch[T any](f func(*Switch) lwt.Promise[T]) lwt.Promise[T] {
	s := New()
	return lwt.Finalize(func() lwt.Promise[T] { return f(s) }, s.TurnOff)
}

func call(hook func() lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit] { return hook() }
