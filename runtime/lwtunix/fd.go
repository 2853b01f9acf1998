package lwtunix

import (
	"os"
	"slices"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/debugtrace"
	"github.com/lwtgo/lwt/runtime/engine"
	"github.com/lwtgo/lwt/runtime/lwt"
)

// An FD is a file descriptor used cooperatively: Lwt_unix.file_descr.
//
// Its operations (Read, Write, Accept, Connect ...) return promises and
// never block the loop. In non-blocking mode, the default, an operation
// first tries its system call; only if the call says it would block
// (EAGAIN) does the operation register with the engine in use and retry
// when the descriptor is ready. EINTR is retried at once. In blocking mode
// (see [FD.SetBlocking]) Read, Write, Readv and Writev wait until the
// descriptor is ready, then make their system call off the loop, as a job.
//
// An FD belongs to the goroutine that runs the loop, like every promise.
// Several operations may wait on one FD at the same time; those waiting in
// the same direction are retried in the order they were started. In
// blocking mode that order holds only for the wait: once the descriptor is
// ready, each Read (Write ...) waiting runs its system call as a job, and
// the jobs race, as in Lwt; the data may go to a later one, and the others
// block a thread of the job pool until more comes. Start one read and one
// write at a time on a descriptor in blocking mode. Closing it while a job
// runs its call leaves that call running on the descriptor's number.
//
// Canceling a pending operation (lwt.Cancel) rejects it with
// lwt.ErrCanceled and unregisters it; in blocking mode, only while it waits
// for the descriptor to be ready: a Read (Write ...) whose system call runs
// as a job gives what that call did. The engine event of a direction is
// registered when an operation first has to wait, and stopped as soon as no
// operation waits in that direction any more: when the last one is
// canceled, or when it completes and what it woke up has run. So a
// descriptor read in a loop, whose next read starts from the continuation
// of the previous one, keeps its event and costs no epoll_ctl call per
// read. Close and Abort stop the events at once.
type FD struct {
	fd       int
	state    fdState
	abortErr error // when state is fdAborted
	blocking bool
	stream   bool // a pipe or a stream socket: a short read means it is drained
	rd, wr   ioDir
}

type fdState uint8

const (
	fdOpen fdState = iota
	fdClosed
	fdAborted
)

// ErrClosed is the cause of the error of an operation on an [FD] that was
// closed: the error is an *os.SyscallError naming the operation and wrapping
// ErrClosed. It also matches unix.EBADF with errors.Is, which is what Lwt
// raises.
var ErrClosed error = closedError{}

type closedError struct{}

func (closedError) Error() string        { return "use of closed file descriptor" }
func (closedError) Is(target error) bool { return target == unix.EBADF }

// Stdin, Stdout and Stderr are the standard descriptors, in blocking mode,
// as the process got them: their flags are left alone, since they are
// usually shared with other processes. Lwt_unix.stdin, stdout and stderr.
var (
	Stdin  = OfFDWithMode(0, true)
	Stdout = OfFDWithMode(1, true)
	Stderr = OfFDWithMode(2, true)
)

// OfFD wraps the descriptor fd and puts it in non-blocking mode:
// Lwt_unix.of_unix_file_descr ~blocking:false. The FD owns fd from now on:
// [FD.Close] closes it.
//
// Non-blocking mode suits sockets, pipes, terminals and other character
// devices. Regular files are always ready for the kernel, so a read of one
// runs on the loop and may wait for the disk; use blocking mode for them
// (OfFDWithMode(fd, true) on a descriptor in blocking mode), in which reads
// and writes run off the loop.
//
// If fd cannot be put in non-blocking mode (it is not open), OfFD still
// returns an FD, whose operations then fail as their system calls do.
func OfFD(fd int) *FD {
	unix.SetNonblock(fd, true)
	return &FD{fd: fd}
}

// OfFDWithMode wraps fd without changing its flags: blocking tells which mode
// fd is in, and so how its operations run (Lwt_unix.of_unix_file_descr
// ~set_flags:false). If blocking does not match the mode of fd, operations
// still work but either block the loop (a descriptor in blocking mode
// declared non-blocking) or make needless trips off the loop. The first is
// worse than it sounds: reads and writes of a non-blocking FD are raw system
// calls (see countCall), and one that blocks holds up Go's garbage collector
// too, for the whole process.
func OfFDWithMode(fd int, blocking bool) *FD {
	return &FD{fd: fd, blocking: blocking}
}

