package lwtio_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtio"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// echoLines sends back each line it reads, until the end of input.
func echoLines(c lwtio.Conn) lwt.Promise[lwt.Unit] {
	return lwt.Bind(c.In.ReadLineOpt(), func(l lwtio.Opt[string]) lwt.Promise[lwt.Unit] {
		if !l.OK {
			return lwt.ReturnUnit()
		}
		return lwt.Bind(c.Out.WriteLine(l.Value), func(lwt.Unit) lwt.Promise[lwt.Unit] {
			return lwt.Bind(c.Out.Flush(), func(lwt.Unit) lwt.Promise[lwt.Unit] { return echoLines(c) })
		})
	})
}

// ask connects to addr, sends line and returns the line it gets back.
func ask(addr unix.Sockaddr, line string) lwt.Promise[string] {
	return lwtio.WithConnection(addr, lwtio.ConnOptions{}, func(c lwtio.Conn) lwt.Promise[string] {
		return lwt.Bind(c.Out.WriteLine(line), func(lwt.Unit) lwt.Promise[string] {
			return lwt.Bind(c.Out.Flush(), func(lwt.Unit) lwt.Promise[string] { return c.In.ReadLine() })
		})
	})
}

func resolve(t *testing.T, address string) unix.Sockaddr {
	t.Helper()
	sa, err := lwtmain.Run(lwtio.ResolveAddr(address))
	if err != nil {
		t.Fatal(err)
	}
	return sa
}

func TestServerRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.sock")
	for _, address := range []string{"127.0.0.1:0", "[::1]:0", path, fmt.Sprintf("@lwtio-test-%d", os.Getpid())} {
		t.Run(address, func(t *testing.T) {
			srv, err := lwtmain.Run(lwtio.EstablishServer(resolve(t, address), lwtio.ServerOptions{}, echoLines))
			if errors.Is(err, unix.EADDRNOTAVAIL) || errors.Is(err, unix.EAFNOSUPPORT) {
				t.Skipf("no such address here: %v", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			for i := range 3 {
				msg := fmt.Sprintf("hello %d", i)
				if got, err := lwtmain.Run(ask(srv.Addr(), msg)); err != nil || got != msg {
					t.Fatalf("got %q, %v", got, err)
				}
			}
			if _, err := lwtmain.Run(srv.Shutdown()); err != nil {
				t.Fatal(err)
			}
			if address == path {
				if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("socket file left after shutdown: %v", err)
				}
			}
			if _, err := lwtmain.Run(ask(srv.Addr(), "again")); err == nil {
				t.Error("connected after shutdown")
			}
		})
	}
}

