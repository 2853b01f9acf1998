//go:build linux

package engine

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// ErrFdTooLarge is wrapped by the error of the select engine for a descriptor
// it cannot watch: select(2) is limited to descriptors below FD_SETSIZE (1024).
var ErrFdTooLarge = errors.New("engine: descriptor too large for select")

// Engine is an IO multiplexer: Lwt_engine.t. The implementations are those
// of this package ([NewEpoll], [NewPoll], [NewSelect]).
//
// An engine is used by one goroutine at a time, except for Wakeup.
type Engine interface {
	// OnReadable calls f each time fd is readable, until the event is
	// stopped. Several events may watch one descriptor.
	OnReadable(fd int, f func(*Event)) (*Event, error)

	// OnWritable calls f each time fd is writable, until the event is
	// stopped.
	OnWritable(fd int, f func(*Event)) (*Event, error)

	// OnTimer calls f once after delay, or every delay if repeat is set,
	// until the event is stopped. The delay is measured on the monotonic
	// clock; a negative one counts as zero. A timer registered during Iter
	// fires at the earliest in the next Iter.
	OnTimer(delay time.Duration, repeat bool, f func(*Event)) *Event

	// FakeIO runs at once the callbacks of the events watching fd, those
	// waiting for it to be readable first, as if it had become ready both
	// ways.
	FakeIO(fd int)

	// Iter waits for events once and runs the callbacks of those that are
	// ready: descriptors first, then timers. If block is false it does not
	// wait. If block is true it waits until a descriptor is ready, a timer
	// is due or Wakeup is called; it may also return early, for instance
	// when a signal interrupts the wait.
	Iter(block bool)

	// ReadableCount returns how many events wait for a descriptor to be
	// readable.
	ReadableCount() int

	// WritableCount returns how many events wait for a descriptor to be
	// writable.
	WritableCount() int

	// TimerCount returns how many timers are registered.
	TimerCount() int

	// PollFds is for driving the engine from a foreign main loop. It
	// appends to buf the descriptors that loop must watch, with the events
	// to watch for, and returns them with the longest time the loop may
	// wait before calling Iter(false); a negative duration means no limit.
	// Iter(false) must also be called when any of the descriptors is ready.
	PollFds(buf []unix.PollFd) ([]unix.PollFd, time.Duration)

	// Wakeup makes Iter return if it is blocked, or the next blocking Iter
	// return at once. It is safe to call from any goroutine, and cheap
	// when a wakeup is already pending. It does nothing on a destroyed
	// engine.
	Wakeup()

	// Destroy stops every event and releases the engine's descriptors.
	// Destroying an engine twice does nothing; registering an event,
	// iterating or calling PollFds after Destroy panics.
	Destroy()

	// String returns the engine's name: "epoll", "poll" or "select".
	String() string

	loop() *loop // engines are this package's own
}

// An Event is a callback registered with an engine: Lwt_engine.event.
// It stays the same value when [Set] moves it to another engine.
type Event struct {
	l     *loop // the engine it is registered with; nil once stopped
	f     func(*Event)
	fd    int
	delay int64 // ns
	at    int64 // deadline of a timer, on the package clock
	seq   uint64
	// index is a timer's position in the heap, or in the engine's
	// newTimers while queued is set; -1 while in neither.
	index  int
	kind   kind
	repeat bool
	queued bool
}

type kind uint8

const (
	kindRead  kind = 1 // the same bits as the readiness masks
	kindWrite kind = 2
	kindTimer kind = 4
)

// Stop unregisters the event: its callback will not be called again. It may
// be called from the callback itself. Stopping an event twice, or a nil
// *Event (Lwt's fake_event), does nothing.
func (ev *Event) Stop() {
	if ev == nil || ev.l == nil {
		return
	}
	l := ev.l
	if ev.kind == kindTimer {
		l.removeTimer(ev)
	} else {
		l.removeIO(ev)
	}
	ev.l = nil
}