// Unix returns the underlying descriptor: Lwt_unix.unix_file_descr. It stays
// owned by fd.
func (fd *FD) Unix() int { return fd.fd }

// Fd returns the underlying descriptor as os.File's Fd does, for
// os.NewFile and the like.
func (fd *FD) Fd() uintptr { return uintptr(fd.fd) }

// Blocking reports whether fd is in blocking mode: Lwt_unix.blocking.
func (fd *FD) Blocking() bool { return fd.blocking }

// SetBlocking switches fd to blocking or non-blocking mode, changing the
// descriptor's O_NONBLOCK flag to match: Lwt_unix.set_blocking. In blocking
// mode Read, Write, Readv and Writev wait until fd is ready, then run their
// system call off the loop; the other operations are meant for sockets, which
// are best left in non-blocking mode.
func (fd *FD) SetBlocking(blocking bool) error {
	if err := fd.check("fcntl"); err != nil {
		return err
	}
	if err := unix.SetNonblock(fd.fd, !blocking); err != nil {
		return os.NewSyscallError("fcntl", err)
	}
	fd.blocking = blocking
	return nil
}

// Close closes fd: the operations waiting on it fail with an error matching
// [ErrClosed] (and unix.EBADF), its engine events are stopped, then the
// descriptor is closed. Closing fd again fails with an error matching
// ErrClosed. Close runs on the loop; closing a descriptor rarely blocks,
// except for a socket with a linger time set.
func (fd *FD) Close() error {
	if fd.state == fdClosed {
		return fd.check("close")
	}
	fd.state = fdClosed
	fd.abortErr = nil
	rw, ww := fd.rd.clear(), fd.wr.clear()
	err := unix.Close(fd.fd)
	fail(rw, ww, ErrClosed)
	if err != nil && err != unix.EINTR { // on Linux, fd is released even then
		return os.NewSyscallError("close", err)
	}
	return nil
}

// Abort makes the operations waiting on fd, and those started later, fail
// with err: Lwt_unix.abort. Aborting a closed fd does nothing; aborting an
// aborted one replaces its error. Close still closes an aborted fd.
func (fd *FD) Abort(err error) {
	if fd.state == fdClosed {
		return
	}
	if err == nil {
		panic("lwtunix: Abort with a nil error")
	}
	fd.state, fd.abortErr = fdAborted, err
	fail(fd.rd.clear(), fd.wr.clear(), err)
}

// check returns the error of an operation op on a closed or aborted fd.
func (fd *FD) check(op string) error {
	switch fd.state {
	case fdClosed:
		return &os.SyscallError{Syscall: op, Err: ErrClosed}
	case fdAborted:
		return fd.abortErr
	}
	return nil
}

// fail rejects the waiters of a cleared FD.
func fail(rw, ww []ioWaiter, err error) {
	for _, w := range rw {
		if w != nil {
			w.fail(err)
		}
	}
	for _, w := range ww {
		if w != nil {
			w.fail(err)
		}
	}
}

// Readable reports whether a read on fd would not block now (or would meet
// an error or the end of the file): Lwt_unix.readable.
func (fd *FD) Readable() (bool, error) { return fd.ready("poll", unix.POLLIN) }

// Writable reports whether a write on fd would not block now:
// Lwt_unix.writable.
func (fd *FD) Writable() (bool, error) { return fd.ready("poll", unix.POLLOUT) }

func (fd *FD) ready(op string, events int16) (bool, error) {
	if err := fd.check(op); err != nil {
		return false, err
	}
	pfd := []unix.PollFd{{Fd: int32(fd.fd), Events: events}}
	for {
		n, err := unix.Poll(pfd, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return false, os.NewSyscallError(op, err)
		}
		return n > 0 && pfd[0].Revents != 0, nil
	}
}

// WaitRead waits until fd is readable: Lwt_unix.wait_read. It is fulfilled
// at once if fd is readable already.
func (fd *FD) WaitRead() lwt.Promise[lwt.Unit] {
	return fd.wait(&fd.rd, "wait_read", unix.POLLIN)
}

// WaitWrite waits until fd is writable: Lwt_unix.wait_write.
func (fd *FD) WaitWrite() lwt.Promise[lwt.Unit] {
	return fd.wait(&fd.wr, "wait_write", unix.POLLOUT)
}

