package lwtlog

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/lwtgo/lwt/runtime/lwt"
)

func TestSlogLevels(t *testing.T) {
	for _, tc := range []struct {
		slog slog.Level
		want Level
	}{
		{slog.LevelDebug - 4, LevelDebug}, {slog.LevelDebug, LevelDebug}, {slog.LevelInfo - 1, LevelDebug},
		{slog.LevelInfo, LevelInfo}, {slog.LevelInfo + 1, LevelInfo}, {slog.LevelInfo + 2, LevelNotice},
		{slog.LevelWarn, LevelWarning}, {slog.LevelError, LevelError}, {slog.LevelError + 3, LevelError},
		{slog.LevelError + 4, LevelFatal}, {100, LevelFatal},
	} {
		if got := FromSlogLevel(tc.slog); got != tc.want {
			t.Errorf("FromSlogLevel(%v) = %v, want %v", tc.slog, got, tc.want)
		}
	}
	for l := LevelDebug; l <= LevelFatal; l++ {
		if back := FromSlogLevel(l.SlogLevel()); back != l {
			t.Errorf("%v -> %v -> %v", l, l.SlogLevel(), back)
		}
	}
	if Level(-3).SlogLevel() != slog.LevelDebug || Level(40).SlogLevel() != slog.LevelError+4 {
		t.Error("levels out of range")
	}
}

func TestSlogHandler(t *testing.T) {
	var got []record
	s := NewSection("slog.handler")
	s.SetLevel(LevelInfo)
	logger := slog.New(SlogHandler(recorder(&got), s))

	logger.Debug("dropped")
	_, file, line, _ := runtime.Caller(0)
	logger.Info("hello", "n", 1, "text", "a b", "empty", "", "eq", "x=y")
	logger.With("req", 7).WithGroup("g").With("a", true).Warn("grouped", slog.Group("sub", "k", "v"), "b", 2.5)
	logger.WithGroup("unused").Error("two\nlines", slog.Group("", "inline", 1), slog.Group("nothing"), slog.Attr{})
	logger.Log(context.Background(), slog.LevelInfo+2, "notice", "err", errors.New("oops"))

	want := []record{
		{"slog.handler", LevelInfo, []string{`hello n=1 text="a b" empty="" eq="x=y"`}, Location{file, line + 1, 0}},
		{"slog.handler", LevelWarning, []string{`grouped req=7 g.a=true g.sub.k=v g.b=2.5`}, Location{file, line + 2, 0}},
		{"slog.handler", LevelError, []string{`two`, `lines unused.inline=1`}, Location{file, line + 3, 0}},
		{"slog.handler", LevelNotice, []string{`notice err=oops`}, Location{file, line + 4, 0}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got:\n%v\nwant:\n%v", got, want)
	}
	if logger.Enabled(context.Background(), slog.LevelDebug) || !logger.Enabled(context.Background(), slog.LevelInfo) {
		t.Error("Enabled does not follow the section's level")
	}
}

func TestSlogHandlerErrors(t *testing.T) {
	s := NewSection("slog.errors")
	boom := errors.New("boom")
	failing := Make(func(*Section, Level, []string) lwt.Promise[lwt.Unit] { return lwt.Fail[lwt.Unit](boom) }, nil)
	r := slog.NewRecord(time.Now(), slog.LevelError, "m", 0)
	if err := SlogHandler(failing, s).Handle(context.Background(), r); err != boom {
		t.Errorf("Handle = %v, want %v", err, boom)
	}
	pending, _ := lwt.Wait[lwt.Unit]()
	slow := Make(func(*Section, Level, []string) lwt.Promise[lwt.Unit] { return pending }, nil)
	if err := SlogHandler(slow, s).Handle(context.Background(), r); err != nil {
		t.Errorf("Handle with a pending write = %v", err)
	}
}

func TestFromSlog(t *testing.T) {
	var buf bytes.Buffer
	h := slog.NewTextHandler(&buf, &slog.HandlerOptions{
		Level: slog.LevelInfo,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		},
	})
	l := FromSlog(h)
	s := NewSection("from.slog")
	s.SetLevel(LevelDebug)
	To(l).Debug(s, "dropped by the handler")
	At("app.go", 3, 9).To(l).Notice(s, "first\nsecond")
	Err(errors.New("eof")).To(l).Errorf(s, "read %d", 3)
	want := `level=INFO+2 msg="first\nsecond" section=from.slog source=app.go:3:9
level=ERROR msg="read 3: eof" section=from.slog
`
	if buf.String() != want {
		t.Errorf("handler wrote:\n%s\nwant:\n%s", buf.String(), want)
	}
	if err := mustResult(t, l.Close()); err != nil {
		t.Error(err)
	}
}

type failingHandler struct{ slog.Handler }

func (failingHandler) Handle(context.Context, slog.Record) error { return errWrite }

func TestFromSlogFailure(t *testing.T) {
	l := FromSlog(failingHandler{slog.NewTextHandler(&bytes.Buffer{}, nil)})
	if err := mustResult(t, To(l).Warning(NewSection("from.slog.fail"), "x")); err != errWrite {
		t.Errorf("failure = %v", err)
	}
}

// A round trip: slog code logging through lwtlog to a slog handler.
func TestSlogRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	h := slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey || a.Key == slog.SourceKey {
			return slog.Attr{}
		}
		return a
	}})
	s := NewSection("round.trip")
	slog.New(SlogHandler(FromSlog(h), s)).Warn("careful", "id", 4)
	if want := `{"level":"WARN","msg":"careful id=4","section":"round.trip"}` + "\n"; buf.String() != want {
		t.Errorf("got %s want %s", buf.String(), want)
	}
	if strings.Count(buf.String(), "\n") != 1 {
		t.Error("more than one record")
	}
}
