package main

import (
	"strings"
	"testing"

	"github.com/lwtgo/lwt/examples/internal/servertest"
)

// headers reads a response's head and returns its header lines.
func headers(t *testing.T, c *servertest.Client) (status string, hs []string, length int) {
	t.Helper()
	status = c.Line()
	for {
		h := c.Line()
		if h == "" {
			return status, hs, length
		}
		hs = append(hs, h)
		if v, ok := strings.CutPrefix(h, "Content-Length: "); ok {
			for _, d := range v {
				length = 10*length + int(d-'0')
			}
		}
	}
}

// An HTTP/1.0 client that asks for keep-alive is told that the connection
// stays open ("Connection: keep-alive"): without it, such a client (ab -k,
// for one) takes the response as the last and waits for the server to
// close the connection, which it does not.
func TestHTTP10KeepAliveAnswered(t *testing.T) {
	addr := servertest.Start(t, run)
	c := servertest.Dial(t, addr)
	c.Send("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
	status, hs, n := headers(t, c)
	c.Read(n)
	if status != "HTTP/1.1 200 OK" {
		t.Fatalf("status %q", status)
	}
	found := false
	for _, h := range hs {
		if strings.EqualFold(h, "Connection: keep-alive") {
			found = true
		}
	}
	if !found {
		t.Errorf("response to an HTTP/1.0 keep-alive request without Connection: keep-alive: %q", hs)
	}
	// An HTTP/1.1 request needs no such header.
	c.Send("GET / HTTP/1.1\r\n\r\n")
	_, hs, n = headers(t, c)
	c.Read(n)
	for _, h := range hs {
		if strings.HasPrefix(h, "Connection:") {
			t.Errorf("HTTP/1.1 keep-alive response with %q", h)
		}
	}
}

// The "close" option wins, wherever it is among the Connection header's
// options (RFC 9112, 9.6).
func TestConnectionCloseWins(t *testing.T) {
	addr := servertest.Start(t, run)
	for _, req := range []string{
		"GET / HTTP/1.1\r\nConnection: close, keep-alive\r\n\r\n",
		"GET / HTTP/1.1\r\nConnection: close\r\nConnection: keep-alive\r\n\r\n",
		"GET / HTTP/1.0\r\nConnection: close, Keep-Alive\r\n\r\n",
	} {
		c := servertest.Dial(t, addr)
		c.Send(req)
		readResponse(t, c)
		if !c.Closed() {
			t.Errorf("%q: connection left open", req)
		}
	}
}