func (fd *FD) wait(d *ioDir, op string, events int16) lwt.Promise[lwt.Unit] {
	if ok, err := fd.ready(op, events); err != nil || ok {
		return lwt.OfResult(lwt.Unit{}, raised(err))
	}
	return waitIO(fd, d, op, readyNow)
}

func readyNow() (lwt.Unit, error) { return lwt.Unit{}, nil }

// Read reads up to len(buf) bytes from fd into buf and gives how many were
// read: Lwt_unix.read. As in Lwt (and read(2)), 0 means the end of the file;
// a failure is an *os.SyscallError. buf must not be touched until the
// promise is resolved.
func (fd *FD) Read(buf []byte) lwt.Promise[int] {
	return fd.count(&fd.rd, countRead, buf, nil, 0)
}

// Write writes up to len(buf) bytes of buf to fd and gives how many were
// written: Lwt_unix.write. Like write(2), it may write fewer bytes than
// asked. buf must not be touched until the promise is resolved.
func (fd *FD) Write(buf []byte) lwt.Promise[int] {
	return fd.count(&fd.wr, countWrite, buf, nil, 0)
}

// MaxIOVecs is the most buffers Readv and Writev pass to the kernel in one
// call (IOV_MAX on Linux); the buffers past it are left alone, as Lwt does.
const MaxIOVecs = 1024

// Readv reads into the buffers of bufs in order and gives how many bytes
// were read in all: Lwt_unix.readv. 0 means the end of the file. Only the
// first [MaxIOVecs] buffers are used.
func (fd *FD) Readv(bufs [][]byte) lwt.Promise[int] {
	return fd.count(&fd.rd, countReadv, nil, bufs[:min(len(bufs), MaxIOVecs)], 0)
}

// Writev writes the buffers of bufs in order and gives how many bytes were
// written in all: Lwt_unix.writev. Like writev(2) it may write fewer bytes
// than asked. Only the first [MaxIOVecs] buffers are used.
func (fd *FD) Writev(bufs [][]byte) lwt.Promise[int] {
	return fd.count(&fd.wr, countWritev, nil, bufs[:min(len(bufs), MaxIOVecs)], 0)
}

// Pipe makes a pipe and gives its reading and writing ends, both in
// non-blocking mode and closed on exec: Lwt_unix.pipe.
func Pipe() (r, w *FD, err error) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		return nil, nil, os.NewSyscallError("pipe2", err)
	}
	return &FD{fd: p[0], stream: true}, &FD{fd: p[1], stream: true}, nil
}

// The operations that give a count (read, write, readv, writev, send, recv)
// are the most frequent: they are made without a closure, and their waiting
// state is recycled.

type countKind uint8

const (
	countRead countKind = iota
	countWrite
	countReadv
	countWritev
	countSend
	countRecv
)

var countNames = [...]string{"read", "write", "readv", "writev", "send", "recv"}

// bufTraps are the system calls of the kinds on one buffer: read(2),
// write(2), and send(2) and recv(2) as sendto(2) and recvfrom(2) with no
// address (x/sys/unix has Sendto without the count, and a Recvfrom that
// decodes the sender's address). Readv and writev have none.
var bufTraps = [...]uintptr{unix.SYS_READ, unix.SYS_WRITE, 0, 0, unix.SYS_SENDTO, unix.SYS_RECVFROM}

// countCall makes the system call of kind, retrying on EINTR.
//
// With raw, for a descriptor in non-blocking mode, reads, writes, sends and
// receives are made without telling Go's scheduler (RawSyscall): they
// cannot block, and a loop that spends most of its time in them would
// otherwise have its processor taken away and given back by the scheduler's
// monitor thread over and over, every 20 microseconds.
func countCall(fd int, kind countKind, buf []byte, bufs [][]byte, flags int, raw bool) (int, error) {
	for {
		var n int
		var err error
		switch kind {
		case countReadv:
			n, err = unix.Readv(fd, bufs)
		case countWritev:
			n, err = unix.Writev(fd, bufs)
		default:
			n, err = bufCall(bufTraps[kind], fd, buf, flags, raw)
		}
		if err != unix.EINTR {
			return n, err
		}
	}
}

