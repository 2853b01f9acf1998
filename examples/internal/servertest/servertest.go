// Package servertest runs the example servers in tests: on a loop of their
// own, in a goroutine, with clients from Go's net package in others.
package servertest

import (
	"bufio"
	"context"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

// Server is the shape of the examples' server functions: serve on address
// until ctx is done, calling started with the address listened on.
type Server func(ctx context.Context, address string, started func(addr string)) lwt.Promise[lwt.Unit]

// Start runs srv on a free loopback port and returns its address. The
// server is stopped at the end of the test, which fails if Run fails.
func Start(t testing.TB, srv Server) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		_, err := lwtmain.Run(srv(ctx, "127.0.0.1:0", func(addr string) { addrc <- addr }))
		done <- err
	}()
	select {
	case addr := <-addrc:
		t.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("server: %v", err)
			}
		})
		return addr
	case err := <-done:
		cancel()
		t.Fatalf("server did not start: %v", err)
	case <-time.After(10 * time.Second):
	}
	cancel()
	t.Fatal("server did not start in 10s")
	return ""
}

// Client is a line-oriented connection to a server under test.
type Client struct {
	t    testing.TB
	Conn *net.TCPConn
	r    *bufio.Reader
}

// Dial connects to addr.
func Dial(t testing.TB, addr string) *Client {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &Client{t: t, Conn: c.(*net.TCPConn), r: bufio.NewReaderSize(c, 64<<10)}
}

// Send writes s.
func (c *Client) Send(s string) {
	c.t.Helper()
	c.Conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Conn.Write([]byte(s)); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

// Line reads a line and returns it without its end, failing the test after
// 10 seconds.
func (c *Client) Line() string {
	c.t.Helper()
	c.Conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	s, err := c.r.ReadString('\n')
	if err != nil {
		c.t.Fatalf("read line (got %q): %v", s, err)
	}
	return strings.TrimRight(s, "\r\n")
}

// Read reads exactly n bytes.
func (c *Client) Read(n int) string {
	c.t.Helper()
	c.Conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, n)
	if _, err := io.ReadFull(c.r, buf); err != nil {
		c.t.Fatalf("read %d bytes: %v", n, err)
	}
	return string(buf)
}

// Closed reports whether the server closed the connection (or reset it):
// the next read gives the end of input or an error other than a timeout.
func (c *Client) Closed() bool {
	c.t.Helper()
	c.Conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, err := c.r.ReadByte()
		if err == nil {
			continue
		}
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			return false
		}
		return true
	}
}

// Reset closes the connection with a reset (SO_LINGER 0) instead of an
// orderly shutdown.
func (c *Client) Reset() {
	c.Conn.SetLinger(0)
	c.Conn.Close()
}

// HeapInUse returns the bytes of heap in use after a collection.
func HeapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
