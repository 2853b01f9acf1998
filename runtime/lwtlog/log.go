package lwtlog

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// Location is where a log call is in the source. The zero Location means
// unknown.
type Location struct {
	File         string
	Line, Column int
}

// String returns "file:line:column", or "<unknown>" for the zero Location.
func (l Location) String() string {
	if l == (Location{}) {
		return "<unknown>"
	}
	return l.File + ":" + strconv.Itoa(l.Line) + ":" + strconv.Itoa(l.Column)
}

var locationKey = lwt.NewKey[Location]()

// CurrentLocation returns the location of the log call whose message a
// logger is writing: loggers call it from their output function (or from
// callbacks registered there). Outside a log call, or when the call gave no
// location, it returns the zero Location. Lwt's location_key.
func CurrentLocation() Location {
	loc, _ := lwt.Get(locationKey)
	return loc
}

// Call holds the optional arguments of a log call: the error it reports,
// its source location and its logger. Its zero value means none of them, and
// the package-level functions ([Info], [Errorf] ...) are those of the zero
// Call. Build one with [At], [Err] and [To], which chain:
//
//	lwtlog.Err(err).At("server.go", 42, 3).Errorf(section, "reading %s", name)
//
// A Call is a small value: making one allocates nothing.
type Call struct {
	err    error
	loc    Location
	logger *Logger
}

// At returns a Call with the given source location, which templates show
// as $(loc-file), $(loc-line) and $(loc-column). The log syntax (logstrip)
// passes each call's location this way.
func At(file string, line, column int) Call { return Call{}.At(file, line, column) }

// Err returns a Call that reports err: its text follows the message after
// ": ", as Lwt's ~exn does.
func Err(err error) Call { return Call{}.Err(err) }

// To returns a Call that logs to l instead of [Default].
func To(l *Logger) Call { return Call{}.To(l) }

// At returns c with the given source location.
func (c Call) At(file string, line, column int) Call {
	c.loc = Location{file, line, column}
	return c
}

// Err returns c reporting err.
func (c Call) Err(err error) Call {
	c.err = err
	return c
}

// To returns c logging to l.
func (c Call) To(l *Logger) Call {
	c.logger = l
	return c
}

// Log logs msg in section at level: if level is at least the section's,
// it sends the lines of msg (a final newline dropped) to the logger and
// returns the promise of their writing. Otherwise it does nothing and returns
// a fulfilled promise, without allocating. A caller that does not wait for
// the promise drops its failure, as Lwt's ign_log does.
func (c Call) Log(section *Section, level Level, msg string) lwt.Promise[lwt.Unit] {
	if section.Enabled(level) {
		return c.log(section, level, msg)
	}
	return lwt.Promise[lwt.Unit]{}
}

// Logf is [Call.Log] with a message made by fmt.Sprintf(format, args...),
// which only runs if the message is logged. The arguments themselves are
// evaluated before the call, though: guard the call with
// [Section.Enabled], as the log syntax does, to save that too.
func (c Call) Logf(section *Section, level Level, format string, args ...any) lwt.Promise[lwt.Unit] {
	if section.Enabled(level) {
		return c.logf(section, level, format, args)
	}
	return lwt.Promise[lwt.Unit]{}
}

func (c *Call) logf(section *Section, level Level, format string, args []any) lwt.Promise[lwt.Unit] {
	return c.log(section, level, fmt.Sprintf(format, args...))
}

// The package-level functions call these rather than the methods of Call:
// with fewer arguments, and not inlined themselves, they keep the functions
// within the inliner's budget, so that a disabled call costs a load and a
// branch in the caller.
//
//go:noinline
func logDefault(section *Section, level Level, msg string) lwt.Promise[lwt.Unit] {
	return (&Call{}).log(section, level, msg)
}

//go:noinline
func logfDefault(section *Section, level Level, format string, args []any) lwt.Promise[lwt.Unit] {
	return (&Call{}).logf(section, level, format, args)
}