// count runs the operation kind: at once if it does not block, else once d
// is ready. In blocking mode, reads and writes run as jobs once fd is ready,
// and sends and receives run on the loop once fd is ready.
func (fd *FD) count(d *ioDir, kind countKind, buf []byte, bufs [][]byte, flags int) lwt.Promise[int] {
	if fd.state != fdOpen || fd.blocking {
		return fd.slowCount(d, kind, buf, bufs, flags)
	}
	if d.short && d.ev != nil {
		// The last call drained the stream (or filled it), and the engine
		// still watches it: wait for the engine to report it ready rather
		// than make a call that would most likely say EAGAIN. (A server
		// that answers a request and reads the next one saves a system
		// call per request.)
		return fd.waitCount(d, kind, buf, bufs, flags)
	}
	n, err := countCall(fd.fd, kind, buf, bufs, flags, true)
	if err == unix.EAGAIN {
		return fd.waitCount(d, kind, buf, bufs, flags)
	}
	d.short = fd.stream && err == nil && isShort(kind, n, buf)
	if err != nil {
		return lwt.Fail[int](raised(os.NewSyscallError(countNames[kind], err)))
	}
	return lwt.Return(n)
}

func (fd *FD) slowCount(d *ioDir, kind countKind, buf []byte, bufs [][]byte, flags int) lwt.Promise[int] {
	name := countNames[kind]
	if err := fd.check(name); err != nil {
		return lwt.Fail[int](raised(err))
	}
	if kind == countSend || kind == countRecv {
		// Sockets: wait until ready, then make the call on the loop.
		if ok, err := fd.ready(name, d.events(fd)); err != nil {
			return lwt.Fail[int](raised(err))
		} else if !ok {
			return fd.waitCount(d, kind, buf, bufs, flags)
		}
		n, err := countCall(fd.fd, kind, buf, bufs, flags, false)
		return lwt.OfResult(n, raised(os.NewSyscallError(name, err)))
	}
	// The wait is named after the operation, so that a Close or an Abort
	// while it waits fails it as the operation.
	var site debugtrace.CallSite
	if debugtrace.Enabled {
		site = debugtrace.Here() // the job may start from the loop, once fd is ready
	}
	return lwt.Bind(fd.wait(d, name, d.events(fd)), func(lwt.Unit) lwt.Promise[int] {
		p := offLoop(name, func() (int, error) { return countCall(fd.fd, kind, buf, bufs, flags, false) })
		if debugtrace.Enabled {
			p = lwt.Catch(func() lwt.Promise[int] { return p }, func(err error) lwt.Promise[int] { return lwt.Fail[int](raisedAt(site, err)) })
		}
		// Once the descriptor is ready the call is made: canceling it then
		// would lose what it read or wrote (a buffered channel would write
		// the same bytes again), so it is not canceled, as in Lwt.
		return lwt.NoCancel(p)
	})
}

func (fd *FD) waitCount(d *ioDir, kind countKind, buf []byte, bufs [][]byte, flags int) lwt.Promise[int] {
	if err := fd.register(d, countNames[kind]); err != nil {
		return lwt.Fail[int](raised(err))
	}
	o := newCountOp()
	if debugtrace.Enabled {
		o.site = debugtrace.Here()
	}
	o.fd, o.d, o.kind, o.buf, o.bufs, o.flags = fd, d, kind, buf, bufs, flags
	p, r := lwt.Task[int]()
	o.r = r
	d.add(o)
	lwt.OnCancel(p, d.onCancel)
	return p
}

// isShort reports whether a call of kind moved fewer bytes than buf holds.
// Only single-buffer calls count; 0 (the end of input) counts too.
func isShort(kind countKind, n int, buf []byte) bool {
	return kind != countReadv && kind != countWritev && n < len(buf)
}

// countOp is a pending operation that gives a count.
type countOp struct {
	fd    *FD
	d     *ioDir
	kind  countKind
	buf   []byte
	bufs  [][]byte
	flags int
	site  debugtrace.CallSite // the caller, in debug builds
	r     lwt.Resolver[int]
}

// freeCountOps keeps countOps for reuse; bounded, so that a burst of many
// waiting operations does not pin their memory.
var freeCountOps []*countOp

const maxFreeCountOps = 1024

func newCountOp() *countOp {
	if n := len(freeCountOps); n > 0 {
		o := freeCountOps[n-1]
		freeCountOps[n-1] = nil
		freeCountOps = freeCountOps[:n-1]
		return o
	}
	return new(countOp)
}

func (o *countOp) release() {
	*o = countOp{}
	if len(freeCountOps) < maxFreeCountOps {
		freeCountOps = append(freeCountOps, o)
	}
}

