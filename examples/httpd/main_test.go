package main

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/lwtgo/lwt/examples/internal/servertest"
)

func TestKeepAliveWithNetHTTPClient(t *testing.T) {
	addr := servertest.Start(t, run)
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 4}}
	defer client.CloseIdleConnections()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 50 {
				resp, err := client.Get("http://" + addr + "/")
				if err != nil {
					t.Error(err)
					return
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || string(body) != "Hello, world!" || resp.StatusCode != 200 {
					t.Errorf("got %d %q %v", resp.StatusCode, body, err)
					return
				}
				if ct := resp.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
					t.Errorf("Content-Type %q", ct)
				}
			}
		})
	}
	wg.Wait()
}

// readResponse reads a response's head and body from c, and returns its
// status line and body.
func readResponse(t *testing.T, c *servertest.Client) (status, body string) {
	t.Helper()
	status, length := readHead(t, c)
	return status, c.Read(length)
}

// readHead reads a response's head, and returns its status line and
// Content-Length.
func readHead(t *testing.T, c *servertest.Client) (status string, length int) {
	t.Helper()
	status = c.Line()
	for {
		h := c.Line()
		if h == "" {
			break
		}
		if v, ok := strings.CutPrefix(h, "Content-Length: "); ok {
			for _, d := range v {
				length = 10*length + int(d-'0')
			}
		}
	}
	return status, length
}

func TestPipelinedAndHead(t *testing.T) {
	addr := servertest.Start(t, run)
	c := servertest.Dial(t, addr)
	c.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n" +
		"\r\nHEAD / HTTP/1.1\r\nHost: x\r\n\r\n" +
		"POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
		"GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
	want := []struct{ status, body string }{
		{"HTTP/1.1 200 OK", "Hello, world!"},
		{"HTTP/1.1 200 OK", ""}, // HEAD: the length of a body, without it
		{"HTTP/1.1 200 OK", "Hello, world!"},
		{"HTTP/1.1 200 OK", "Hello, world!"},
	}
	for i, w := range want {
		if i == 1 {
			if status, length := readHead(t, c); status != w.status || length != 13 {
				t.Errorf("response %d: %q, length %d", i, status, length)
			}
			continue
		}
		status, body := readResponse(t, c)
		if status != w.status || body != w.body {
			t.Errorf("response %d: %q %q, want %q %q", i, status, body, w.status, w.body)
		}
	}
	if !c.Closed() {
		t.Error("connection still open after Connection: close")
	}
}

func TestHTTP10ClosesByDefault(t *testing.T) {
	addr := servertest.Start(t, run)
	c := servertest.Dial(t, addr)
	c.Send("GET / HTTP/1.0\r\n\r\n")
	if status, body := readResponse(t, c); status != "HTTP/1.1 200 OK" || body != "Hello, world!" {
		t.Errorf("got %q %q", status, body)
	}
	if !c.Closed() {
		t.Error("HTTP/1.0 connection left open")
	}
	k := servertest.Dial(t, addr)
	k.Send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n")
	readResponse(t, k)
	readResponse(t, k)
	if !k.Closed() {
		t.Error("HTTP/1.0 connection left open")
	}
}

func TestRefusedRequests(t *testing.T) {
	addr := servertest.Start(t, run)
	for _, tc := range []struct{ name, request, status string }{
		{"garbage", "hello\r\n\r\n", "HTTP/1.1 400 Bad Request"},
		{"version", "GET / HTTP/2.0\r\n\r\n", "HTTP/1.1 505 HTTP Version Not Supported"},
		{"chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", "HTTP/1.1 501 Not Implemented"},
		{"bad length", "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 400 Bad Request"},
		{"huge body", "POST / HTTP/1.1\r\nContent-Length: 100000000\r\n\r\n", "HTTP/1.1 413 Content Too Large"},
		{"bad header", "GET / HTTP/1.1\r\nno colon\r\n\r\n", "HTTP/1.1 400 Bad Request"},
		{"space before colon", "POST / HTTP/1.1\r\nContent-Length : 5\r\n\r\nhello", "HTTP/1.1 400 Bad Request"},
		{"two lengths", "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", "HTTP/1.1 400 Bad Request"},
		{"many headers", "GET / HTTP/1.1\r\n" + strings.Repeat("X: y\r\n", 101) + "\r\n", "HTTP/1.1 431 Request Header Fields Too Large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := servertest.Dial(t, addr)
			c.Send(tc.request)
			if status, _ := readResponse(t, c); status != tc.status {
				t.Errorf("got %q, want %q", status, tc.status)
			}
			if !c.Closed() {
				t.Error("connection left open after an error response")
			}
		})
	}
}

// A 10 MB request line is refused after 8 KiB, without being held in
// memory; the server goes on.
func TestTenMegabyteLine(t *testing.T) {
	addr := servertest.Start(t, run)
	before := servertest.HeapInUse()
	c := servertest.Dial(t, addr)
	go func() {
		chunk := []byte("GET /" + strings.Repeat("a", 64<<10))
		for range 160 {
			if _, err := c.Conn.Write(chunk); err != nil {
				return // refused and closed, as it should be
			}
			chunk = []byte(strings.Repeat("a", 64<<10))
		}
	}()
	if status, _ := readResponse(t, c); status != "HTTP/1.1 431 Request Header Fields Too Large" {
		t.Errorf("got %q", status)
	}
	if grown := int64(servertest.HeapInUse()) - int64(before); grown > 4<<20 {
		t.Errorf("heap grew by %d bytes", grown)
	}
	checkServes(t, addr)
}

// Clients that vanish mid-line, reset their connection, or send requests
// without reading the responses do not stop the server or fill its memory.
func TestBadClients(t *testing.T) {
	addr := servertest.Start(t, run)
	before := servertest.HeapInUse()
	for range 20 {
		h := servertest.Dial(t, addr)
		h.Send("GET / HT")
		h.Conn.Close()
		r := servertest.Dial(t, addr)
		r.Send("GET / HTTP/1.1\r\n\r\nGET / HT")
		r.Reset()
	}
	hog := servertest.Dial(t, addr)
	go func() {
		req := []byte(strings.Repeat("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 1000))
		for range 400 { // 10 MB of requests, responses never read
			if _, err := hog.Conn.Write(req); err != nil {
				return
			}
		}
	}()
	checkServes(t, addr)
	if grown := int64(servertest.HeapInUse()) - int64(before); grown > 4<<20 {
		t.Errorf("heap grew by %d bytes", grown)
	}
}

func checkServes(t *testing.T, addr string) {
	t.Helper()
	c := servertest.Dial(t, addr)
	c.Send("GET / HTTP/1.1\r\n\r\n")
	if status, body := readResponse(t, c); status != "HTTP/1.1 200 OK" || body != "Hello, world!" {
		t.Errorf("got %q %q", status, body)
	}
}
