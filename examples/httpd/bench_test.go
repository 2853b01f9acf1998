package main

import (
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtio"
)

// BenchmarkServeInMemory is the server's own work for one keep-alive
// request: serve on channels whose backends are in memory, with the request
// arriving while serve waits for it, as it does on a socket. No system call
// is measured; wrk's figures in BENCHMARKS.md add them.
func BenchmarkServeInMemory(b *testing.B) {
	const req = "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"
	var (
		dst     []byte
		wake    lwt.Resolver[int]
		written int
	)
	in := lwtio.MakeInput(func(buf []byte) lwt.Promise[int] {
		p, r := lwt.Task[int]()
		dst, wake = buf, r
		return p
	}, lwtio.Options{})
	out := lwtio.MakeOutput(func(buf []byte) lwt.Promise[int] {
		written += len(buf)
		return lwt.Return(len(buf))
	}, lwtio.Options{})
	session := serve(lwtio.Conn{In: in, Out: out})
	b.ReportAllocs()
	for b.Loop() {
		lwt.Wakeup(wake, copy(dst, req))
	}
	if !session.IsSleeping() || written < b.N*100 {
		b.Fatalf("session %v, %d bytes written for %d requests", session, written, b.N)
	}
}