func (o *countOp) attempt() bool {
	n, err := countCall(o.fd.fd, o.kind, o.buf, o.bufs, o.flags, !o.fd.blocking)
	if err == unix.EAGAIN {
		return false
	}
	d, r, name, site := o.d, o.r, countNames[o.kind], o.site
	d.short = o.fd.stream && err == nil && isShort(o.kind, n, o.buf)
	d.remove(o)
	o.release()
	lwt.WakeupResult(r, n, raisedAt(site, os.NewSyscallError(name, err)))
	d.settled()
	return true
}

func (o *countOp) fail(err error) {
	r, name, site := o.r, countNames[o.kind], o.site
	o.release()
	lwt.WakeupExn(r, raisedAt(site, waitError(name, err)))
}

func (o *countOp) pending() bool { return o.r.Promise().IsSleeping() }

// The waiting machinery: Lwt's wrap_syscall, register_action and
// retry_syscall.

// ioDir is what waits on one direction of an FD: the engine event (one per
// direction, shared by the waiting operations) and the operations, retried
// in order when it fires. While firing, removed waiters leave nil holes so
// that the running loop over the slice stays valid.
type ioDir struct {
	ev       *engine.Event
	cb       func(*engine.Event) // d.fire, made once
	onCancel func()              // d.canceled, made once
	waiters  []ioWaiter
	live     int // non-nil waiters
	firing   int
	holes    bool
	// short: the last call in this direction moved fewer bytes than asked,
	// on a stream; the engine has not reported it ready since.
	short bool
}

// ioWaiter is an operation waiting on an ioDir.
type ioWaiter interface {
	// attempt retries the operation and reports whether it is over. A
	// finished waiter has removed itself before resolving its promise.
	attempt() bool
	// fail rejects the operation of a cleared FD.
	fail(err error)
	// pending reports whether its promise is still pending: once it has
	// been taken out, not pending means canceled.
	pending() bool
}

// ioOp is a pending operation whose system call f gives a T.
type ioOp[T any] struct {
	d    *ioDir
	name string
	f    func() (T, error)
	site debugtrace.CallSite // the caller, in debug builds
	r    lwt.Resolver[T]
}

func (o *ioOp[T]) attempt() bool {
	v, err := noEINTR(o.f)
	if err == unix.EAGAIN {
		return false
	}
	o.d.remove(o)
	lwt.WakeupResult(o.r, v, raisedAt(o.site, os.NewSyscallError(o.name, err)))
	o.d.settled()
	return true
}

func (o *ioOp[T]) fail(err error) { lwt.WakeupExn(o.r, raisedAt(o.site, waitError(o.name, err))) }

// waitError is the error of an operation named name that waited on an FD
// closed (err is ErrClosed) or aborted with err.
func waitError(name string, err error) error {
	if err == ErrClosed {
		return &os.SyscallError{Syscall: name, Err: ErrClosed}
	}
	return err
}

func (o *ioOp[T]) pending() bool { return o.r.Promise().IsSleeping() }

// tryIO makes the system call f and, if it would block, waits for d's
// direction to retry it: Lwt's wrap_syscall.
//
// On a descriptor in blocking mode, it first checks that the call will not
// block.
func tryIO[T any](fd *FD, d *ioDir, name string, f func() (T, error)) lwt.Promise[T] {
	if fd.blocking {
		if ok, err := fd.ready(name, d.events(fd)); err != nil {
			return lwt.Fail[T](raised(err))
		} else if !ok {
			return waitIO(fd, d, name, f)
		}
	}
	v, err := noEINTR(f)
	if err == unix.EAGAIN {
		return waitIO(fd, d, name, f)
	}
	if err != nil {
		return lwt.Fail[T](raised(os.NewSyscallError(name, err)))
	}
	return lwt.Return(v)
}

// waitIO registers f to be retried each time fd is ready in d's direction,
// until it gives anything but EAGAIN: Lwt's register_action.
func waitIO[T any](fd *FD, d *ioDir, name string, f func() (T, error)) lwt.Promise[T] {
	if err := fd.register(d, name); err != nil {
		return lwt.Fail[T](raised(err))
	}
	p, r := lwt.Task[T]()
	o := &ioOp[T]{d: d, name: name, f: f, r: r}
	if debugtrace.Enabled {
		o.site = debugtrace.Here()
	}
	d.add(o)
	lwt.OnCancel(p, d.onCancel)
	return p
}

