package lwtlog

import (
	"context"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// The slog levels of the lwtlog levels: slog's four, with Notice and Fatal
// in the gaps after Info and Error.
var slogLevels = [...]slog.Level{
	LevelDebug:   slog.LevelDebug,
	LevelInfo:    slog.LevelInfo,
	LevelNotice:  slog.LevelInfo + 2,
	LevelWarning: slog.LevelWarn,
	LevelError:   slog.LevelError,
	LevelFatal:   slog.LevelError + 4,
}

// SlogLevel returns the slog level of l: slog.LevelDebug, LevelInfo,
// LevelWarn and LevelError for the levels of the same names, LevelInfo+2
// for Notice and LevelError+4 for Fatal.
func (l Level) SlogLevel() slog.Level {
	switch {
	case l < LevelDebug:
		return slogLevels[LevelDebug]
	case l > LevelFatal:
		return slogLevels[LevelFatal]
	}
	return slogLevels[l]
}

// FromSlogLevel returns the highest level whose [Level.SlogLevel] is at most
// l, or LevelDebug for levels below slog.LevelDebug.
func FromSlogLevel(l slog.Level) Level {
	for i := LevelFatal; i > LevelDebug; i-- {
		if l >= slogLevels[i] {
			return i
		}
	}
	return LevelDebug
}

// SlogHandler returns a slog.Handler that logs records in section through
// logger, so that code written for log/slog shares the sections, rules and
// loggers of lwt code. A record's level is converted by [FromSlogLevel]; its
// message is followed by its attributes as key=value pairs, groups as
// prefixes of their keys (group.key=value), and its source line is the
// location of the log call. The record's time is not used: the logger's
// clock is.
//
// Handle returns the failure of the logger's promise if it has already
// failed; a later failure is dropped, as Lwt's ign_log drops it. Since
// lwtlog loggers belong to the goroutine that runs lwt, so does the handler.
func SlogHandler(logger *Logger, section *Section) slog.Handler {
	return &slogHandler{logger: logger, section: section}
}

type slogHandler struct {
	logger  *Logger
	section *Section
	attrs   string // " k=v" pairs from WithAttrs
	prefix  string // groups from WithGroup, each followed by a dot
}

func (h *slogHandler) Enabled(_ context.Context, l slog.Level) bool {
	return h.section.Enabled(FromSlogLevel(l))
}

func (h *slogHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	b.WriteString(h.attrs)
	r.Attrs(func(a slog.Attr) bool {
		appendAttr(&b, h.prefix, a)
		return true
	})
	call := To(h.logger)
	if r.PC != 0 {
		f, _ := runtime.CallersFrames([]uintptr{r.PC}).Next()
		call = call.At(f.File, f.Line, 0)
	}
	p := call.Log(h.section, FromSlogLevel(r.Level), b.String())
	if p.IsSleeping() {
		return nil
	}
	_, err := p.Result()
	return err
}

func (h *slogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	var b strings.Builder
	b.WriteString(h.attrs)
	for _, a := range attrs {
		appendAttr(&b, h.prefix, a)
	}
	h2 := *h
	h2.attrs = b.String()
	return &h2
}

func (h *slogHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.prefix += name + "."
	return &h2
}

// appendAttr writes " key=value" for a, or one such pair for each member
// of a group, following the rules of slog.Handler: empty attributes and
// empty groups are left out, a group with an empty key is inlined.
func appendAttr(b *strings.Builder, prefix string, a slog.Attr) {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		if a.Key != "" {
			prefix += a.Key + "."
		}
		for _, m := range a.Value.Group() {
			appendAttr(b, prefix, m)
		}
		return
	}
	b.WriteByte(' ')
	b.WriteString(quoteIfNeeded(prefix + a.Key))
	b.WriteByte('=')
	b.WriteString(quoteIfNeeded(a.Value.String()))
}

func quoteIfNeeded(s string) string {
	if s == "" || !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool {
		return r == '=' || r == '"' || unicode.IsSpace(r) || !unicode.IsPrint(r)
	}) {
		return strconv.Quote(s)
	}
	return s
}

// FromSlog returns a logger that passes messages to h, so that lwt code
// can log wherever a slog.Handler does. Each message becomes one record: its
// lines joined again by newlines, at the level's [Level.SlogLevel], stamped
// with the current time, with the attribute section=name and, when the log
// call has a location, source=file:line:column. Messages h is not enabled for
// are dropped; a failure of h.Handle is the failure of the log call.
// Closing the logger does nothing to h.
func FromSlog(h slog.Handler) *Logger {
	return Make(func(s *Section, level Level, lines []string) lwt.Promise[lwt.Unit] {
		ctx := context.Background()
		sl := level.SlogLevel()
		if !h.Enabled(ctx, sl) {
			return lwt.ReturnUnit()
		}
		r := slog.NewRecord(time.Now(), sl, strings.Join(lines, "\n"), 0)
		r.AddAttrs(slog.String("section", s.Name()))
		if loc := CurrentLocation(); loc != (Location{}) {
			r.AddAttrs(slog.String(slog.SourceKey, loc.String()))
		}
		return lwt.OfResult(lwt.Unit{}, h.Handle(ctx, r))
	}, nil)
}
