package lwtunix_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/engine"
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// Notifications sent from 100 goroutines at once all arrive on the loop:
// each send of a repeating notification, and a once notification exactly
// once however many times it is sent.
func TestNotificationsFromManyGoroutines(t *testing.T) {
	const senders, sends = 100, 100
	readable := engine.ReadableCount()
	done, r := lwt.Wait[lwt.Unit]()
	var counted, onceCalls [senders]int
	total := 0
	var counting, once [senders]int
	for i := range senders {
		counting[i] = lwtunix.MakeNotification(func() {
			counted[i]++
			if total++; total == senders*sends {
				lwt.Wakeup(r, lwt.Unit{})
			}
		}, false)
		once[i] = lwtunix.MakeNotification(func() { onceCalls[i]++ }, true)
	}
	if n := lwtunix.NotificationCount(); n != 2*senders {
		t.Fatalf("NotificationCount = %d, want %d", n, 2*senders)
	}
	var start, wg sync.WaitGroup
	start.Add(1)
	for i := range senders {
		wg.Go(func() {
			start.Wait()
			for range sends {
				lwtunix.SendNotification(once[i])
				lwtunix.SendNotification(counting[i])
			}
		})
	}
	start.Done()
	runLoop(t, done)
	wg.Wait()
	runLoop(t, lwtunix.Sleep(0)) // a last round for the once sends still queued
	for i := range senders {
		if counted[i] != sends || onceCalls[i] != 1 {
			t.Fatalf("sender %d: %d of %d delivered, once notification called %d times", i, counted[i], sends, onceCalls[i])
		}
		lwtunix.StopNotification(counting[i])
	}
	if n := lwtunix.NotificationCount(); n != 0 {
		t.Fatalf("NotificationCount = %d after stopping all", n)
	}
	if n := engine.ReadableCount(); n != readable {
		t.Fatalf("ReadableCount = %d with no notification, was %d", n, readable)
	}
}

// A stopped notification is not called, even for sends made before it was
// stopped; sends of unknown ids are ignored.
func TestStopNotification(t *testing.T) {
	calls := 0
	id := lwtunix.MakeNotification(func() { calls++ }, false)
	keep := lwtunix.MakeNotification(func() {}, false) // keeps the loop watching
	defer lwtunix.StopNotification(keep)
	lwtunix.SendNotification(id)
	lwtunix.SendNotification(-12345)
	lwtunix.SendNotification(id + 1000)
	lwtunix.StopNotification(id)
	lwtunix.StopNotification(id) // twice does nothing
	runLoop(t, lwtunix.Sleep(0))
	if calls != 0 {
		t.Fatalf("stopped notification called %d times", calls)
	}
}

// A notification function may make, send and stop notifications, itself
// included; what it sends is delivered in a later round.
func TestNotificationReentrant(t *testing.T) {
	done, r := lwt.Wait[int]()
	n := 0
	var id int
	id = lwtunix.MakeNotification(func() {
		if n++; n == 3 {
			lwtunix.StopNotification(id)
			inner := lwtunix.MakeNotification(func() { lwt.Wakeup(r, n) }, true)
			lwtunix.SendNotification(inner)
			return
		}
		lwtunix.SendNotification(id)
	}, false)
	lwtunix.SendNotification(id)
	if v := runLoop(t, done); v != 3 {
		t.Fatalf("got %d", v)
	}
}

// A panic in a notification function leaves Run, as a panic in any engine
// callback does; the sends queued after it are delivered by the next Run.
func TestNotificationPanic(t *testing.T) {
	bad := lwtunix.MakeNotification(func() { panic("boom") }, true)
	got := 0
	good := lwtunix.MakeNotification(func() { got++ }, false)
	defer lwtunix.StopNotification(good)
	lwtunix.SendNotification(bad)
	lwtunix.SendNotification(good)
	lwtunix.SendNotification(good)
	func() {
		defer func() {
			if x := recover(); x != "boom" {
				t.Fatalf("recovered %v, want boom", x)
			}
		}()
		p, _ := lwt.Wait[lwt.Unit]()
		lwtmain.Run(p)
	}()
	runLoop(t, lwtunix.Sleep(0))
	if got != 2 {
		t.Fatalf("good notification delivered %d times after the panic, want 2", got)
	}
}

// Sending a notification costs no allocation.
func TestSendNotificationDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	calls := 0
	id := lwtunix.MakeNotification(func() { calls++ }, false)
	defer lwtunix.StopNotification(id)
	runLoop(t, lwtunix.Sleep(0)) // grow the queue's buffers
	allocs := testing.AllocsPerRun(100, func() {
		for range 10 {
			lwtunix.SendNotification(id)
		}
		lwtmain.Run(lwtunix.Sleep(0))
	})
	// Sleep allocates; the sends and their delivery must not.
	sleepAllocs := testing.AllocsPerRun(100, func() { lwtmain.Run(lwtunix.Sleep(0)) })
	if allocs > sleepAllocs {
		t.Fatalf("%v allocations for 10 sends and a sleep, %v for the sleep alone", allocs, sleepAllocs)
	}
	if calls != 1010 { // AllocsPerRun runs once more to warm up
		t.Fatalf("%d deliveries, want 1010", calls)
	}
}

