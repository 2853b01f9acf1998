//go:build linux

package engine

import (
	"errors"
	"math"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

var kinds = []struct {
	name string
	new  func() (Engine, error)
}{
	{"epoll", NewEpoll},
	{"poll", NewPoll},
	{"select", NewSelect},
}

// forEach runs f as a subtest on a fresh engine of each kind.
func forEach(t *testing.T, f func(t *testing.T, e Engine)) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			e := mustNew(t, k.new)
			if e.String() != k.name {
				t.Errorf("String() = %q, want %q", e.String(), k.name)
			}
			f(t, e)
		})
	}
}

func mustNew(t *testing.T, new func() (Engine, error)) Engine {
	t.Helper()
	e, err := new()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Destroy)
	return e
}

func closeLater(t *testing.T, fds ...int) {
	t.Cleanup(func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	})
}

func pipe(t *testing.T) (r, w int) {
	t.Helper()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		t.Fatal(err)
	}
	closeLater(t, p[0], p[1])
	return p[0], p[1]
}

func socketpair(t *testing.T) (a, b int) {
	t.Helper()
	p, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	closeLater(t, p[0], p[1])
	return p[0], p[1]
}

func write(t *testing.T, fd int, s string) {
	t.Helper()
	if _, err := unix.Write(fd, []byte(s)); err != nil {
		t.Fatal(err)
	}
}

func read(fd int) string {
	var buf [64]byte
	n, _ := unix.Read(fd, buf[:])
	return string(buf[:max(n, 0)])
}

// iterUntil runs blocking iterations of e until cond holds, failing the test
// after a few seconds instead of hanging.
func iterUntil(t *testing.T, e Engine, cond func() bool) {
	t.Helper()
	var late atomic.Bool
	watchdog := time.AfterFunc(5*time.Second, func() { late.Store(true); e.Wakeup() })
	defer watchdog.Stop()
	for !cond() && !late.Load() {
		e.Iter(true)
	}
	if late.Load() {
		t.Fatal("condition not reached in 5s")
	}
}

