//go:build linux

package engine

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/internal/owner"
)

// loop is the part common to the three engines: the registered events, the
// timers, the wakeup descriptor and the iteration. A backend only watches
// descriptors.
type loop struct {
	name      string
	b         backend
	destroyed bool

	watches []*watch // by descriptor
	nread   int      // live readable events
	nwrite  int      // live writable events
	nfds    int      // descriptors watched for at least one direction

	timers    timerHeap
	newTimers []*Event // registered since the last Iter; not yet in timers
	ntimers   int      // live timers
	seq       uint64

	ready []ready // reused by the outermost Iter
	depth int     // Iter calls on the stack

	// The wakeup eventfd. Other goroutines write it; wakeMu keeps them from
	// writing once Destroy has closed it.
	wakefd      int
	wakePending atomic.Bool // written and not yet drained
	closed      atomic.Bool
	wakeMu      sync.Mutex
	wakebuf     [8]byte
}

// watch holds the events on one descriptor. While busy (its callbacks
// running), stopped events leave nil holes instead of being removed, so that
// the running loop over the slice stays valid.
type watch struct {
	readers []*Event
	writers []*Event
	nr, nw  int // live events in readers and writers
	busy    int
	holes   bool
}

func (w *watch) mask() uint8 {
	var m uint8
	if w.nr > 0 {
		m |= uint8(kindRead)
	}
	if w.nw > 0 {
		m |= uint8(kindWrite)
	}
	return m
}

// ready is a descriptor reported by a backend, with what it is ready for.
type ready struct {
	fd   int32
	mask uint8
}

// backend is what differs between epoll, poll and select.
type backend interface {
	// check reports whether fd can be watched at all.
	check(fd int) error
	// update changes the directions fd is watched for (kindRead|kindWrite
	// bits); new == 0 stops watching it.
	update(fd int, old, new uint8) error
	// wait waits up to timeout ms (-1: no limit) and appends what is ready.
	wait(timeout int, r []ready) ([]ready, error)
	// mustNotBlock reports descriptors that are ready without waiting.
	mustNotBlock() bool
	pollFds(buf []unix.PollFd) []unix.PollFd
	close()
}

var wakeOne = binary.NativeEndian.AppendUint64(nil, 1)

func newLoop(name string, b backend) (*loop, error) {
	fd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		b.close()
		return nil, os.NewSyscallError("eventfd", err)
	}
	err = b.check(fd)
	if err == nil {
		err = b.update(fd, 0, uint8(kindRead))
	}
	if err != nil {
		unix.Close(fd)
		b.close()
		return nil, err
	}
	return &loop{name: name, b: b, wakefd: fd}, nil
}

func (l *loop) loop() *loop        { return l }
func (l *loop) String() string     { return l.name }
func (l *loop) ReadableCount() int { return l.nread }
func (l *loop) WritableCount() int { return l.nwrite }
func (l *loop) TimerCount() int    { return l.ntimers }

func (l *loop) mustLive(op string) {
	if l.destroyed {
		panic("engine: " + op + " on a destroyed " + l.name + " engine")
	}
}

func (l *loop) OnReadable(fd int, f func(*Event)) (*Event, error) {
	return l.onIO(kindRead, fd, f)
}

func (l *loop) OnWritable(fd int, f func(*Event)) (*Event, error) {
	return l.onIO(kindWrite, fd, f)
}

func (l *loop) onIO(k kind, fd int, f func(*Event)) (*Event, error) {
	if k == kindRead {
		l.mustLive("OnReadable")
	} else {
		l.mustLive("OnWritable")
	}
	if f == nil {
		panic("engine: nil callback")
	}
	ev := &Event{f: f, kind: k, fd: fd, index: -1}
	if err := l.addIO(ev); err != nil {
		return nil, err
	}
	return ev, nil
}

func (l *loop) addIO(ev *Event) error {
	fd := ev.fd
	if fd < 0 {
		return fmt.Errorf("engine: descriptor %d: %w", fd, unix.EBADF)
	}
	if err := l.b.check(fd); err != nil {
		return err
	}
	if fd >= len(l.watches) {
		l.watches = slices.Grow(l.watches, fd+1-len(l.watches))
		l.watches = l.watches[:cap(l.watches)]
	}
	w := l.watches[fd]
	if w == nil {
		w = &watch{}
		l.watches[fd] = w
	}
	old := w.mask()
	if new := old | uint8(ev.kind); new != old {
		if err := l.b.update(fd, old, new); err != nil {
			return err
		}
		if old == 0 {
			l.nfds++
		}
	}
	if ev.kind == kindRead {
		w.readers = append(w.readers, ev)
		w.nr++
		l.nread++
	} else {
		w.writers = append(w.writers, ev)
		w.nw++
		l.nwrite++
	}
	ev.l = l
	return nil
}

func (l *loop) removeIO(ev *Event) {
	w := l.watches[ev.fd]
	old := w.mask()
	list := &w.readers
	if ev.kind == kindRead {
		w.nr--
		l.nread--
	} else {
		list = &w.writers
		w.nw--
		l.nwrite--
	}
	i := slices.Index(*list, ev)
	if w.busy > 0 {
		(*list)[i] = nil
		w.holes = true
	} else {
		*list = slices.Delete(*list, i, i+1)
	}
	if new := w.mask(); new != old {
		// Errors are ignored: the descriptor may have been closed already,
		// which removed it from the kernel's set.
		l.b.update(ev.fd, old, new)
		if new == 0 {
			l.nfds--
		}
	}
}