// log sends the message of an enabled call.
func (c *Call) log(section *Section, level Level, msg string) lwt.Promise[lwt.Unit] {
	l := c.logger
	if l == nil {
		l = Default
	}
	msg = strings.TrimSuffix(msg, "\n")
	if c.err != nil {
		msg += ": " + c.err.Error()
	}
	lines := strings.Split(msg, "\n")
	return lwt.WithValue(locationKey, c.loc, func() lwt.Promise[lwt.Unit] {
		return l.write(section, level, lines)
	})
}

// Debug logs msg at [LevelDebug]; see [Call.Log].
func (c Call) Debug(section *Section, msg string) lwt.Promise[lwt.Unit] {
	return c.Log(section, LevelDebug, msg)
}

// Info logs msg at [LevelInfo]; see [Call.Log].
func (c Call) Info(section *Section, msg string) lwt.Promise[lwt.Unit] {
	return c.Log(section, LevelInfo, msg)
}

// Notice logs msg at [LevelNotice]; see [Call.Log].
func (c Call) Notice(section *Section, msg string) lwt.Promise[lwt.Unit] {
	return c.Log(section, LevelNotice, msg)
}

// Warning logs msg at [LevelWarning]; see [Call.Log].
func (c Call) Warning(section *Section, msg string) lwt.Promise[lwt.Unit] {
	return c.Log(section, LevelWarning, msg)
}

// Error logs msg at [LevelError]; see [Call.Log].
func (c Call) Error(section *Section, msg string) lwt.Promise[lwt.Unit] {
	return c.Log(section, LevelError, msg)
}

// Fatal logs msg at [LevelFatal]; see [Call.Log]. It does not end the
// program.
func (c Call) Fatal(section *Section, msg string) lwt.Promise[lwt.Unit] {
	return c.Log(section, LevelFatal, msg)
}

// Debugf logs a formatted message at [LevelDebug]; see [Call.Logf].
func (c Call) Debugf(section *Section, format string, args ...any) lwt.Promise[lwt.Unit] {
	return c.Logf(section, LevelDebug, format, args...)
}

// Infof logs a formatted message at [LevelInfo]; see [Call.Logf].
func (c Call) Infof(section *Section, format string, args ...any) lwt.Promise[lwt.Unit] {
	return c.Logf(section, LevelInfo, format, args...)
}

// Noticef logs a formatted message at [LevelNotice]; see [Call.Logf].
func (c Call) Noticef(section *Section, format string, args ...any) lwt.Promise[lwt.Unit] {
	return c.Logf(section, LevelNotice, format, args...)
}

// Warningf logs a formatted message at [LevelWarning]; see [Call.Logf].
func (c Call) Warningf(section *Section, format string, args ...any) lwt.Promise[lwt.Unit] {
	return c.Logf(section, LevelWarning, format, args...)
}

// Errorf logs a formatted message at [LevelError]; see [Call.Logf].
func (c Call) Errorf(section *Section, format string, args ...any) lwt.Promise[lwt.Unit] {
	return c.Logf(section, LevelError, format, args...)
}

// Fatalf logs a formatted message at [LevelFatal]; see [Call.Logf]. It
// does not end the program.
func (c Call) Fatalf(section *Section, format string, args ...any) lwt.Promise[lwt.Unit] {
	return c.Logf(section, LevelFatal, format, args...)
}

// Log logs msg in section at level to [Default]; see [Call.Log].
func Log(section *Section, level Level, msg string) lwt.Promise[lwt.Unit] {
	if section.Enabled(level) {
		return logDefault(section, level, msg)
	}
	return lwt.Promise[lwt.Unit]{}
}

// Logf logs a formatted message in section at level to [Default]; see
// [Call.Logf].
func Logf(section *Section, level Level, format string, args ...any) lwt.Promise[lwt.Unit] {
	if section.Enabled(level) {
		return logfDefault(section, level, format, args)
	}
	return lwt.Promise[lwt.Unit]{}
}

