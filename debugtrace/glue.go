package debugtrace

import "github.com/lwtgo/lwt/runtime/lwt"

// The calls below are for the code lwtgen generates: each records a site
// in a debug build and is nothing in a default one (Enabled is a constant,
// so the compiler drops the recording and inlines what is left).

// Waiting records that the call whose promise is p (just suspended, in
// function fn) waits at pos, and returns p.
func Waiting[R any](p lwt.Promise[R], fn, pos string) lwt.Promise[R] {
	if Enabled {
		Wait(p.Key(), fn, pos)
	}
	return p
}

// Awaited returns err, which an await in fn at pos passes on, with that
// site in its backtrace.
func Awaited(err error, fn, pos string) error {
	if Enabled {
		return Note(err, fn, pos, "awaited")
	}
	return err
}

// Raised returns err, which fn raises at pos (return lwt.Fail, a failed
// lwt.Assert), with that site in its backtrace.
func Raised(err error, fn, pos string) error {
	if Enabled {
		return Note(err, fn, pos, "raised")
	}
	return err
}
