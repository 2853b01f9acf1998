//go:build lwtsource

// Command httpd is a minimal HTTP/1.1 server: it answers "Hello, world!" to
// every request and keeps connections alive. It is what BENCHMARKS.md
// measures against a net/http server with wrk, and shows a server written in
// the annotated style: one light-weight thread per connection, reading
// requests with buffered channels.
//
//	go run ./examples/httpd -addr 127.0.0.1:8080
//
// It reads request lines and headers, skips bodies with a Content-Length,
// and answers pipelined requests in order. It refuses what it does not
// handle (chunked bodies, lines over 8 KiB, more than 100 headers, bodies
// over 1 MiB) with an error status, then closes the connection.
package main

//go:generate go tool lwtgen

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtio"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

const (
	maxLine    = 8 << 10
	maxHeaders = 100
	maxBody    = 1 << 20
)

// request is what the server needs to know of a request.
type request struct {
	head      bool // a HEAD request: no body in the response
	http10    bool // an HTTP/1.0 request, persistent only if it asks
	keepAlive bool
	bodyLen   int
}

// statusError is a request the server refuses with status.
type statusError struct {
	status int
	reason string
}

func (e *statusError) Error() string { return fmt.Sprintf("%d %s", e.status, e.reason) }

var (
	errBadRequest  = &statusError{400, "Bad Request"}
	errTooLarge    = &statusError{413, "Content Too Large"}
	errHeaderLarge = &statusError{431, "Request Header Fields Too Large"}
	errChunked     = &statusError{501, "Not Implemented"}
	errVersion     = &statusError{505, "HTTP Version Not Supported"}
)

// readRequest parses the request line of a request, then reads its
// headers; they have usually come with it, and then it does not wait. A line
// longer than maxLine fails with lwtio.ErrLineTooLong.
//
//lwt:async
func readRequest(in *lwtio.InputChannel, line string) lwt.Promise[request] {
	method, rest, ok1 := strings.Cut(line, " ")
	_, proto, ok2 := strings.Cut(rest, " ")
	if !ok1 || !ok2 || method == "" {
		return lwt.Fail[request](errBadRequest)
	}
	var req request
	switch proto {
	case "HTTP/1.1":
		req.keepAlive = true
	case "HTTP/1.0":
		req.http10 = true
	default:
		return lwt.Fail[request](errVersion)
	}
	req.head = method == "HEAD"
	closing := false // "close" wins over "keep-alive" (RFC 9112, 9.6)
	seenLength := false
	for n := 0; ; n++ {
		h := lwt.Await(in.ReadLineMax(maxLine))
		if h == "" {
			if closing {
				req.keepAlive = false
			}
			return lwt.Return(req)
		}
		if n == maxHeaders {
			return lwt.Fail[request](errHeaderLarge)
		}
		name, value, ok := strings.Cut(h, ":")
		if !ok || name == "" || strings.TrimRight(name, " \t") != name {
			// No space is allowed before the colon (RFC 9112, 5.1): a
			// "Content-Length :" that went unrecognised would smuggle a body.
			return lwt.Fail[request](errBadRequest)
		}
		value = strings.TrimSpace(value)
		switch {
		case strings.EqualFold(name, "Connection"):
			for _, opt := range strings.Split(value, ",") {
				switch opt = strings.TrimSpace(opt); {
				case strings.EqualFold(opt, "close"):
					closing = true
				case strings.EqualFold(opt, "keep-alive"):
					req.keepAlive = true
				}
			}
		case strings.EqualFold(name, "Content-Length"):
			n, err := strconv.Atoi(value)
			if err != nil || n < 0 || (seenLength && n != req.bodyLen) {
				return lwt.Fail[request](errBadRequest) // two different lengths too (RFC 9112, 6.3)
			}
			seenLength = true
			if n > maxBody {
				return lwt.Fail[request](errTooLarge)
			}
			req.bodyLen = n
		case strings.EqualFold(name, "Transfer-Encoding"):
			return lwt.Fail[request](errChunked)
		}
	}
}