// Notification round trip: the loop asks another goroutine, which answers
// with a notification that wakes the next request.
func BenchmarkNotificationRoundTrip(b *testing.B) {
	req := make(chan struct{}, 1)
	var wake lwt.Resolver[lwt.Unit]
	id := lwtunix.MakeNotification(func() { lwt.Wakeup(wake, lwt.Unit{}) }, false)
	defer lwtunix.StopNotification(id)
	go func() {
		for range req {
			lwtunix.SendNotification(id)
		}
	}()
	defer close(req)
	n := b.N
	var step func(lwt.Unit) lwt.Promise[lwt.Unit]
	step = func(lwt.Unit) lwt.Promise[lwt.Unit] {
		if n--; n < 0 {
			return lwt.ReturnUnit()
		}
		var p lwt.Promise[lwt.Unit]
		p, wake = lwt.Wait[lwt.Unit]()
		req <- struct{}{}
		return lwt.Bind(p, step)
	}
	b.ReportAllocs()
	b.ResetTimer()
	runLoop(b, step(lwt.Unit{}))
}

// The same, with the other side woken by the kernel rather than by the Go
// scheduler: it is a goroutine locked to its thread, blocked in read(2) on
// an eventfd that the loop writes. This measures the notification itself;
// above, the goroutine the loop wakes through a channel waits in the loop's
// run queue until the loop blocks and the Go runtime hands that queue to
// another thread, which takes tens of microseconds.
func BenchmarkNotificationRoundTripKernelWake(b *testing.B) {
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC)
	if err != nil {
		b.Fatal(err)
	}
	var wake lwt.Resolver[lwt.Unit]
	id := lwtunix.MakeNotification(func() { lwt.Wakeup(wake, lwt.Unit{}) }, false)
	defer lwtunix.StopNotification(id)
	go func() {
		runtime.LockOSThread()
		var buf [8]byte
		for {
			if _, err := unix.Read(efd, buf[:]); err != nil || buf[0] == 2 {
				unix.Close(efd)
				return
			}
			lwtunix.SendNotification(id)
		}
	}()
	defer unix.Write(efd, []byte{2, 0, 0, 0, 0, 0, 0, 0})
	one := []byte{1, 0, 0, 0, 0, 0, 0, 0}
	n := b.N
	var step func(lwt.Unit) lwt.Promise[lwt.Unit]
	step = func(lwt.Unit) lwt.Promise[lwt.Unit] {
		if n--; n < 0 {
			return lwt.ReturnUnit()
		}
		var p lwt.Promise[lwt.Unit]
		p, wake = lwt.Wait[lwt.Unit]()
		unix.Write(efd, one)
		return lwt.Bind(p, step)
	}
	b.ReportAllocs()
	b.ResetTimer()
	runLoop(b, step(lwt.Unit{}))
}

// The floor of the two above: two threads that wake each other through the
// kernel, each blocked in read(2) on an eventfd.
func BenchmarkEventfdPingPong(b *testing.B) {
	var fds [2]int
	for i := range fds {
		fd, err := unix.Eventfd(0, unix.EFD_CLOEXEC)
		if err != nil {
			b.Fatal(err)
		}
		fds[i] = fd
		defer unix.Close(fd)
	}
	one := []byte{1, 0, 0, 0, 0, 0, 0, 0}
	stop := []byte{2, 0, 0, 0, 0, 0, 0, 0}
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		var buf [8]byte
		for {
			unix.Read(fds[0], buf[:])
			if buf[0] == 2 {
				return
			}
			unix.Write(fds[1], one)
		}
	}()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var buf [8]byte
	for b.Loop() {
		unix.Write(fds[0], one)
		unix.Read(fds[1], buf[:])
	}
	unix.Write(fds[0], stop)
	<-done
}

// The goroutine equivalent: a request and an answer over two channels.
func BenchmarkChannelRoundTrip(b *testing.B) {
	req, resp := make(chan struct{}, 1), make(chan struct{}, 1)
	go func() {
		for range req {
			resp <- struct{}{}
		}
	}()
	defer close(req)
	b.ReportAllocs()
	for b.Loop() {
		req <- struct{}{}
		<-resp
	}
}

// Sends from many goroutines at once, delivered in batches.
func BenchmarkSendNotificationParallel(b *testing.B) {
	var got atomic.Int64
	id := lwtunix.MakeNotification(func() { got.Add(1) }, false)
	defer lwtunix.StopNotification(id)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			lwtunix.SendNotification(id)
		}
	})
	b.StopTimer()
	for got.Load() < int64(b.N) {
		lwtmain.Run(lwtunix.Sleep(0))
	}
}
