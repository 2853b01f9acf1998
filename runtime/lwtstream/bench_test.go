package lwtstream

import (
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
)

var sink int

// One round with the element at hand: push, then next.
func BenchmarkPushNext(b *testing.B) {
	b.ReportAllocs()
	s, p := Create[int]()
	for i := 0; b.Loop(); i++ {
		p.Push(i)
		sink, _ = s.Next().Result()
	}
}

// The channel equivalent in one goroutine: send on a buffered channel, then
// receive.
func BenchmarkChanSendRecv(b *testing.B) {
	b.ReportAllocs()
	c := make(chan int, 1)
	for i := 0; b.Loop(); i++ {
		c <- i
		sink = <-c
	}
}

// One round with a reader thread waiting: each push wakes a thread blocked
// in Next, which reads the element and waits again.
func BenchmarkPushWakesReader(b *testing.B) {
	b.ReportAllocs()
	s, p := Create[int]()
	var loop func(int) lwt.Promise[lwt.Unit]
	loop = func(x int) lwt.Promise[lwt.Unit] {
		sink += x
		return lwt.Bind(s.Next(), loop)
	}
	reader := lwt.Bind(s.Next(), loop)
	for i := 0; b.Loop(); i++ {
		p.Push(i)
	}
	p.Close()
	if _, err := reader.Result(); err != ErrEmpty {
		b.Fatal(err)
	}
}

// The goroutine equivalent: a producer goroutine sends on a buffered channel,
// the benchmark loop receives.
func BenchmarkChanGoroutines(b *testing.B) {
	b.ReportAllocs()
	c := make(chan int, 64)
	go func() {
		for i := range b.N {
			c <- i
		}
	}()
	for range b.N {
		sink = <-c
	}
}

// Reading a long stream of elements at hand with IterS: the cost of one
// element.
func BenchmarkIterS(b *testing.B) {
	b.ReportAllocs()
	s, p := Create[int]()
	for i := range b.N {
		p.Push(i)
	}
	p.Close()
	b.ResetTimer()
	done := IterS(s, func(x int) lwt.Promise[lwt.Unit] {
		sink += x
		return lwt.ReturnUnit()
	})
	if _, err := done.Result(); err != nil {
		b.Fatal(err)
	}
}