// serve answers the requests of one connection until it ends.
//
//lwt:async
func serve(c lwtio.Conn) lwt.Promise[lwt.Unit] {
	for {
		// Wait for a request here, in the frame that lives as long as the
		// connection, rather than in readRequest's, which would then have
		// to be kept on the heap for each request.
		line, err := lwt.Try(c.In.ReadLineMax(maxLine))
		for err == nil && line == "" { // RFC 9112, 2.2: empty lines before a request are ignored
			line, err = lwt.Try(c.In.ReadLineMax(maxLine))
		}
		var req request
		if err == nil {
			req, err = lwt.Try(readRequest(c.In, line))
		}
		if errors.Is(err, lwtio.ErrLineTooLong) {
			err = errHeaderLarge
		}
		if err != nil {
			var refused *statusError
			if errors.As(err, &refused) {
				lwt.Await(c.Out.Write(errorResponse(refused)))
				// Closing Out flushes the response and shuts down sending.
				// Then read what the client may still be sending, for a
				// while: closing with input unread makes the kernel reset
				// the connection, and the client could lose the response
				// (net/http waits the same way).
				lwt.Await(c.Out.Close())
				_, _ = lwt.Try(lwtunix.WithTimeout(lingerTime, func() lwt.Promise[lwt.Unit] { return drain(c.In, lingerBytes) }))
				return lwt.ReturnUnit()
			}
			if errors.Is(err, io.EOF) || errors.Is(err, unix.ECONNRESET) {
				return lwt.ReturnUnit() // the client is gone: not an error
			}
			return lwt.Fail[lwt.Unit](err)
		}
		if req.bodyLen > 0 {
			lwt.Await(c.In.ReadIntoExactly(make([]byte, req.bodyLen)))
		}
		lwt.Await(c.Out.Write(response(req)))
		if !req.keepAlive {
			return lwt.ReturnUnit()
		}
		if c.In.Buffered() == 0 {
			// No pipelined request waits: send what is buffered.
			lwt.Await(c.Out.Flush())
		}
	}
}

// How long and how much a refused client's input is read before closing.
const (
	lingerTime  = 500 * time.Millisecond
	lingerBytes = 256 << 10
)

// drain reads and drops input until its end, or until it has read limit
// bytes.
//
//lwt:async
func drain(in *lwtio.InputChannel, limit int) lwt.Promise[lwt.Unit] {
	for limit > 0 {
		s := lwt.Await(in.Read(min(limit, lwtio.DefaultBufferSize)))
		if s == "" {
			break
		}
		limit -= len(s)
	}
	return lwt.ReturnUnit()
}

// Responses, remade when the second changes (for their Date header).
var (
	responseSecond int64
	responses      [6]string // indexed by connection<<1 | head
)

// The connection headers of responses: none (HTTP/1.1 keeps the connection
// by default), "close", and "keep-alive" (what an HTTP/1.0 client that asked
// for it needs to hear).
var connectionHeaders = [3]string{"", "Connection: close\r\n", "Connection: keep-alive\r\n"}

func response(req request) string {
	now := time.Now()
	if s := now.Unix(); s != responseSecond {
		responseSecond = s
		date := now.UTC().Format(time.RFC1123)
		date = date[:len(date)-3] + "GMT"
		for i := range responses {
			h := "HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain; charset=utf-8\r\nDate: " + date + "\r\n"
			h += connectionHeaders[i>>1] + "\r\n"
			if i&1 == 0 {
				h += "Hello, world!"
			}
			responses[i] = h
		}
	}
	i := 0
	switch {
	case !req.keepAlive:
		i = 1 << 1
	case req.http10:
		i = 2 << 1
	}
	if req.head {
		i |= 1
	}
	return responses[i]
}

func errorResponse(e *statusError) string {
	return fmt.Sprintf("HTTP/1.1 %d %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", e.status, e.reason)
}

// run serves on address until ctx is done; started is given the address it
// listens on.
//
//lwt:async
func run(ctx context.Context, address string, started func(addr string)) lwt.Promise[lwt.Unit] {
	addr := lwt.Await(lwtio.ResolveAddr(address))
	srv := lwt.Await(lwtio.EstablishServer(addr, lwtio.ServerOptions{}, serve))
	started(lwtio.SockaddrString(srv.Addr()))
	lwt.Await(lwtunix.Done(ctx))
	lwt.Await(srv.Shutdown())
	return lwt.ReturnUnit()
}

func main() { os.Exit(command()) }

// command runs the server until SIGINT or SIGTERM and returns the exit
// status.
func command() int {
	address := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "httpd:", err)
			return 2
		}
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	_, err := lwtmain.Run(run(ctx, *address, func(addr string) {
		fmt.Printf("listening on http://%s\n", addr)
	}))
	if err != nil {
		fmt.Fprintln(os.Stderr, "httpd:", err)
		return 1
	}
	return 0
}