// The server closes both channels when the handler is done, flushing what
// it wrote; with NoClose it leaves them to the handler.
func TestServerClosesConnections(t *testing.T) {
	var kept []lwtio.Conn
	for _, noClose := range []bool{false, true} {
		srv, err := lwtmain.Run(lwtio.EstablishServer(resolve(t, "127.0.0.1:0"), lwtio.ServerOptions{NoClose: noClose},
			func(c lwtio.Conn) lwt.Promise[lwt.Unit] {
				kept = append(kept, c)
				return c.Out.Write("bye\n") // not flushed
			}))
		if err != nil {
			t.Fatal(err)
		}
		c, err := net.Dial("tcp", lwtio.SockaddrString(srv.Addr()))
		if err != nil {
			t.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		// Run the loop until the client has read to the end of input.
		done := make(chan string, 1)
		go func() {
			var all []byte
			buf := make([]byte, 16)
			for {
				n, err := c.Read(buf)
				all = append(all, buf[:n]...)
				if err != nil {
					done <- string(all)
					return
				}
			}
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		lwtmain.Run(lwtunix.Done(ctx))
		cancel()
		select {
		case got := <-done:
			if noClose {
				t.Errorf("NoClose: the connection was closed (read %q)", got)
			} else if got != "bye\n" {
				t.Errorf("read %q, want the handler's unflushed line and the end", got)
			}
		default:
			if !noClose {
				t.Error("the connection is still open after its handler was done")
			}
			// NoClose: the handler's connection is its own to close.
			lwtmain.Run(kept[len(kept)-1].Close())
			if got := <-done; got != "bye\n" {
				t.Errorf("NoClose: read %q after the handler closed", got)
			}
		}
		c.Close()
		lwtmain.Run(srv.Shutdown())
	}
}

// A handler's failure goes to OnError and the server goes on; a panic with
// no OnError goes to the async exception hook.
func TestServerHandlerFailures(t *testing.T) {
	boom := errors.New("boom")
	var reported []error
	srv, err := lwtmain.Run(lwtio.EstablishServer(resolve(t, "127.0.0.1:0"),
		lwtio.ServerOptions{OnError: func(peer unix.Sockaddr, err error) {
			if _, ok := lwtunix.AddrPortOf(peer); !ok {
				t.Errorf("peer %v", peer)
			}
			reported = append(reported, err)
		}},
		func(c lwtio.Conn) lwt.Promise[lwt.Unit] {
			return lwt.Bind(c.In.ReadLine(), func(l string) lwt.Promise[lwt.Unit] {
				if l == "fail" {
					return lwt.Fail[lwt.Unit](boom)
				}
				return echoLines(lwtio.Conn{In: lwtio.MakeInput(func([]byte) lwt.Promise[int] { return lwt.Return(0) }, lwtio.Options{}), Out: c.Out})
			})
		}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lwtmain.Run(ask(srv.Addr(), "fail")); err == nil {
		t.Error("the failing handler answered")
	}
	if len(reported) != 1 || !errors.Is(reported[0], boom) {
		t.Errorf("OnError got %v", reported)
	}
	lwtmain.Run(srv.Shutdown())

	var hooked error
	defer lwt.SetAsyncExceptionHook(lwt.SetAsyncExceptionHook(func(err error) { hooked = err }))
	srv, err = lwtmain.Run(lwtio.EstablishServer(resolve(t, "127.0.0.1:0"), lwtio.ServerOptions{},
		func(c lwtio.Conn) lwt.Promise[lwt.Unit] { panic("handler bug") }))
	if err != nil {
		t.Fatal(err)
	}
	lwtmain.Run(ask(srv.Addr(), "x"))
	var pe *lwt.PanicError
	if !errors.As(hooked, &pe) {
		t.Errorf("the async hook got %v, want the handler's panic", hooked)
	}
	lwtmain.Run(srv.Shutdown())
}

// When accept runs out of descriptors the server waits before trying again
// instead of spinning, and serves the queued connections once it can.
func TestServerEMFILE(t *testing.T) {
	srv, err := lwtmain.Run(lwtio.EstablishServer(resolve(t, "127.0.0.1:0"), lwtio.ServerOptions{}, echoLines))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { lwtmain.Run(srv.Shutdown()) }()
	// Connect the clients first: the kernel queues them until accept.
	const clients = 5
	conns := make([]net.Conn, clients)
	for i := range conns {
		if conns[i], err = net.Dial("tcp", lwtio.SockaddrString(srv.Addr())); err != nil {
			t.Fatal(err)
		}
		defer conns[i].Close()
		conns[i].Write([]byte("ping\n"))
	}
	// Then leave no descriptor to accept them with.
	var saved unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &saved); err != nil {
		t.Fatal(err)
	}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	low := saved
	low.Cur = uint64(len(fds)) // ReadDir's own descriptor is closed again
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &low); err != nil {
		t.Fatal(err)
	}
	defer unix.Setrlimit(unix.RLIMIT_NOFILE, &saved)

	rounds := 0
	count := func() { rounds++ }
	hook := lwtmain.EnterIterHooks.AddLast(count)
	starved := lwt.Bind(lwtunix.Sleep(200*time.Millisecond), func(lwt.Unit) lwt.Promise[lwt.Unit] {
		if rounds > 100 {
			t.Errorf("the loop went round %d times in 200 ms without descriptors: it spins", rounds)
		}
		unix.Setrlimit(unix.RLIMIT_NOFILE, &saved)
		return lwt.ReturnUnit()
	})
	if _, err := lwtmain.Run(starved); err != nil {
		t.Fatal(err)
	}
	hook.Remove()

	answered := make(chan error, clients)
	for _, c := range conns {
		go func() {
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			buf := make([]byte, 5)
			_, err := c.Read(buf)
			if err == nil && string(buf) != "ping\n" {
				err = fmt.Errorf("got %q", buf)
			}
			answered <- err
		}()
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for range clients {
			if err := <-answered; err != nil {
				t.Errorf("client: %v", err)
			}
		}
		cancel()
	}()
	lwtmain.Run(lwtunix.Done(ctx))
}

func TestReadLineMax(t *testing.T) {
	for _, tc := range []struct {
		in    string
		max   int
		chunk int
		want  []string // "!" for ErrLineTooLong, "$" for ErrEOF
	}{
		{"abcd\nxy\n", 4, 100, []string{"abcd", "xy", "$"}},
		{"abcde\nxy\n", 4, 100, []string{"!", "e", "xy", "$"}},
		{"abcd\r\nxy", 4, 100, []string{"abcd", "xy", "$"}},
		{"abcd\r\nxy", 4, 1, []string{"abcd", "xy", "$"}},   // the "\r\n" split across reads
		{"abcd\r\nxy", 4, 5, []string{"abcd", "xy", "$"}},   // the '\r' last of a read
		{"abcd\rx\n", 4, 5, []string{"!", "x", "$"}},        // a '\r' that ends no line counts
		{"abcdefghij", 4, 3, []string{"!", "!", "ij", "$"}}, // no newline at all
		{"abcd\r", 4, 100, []string{"!", "$"}},
		{"\n\n", 0, 1, []string{"", "", "$"}},
	} {
		ic := chunked(tc.in, tc.chunk, 16)
		var got []string
		for range len(tc.want) {
			l, err := lwtmain.Run(ic.ReadLineMax(tc.max))
			switch {
			case errors.Is(err, lwtio.ErrLineTooLong):
				l = "!"
			case errors.Is(err, lwtio.ErrEOF):
				l = "$"
			case err != nil:
				t.Fatal(err)
			}
			got = append(got, l)
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%q max %d chunk %d: got %q, want %q", tc.in, tc.max, tc.chunk, got, tc.want)
		}
	}
}

func TestResolveAddr(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"127.0.0.1:80", "127.0.0.1:80"},
		{"[::1]:8080", "[::1]:8080"},
		{":8080", "0.0.0.0:8080"},
		{"localhost:80", "127.0.0.1:80|[::1]:80"},
		{"/run/x.sock", "/run/x.sock"},
		{"./x.sock", "./x.sock"},
		{"@abstract", "@abstract"},
	} {
		sa, err := lwtmain.Run(lwtio.ResolveAddr(tc.in))
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if got := lwtio.SockaddrString(sa); !strings.Contains("|"+tc.want+"|", "|"+got+"|") {
			t.Errorf("%s: got %s, want %s", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{"nocolon", "1.2.3.4:notaport:", "[::1"} {
		if sa, err := lwtmain.Run(lwtio.ResolveAddr(bad)); err == nil {
			t.Errorf("%s: got %v, want an error", bad, sa)
		}
	}
}
