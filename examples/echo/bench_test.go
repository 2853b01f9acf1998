package main

import (
	"bytes"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/lwtgo/lwt/examples/internal/servertest"
)

// BenchmarkEchoThroughput sends data through the echo server from 50
// connections at once and reads it back; the goroutine case is the same
// server written with a goroutine per connection and net's blocking calls.
// Both read and write through 4 KiB buffers.
//
//	go test -run XXX -bench EchoThroughput ./examples/echo
func BenchmarkEchoThroughput(b *testing.B) {
	b.Run("lwt", func(b *testing.B) { benchEcho(b, servertest.Start(b, server)) })
	b.Run("goroutines", func(b *testing.B) { benchEcho(b, goroutineEcho(b)) })
}

func goroutineEcho(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 4096)
				for {
					n, err := c.Read(buf)
					if n > 0 {
						if _, err := c.Write(buf[:n]); err != nil {
							return
						}
					}
					if err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func benchEcho(b *testing.B, addr string) {
	const conns, chunk = 50, 16 << 10
	msg := bytes.Repeat([]byte("0123456789abcdef"), chunk/16)
	cs := make([]net.Conn, conns)
	for i := range cs {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		cs[i] = c
	}
	b.SetBytes(chunk)
	b.ResetTimer()
	var wg sync.WaitGroup
	per := b.N/conns + 1
	for _, c := range cs {
		wg.Go(func() {
			buf := make([]byte, chunk)
			for range per {
				if _, err := c.Write(msg); err != nil {
					b.Error(err)
					return
				}
				if _, err := io.ReadFull(c, buf); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}
