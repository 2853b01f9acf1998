package lwtunix_test

import (
	"io"
	"net"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// Echo round trips: a client writes a 64-byte message and reads it back from
// an echo server. The lwt benchmarks run both ends on one loop, in one
// lwtmain.Run; the goroutine ones run the server on a goroutine and go
// through Go's netpoller (net.Conn) or blocking reads on their own threads
// (os.Pipe).

const echoSize = 64

// readFull reads exactly len(buf) bytes from fd.
func readFull(fd *lwtunix.FD, buf []byte) lwt.Promise[lwt.Unit] {
	if len(buf) == 0 {
		return lwt.ReturnUnit()
	}
	return lwt.Bind(fd.Read(buf), func(n int) lwt.Promise[lwt.Unit] {
		if n == 0 {
			return lwt.Fail[lwt.Unit](io.ErrUnexpectedEOF)
		}
		return readFull(fd, buf[n:])
	})
}

// echoRounds makes n round trips: write msg to w, read it back from r.
func echoRounds(w, r *lwtunix.FD, n int) lwt.Promise[lwt.Unit] {
	msg, buf := make([]byte, echoSize), make([]byte, echoSize)
	var loop func(int) lwt.Promise[lwt.Unit]
	loop = func(i int) lwt.Promise[lwt.Unit] {
		if i == n {
			return lwt.ReturnUnit()
		}
		return lwt.Bind(writeAll(w, msg), func(lwt.Unit) lwt.Promise[lwt.Unit] {
			return lwt.Bind(readFull(r, buf), func(lwt.Unit) lwt.Promise[lwt.Unit] { return loop(i + 1) })
		})
	}
	return loop(0)
}

// echoPipes copies what it reads from r to w until the end of the stream.
func echoPipes(r, w *lwtunix.FD) lwt.Promise[lwt.Unit] {
	buf := make([]byte, 16<<10)
	var loop func() lwt.Promise[lwt.Unit]
	loop = func() lwt.Promise[lwt.Unit] {
		return lwt.Bind(r.Read(buf), func(n int) lwt.Promise[lwt.Unit] {
			if n == 0 {
				return lwt.ReturnUnit()
			}
			return lwt.Bind(writeAll(w, buf[:n]), func(lwt.Unit) lwt.Promise[lwt.Unit] { return loop() })
		})
	}
	return loop()
}

func BenchmarkSocketpairEcho(b *testing.B) {
	c, s, err := lwtunix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	server := echo(s)
	b.ReportAllocs()
	b.ResetTimer()
	runLoop(b, echoRounds(c, c, b.N))
	b.StopTimer()
	c.Shutdown(unix.SHUT_WR)
	runLoop(b, server)
}

func BenchmarkSocketpairEchoNetConn(b *testing.B) {
	p, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		b.Fatal(err)
	}
	conn := func(fd int) net.Conn {
		f := os.NewFile(uintptr(fd), "socketpair")
		defer f.Close()
		c, err := net.FileConn(f)
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	c, s := conn(p[0]), conn(p[1])
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer s.Close()
		buf := make([]byte, 16<<10)
		for {
			n, err := s.Read(buf)
			if err != nil {
				return
			}
			if _, err := s.Write(buf[:n]); err != nil {
				return
			}
		}
	}()
	msg, buf := make([]byte, echoSize), make([]byte, echoSize)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := c.Write(msg); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	c.Close()
	<-done
}

func BenchmarkPipeEcho(b *testing.B) {
	r1, w1 := newPipe(b) // client → server
	r2, w2 := newPipe(b) // server → client
	defer closeAll(b, r1, r2, w2)
	server := lwt.Finalize(func() lwt.Promise[lwt.Unit] { return echoPipes(r1, w2) },
		func() lwt.Promise[lwt.Unit] { return lwt.ReturnUnit() })
	b.ReportAllocs()
	b.ResetTimer()
	runLoop(b, echoRounds(w1, r2, b.N))
	b.StopTimer()
	w1.Close()
	runLoop(b, server)
}

func BenchmarkPipeEchoOSPipe(b *testing.B) {
	r1, w1, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	r2, w2, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer w2.Close()
		defer r1.Close()
		buf := make([]byte, 16<<10)
		for {
			n, err := r1.Read(buf)
			if err != nil {
				return
			}
			if _, err := w2.Write(buf[:n]); err != nil {
				return
			}
		}
	}()
	msg, buf := make([]byte, echoSize), make([]byte, echoSize)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := w1.Write(msg); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(r2, buf); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	w1.Close()
	<-done
	r2.Close()
}

// The cost of an operation that does not wait: a write and a read of data
// that is there, each one system call and no allocation.
func BenchmarkSocketpairWriteReadReady(b *testing.B) {
	c, s, err := lwtunix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer closeAll(b, c, s)
	msg, buf := make([]byte, echoSize), make([]byte, echoSize)
	b.ReportAllocs()
	for b.Loop() {
		if n, err := c.Write(msg).Result(); n != echoSize || err != nil {
			b.Fatal(n, err)
		}
		if n, err := s.Read(buf).Result(); n != echoSize || err != nil {
			b.Fatal(n, err)
		}
	}
}
