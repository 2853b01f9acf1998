package lwtswitch

import (
	"errors"
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
)

type unit = lwt.Unit

func counting(n *int) func() lwt.Promise[unit] {
	return func() lwt.Promise[unit] { *n++; return lwt.ReturnUnit() }
}

func TestTurnOffAddHook(t *testing.T) {
	var calls1, calls2 int
	s := New()
	if err := s.AddHook(counting(&calls1)); err != nil {
		t.Fatal(err)
	}
	s.AddHook(counting(&calls2))
	if calls1 != 0 || calls2 != 0 {
		t.Fatal("hooks ran before TurnOff")
	}
	if p := s.TurnOff(); p.String() != "Return ()" {
		t.Fatalf("TurnOff: %v", p)
	}
	if calls1 != 1 || calls2 != 1 {
		t.Fatalf("calls %d, %d after TurnOff; want 1, 1", calls1, calls2)
	}
	if p := s.TurnOff(); p.String() != "Return ()" || calls1 != 1 || calls2 != 1 {
		t.Fatalf("second TurnOff: %v, calls %d, %d", p, calls1, calls2)
	}
	if err := s.AddHook(counting(&calls1)); err != ErrOff {
		t.Fatalf("AddHook on a switch that is off: %v, want ErrOff", err)
	}
}

// As in Lwt_switch: turning off runs each hook once and waits for
// all; a hook's error propagates after all hooks ran; adding a hook to a
// switch that is off fails with Off.
func TestSemantics45(t *testing.T) {
	boom := errors.New("boom")
	s := New()
	var finished int
	var resolvers []lwt.Resolver[unit]
	slow := func() lwt.Promise[unit] {
		p, r := lwt.Wait[unit]()
		resolvers = append(resolvers, r)
		return lwt.Map(p, func(unit) unit { finished++; return unit{} })
	}
	s.AddHook(slow)
	s.AddHook(func() lwt.Promise[unit] { finished++; panic(boom) })
	s.AddHook(slow)
	off := s.TurnOff()
	if off.String() != "Sleep" || len(resolvers) != 2 || finished != 1 {
		t.Fatalf("TurnOff %v with %d slow hooks started, %d finished", off, len(resolvers), finished)
	}
	lwt.Wakeup(resolvers[0], unit{})
	if off.String() != "Sleep" {
		t.Fatalf("TurnOff resolved before all hooks: %v", off)
	}
	lwt.Wakeup(resolvers[1], unit{})
	if _, err := off.Result(); !errors.Is(err, boom) || finished != 3 {
		t.Fatalf("TurnOff: %v after %d hooks finished; want the hook's panic after 3", off, finished)
	}
	if err := s.AddHook(slow); err != ErrOff {
		t.Fatalf("AddHook after TurnOff: %v, want ErrOff", err)
	}
	if len(resolvers) != 2 {
		t.Fatal("a hook ran twice")
	}
}

func TestHookErrorPropagates(t *testing.T) {
	boom := errors.New("boom")
	s := New()
	s.AddHook(func() lwt.Promise[unit] { return lwt.Fail[unit](boom) })
	if _, err := s.TurnOff().Result(); err != boom {
		t.Fatalf("TurnOff: %v, want boom", err)
	}
}

func TestHooksRunLastAddedFirst(t *testing.T) {
	var order []int
	s := New()
	for i := range 3 {
		s.AddHook(func() lwt.Promise[unit] { order = append(order, i); return lwt.ReturnUnit() })
	}
	s.TurnOff()
	if len(order) != 3 || order[0] != 2 || order[1] != 1 || order[2] != 0 {
		t.Fatalf("order %v, want [2 1 0]", order)
	}
}

// A hook that adds a hook while the switch turns off gets ErrOff.
func TestAddHookDuringTurnOff(t *testing.T) {
	s := New()
	var err error
	s.AddHook(func() lwt.Promise[unit] {
		err = s.AddHook(lwt.ReturnUnit)
		return lwt.ReturnUnit()
	})
	s.TurnOff()
	if err != ErrOff {
		t.Fatalf("AddHook from a hook: %v, want ErrOff", err)
	}
}

func TestWithSwitch(t *testing.T) {
	called := false
	p := WithSwitch(func(s *Switch) lwt.Promise[int] {
		s.AddHook(func() lwt.Promise[unit] { called = true; return lwt.ReturnUnit() })
		return lwt.Return(1)
	})
	if p.String() != "Return 1" || !called {
		t.Fatalf("WithSwitch: %v, hook called %v", p, called)
	}
}

func TestWithSwitchFailure(t *testing.T) {
	boom := errors.New("boom")
	called := false
	p := WithSwitch(func(s *Switch) lwt.Promise[int] {
		s.AddHook(func() lwt.Promise[unit] { called = true; return lwt.ReturnUnit() })
		panic(boom)
	})
	if _, err := p.Result(); !errors.Is(err, boom) || !called {
		t.Fatalf("WithSwitch: %v, hook called %v", p, called)
	}
}

func TestWithSwitchWaits(t *testing.T) {
	wait, resume := lwt.Wait[int]()
	var sw *Switch
	p := WithSwitch(func(s *Switch) lwt.Promise[int] { sw = s; return wait })
	if !sw.IsOn() || p.String() != "Sleep" {
		t.Fatalf("switch on %v, result %v while f sleeps", sw.IsOn(), p)
	}
	lwt.Wakeup(resume, 2)
	if sw.IsOn() || p.String() != "Return 2" {
		t.Fatalf("switch on %v, result %v after f", sw.IsOn(), p)
	}
}

func TestCheck(t *testing.T) {
	var none *Switch
	if err := none.Check(); err != nil {
		t.Fatalf("Check of no switch: %v", err)
	}
	s := New()
	if err := s.Check(); err != nil || !s.IsOn() {
		t.Fatalf("Check of a new switch: %v, on %v", err, s.IsOn())
	}
	s.TurnOff()
	if err := s.Check(); err != ErrOff || s.IsOn() {
		t.Fatalf("Check after TurnOff: %v, on %v", err, s.IsOn())
	}
}

func TestAddHookOrExec(t *testing.T) {
	var calls int
	var none *Switch
	if err := none.AddHook(counting(&calls)); err != nil {
		t.Fatal(err)
	}
	if p := none.AddHookOrExec(counting(&calls)); p.String() != "Return ()" || calls != 0 {
		t.Fatalf("AddHookOrExec with no switch: %v, calls %d", p, calls)
	}
	s := New()
	if p := s.AddHookOrExec(counting(&calls)); p.String() != "Return ()" || calls != 0 {
		t.Fatalf("AddHookOrExec on a switch that is on: %v, calls %d", p, calls)
	}
	s.TurnOff()
	if calls != 1 {
		t.Fatalf("calls %d after TurnOff", calls)
	}
	if p := s.AddHookOrExec(counting(&calls)); p.String() != "Return ()" || calls != 2 {
		t.Fatalf("AddHookOrExec on a switch that is off: %v, calls %d", p, calls)
	}
	boom := errors.New("boom")
	if _, err := s.AddHookOrExec(func() lwt.Promise[unit] { panic(boom) }).Result(); !errors.Is(err, boom) {
		t.Fatalf("AddHookOrExec of a panicking hook: %v", err)
	}
}
