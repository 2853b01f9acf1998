package lwtmain

import (
	"os"
	"slices"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// Hooks is a sequence of functions that the loop calls at some point, in
// sequence order: Lwt_main's Hooks. The zero value is an empty sequence.
//
// A hook may add or remove hooks, itself included, while the sequence runs:
// a hook removed before its turn does not run; one added waits for the next
// time the sequence runs.
type Hooks[F any] struct {
	hooks []*Hook[F] // copied on write, so that a run can range over it
}

// A Hook is a function added to a [Hooks] sequence.
type Hook[F any] struct {
	f     F
	seq   *Hooks[F]
	added bool
}

// EnterIterHooks are called at the start of each round of the loop, before
// it iterates the engine: Lwt_main.Enter_iter_hooks.
var EnterIterHooks Hooks[func()]

// LeaveIterHooks are called at the end of each round of the loop, after the
// paused promises are resumed: Lwt_main.Leave_iter_hooks.
var LeaveIterHooks Hooks[func()]

// ExitHooks are called, one after the other, when the program ends through
// [Exit] or [RunExitHooks]: Lwt_main.Exit_hooks. Each runs once; failures are
// ignored.
var ExitHooks Hooks[func() lwt.Promise[lwt.Unit]]

// AddFirst adds f to run before the hooks already in s.
func (s *Hooks[F]) AddFirst(f F) *Hook[F] {
	h := &Hook[F]{f: f, seq: s, added: true}
	s.hooks = slices.Insert(slices.Clip(s.hooks), 0, h)
	return h
}

// AddLast adds f to run after the hooks already in s.
func (s *Hooks[F]) AddLast(f F) *Hook[F] {
	h := &Hook[F]{f: f, seq: s, added: true}
	s.hooks = append(slices.Clip(s.hooks), h)
	return h
}

// Remove takes h out of its sequence. Removing it twice does nothing.
func (h *Hook[F]) Remove() {
	if !h.added {
		return
	}
	h.added = false
	s := h.seq
	s.hooks = slices.DeleteFunc(slices.Clone(s.hooks), func(x *Hook[F]) bool { return x == h })
}

// RemoveAll empties s.
func (s *Hooks[F]) RemoveAll() {
	for _, h := range s.hooks {
		h.added = false
	}
	s.hooks = nil
}

// Len returns the number of hooks in s.
func (s *Hooks[F]) Len() int { return len(s.hooks) }

func (s *Hooks[F]) first() (F, bool) {
	if len(s.hooks) == 0 {
		var zero F
		return zero, false
	}
	h := s.hooks[0]
	h.Remove()
	return h.f, true
}

// runHooks calls the iteration hooks of s.
func runHooks(s *Hooks[func()]) {
	for _, h := range s.hooks {
		if h.added {
			h.f()
		}
	}
}

// AtExit adds f to the exit hooks, before those already there, so that the
// hooks added last run first: Lwt_main.at_exit.
func AtExit(f func() lwt.Promise[lwt.Unit]) *Hook[func() lwt.Promise[lwt.Unit]] {
	return ExitHooks.AddFirst(f)
}

// RunExitHooks runs the exit hooks, in order, each until its promise is
// resolved, and removes them; hooks they add run too. Their failures and
// panics are ignored. It returns [ErrNested] if [Run] is running.
//
// Go has no at_exit: a program that uses exit hooks calls RunExitHooks as it
// returns from main, or ends with [Exit].
func RunExitHooks() error {
	if !running.CompareAndSwap(false, true) {
		return ErrNested
	}
	defer running.Store(false)
	runExitHooks()
	return nil
}

func runExitHooks() {
	for {
		f, ok := ExitHooks.first()
		if !ok {
			return
		}
		loop(lwt.Catch(f, func(error) lwt.Promise[lwt.Unit] { return lwt.ReturnUnit() }))
	}
}

// Exit runs the exit hooks as [RunExitHooks] does and ends the program with
// os.Exit(code). Called from inside [Run] (from a callback), it runs them in
// a nested loop, as Lwt does when a callback calls exit; the outer Run never
// returns.
func Exit(code int) {
	running.Store(true)
	runExitHooks()
	os.Exit(code)
}