// events returns the poll events of d's direction.
func (d *ioDir) events(fd *FD) int16 {
	if d == &fd.wr {
		return unix.POLLOUT
	}
	return unix.POLLIN
}

// register makes sure d's engine event is registered, before an operation
// named op waits on it.
func (fd *FD) register(d *ioDir, op string) error {
	if err := fd.check(op); err != nil {
		return err
	}
	if d.ev != nil {
		return nil
	}
	if d.cb == nil {
		d.cb, d.onCancel = d.fire, d.canceled
	}
	var err error
	if d == &fd.rd {
		d.ev, err = engine.OnReadable(fd.fd, d.cb)
	} else {
		d.ev, err = engine.OnWritable(fd.fd, d.cb)
	}
	return err
}

func (d *ioDir) add(w ioWaiter) {
	d.waiters = append(d.waiters, w)
	d.live++
}

// fire is the engine callback: it retries the waiting operations.
func (d *ioDir) fire(*engine.Event) {
	if d.live == 0 {
		// Nobody waits (every path that leaves d without a waiter stops
		// the event, so this is only a safeguard): stop it rather than be
		// called on every round of a level-triggered engine.
		d.stop()
		return
	}
	d.short = false
	d.firing++
	defer d.fired()
	n := len(d.waiters)
	for i := 0; i < n && i < len(d.waiters); i++ {
		if w := d.waiters[i]; w != nil {
			w.attempt()
		}
	}
}

// fired ends a fire, even one that a panic leaves (a panic out of an
// engine callback leaves lwtmain.Run, which may be called again): it
// compacts the waiters, and stops the event if none is left, which the
// settled of an operation whose wake-up panicked did not do.
func (d *ioDir) fired() {
	d.firing--
	if d.firing == 0 && d.holes {
		d.waiters = slices.DeleteFunc(d.waiters, isNilWaiter)
		d.holes = false
	}
	if d.live == 0 {
		d.stop()
	}
}

func isNilWaiter(w ioWaiter) bool { return w == nil }

// remove takes w out of d.
func (d *ioDir) remove(w ioWaiter) {
	if i := slices.Index(d.waiters, w); i >= 0 {
		d.removeAt(i)
	}
}

func (d *ioDir) removeAt(i int) {
	if d.firing > 0 {
		d.waiters[i] = nil
		d.holes = true
	} else {
		d.waiters = slices.Delete(d.waiters, i, i+1)
	}
	d.live--
}

// canceled is the cancel callback of every operation waiting on d: it takes
// out the canceled ones, and stops the event at once if no operation is
// left.
func (d *ioDir) canceled() {
	for i := 0; i < len(d.waiters); i++ {
		w := d.waiters[i]
		if w == nil || w.pending() {
			continue
		}
		d.removeAt(i)
		if d.firing == 0 {
			i--
		}
		if o, ok := w.(*countOp); ok {
			o.release()
		}
	}
	if d.live == 0 {
		d.stop()
	}
}

// settled is called once an operation of d has completed and what it
// woke up has run, which may have started another wait on d: if none did,
// the event is stopped.
func (d *ioDir) settled() {
	if d.live == 0 {
		d.stop()
	}
}

// clear stops d's event and takes its waiters out, for Close and Abort.
func (d *ioDir) clear() []ioWaiter {
	d.stop()
	ws := d.waiters
	d.waiters, d.live = nil, 0
	return ws
}

func (d *ioDir) stop() {
	if d.ev != nil {
		d.ev.Stop()
		d.ev = nil
	}
}

func noEINTR[T any](f func() (T, error)) (T, error) {
	for {
		v, err := f()
		if err != unix.EINTR {
			return v, err
		}
	}
}

// bufCall makes the system call trap on p with flags (ignored by read and
// write), as a RawSyscall with raw: see countCall.
func bufCall(trap uintptr, fd int, p []byte, flags int, raw bool) (int, error) {
	ptr := unsafe.Pointer(&zeroByte)
	if len(p) > 0 {
		ptr = unsafe.Pointer(&p[0])
	}
	var n uintptr
	var e unix.Errno
	if raw {
		n, _, e = unix.RawSyscall6(trap, uintptr(fd), uintptr(ptr), uintptr(len(p)), uintptr(flags), 0, 0)
	} else {
		n, _, e = unix.Syscall6(trap, uintptr(fd), uintptr(ptr), uintptr(len(p)), uintptr(flags), 0, 0)
	}
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// zeroByte is what an empty buffer points to.
var zeroByte byte