// current is the engine in use. It is atomic only for Wakeup, which other
// goroutines call; everything else runs on the scheduler's goroutine.
var current atomic.Pointer[loop]

// earlyWakeup remembers a Wakeup made before any engine existed, so that
// the engine Get creates starts woken.
var earlyWakeup atomic.Bool

// Get returns the engine in use, creating the default one (epoll) on first
// use. It panics if that engine cannot be created (no descriptor left).
func Get() Engine {
	if l := current.Load(); l != nil {
		return l
	}
	e, err := New()
	if err != nil {
		panic(fmt.Sprintf("engine: cannot create the default engine: %v", err))
	}
	if !current.CompareAndSwap(nil, e.loop()) {
		e.Destroy()
	}
	if earlyWakeup.Swap(false) {
		current.Load().Wakeup()
	}
	return current.Load()
}

// New returns a new engine of the default kind: epoll.
func New() (Engine, error) { return NewEpoll() }

// Set makes e the engine in use: the events registered with the previous
// one move to e, and the previous one is destroyed. Timers restart their
// delay in e. Lwt_engine.set with its defaults.
//
// If e cannot watch one of the descriptors (the select engine and a
// descriptor of 1024 or more), Set returns an error and changes nothing. If
// e fails to register a descriptor after that check passed, that event is
// stopped, the others are moved, and Set returns the error.
func Set(e Engine) error {
	if e == nil {
		panic("engine.Set: nil engine")
	}
	nl := e.loop()
	if nl.destroyed {
		panic("engine.Set: destroyed " + nl.name + " engine")
	}
	old := current.Load()
	if old == nl {
		return nil
	}
	var err error
	if old != nil && !old.destroyed {
		if err = old.check(nl); err != nil {
			return err
		}
		err = old.transfer(nl)
	}
	current.Store(nl)
	if old != nil {
		old.Destroy()
		// A Wakeup that reached the old engine before it closed must not be
		// lost; one that came later found it closed and went to nl itself.
		if old.wakePending.Load() {
			nl.Wakeup()
		}
	}
	return err
}

// Wakeup wakes the engine in use, as [Engine.Wakeup] does. It is safe to
// call from any goroutine, even while [Set] changes the engine.
func Wakeup() {
	for {
		l := current.Load()
		if l == nil {
			earlyWakeup.Store(true)
			// Get may have installed an engine meanwhile, before seeing the
			// flag: then wake it ourselves.
			if current.Load() != nil && earlyWakeup.Swap(false) {
				continue
			}
			return
		}
		if l.wakeup() {
			return
		}
		if current.Load() == l {
			return // destroyed, and not replaced
		}
	}
}

// OnReadable registers f with the engine in use: see [Engine.OnReadable].
func OnReadable(fd int, f func(*Event)) (*Event, error) { return Get().OnReadable(fd, f) }

// OnWritable registers f with the engine in use: see [Engine.OnWritable].
func OnWritable(fd int, f func(*Event)) (*Event, error) { return Get().OnWritable(fd, f) }

// OnTimer registers f with the engine in use: see [Engine.OnTimer].
func OnTimer(delay time.Duration, repeat bool, f func(*Event)) *Event {
	return Get().OnTimer(delay, repeat, f)
}

// FakeIO simulates activity on fd in the engine in use: see [Engine.FakeIO].
func FakeIO(fd int) { Get().FakeIO(fd) }

// Iter runs one iteration of the engine in use: see [Engine.Iter].
func Iter(block bool) { Get().Iter(block) }

// ReadableCount returns the number of readable events of the engine in use.
func ReadableCount() int { return Get().ReadableCount() }

// WritableCount returns the number of writable events of the engine in use.
func WritableCount() int { return Get().WritableCount() }

// TimerCount returns the number of timers of the engine in use.
func TimerCount() int { return Get().TimerCount() }
