package lwtmutex

import (
	"sync"
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
)

var counter int

// Uncontended: Lock finds the mutex free.
func BenchmarkLockUnlock(b *testing.B) {
	b.ReportAllocs()
	m := New()
	for b.Loop() {
		m.Lock()
		counter++
		m.Unlock()
	}
}

func BenchmarkSyncMutexLockUnlock(b *testing.B) {
	b.ReportAllocs()
	var m sync.Mutex
	for b.Loop() {
		m.Lock()
		counter++
		m.Unlock()
	}
}

// Uncontended, through WithLock and a critical section that returns a
// resolved promise.
func BenchmarkWithLock(b *testing.B) {
	b.ReportAllocs()
	m := New()
	section := func() lwt.Promise[int] { counter++; return lwt.Return(counter) }
	for b.Loop() {
		WithLock(m, section)
	}
}

// Contended: every Lock finds the mutex held and waits, and every Unlock
// hands the lock over to that waiting thread, which then holds it. That is
// what contention costs between lwt threads: a critical section only keeps
// others out while it sleeps.
func BenchmarkLockContended(b *testing.B) {
	b.ReportAllocs()
	m := New()
	m.Lock()
	critical := func(lwt.Unit) lwt.Unit { counter++; return lwt.Unit{} }
	for b.Loop() {
		lwt.Map(m.Lock(), critical) // waits: the mutex is held
		m.Unlock()                  // hands it over; the waiter runs
	}
}

// Contended sync.Mutex: goroutines on every core lock and unlock one mutex.
func BenchmarkSyncMutexContended(b *testing.B) {
	b.ReportAllocs()
	var m sync.Mutex
	n := 0
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.Lock()
			n++
			m.Unlock()
		}
	})
}
