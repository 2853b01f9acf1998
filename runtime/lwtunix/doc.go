// Package lwtunix is lwt's cooperative Unix library: Lwt_unix.
//
// Its functions return promises instead of blocking, so that one goroutine,
// the one running lwtmain.Run, serves many threads of promises. Each kind of
// call reaches the kernel its own way:
//
//   - Descriptors and sockets ([FD]) are put in non-blocking mode; an
//     operation that would block waits on the engine (package engine) for
//     the descriptor to be ready, then retries.
//   - Timers: [Sleep], [Timeout] and [WithTimeout] register timers with the
//     engine. They are cancelable: canceling stops the timer.
//   - Calls that block in the kernel whatever the descriptor's mode (the
//     file system: [OpenFile], [Stat], [Mkdir], [Readdir] ...) run as jobs
//     ([RunJob]) on a bounded pool of threads ([SetPoolSize]); their result
//     comes back to the loop.
//   - Child processes ([Waitpid]) and signals ([OnSignal]) are watched with
//     os/signal and delivered on the loop.
//
// Everything here belongs to the goroutine that runs the loop, like the
// promises themselves. The doors in from other goroutines are
// notifications: [MakeNotification] registers a function with the loop,
// and [SendNotification], safe from any goroutine (and from C, through
// package cnotify), has it called there. Jobs, signals and [WithContext]
// (which cancels a promise when a context.Context is done) are built on
// them.
//
// Errors wrap the errno of the failed system call, in an *os.PathError,
// *os.LinkError or *os.SyscallError that names the call (and the path), so
// that errors.Is(err, unix.ENOENT) and errors.Is(err, fs.ErrNotExist) work.
//
// # SIGPIPE
//
// A write to a pipe or a socket whose reading end is closed fails with
// unix.EPIPE and the process goes on: the Go runtime catches SIGPIPE and
// ignores it for writes made on its own threads to descriptors other than
// standard output and standard error, which covers every call of this
// package (and cgo code called from Go). This package leaves the
// disposition of SIGPIPE alone: an ignored SIGPIPE would be inherited by
// the programs the process runs, and would turn a write to a closed
// standard output into an EPIPE error where Go programs die quietly. Only C
// code writing from threads it created itself is killed by SIGPIPE; a
// program that has such code calls signal.Ignore(syscall.SIGPIPE).
//
// # Differences from Lwt
//
//   - Canceling the promise of a job rejects it at once; a job that has not
//     started never runs. In Lwt 5 it does nothing.
//   - When all threads of the pool are busy, jobs wait in a queue; Lwt runs
//     them on the loop, blocking it.
//   - Lwt_unix.yield is lwtmain.Yield, as in Lwt (which deprecates both for
//     lwt.Pause, resumed earlier in a round).
//   - An operation on a closed FD (Read after Close, for instance) returns a
//     promise rejected with an error matching [ErrClosed] and unix.EBADF;
//     Lwt_unix raises Unix_error EBADF synchronously, before making a
//     promise. In Go an error is a value: a panic for it would have to be
//     recovered, where the promise's failure reaches the code that awaits
//     it, which is where it looks for the operation's errors anyway. An
//     aborted FD fails its operations the same way, with the error given
//     to [FD.Abort], where Lwt raises it.
package lwtunix
