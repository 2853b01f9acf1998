package lwt

import (
	"runtime"
	"testing"
)

// Lwt's bind loop over resolved promises: p = bind p (fun x -> return (x + i)).
func BenchmarkBindResolved(b *testing.B) {
	p := Return(0)
	for i := 0; b.Loop(); i++ {
		p = Bind(p, func(x int) Promise[int] { return Return(x + i) })
	}
	sink, _ = p.Result()
}

var sink int

// The same loop with a function that captures nothing, so that Go does not
// allocate a closure each iteration: the cost of Bind itself.
func BenchmarkBindResolvedStatic(b *testing.B) {
	p := Return(0)
	for b.Loop() {
		p = Bind(p, func(x int) Promise[int] { return Return(x + 1) })
	}
	sink, _ = p.Result()
}

// A thread that sleeps, gets a continuation, and is woken.
func BenchmarkWaitBindWakeup(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		p, r := Wait[int]()
		q := Bind(p, func(x int) Promise[int] { return Return(x + i) })
		Wakeup(r, 1)
		sink, _ = q.Result()
	}
}

// The goroutine equivalent: spawn a goroutine that waits on a channel, wake it.
func BenchmarkGoroutineSpawnWake(b *testing.B) {
	done := make(chan int)
	for i := 0; b.Loop(); i++ {
		c := make(chan int)
		go func() { x := <-c; done <- x + i }()
		c <- 1
		sink = <-done
	}
}

// Memory of a sleeping thread: wait + one bind (B/op).
func BenchmarkSleepingThread(b *testing.B) {
	ps := make([]Promise[int], 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, _ := Wait[int]()
		ps = append(ps, Bind(p, func(x int) Promise[int] { return Return(x + i) }))
	}
	runtime.KeepAlive(ps)
}

// Memory of a sleeping goroutine blocked on a channel, for comparison.
func BenchmarkSleepingGoroutine(b *testing.B) {
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms0)
	stop := make(chan struct{})
	for i := 0; i < b.N; i++ {
		c := make(chan int)
		go func() {
			select {
			case x := <-c:
				sink = x + i
			case <-stop:
			}
		}()
	}
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(ms1.Sys-ms0.Sys+ms1.TotalAlloc-ms0.TotalAlloc)/float64(b.N), "sys+heap-B/op")
	close(stop)
}

// A thread that pauses in a loop, resumed by hand as a scheduler would.
func BenchmarkPauseChain(b *testing.B) {
	n := b.N
	var step func(Unit) Promise[Unit]
	step = func(Unit) Promise[Unit] {
		if n--; n <= 0 {
			return ReturnUnit()
		}
		return Bind(Pause(), step)
	}
	b.ReportAllocs()
	p := step(Unit{})
	for p.IsSleeping() {
		WakeupPaused()
	}
}