// Debug logs msg at [LevelDebug] to [Default]; see [Call.Log].
func Debug(section *Section, msg string) lwt.Promise[lwt.Unit] {
	if section.Enabled(LevelDebug) {
		return logDefault(section, LevelDebug, msg)
	}
	return lwt.Promise[lwt.Unit]{}
}

// Info logs msg at [LevelInfo] to [Default]; see [Call.Log].
func Info(section *Section, msg string) lwt.Promise[lwt.Unit] {
	if section.Enabled(LevelInfo) {
		return logDefault(section, LevelInfo, msg)
	}
	return lwt.Promise[lwt.Unit]{}
}

// Notice logs msg at [LevelNotice] to [Default]; see [Call.Log].
func Notice(section *Section, msg string) lwt.Promise[lwt.Unit] {
	if section.Enabled(LevelNotice) {
		return logDefault(section, LevelNotice, msg)
	}
	return lwt.Promise[lwt.Unit]{}
}

// Warning logs msg at [LevelWarning] to [Default]; see [Call.Log].
func Warning(section *Section, msg string) lwt.Promise[lwt.Unit] {
	if section.Enabled(LevelWarning) {
		return logDefault(section, LevelWarning, msg)
	}
	return lwt.Promise[lwt.Unit]{}
}

// Error logs msg at [LevelError] to [Default]; see [Call.Log].
func Error(section *Section, msg string) lwt.Promise[lwt.Unit] {
	if section.Enabled(LevelError) {
		return logDefault(section, LevelError, msg)
	}
	return lwt.Promise[lwt.Unit]{}
}

// Fatal logs msg at [LevelFatal] to [Default]; see [Call.Log]. It does
// not end the program.
func Fatal(section *Section, msg string) lwt.Promise[lwt.Unit] {
	if section.Enabled(LevelFatal) {
		return logDefault(section, LevelFatal, msg)
	}
	return lwt.Promise[lwt.Unit]{}
}

// Debugf logs a formatted message at [LevelDebug] to [Default]; see
// [Call.Logf].
func Debugf(section *Section, format string, args ...any) lwt.Promise[lwt.Unit] {
	if section.Enabled(LevelDebug) {
		return logfDefault(section, LevelDebug, format, args)
	}
	return lwt.Promise[lwt.Unit]{}
}

// Infof logs a formatted message at [LevelInfo] to [Default]; see
// [Call.Logf].
func Infof(section *Section, format string, args ...any) lwt.Promise[lwt.Unit] {
	if section.Enabled(LevelInfo) {
		return logfDefault(section, LevelInfo, format, args)
	}
	return lwt.Promise[lwt.Unit]{}
}

// Noticef logs a formatted message at [LevelNotice] to [Default]; see
// [Call.Logf].
func Noticef(section *Section, format string, args ...any) lwt.Promise[lwt.Unit] {
	if section.Enabled(LevelNotice) {
		return logfDefault(section, LevelNotice, format, args)
	}
	return lwt.Promise[lwt.Unit]{}
}

// Warningf logs a formatted message at [LevelWarning] to [Default]; see
// [Call.Logf].
func Warningf(section *Section, format string, args ...any) lwt.Promise[lwt.Unit] {
	if section.Enabled(LevelWarning) {
		return logfDefault(section, LevelWarning, format, args)
	}
	return lwt.Promise[lwt.Unit]{}
}

// Errorf logs a formatted message at [LevelError] to [Default]; see
// [Call.Logf].
func Errorf(section *Section, format string, args ...any) lwt.Promise[lwt.Unit] {
	if section.Enabled(LevelError) {
		return logfDefault(section, LevelError, format, args)
	}
	return lwt.Promise[lwt.Unit]{}
}

// Fatalf logs a formatted message at [LevelFatal] to [Default]; see
// [Call.Logf]. It does not end the program.
func Fatalf(section *Section, format string, args ...any) lwt.Promise[lwt.Unit] {
	if section.Enabled(LevelFatal) {
		return logfDefault(section, LevelFatal, format, args)
	}
	return lwt.Promise[lwt.Unit]{}
}