// dispatch runs the callbacks of the events on fd for what mask says it is
// ready for.
func (l *loop) dispatch(fd int, mask uint8) {
	if fd >= len(l.watches) || l.watches[fd] == nil {
		return
	}
	w := l.watches[fd]
	w.busy++
	defer w.release()
	if mask&uint8(kindRead) != 0 {
		fire(&w.readers)
	}
	if mask&uint8(kindWrite) != 0 {
		fire(&w.writers)
	}
}

// fire calls the events of list present when it starts and still live.
func fire(list *[]*Event) {
	n := len(*list)
	for i := 0; i < n && i < len(*list); i++ {
		if ev := (*list)[i]; ev != nil {
			ev.f(ev)
		}
	}
}

func (w *watch) release() {
	w.busy--
	if w.busy == 0 && w.holes {
		w.readers = slices.DeleteFunc(w.readers, isNil)
		w.writers = slices.DeleteFunc(w.writers, isNil)
		w.holes = false
	}
}

func isNil(ev *Event) bool { return ev == nil }

func (l *loop) FakeIO(fd int) {
	l.mustLive("FakeIO")
	l.dispatch(fd, uint8(kindRead|kindWrite))
}

func (l *loop) Iter(block bool) {
	l.mustLive("Iter")
	l.flushTimers()
	timeout, t := 0, int64(-1) // t is the time, once read
	if block && !l.b.mustNotBlock() {
		timeout = -1
		if len(l.timers) > 0 {
			t = now()
			timeout = msUntil(l.timers[0].at, t)
		}
	}
	// With no descriptor to watch and no need to sleep, the only thing the
	// kernel could report is a wakeup, and wakePending already says it: skip
	// the system call.
	if l.nfds > 0 || timeout != 0 {
		l.poll(timeout)
		t = -1
	} else if l.wakePending.Load() {
		l.drainWakeup()
	}
	l.fireTimers(t)
}

func (l *loop) poll(timeout int) {
	r := l.ready[:0]
	nested := l.depth > 0
	if nested {
		r = nil // a callback is iterating: leave the outer list alone
	}
	l.depth++
	defer func() { l.depth-- }()
	// While lwtmain.Run's loop is blocked here, a resolution can only come
	// from another goroutine: raise the flag package owner checks.
	flag := timeout != 0 && owner.Running() && current.Load() == l
	if flag {
		owner.SetWaiting(true)
	}
	r, err := l.b.wait(timeout, r)
	if flag {
		owner.SetWaiting(false)
	}
	if err != nil {
		panic(fmt.Sprintf("engine: %s: %v", l.name, err))
	}
	if !nested {
		l.ready = r[:0]
	}
	for _, x := range r {
		if l.destroyed {
			return // a callback destroyed the engine
		}
		if int(x.fd) == l.wakefd {
			l.drainWakeup()
			continue
		}
		l.dispatch(int(x.fd), x.mask)
	}
}

func (l *loop) Wakeup() { l.wakeup() }

// wakeup reports false if the engine is destroyed.
func (l *loop) wakeup() bool {
	if l.wakePending.Load() {
		// Someone already wrote, and the loop has not drained it yet: it
		// will see everything done before this call.
		return !l.closed.Load()
	}
	l.wakeMu.Lock()
	defer l.wakeMu.Unlock()
	if l.closed.Load() {
		return false
	}
	if !l.wakePending.Swap(true) {
		unix.Write(l.wakefd, wakeOne)
	}
	return true
}

// drainWakeup resets the eventfd. Reading before clearing wakePending means
// a Wakeup that finds it still set was issued before the loop goes on.
func (l *loop) drainWakeup() {
	unix.Read(l.wakefd, l.wakebuf[:])
	l.wakePending.Store(false)
}

func (l *loop) PollFds(buf []unix.PollFd) ([]unix.PollFd, time.Duration) {
	l.mustLive("PollFds")
	buf = l.b.pollFds(buf)
	if l.b.mustNotBlock() {
		return buf, 0
	}
	at, ok := l.nextDeadline()
	if !ok {
		return buf, -1
	}
	return buf, time.Duration(max(0, at-now()))
}

// events returns the live events, descriptors first, then timers in their
// order of registration.
func (l *loop) events() []*Event {
	var evs []*Event
	for _, w := range l.watches {
		if w == nil {
			continue
		}
		for _, ev := range w.readers {
			if ev != nil {
				evs = append(evs, ev)
			}
		}
		for _, ev := range w.writers {
			if ev != nil {
				evs = append(evs, ev)
			}
		}
	}
	n := len(evs)
	evs = append(evs, l.timers...)
	for _, ev := range l.newTimers {
		if ev != nil {
			evs = append(evs, ev)
		}
	}
	slices.SortFunc(evs[n:], func(a, b *Event) int { return cmp.Compare(a.seq, b.seq) })
	return evs
}

// check reports whether dst can take all of l's events.
func (l *loop) check(dst *loop) error {
	for fd, w := range l.watches {
		if w != nil && w.mask() != 0 {
			if err := dst.b.check(fd); err != nil {
				return err
			}
		}
	}
	return nil
}

// transfer moves l's events to dst, keeping their identity.
func (l *loop) transfer(dst *loop) error {
	var errs []error
	for _, ev := range l.events() {
		ev.Stop()
		if ev.kind == kindTimer {
			dst.addTimer(ev)
		} else if err := dst.addIO(ev); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (l *loop) Destroy() {
	if l.destroyed {
		return
	}
	for _, ev := range l.events() {
		ev.Stop()
	}
	l.destroyed = true
	l.watches, l.timers, l.newTimers = nil, nil, nil
	l.b.close()
	l.wakeMu.Lock()
	l.closed.Store(true)
	unix.Close(l.wakefd)
	l.wakeMu.Unlock()
}
