package lwtlog

import (
	"errors"
	"os"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// ErrLoggerClosed is the failure of a log call to a closed [Logger]: Lwt's
// Logger_closed.
var ErrLoggerClosed = errors.New("lwtlog: logger closed")

// Logger puts messages somewhere: a file, the system log, another logger.
// [Make] makes one from two functions; [Writer], [File], [Syslog] and
// [FromSlog] make the usual ones; [Broadcast] and [Dispatch] combine them.
//
// A Logger belongs to the goroutine that runs lwt, like the promises it
// returns.
type Logger struct {
	output  func(*Section, Level, []string) lwt.Promise[lwt.Unit]
	close   func() lwt.Promise[lwt.Unit]
	closed  bool
	closing lwt.Promise[lwt.Unit]
	keep    bool // Close does nothing: for Null, which is shared by all
}

// Make makes a logger: Lwt_log's make. output writes the lines of one
// message, which all have the given section and level, and returns a
// promise that resolves once they are written; a failure of that promise is
// the failure of the log call. The location of the log call is
// [CurrentLocation] while output runs. close releases what the logger holds;
// it is called once, by the first [Logger.Close]. A nil close does nothing.
func Make(output func(section *Section, level Level, lines []string) lwt.Promise[lwt.Unit], close func() lwt.Promise[lwt.Unit]) *Logger {
	return &Logger{output: output, close: close}
}

// Close closes l: log calls to it fail with [ErrLoggerClosed] from now on,
// and the close function given to [Make] runs, the first time only. Every
// call returns the promise of that first run.
func (l *Logger) Close() lwt.Promise[lwt.Unit] {
	if l.keep {
		return lwt.ReturnUnit()
	}
	if !l.closed {
		l.closed = true
		if l.close != nil {
			l.closing = l.close()
		}
	}
	return l.closing
}

// write sends lines to l, unless it is closed.
func (l *Logger) write(s *Section, level Level, lines []string) lwt.Promise[lwt.Unit] {
	if l.closed {
		return lwt.Fail[lwt.Unit](ErrLoggerClosed)
	}
	return l.output(s, level, lines)
}

// Null is a logger that drops everything. Closing it does nothing, so that
// it stays usable by everyone.
var Null = &Logger{
	output: func(*Section, Level, []string) lwt.Promise[lwt.Unit] { return lwt.ReturnUnit() },
	keep:   true,
}

// Default is the logger of log calls that name none (see [To]). It starts
// as a [Writer] on standard error with the template
// "$(name): $(section): $(message)", as in Lwt_log; a program sets it to
// send its logs elsewhere ([Null] to drop them; never nil).
var Default = mustWriter(os.Stderr)

func mustWriter(f *os.File) *Logger {
	l, err := Writer(f, nil)
	if err != nil {
		panic(err) // the default template is valid
	}
	return l
}

// Broadcast returns a logger that sends each message to all of loggers at
// once; its promise resolves when they all have written it and fails if any
// of them fails. Closing it does not close them.
func Broadcast(loggers ...*Logger) *Logger {
	loggers = append([]*Logger(nil), loggers...)
	return Make(func(s *Section, level Level, lines []string) lwt.Promise[lwt.Unit] {
		ps := make([]lwt.Promise[lwt.Unit], len(loggers))
		for i, l := range loggers {
			ps[i] = l.write(s, level, lines)
		}
		return lwt.Join(ps...)
	}, nil)
}

// Dispatch returns a logger that sends each message to the logger f chooses
// for its section and level; a nil choice drops the message. Closing it does
// not close the loggers f returns.
func Dispatch(f func(section *Section, level Level) *Logger) *Logger {
	return Make(func(s *Section, level Level, lines []string) lwt.Promise[lwt.Unit] {
		l := f(s, level)
		if l == nil {
			return lwt.ReturnUnit()
		}
		return l.write(s, level, lines)
	}, nil)
}
