// Package lwtlog is the logging facility of lwt for Go: Lwt_log.
//
// A log call names a [Section] and a [Level] and returns a promise that
// resolves once a [Logger] has written the message:
//
//	var section = lwtlog.NewSection("http")
//	...
//	lwtlog.Infof(section, "%s %s", req.Method, req.URL)
//
// Each section has a level, and calls below it do nothing: they return a
// fulfilled promise without allocating (though Go evaluates the arguments
// of a formatted call, and boxes them into its ...any, before the call can
// check the level; see [Section.Enabled]). Levels go from [LevelDebug] up to
// [LevelFatal]; a section's level comes from rules, which the LWT_LOG
// environment variable sets when the program starts,
//
//	LWT_LOG='http -> info; db.* -> debug; warning'
//
// and which code changes with [LoadRules], [AddRule] and [AppendRule]; or it
// is fixed with [Section.SetLevel]. Sections no rule matches are at
// [LevelNotice]. A bad rule in LWT_LOG is ignored, with one line on standard
// error saying why, and does not stop the program.
//
// Messages go to the [Default] logger, standard error unless the program
// sets another, or to the one a call names with [To]. [Err] adds an error to
// a message (Lwt's ~exn) and [At] a source location; they chain:
//
//	lwtlog.Err(err).At("server.go", 42, 3).Errorf(section, "reading %s", name)
//
// Loggers write to a buffered channel of lwtio ([Channel]), a file
// ([File]), the system log ([Syslog]), an io.Writer ([Writer]) or a
// slog.Handler ([FromSlog]); [Broadcast] and [Dispatch] combine them, [Null]
// drops everything and [Make] makes any other. They lay out lines with a
// [Template], like "$(date) $(section): $(message)". [SlogHandler] goes the
// other way: log/slog code logging through lwtlog.
//
// Channel, File and Syslog never block the loop: they write through lwtio
// channels and lwtunix descriptors (a file's writes run off the loop, as
// jobs; the syslog socket is non-blocking), and the promise of a log call
// resolves once its message is written: flushed to the channel, or sent to
// the daemon. So they need the loop (lwtmain.Run) to make progress, and
// [File] itself gives a promise, since it opens the file as a job. Writer
// writes at once, blocking the loop for as long as its io.Writer takes; it
// suits terminals and buffers, and logging before the loop runs. That is why
// [Default] is a Writer on standard error, where Lwt's is a channel logger
// on Lwt_io.stderr:
//
//	lwtlog.Default, _ = lwtlog.Channel(lwtio.Stderr, nil) // Lwt's default
//
// Like the rest of lwtunix, their system calls are raise sites of async
// backtraces in debug builds: a log call that fails because a write failed
// starts its backtrace at that log call (see package debugtrace).
//
// In code that lwtgen rewrites, the log syntax pass (logstrip) guards each
// call with [Section.Enabled], so that a disabled call does not even
// evaluate its arguments, passes its location, and removes debug calls from
// default builds.
//
// Sections and rules may be used from any goroutine; loggers and log calls,
// like all of lwt, belong to the goroutine that runs the scheduler.
//
// # Differences from Lwt
//
//   - A message's final newline is dropped before it is split into lines,
//     as Go's log package does: "done\n" is the one line "done". Lwt_log
//     splits at every newline, so its loggers get an empty last line, which
//     a channel logger writes as a line of its own (the template with an
//     empty message). Go code often ends messages with a newline out of
//     habit; doubling every such line would be worse than the difference.
//     An error added with [Err] comes after that: Err(e).Notice(s,
//     "done\n") logs the line "done: e", where Lwt_log logs the two lines
//     "done" and ": " followed by the exception.
//   - [Default] is a [Writer] on standard error, not a channel logger (see
//     above).
package lwtlog
