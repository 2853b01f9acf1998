package lwtlog

import (
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

// useRules replaces the rules for the time of a test, so that tests do not
// depend on LWT_LOG or on each other.
func useRules(t *testing.T, rules ...Rule) {
	t.Helper()
	saved := Rules()
	reg.setRules(func([]compiledRule) []compiledRule { return compileRules(rules) })
	t.Cleanup(func() {
		reg.setRules(func([]compiledRule) []compiledRule { return compileRules(saved) })
	})
}

// record is one message a recorder received.
type record struct {
	section string
	level   Level
	lines   []string
	loc     Location
}

// recorder returns a logger that keeps what it receives in *got.
func recorder(got *[]record) *Logger {
	return Make(func(s *Section, level Level, lines []string) lwt.Promise[lwt.Unit] {
		*got = append(*got, record{s.Name(), level, lines, CurrentLocation()})
		return lwt.ReturnUnit()
	}, nil)
}

// mustResult returns the error of a resolved promise, failing the test if
// it is still pending.
func mustResult(t *testing.T, p lwt.Promise[lwt.Unit]) error {
	t.Helper()
	if p.IsSleeping() {
		t.Fatalf("promise still pending")
	}
	_, err := p.Result()
	return err
}

// run runs the loop until p is resolved, and returns its error.
func run[T any](t *testing.T, p lwt.Promise[T]) error {
	t.Helper()
	_, err := lwtmain.Run(p)
	return err
}

// mustRun runs the loop until p is resolved, and returns its value, failing
// the test if p fails.
func mustRun[T any](t *testing.T, p lwt.Promise[T]) T {
	t.Helper()
	v, err := lwtmain.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