// must(t)(e.OnReadable(...)) fails t if the registration fails.
func must(t *testing.T) func(*Event, error) *Event {
	return func(ev *Event, err error) *Event {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
}

func TestReadableWritablePipe(t *testing.T) {
	forEach(t, func(t *testing.T, e Engine) {
		r, w := pipe(t)
		var got []string
		rev := must(t)(e.OnReadable(r, func(ev *Event) { got = append(got, read(r)) }))
		if e.ReadableCount() != 1 || e.WritableCount() != 0 {
			t.Fatalf("counts %d %d", e.ReadableCount(), e.WritableCount())
		}
		e.Iter(false)
		if len(got) != 0 {
			t.Fatalf("readable callback ran on an empty pipe: %q", got)
		}
		write(t, w, "hello")
		iterUntil(t, e, func() bool { return len(got) > 0 })
		if !slices.Equal(got, []string{"hello"}) {
			t.Fatalf("got %q", got)
		}
		rev.Stop()
		if e.ReadableCount() != 0 {
			t.Fatalf("ReadableCount after Stop = %d", e.ReadableCount())
		}
		write(t, w, "more")
		e.Iter(false)
		if len(got) != 1 {
			t.Fatalf("stopped event ran: %q", got)
		}

		writable := 0
		wev := must(t)(e.OnWritable(w, func(*Event) { writable++ }))
		if e.WritableCount() != 1 {
			t.Fatalf("WritableCount = %d", e.WritableCount())
		}
		e.Iter(false)
		if writable != 1 {
			t.Fatalf("writable callback ran %d times, want 1", writable)
		}
		wev.Stop()
		if e.WritableCount() != 0 {
			t.Fatalf("WritableCount after Stop = %d", e.WritableCount())
		}
	})
}

func TestSocketpair(t *testing.T) {
	forEach(t, func(t *testing.T, e Engine) {
		a, b := socketpair(t)
		// Fill a's buffers so that it is not writable.
		chunk := make([]byte, 4096)
		for {
			if _, err := unix.Write(a, chunk); err == unix.EAGAIN {
				break
			} else if err != nil {
				t.Fatal(err)
			}
		}
		writable, readable := 0, 0
		must(t)(e.OnWritable(a, func(*Event) { writable++ }))
		must(t)(e.OnReadable(a, func(*Event) { readable++ }))
		e.Iter(false)
		if writable != 0 || readable != 0 {
			t.Fatalf("full, empty socket: writable %d, readable %d", writable, readable)
		}
		// Drain b: a becomes writable.
		for {
			if _, err := unix.Read(b, chunk); err == unix.EAGAIN {
				break
			} else if err != nil {
				t.Fatal(err)
			}
		}
		iterUntil(t, e, func() bool { return writable > 0 })
		if readable != 0 {
			t.Fatalf("readable ran %d times with nothing to read", readable)
		}
		write(t, b, "ping")
		iterUntil(t, e, func() bool { return readable > 0 })
		if s := read(a); s != "ping" {
			t.Fatalf("read %q", s)
		}
		// The peer's close makes a readable: read gives end of file.
		readable = 0
		unix.Close(b)
		iterUntil(t, e, func() bool { return readable > 0 })
		if n, err := unix.Read(a, chunk); n != 0 || err != nil {
			t.Fatalf("read after close: %d, %v", n, err)
		}
	})
}

func TestTimerOneShot(t *testing.T) {
	forEach(t, func(t *testing.T, e Engine) {
		fired := 0
		start := time.Now()
		ev := e.OnTimer(20*time.Millisecond, false, func(*Event) { fired++ })
		if e.TimerCount() != 1 {
			t.Fatalf("TimerCount = %d", e.TimerCount())
		}
		e.Iter(false)
		if fired != 0 {
			t.Fatal("timer fired early")
		}
		iterUntil(t, e, func() bool { return fired > 0 })
		if d := time.Since(start); d < 20*time.Millisecond {
			t.Fatalf("fired after %v, want at least 20ms", d)
		}
		if e.TimerCount() != 0 {
			t.Fatalf("TimerCount after firing = %d", e.TimerCount())
		}
		ev.Stop() // does nothing
		sentinel(t, e, 10*time.Millisecond)
		if fired != 1 {
			t.Fatalf("fired %d times", fired)
		}
	})
}

// sentinel runs blocking iterations until a timer of d has fired.
func sentinel(t *testing.T, e Engine, d time.Duration) {
	t.Helper()
	done := false
	e.OnTimer(d, false, func(*Event) { done = true })
	iterUntil(t, e, func() bool { return done })
}

func TestTimerRepeatAndStop(t *testing.T) {
	forEach(t, func(t *testing.T, e Engine) {
		var at []time.Duration
		start := time.Now()
		ev := e.OnTimer(5*time.Millisecond, true, func(*Event) { at = append(at, time.Since(start)) })
		iterUntil(t, e, func() bool { return len(at) == 3 })
		for i, d := range at {
			if want := time.Duration(i+1) * 5 * time.Millisecond; d < want {
				t.Fatalf("firing %d at %v, before %v", i, d, want)
			}
		}
		if e.TimerCount() != 1 {
			t.Fatalf("TimerCount = %d", e.TimerCount())
		}
		ev.Stop()
		if e.TimerCount() != 0 {
			t.Fatalf("TimerCount after Stop = %d", e.TimerCount())
		}
		sentinel(t, e, 20*time.Millisecond)
		if len(at) != 3 {
			t.Fatalf("stopped timer fired: %v", at)
		}

		stopped := e.OnTimer(time.Millisecond, false, func(*Event) { t.Error("stopped timer fired") })
		stopped.Stop()
		sentinel(t, e, 10*time.Millisecond)
	})
}

func TestTimerLongestDelay(t *testing.T) {
	forEach(t, func(t *testing.T, e Engine) {
		ev := e.OnTimer(math.MaxInt64, true, func(*Event) { t.Error("a timer of the longest delay fired") })
		sentinel(t, e, 10*time.Millisecond)
		if _, timeout := e.PollFds(nil); timeout < time.Hour {
			t.Errorf("PollFds timeout %v", timeout)
		}
		ev.Stop()
	})
}

func TestTimerOrder(t *testing.T) {
	forEach(t, func(t *testing.T, e Engine) {
		var got []int
		for _, d := range []int{30, 10, 20, 10} {
			e.OnTimer(time.Duration(d)*time.Millisecond, false, func(*Event) { got = append(got, d) })
		}
		for i := range 3 {
			e.OnTimer(0, false, func(*Event) { got = append(got, i) })
		}
		iterUntil(t, e, func() bool { return len(got) == 7 })
		if want := []int{0, 1, 2, 10, 10, 20, 30}; !slices.Equal(got, want) {
			t.Fatalf("order %v, want %v", got, want)
		}
	})
}

// A timer registered by a callback, even of delay 0, waits for the next Iter;
// a repeating timer of delay 0 fires once per Iter.
func TestTimerRegisteredDuringIter(t *testing.T) {
	forEach(t, func(t *testing.T, e Engine) {
		inner := 0
		e.OnTimer(0, false, func(*Event) {
			e.OnTimer(0, false, func(*Event) { inner++ })
		})
		e.Iter(false)
		if inner != 0 || e.TimerCount() != 1 {
			t.Fatalf("after one Iter: inner %d, TimerCount %d", inner, e.TimerCount())
		}
		e.Iter(false)
		if inner != 1 || e.TimerCount() != 0 {
			t.Fatalf("after two: inner %d, TimerCount %d", inner, e.TimerCount())
		}

		n := 0
		ev := e.OnTimer(0, true, func(*Event) { n++ })
		for range 5 {
			e.Iter(true)
		}
		ev.Stop()
		if n != 5 {
			t.Fatalf("repeating 0 timer fired %d times in 5 Iters", n)
		}
	})
}

func TestStopInOwnCallback(t *testing.T) {
	forEach(t, func(t *testing.T, e Engine) {
		r, w := pipe(t)
		write(t, w, "x") // never read: level-triggered, ready on every Iter
		calls := 0
		must(t)(e.OnReadable(r, func(ev *Event) { calls++; ev.Stop() }))
		for range 3 {
			e.Iter(false)
		}
		if calls != 1 || e.ReadableCount() != 0 {
			t.Fatalf("calls %d, ReadableCount %d", calls, e.ReadableCount())
		}

		ticks := 0
		e.OnTimer(time.Millisecond, true, func(ev *Event) { ticks++; ev.Stop() })
		sentinel(t, e, 20*time.Millisecond)
		if ticks != 1 || e.TimerCount() != 0 {
			t.Fatalf("ticks %d, TimerCount %d", ticks, e.TimerCount())
		}
	})
}

// Events on one descriptor run in registration order; one may stop another
// or register a new one while they run: the stopped one does not run, the
// new one waits for the next Iter.
func TestEventsOnOneDescriptor(t *testing.T) {
	forEach(t, func(t *testing.T, e Engine) {
		r, w := pipe(t)
		write(t, w, "x")
		var log []string
		var second, added *Event
		must(t)(e.OnReadable(r, func(ev *Event) {
			log = append(log, "first")
			if second != nil {
				second.Stop()
				second = nil
				added = must(t)(e.OnReadable(r, func(*Event) { log = append(log, "added") }))
			}
		}))
		second = must(t)(e.OnReadable(r, func(*Event) { log = append(log, "second") }))
		third := must(t)(e.OnReadable(r, func(*Event) { log = append(log, "third") }))
		e.Iter(false)
		if want := []string{"first", "third"}; !slices.Equal(log, want) {
			t.Fatalf("first Iter: %v, want %v", log, want)
		}
		log = nil
		e.Iter(false)
		if want := []string{"first", "third", "added"}; !slices.Equal(log, want) {
			t.Fatalf("second Iter: %v, want %v", log, want)
		}
		if e.ReadableCount() != 3 {
			t.Fatalf("ReadableCount = %d", e.ReadableCount())
		}
		third.Stop()
		added.Stop()
		if e.ReadableCount() != 1 {
			t.Fatalf("ReadableCount = %d", e.ReadableCount())
		}
	})
}

func TestFakeIO(t *testing.T) {
	forEach(t, func(t *testing.T, e Engine) {
		a, _ := socketpair(t)
		var log []string
		must(t)(e.OnWritable(a, func(*Event) { log = append(log, "w") }))
		must(t)(e.OnReadable(a, func(*Event) { log = append(log, "r") }))
		e.FakeIO(a)
		if want := []string{"r", "w"}; !slices.Equal(log, want) {
			t.Fatalf("FakeIO ran %v, want %v", log, want)
		}
		e.FakeIO(12345) // nothing registered: nothing happens
	})
}

func TestRegularFileIsAlwaysReady(t *testing.T) {
	forEach(t, func(t *testing.T, e Engine) {
		f, err := os.CreateTemp(t.TempDir(), "file")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		readable, writable := 0, 0
		rev := must(t)(e.OnReadable(int(f.Fd()), func(*Event) { readable++ }))
		wev := must(t)(e.OnWritable(int(f.Fd()), func(*Event) { writable++ }))
		iterUntil(t, e, func() bool { return readable > 0 && writable > 0 })
		rev.Stop()
		wev.Stop()
		if e.ReadableCount()+e.WritableCount() != 0 {
			t.Fatal("events left")
		}
		readable = 0
		e.Iter(false)
		if readable != 0 {
			t.Fatal("stopped event ran")
		}
	})
}

func TestBadDescriptor(t *testing.T) {
	forEach(t, func(t *testing.T, e Engine) {
		if _, err := e.OnReadable(-1, func(*Event) {}); !errors.Is(err, unix.EBADF) {
			t.Fatalf("fd -1: %v, want EBADF", err)
		}
		r, w := pipe(t)
		unix.Close(w)
		unix.Close(r) // r is now a number that is not open
		ran := false
		ev, err := e.OnReadable(r, func(ev *Event) { ran = true; ev.Stop() })
		if e.String() == "epoll" {
			if !errors.Is(err, unix.EBADF) || ev != nil {
				t.Fatalf("epoll: closed descriptor: %v, want EBADF", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		iterUntil(t, e, func() bool { return ran })
	})
}

func TestSelectRefusesDescriptorsAbove1024(t *testing.T) {
	r, w := pipe(t)
	const high = 1500
	if err := unix.Dup3(r, high, unix.O_CLOEXEC); err != nil {
		t.Skipf("cannot dup to descriptor %d: %v", high, err)
	}
	closeLater(t, high)
	write(t, w, "x")
	forEach(t, func(t *testing.T, e Engine) {
		ran := false
		ev, err := e.OnReadable(high, func(*Event) { ran = true })
		if e.String() == "select" {
			if !errors.Is(err, ErrFdTooLarge) || ev != nil {
				t.Fatalf("select accepted descriptor %d: %v", high, err)
			}
			if !strings.Contains(err.Error(), "1500") || !strings.Contains(err.Error(), "1024") {
				t.Fatalf("unclear error: %v", err)
			}
			if _, err := e.OnWritable(high, func(*Event) {}); !errors.Is(err, ErrFdTooLarge) {
				t.Fatalf("OnWritable: %v", err)
			}
			if e.ReadableCount()+e.WritableCount() != 0 {
				t.Fatal("refused events are counted")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		iterUntil(t, e, func() bool { return ran })
	})
}

func TestWakeup(t *testing.T) {
	forEach(t, func(t *testing.T, e Engine) {
		sending, sent := make(chan struct{}), make(chan struct{})
		go func() {
			time.Sleep(20 * time.Millisecond)
			close(sending)
			e.Wakeup()
			close(sent)
		}()
		// Nothing is registered: only the wakeup, or a signal interrupting
		// the wait, ends a blocking Iter.
		for iters := 1; ; iters++ {
			e.Iter(true)
			select {
			case <-sending:
			default:
				if iters > 20 { // spinning, not a few signals
					t.Fatalf("Iter(true) returned %d times before the wakeup", iters)
				}
				continue
			}
			break
		}
		<-sent

		// A wakeup before Iter makes the next blocking Iter return at once,
		// and is then consumed.
		start := time.Now()
		e.Wakeup()
		e.Wakeup()
		e.Iter(true)
		if d := time.Since(start); d > time.Second {
			t.Fatalf("Iter(true) took %v after Wakeup", d)
		}
		if l := e.loop(); l.wakePending.Load() {
			t.Fatal("wakeup still pending after Iter")
		} else if _, err := unix.Read(l.wakefd, make([]byte, 8)); err != unix.EAGAIN {
			t.Fatalf("eventfd not drained: read gives %v", err)
		}
	})
}

// Many goroutines wake the engine while it iterates: every round of wakeups
// ends a blocking Iter, and the race detector sees no race.
func TestWakeupFromManyGoroutines(t *testing.T) {
	forEach(t, func(t *testing.T, e Engine) {
		const goroutines, rounds = 100, 20
		var wg sync.WaitGroup
		var done atomic.Int32
		for range goroutines {
			wg.Go(func() {
				for range rounds {
					e.Wakeup()
					time.Sleep(time.Microsecond)
				}
				done.Add(1)
				e.Wakeup()
			})
		}
		iterUntil(t, e, func() bool { return done.Load() == goroutines })
		wg.Wait()
	})
}

func TestDestroy(t *testing.T) {
	before := fdCount(t)
	for _, k := range kinds {
		e, err := k.new()
		if err != nil {
			t.Fatal(err)
		}
		if n := fdCount(t); n <= before {
			t.Fatalf("%s engine holds no descriptor (%d before, %d now)", k.name, before, n)
		}
		var p [2]int
		if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
			t.Fatal(err)
		}
		rev, err := e.OnReadable(p[0], func(*Event) {})
		if err != nil {
			t.Fatal(err)
		}
		e.OnTimer(time.Hour, false, func(*Event) {})
		e.Destroy()
		if e.ReadableCount()+e.WritableCount()+e.TimerCount() != 0 {
			t.Fatalf("%s: events left after Destroy", k.name)
		}
		rev.Stop() // already stopped: nothing happens
		e.Destroy()
		unix.Close(p[0])
		unix.Close(p[1])
		if n := fdCount(t); n != before {
			t.Fatalf("%s: %d descriptors open after Destroy, %d before", k.name, n, before)
		}
		e.Wakeup() // does nothing
		for name, f := range map[string]func(){
			"Iter":       func() { e.Iter(false) },
			"OnTimer":    func() { e.OnTimer(0, false, func(*Event) {}) },
			"OnReadable": func() { e.OnReadable(0, func(*Event) {}) },
		} {
			if msg := panicMessage(f); !strings.Contains(msg, "destroyed") {
				t.Errorf("%s: %s after Destroy: panic %q", k.name, name, msg)
			}
		}
	}
}

func panicMessage(f func()) (msg string) {
	defer func() { msg, _ = recover().(string) }()
	f()
	return ""
}

func fdCount(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd:", err)
	}
	return len(ents)
}

// A foreign main loop polls what PollFds gives with unix.Poll and calls
// Iter(false) when something is ready or the timeout has passed.
func TestForeignLoop(t *testing.T) {
	forEach(t, func(t *testing.T, e Engine) {
		r, w := pipe(t)
		var got []string
		must(t)(e.OnReadable(r, func(*Event) { got = append(got, read(r)) }))

		foreignIter := func(maxWait time.Duration) int {
			fds, timeout := e.PollFds(nil)
			if e.String() == "epoll" && len(fds) != 1 {
				t.Fatalf("epoll exposes %d descriptors, want 1", len(fds))
			}
			if timeout < 0 || timeout > maxWait {
				timeout = maxWait
			}
			ms := int((timeout + time.Millisecond - 1) / time.Millisecond)
			n, err := unix.Poll(fds, ms)
			for err == unix.EINTR { // the loop's own business: wait again
				n, err = unix.Poll(fds, ms)
			}
			if err != nil {
				t.Fatal(err)
			}
			e.Iter(false)
			return n
		}

		if _, timeout := e.PollFds(nil); timeout >= 0 {
			t.Fatalf("no timer, yet PollFds timeout %v", timeout)
		}
		if n := foreignIter(0); n != 0 || len(got) != 0 {
			t.Fatalf("nothing to read, yet poll gave %d and callbacks ran: %q", n, got)
		}
		write(t, w, "from outside")
		if n := foreignIter(5 * time.Second); n == 0 {
			t.Fatal("poll did not see the pipe")
		}
		if !slices.Equal(got, []string{"from outside"}) {
			t.Fatalf("got %q", got)
		}

		fired := false
		start := time.Now()
		e.OnTimer(30*time.Millisecond, false, func(*Event) { fired = true })
		if _, timeout := e.PollFds(nil); timeout <= 0 || timeout > 30*time.Millisecond {
			t.Fatalf("PollFds timeout %v with a timer due in 30ms", timeout)
		}
		for !fired && time.Since(start) < 5*time.Second {
			foreignIter(5 * time.Second)
		}
		if d := time.Since(start); !fired || d < 30*time.Millisecond {
			t.Fatalf("timer fired %v after %v", fired, d)
		}

		go func() {
			time.Sleep(10 * time.Millisecond)
			e.Wakeup()
		}()
		if n := foreignIter(5 * time.Second); n == 0 {
			t.Fatal("poll did not see the wakeup")
		}
	})
}

// Iter allocates nothing, whatever it dispatches.
func TestIterDoesNotAllocate(t *testing.T) {
	forEach(t, func(t *testing.T, e Engine) {
		r, w := pipe(t)
		write(t, w, "x") // stays readable
		reads, ticks := 0, 0
		must(t)(e.OnReadable(r, func(*Event) { reads++ }))
		e.OnTimer(0, true, func(*Event) { ticks++ })
		e.Iter(true) // warm up the buffers
		if a := testing.AllocsPerRun(100, func() { e.Iter(true) }); a != 0 {
			t.Fatalf("Iter allocates %v times", a)
		}
		// A signal may interrupt a poll, never a timer.
		if ticks != 102 || reads < 90 {
			t.Fatalf("%d ticks and %d reads in 102 Iters", ticks, reads)
		}
	})
}

// A Wakeup made before any engine exists is not lost: the engine Get
// creates starts woken.
func TestWakeupBeforeEngine(t *testing.T) {
	if old := current.Swap(nil); old != nil {
		defer func() {
			if l := current.Swap(old); l != nil && l != old {
				l.Destroy()
			}
		}()
	}
	Wakeup()
	done := make(chan struct{})
	go func() {
		Get().Iter(true)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("the wakeup made before the engine existed was lost")
	}
}
