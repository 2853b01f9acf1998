package lwtlog

import (
	"errors"
	"reflect"
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
)

func TestLevelFunctions(t *testing.T) {
	var got []record
	l := recorder(&got)
	s := NewSection("levels")
	s.SetLevel(LevelDebug)
	c := To(l)
	plain := []func(*Section, string) lwt.Promise[lwt.Unit]{c.Debug, c.Info, c.Notice, c.Warning, c.Error, c.Fatal}
	formatted := []func(*Section, string, ...any) lwt.Promise[lwt.Unit]{c.Debugf, c.Infof, c.Noticef, c.Warningf, c.Errorf, c.Fatalf}
	for i := range plain {
		plain[i](s, "plain")
		formatted[i](s, "formatted %d", i)
	}
	c.Log(s, LevelError, "log")
	c.Logf(s, LevelInfo, "logf %s", "x")
	var want []record
	for l := LevelDebug; l <= LevelFatal; l++ {
		want = append(want,
			record{"levels", l, []string{"plain"}, Location{}},
			record{"levels", l, []string{"formatted " + string(rune('0'+l))}, Location{}})
	}
	want = append(want,
		record{"levels", LevelError, []string{"log"}, Location{}},
		record{"levels", LevelInfo, []string{"logf x"}, Location{}})
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

func TestPackageFunctionsUseDefault(t *testing.T) {
	var got []record
	saved := Default
	Default = recorder(&got)
	defer func() { Default = saved }()
	s := NewSection("default")
	s.SetLevel(LevelDebug)
	plain := []func(*Section, string) lwt.Promise[lwt.Unit]{Debug, Info, Notice, Warning, Error, Fatal}
	formatted := []func(*Section, string, ...any) lwt.Promise[lwt.Unit]{Debugf, Infof, Noticef, Warningf, Errorf, Fatalf}
	for i := range plain {
		plain[i](s, "m")
		formatted[i](s, "%s", "f")
	}
	Log(s, LevelWarning, "log")
	Logf(s, LevelFatal, "%d", 7)
	if len(got) != 14 {
		t.Fatalf("got %d messages, want 14: %v", len(got), got)
	}
	for i, r := range got[:12] {
		if want := Level(i / 2); r.level != want {
			t.Errorf("message %d at %v, want %v", i, r.level, want)
		}
	}
	if got[12].level != LevelWarning || got[13].lines[0] != "7" {
		t.Errorf("Log, Logf: %v", got[12:])
	}
}

func TestDisabledCallsDoNothing(t *testing.T) {
	var got []record
	l := recorder(&got)
	s := NewSection("disabled")
	s.SetLevel(LevelWarning)
	formatted := false
	arg := stringer(func() string { formatted = true; return "x" })
	for _, p := range []lwt.Promise[lwt.Unit]{
		To(l).Info(s, "no"),
		To(l).Noticef(s, "no %v", arg),
		To(l).Log(s, LevelDebug, "no"),
	} {
		if err := mustResult(t, p); err != nil {
			t.Errorf("disabled call failed: %v", err)
		}
	}
	if len(got) != 0 || formatted {
		t.Errorf("disabled calls reached the logger (%v) or formatted (%v)", got, formatted)
	}
	To(l).Warning(s, "yes")
	if len(got) != 1 {
		t.Errorf("enabled call: %v", got)
	}
	allocs := testing.AllocsPerRun(100, func() {
		To(l).Info(s, "no")
		To(l).Infof(s, "no %s", "x")
		_ = s.Enabled(LevelInfo)
	})
	if allocs != 0 {
		t.Errorf("disabled calls allocate %v times", allocs)
	}
}

type stringer func() string

func (f stringer) String() string { return f() }

// A message is split at its newlines, a final one dropped first (a
// documented difference: Lwt_log passes an empty last line), and an error is
// appended to the message before the split.
func TestErrAndLines(t *testing.T) {
	var got []record
	l := recorder(&got)
	s := NewSection("lines")
	Err(errors.New("disk full")).To(l).Error(s, "cannot save")
	To(l).Notice(s, "one\ntwo\n")
	Err(errors.New("e")).To(l).Notice(s, "trailing\n")
	To(l).Err(errors.New("a\nb")).Noticef(s, "%s", "x")
	To(l).Notice(s, "")
	want := [][]string{{"cannot save: disk full"}, {"one", "two"}, {"trailing: e"}, {"x: a", "b"}, {""}}
	if len(got) != len(want) {
		t.Fatalf("got %d messages, want %d", len(got), len(want))
	}
	for i, r := range got {
		if !reflect.DeepEqual(r.lines, want[i]) {
			t.Errorf("message %d: %q, want %q", i, r.lines, want[i])
		}
	}
}

func TestLocation(t *testing.T) {
	var got []record
	l := recorder(&got)
	s := NewSection("loc")
	At("main.go", 12, 5).To(l).Notice(s, "here")
	To(l).Notice(s, "nowhere")
	To(l).At("x.go", 1, 2).Err(errors.New("e")).Noticef(s, "%d", 1)
	want := []Location{{"main.go", 12, 5}, {}, {"x.go", 1, 2}}
	if len(got) != len(want) {
		t.Fatalf("got %d messages, want %d", len(got), len(want))
	}
	for i, r := range got {
		if r.loc != want[i] {
			t.Errorf("message %d at %v, want %v", i, r.loc, want[i])
		}
	}
	if loc := CurrentLocation(); loc != (Location{}) {
		t.Errorf("CurrentLocation outside a log call = %v", loc)
	}
	if s := (Location{"a.go", 3, 4}).String(); s != "a.go:3:4" {
		t.Errorf("Location.String() = %q", s)
	}
	if s := (Location{}).String(); s != "<unknown>" {
		t.Errorf("zero Location.String() = %q", s)
	}
}

// A logger that renders later, in a callback, still sees the location of
// the call, as lwt keys are seen by the callbacks registered under them.
func TestLocationInCallback(t *testing.T) {
	var seen Location
	wake, r := lwt.Wait[lwt.Unit]()
	l := Make(func(*Section, Level, []string) lwt.Promise[lwt.Unit] {
		return lwt.Map(wake, func(lwt.Unit) lwt.Unit { seen = CurrentLocation(); return lwt.Unit{} })
	}, nil)
	p := At("later.go", 7, 1).To(l).Notice(NewSection("later"), "m")
	lwt.Wakeup(r, lwt.Unit{})
	if err := mustResult(t, p); err != nil {
		t.Fatal(err)
	}
	if seen != (Location{"later.go", 7, 1}) {
		t.Errorf("location in callback = %v", seen)
	}
}

func TestClose(t *testing.T) {
	closes := 0
	var got []record
	inner := recorder(&got)
	l := Make(inner.output, func() lwt.Promise[lwt.Unit] { closes++; return lwt.Fail[lwt.Unit](errors.New("close failed")) })
	s := NewSection("close")
	To(l).Notice(s, "before")
	p1 := l.Close()
	p2 := l.Close()
	if closes != 1 {
		t.Errorf("close ran %d times", closes)
	}
	if e1, e2 := mustResult(t, p1), mustResult(t, p2); e1 == nil || e1 != e2 {
		t.Errorf("Close results %v, %v", e1, e2)
	}
	if err := mustResult(t, To(l).Notice(s, "after")); !errors.Is(err, ErrLoggerClosed) {
		t.Errorf("logging to a closed logger: %v", err)
	}
	if err := mustResult(t, To(l).Debug(s, "after")); err != nil {
		t.Errorf("a disabled call to a closed logger failed: %v", err)
	}
	if len(got) != 1 {
		t.Errorf("got %v", got)
	}
	if err := mustResult(t, Make(inner.output, nil).Close()); err != nil {
		t.Errorf("Close with nil close: %v", err)
	}
}

func TestNull(t *testing.T) {
	s := NewSection("null")
	if err := mustResult(t, Null.Close()); err != nil {
		t.Fatal(err)
	}
	if err := mustResult(t, To(Null).Fatal(s, "dropped")); err != nil {
		t.Errorf("Null after Close: %v", err)
	}
}

func TestBroadcast(t *testing.T) {
	var a, b []record
	pending, r := lwt.Wait[lwt.Unit]()
	slow := Make(func(*Section, Level, []string) lwt.Promise[lwt.Unit] { return pending }, nil)
	l := Broadcast(recorder(&a), slow, recorder(&b))
	s := NewSection("broadcast")
	p := To(l).Warning(s, "all")
	if len(a) != 1 || len(b) != 1 || a[0].lines[0] != "all" || b[0].level != LevelWarning {
		t.Errorf("a %v, b %v", a, b)
	}
	if !p.IsSleeping() {
		t.Error("Broadcast resolved before all its loggers")
	}
	lwt.Wakeup(r, lwt.Unit{})
	if err := mustResult(t, p); err != nil {
		t.Error(err)
	}

	boom := errors.New("boom")
	failing := Make(func(*Section, Level, []string) lwt.Promise[lwt.Unit] { return lwt.Fail[lwt.Unit](boom) }, nil)
	if err := mustResult(t, To(Broadcast(failing, recorder(&a))).Notice(s, "x")); err != boom {
		t.Errorf("failure of a component: %v", err)
	}
	if len(a) != 2 {
		t.Error("a failing component stopped the others")
	}

	component := recorder(&b)
	l = Broadcast(component)
	l.Close()
	if err := mustResult(t, To(component).Notice(s, "x")); err != nil {
		t.Errorf("closing a Broadcast closed its component: %v", err)
	}
	component.Close()
	if err := mustResult(t, To(Broadcast(component)).Notice(s, "x")); !errors.Is(err, ErrLoggerClosed) {
		t.Errorf("Broadcast to a closed logger: %v", err)
	}
}

func TestDispatch(t *testing.T) {
	var access, errs []record
	accessLog, errorLog := recorder(&access), recorder(&errs)
	l := Dispatch(func(s *Section, level Level) *Logger {
		switch {
		case s.Name() == "dispatch.access":
			return accessLog
		case level >= LevelError:
			return errorLog
		}
		return nil
	})
	acc, other := NewSection("dispatch.access"), NewSection("dispatch.other")
	To(l).Notice(acc, "GET /")
	To(l).Error(other, "oops")
	To(l).Warning(other, "dropped")
	if len(access) != 1 || access[0].lines[0] != "GET /" || len(errs) != 1 || errs[0].lines[0] != "oops" {
		t.Errorf("access %v, errors %v", access, errs)
	}
}
