//go:build linux

package engine

import (
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func forEachB(b *testing.B, f func(b *testing.B, e Engine)) {
	for _, k := range kinds {
		b.Run(k.name, func(b *testing.B) {
			e, err := k.new()
			if err != nil {
				b.Fatal(err)
			}
			defer e.Destroy()
			f(b, e)
		})
	}
}

// A non-blocking Iter with nothing registered: no system call.
func BenchmarkIterIdle(b *testing.B) {
	forEachB(b, func(b *testing.B, e Engine) {
		for b.Loop() {
			e.Iter(false)
		}
	})
}

// A non-blocking Iter with one idle descriptor: one system call.
func BenchmarkIterOneDescriptor(b *testing.B) {
	forEachB(b, func(b *testing.B, e Engine) {
		var p [2]int
		if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
			b.Fatal(err)
		}
		defer unix.Close(p[0])
		defer unix.Close(p[1])
		if _, err := e.OnReadable(p[0], func(*Event) {}); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			e.Iter(false)
		}
	})
}

// One byte through a pipe: write, Iter, read in the callback.
func BenchmarkPipeRoundTrip(b *testing.B) {
	forEachB(b, func(b *testing.B, e Engine) {
		var p [2]int
		if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
			b.Fatal(err)
		}
		defer unix.Close(p[0])
		defer unix.Close(p[1])
		one := []byte{1}
		buf := make([]byte, 1)
		got := 0
		if _, err := e.OnReadable(p[0], func(*Event) {
			n, _ := unix.Read(p[0], buf)
			got += n
		}); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			unix.Write(p[1], one)
			e.Iter(true)
		}
		if got != b.N {
			b.Fatalf("read %d bytes, wrote %d", got, b.N)
		}
	})
}

// The goroutine equivalent: a goroutine reads the pipe through Go's network
// poller and answers on a channel.
func BenchmarkGoroutinePipeRoundTrip(b *testing.B) {
	r, w, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	done := make(chan struct{})
	go func() {
		buf := make([]byte, 1)
		for {
			if _, err := r.Read(buf); err != nil {
				r.Close()
				close(done)
				return
			}
			done <- struct{}{}
		}
	}()
	one := []byte{1}
	for b.Loop() {
		w.Write(one)
		<-done
	}
}

// Registering a timer and stopping it before it fires.
func BenchmarkTimerStartStop(b *testing.B) {
	forEachB(b, func(b *testing.B, e Engine) {
		b.ReportAllocs()
		f := func(*Event) {}
		for b.Loop() {
			e.OnTimer(time.Second, false, f).Stop()
		}
	})
}
