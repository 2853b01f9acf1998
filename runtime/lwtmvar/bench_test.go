package lwtmvar

import (
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// echo starts a thread that forever takes a value from ping and puts it
// back, plus one, on pong.
func echo(ping, pong *MVar[int]) {
	var loop func(lwt.Unit) lwt.Promise[lwt.Unit]
	reply := func(v int) lwt.Promise[lwt.Unit] { return lwt.Bind(pong.Put(v+1), loop) }
	loop = func(lwt.Unit) lwt.Promise[lwt.Unit] { return lwt.Bind(ping.Take(), reply) }
	loop(lwt.Unit{})
}

// One round: the benchmark loop puts a value on ping and takes the reply
// from pong, as the main goroutine does in the goroutine version; an echo
// thread answers.
func BenchmarkPingPong(b *testing.B) {
	b.ReportAllocs()
	ping, pong := NewEmpty[int](), NewEmpty[int]()
	echo(ping, pong)
	v := 0
	for b.Loop() {
		ping.Put(v)
		v, _ = pong.Take().Result()
	}
	if v != b.N {
		b.Fatalf("after %d rounds: %d", b.N, v)
	}
}

// The same with both sides lwt threads: all rounds run inside one
// resolution, so the other side waits in Take every time.
func BenchmarkPingPongThreads(b *testing.B) {
	b.ReportAllocs()
	ping, pong := NewEmpty[int](), NewEmpty[int]()
	echo(ping, pong)

	rounds := 0
	var round func(v int) lwt.Promise[int]
	round = func(v int) lwt.Promise[int] {
		if rounds == b.N {
			return lwt.Return(v)
		}
		rounds++
		return lwt.Bind(ping.Put(v), func(lwt.Unit) lwt.Promise[int] {
			return lwt.Bind(pong.Take(), round)
		})
	}
	b.ResetTimer()
	if v, err := round(0).Result(); v != b.N || err != nil {
		b.Fatalf("after %d rounds: %v, %v", b.N, v, err)
	}
}

// The goroutine equivalent: two goroutines over unbuffered channels.
func BenchmarkPingPongGoroutines(b *testing.B) {
	b.ReportAllocs()
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
	}()
	v := 0
	for b.Loop() {
		ping <- v
		v = <-pong
	}
	close(ping)
}
