package lwtunix_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/engine"
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// echo writes back what it reads from fd until the end of the stream, then
// closes fd (on an error too).
func echo(fd *lwtunix.FD) lwt.Promise[lwt.Unit] {
	buf := make([]byte, 16<<10)
	var loop func() lwt.Promise[lwt.Unit]
	loop = func() lwt.Promise[lwt.Unit] {
		return lwt.Bind(fd.Read(buf), func(n int) lwt.Promise[lwt.Unit] {
			if n == 0 {
				return lwt.ReturnUnit()
			}
			return lwt.Bind(writeAll(fd, buf[:n]), func(lwt.Unit) lwt.Promise[lwt.Unit] { return loop() })
		})
	}
	return lwt.Finalize(loop, func() lwt.Promise[lwt.Unit] {
		fd.Close()
		return lwt.ReturnUnit()
	})
}

// serve accepts n connections on l, hands each to handle, and waits for all
// the handlers.
func serve(l *lwtunix.FD, n int, handle func(*lwtunix.FD) lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit] {
	var hs []lwt.Promise[lwt.Unit]
	var loop func(int) lwt.Promise[lwt.Unit]
	loop = func(i int) lwt.Promise[lwt.Unit] {
		if i == n {
			return lwt.Join(hs...)
		}
		return lwt.Bind(l.Accept(), func(a lwtunix.Accepted) lwt.Promise[lwt.Unit] {
			hs = append(hs, handle(a.FD))
			return loop(i + 1)
		})
	}
	return loop(0)
}

// roundTrip writes data to c while reading as many bytes back.
func roundTrip(c *lwtunix.FD, data []byte) lwt.Promise[[]byte] {
	w := writeAll(c, data)
	r := readN(c, len(data))
	return lwt.Bind(w, func(lwt.Unit) lwt.Promise[[]byte] { return r })
}

// listenOn makes a listening stream socket bound to sa and returns it with
// the address it got.
func listenOn(t testing.TB, family int, sa unix.Sockaddr) (*lwtunix.FD, unix.Sockaddr) {
	t.Helper()
	l, err := lwtunix.Socket(family, unix.SOCK_STREAM, 0)
	if errors.Is(err, unix.EAFNOSUPPORT) {
		t.Skipf("no sockets of family %d: %v", family, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := l.SetReuseAddr(true); err != nil {
		t.Fatal(err)
	}
	if _, err := lwtmain.Run(l.Bind(sa)); err != nil {
		l.Close()
		if errors.Is(err, unix.EADDRNOTAVAIL) || errors.Is(err, unix.EAFNOSUPPORT) {
			t.Skipf("cannot bind %v: %v", sa, err)
		}
		t.Fatal(err)
	}
	if err := l.Listen(4096); err != nil {
		t.Fatal(err)
	}
	bound, err := l.Getsockname()
	if err != nil {
		t.Fatal(err)
	}
	return l, bound
}

func TestSocketpairRoundTrip(t *testing.T) {
	a, b, err := lwtunix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	fl, _ := unix.FcntlInt(uintptr(a.Unix()), unix.F_GETFL, 0)
	fdfl, _ := unix.FcntlInt(uintptr(b.Unix()), unix.F_GETFD, 0)
	if fl&unix.O_NONBLOCK == 0 || fdfl&unix.FD_CLOEXEC == 0 {
		t.Fatalf("socketpair flags %#x %#x", fl, fdfl)
	}
	buf := make([]byte, 4)
	p := lwt.Bind(b.Recv(buf, 0), func(n int) lwt.Promise[int] {
		if string(buf[:n]) != "ping" {
			return lwt.Fail[int](fmt.Errorf("b got %q", buf[:n]))
		}
		return b.Send([]byte("pong"), unix.MSG_NOSIGNAL)
	})
	p = lwt.Bind(p, func(int) lwt.Promise[int] { return a.Recv(buf, 0) })
	a.Send([]byte("ping"), unix.MSG_NOSIGNAL)
	if n := runLoop(t, p); string(buf[:n]) != "pong" {
		t.Fatalf("a got %q", buf[:n])
	}
	// MSG_PEEK leaves the data.
	b.Send([]byte("peek"), 0)
	runLoop(t, a.Recv(buf, unix.MSG_PEEK))
	if n := runLoop(t, a.Read(buf)); string(buf[:n]) != "peek" {
		t.Fatalf("after peek: %q", buf[:n])
	}
	// Shutting down the writing side is the end of the stream for the peer.
	if err := b.Shutdown(unix.SHUT_WR); err != nil {
		t.Fatal(err)
	}
	if n := runLoop(t, a.Recv(buf, 0)); n != 0 {
		t.Fatalf("Recv after the peer's shutdown: %d", n)
	}
	// A send to a closed peer is EPIPE, not a dead process.
	b.Close()
	if err := errOf(a.Send([]byte("x"), unix.MSG_NOSIGNAL)); !errors.Is(err, unix.EPIPE) {
		t.Fatalf("Send to a closed peer: %v", err)
	}
	if err := errOf(a.Write([]byte("x"))); !errors.Is(err, unix.EPIPE) {
		t.Fatalf("Write to a closed peer: %v", err)
	}
}

func testStream(t *testing.T, family int, addr unix.Sockaddr) {
	rbase, wbase := quiet(t)
	l, bound := listenOn(t, family, addr)
	defer l.Close()
	c, err := lwtunix.Socket(family, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	var peer unix.Sockaddr
	server := lwt.Bind(l.Accept(), func(a lwtunix.Accepted) lwt.Promise[lwt.Unit] {
		peer = a.Addr
		fl, _ := unix.FcntlInt(uintptr(a.FD.Unix()), unix.F_GETFL, 0)
		if fl&unix.O_NONBLOCK == 0 {
			t.Errorf("accepted socket is blocking")
		}
		return echo(a.FD)
	})
	data := bytes.Repeat([]byte("lwt!"), 1<<18) // 1 MiB: both sides wait for room
	client := lwt.Bind(c.Connect(bound), func(lwt.Unit) lwt.Promise[[]byte] {
		return roundTrip(c, data)
	})
	got := runLoop(t, lwt.Bind(client, func(b []byte) lwt.Promise[[]byte] {
		c.Close()
		return lwt.Map(server, func(lwt.Unit) []byte { return b })
	}))
	if !bytes.Equal(got, data) {
		t.Fatalf("echoed %d bytes, not the %d sent", len(got), len(data))
	}
	if family != unix.AF_UNIX {
		pa, _ := lwtunix.AddrPortOf(peer)
		ba, _ := lwtunix.AddrPortOf(bound)
		if pa.Addr() != ba.Addr() || pa.Port() == 0 {
			t.Errorf("peer address %v, listener %v", pa, ba)
		}
	}
	if r, w := engine.ReadableCount(), engine.WritableCount(); r != rbase || w != wbase {
		t.Errorf("%d readable and %d writable events after Run, %d and %d before", r, w, rbase, wbase)
	}
}

func TestTCP4(t *testing.T) {
	testStream(t, unix.AF_INET, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
}

func TestTCP6(t *testing.T) {
	testStream(t, unix.AF_INET6, &unix.SockaddrInet6{Addr: [16]byte{15: 1}})
}

func TestUnixSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sock")
	testStream(t, unix.AF_UNIX, &unix.SockaddrUnix{Name: path})
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("socket file: %v", err)
	}
}

func TestUnixSocketAbstract(t *testing.T) {
	testStream(t, unix.AF_UNIX, &unix.SockaddrUnix{Name: fmt.Sprintf("@lwtunix-test-%d", os.Getpid())})
}

func TestConnectRefused(t *testing.T) {
	// A bound socket that does not listen: its port refuses connections.
	s, err := lwtunix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	runLoop(t, s.Bind(&unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))
	sa, _ := s.Getsockname()
	c, _ := lwtunix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	defer c.Close()
	_, err = lwtmain.Run(c.Connect(sa))
	var se *os.SyscallError
	if !errors.Is(err, unix.ECONNREFUSED) || !errors.As(err, &se) || se.Syscall != "connect" {
		t.Fatalf("Connect to a closed port: %v", err)
	}
	// A Unix-domain path with no listener.
	u, _ := lwtunix.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	defer u.Close()
	_, err = lwtmain.Run(u.Connect(&unix.SockaddrUnix{Name: filepath.Join(t.TempDir(), "none")}))
	if !errors.Is(err, unix.ENOENT) {
		t.Fatalf("Connect to no path: %v", err)
	}
}

func TestConnectCancel(t *testing.T) {
	// 192.0.2.1 (TEST-NET-1) is not routed: the connection stays in progress,
	// or fails at once with ENETUNREACH where there is no default route.
	_, base := quiet(t)
	c, _ := lwtunix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	defer c.Close()
	p := c.Connect(&unix.SockaddrInet4{Addr: [4]byte{192, 0, 2, 1}, Port: 9})
	if !p.IsSleeping() {
		t.Skipf("connect to 192.0.2.1: %v", p)
	}
	if engine.WritableCount() != base+1 {
		t.Fatalf("WritableCount %d", engine.WritableCount())
	}
	lwt.Cancel(p)
	if err := errOf(p); !errors.Is(err, lwt.ErrCanceled) || engine.WritableCount() != base {
		t.Fatalf("canceled Connect: %v, WritableCount %d", err, engine.WritableCount())
	}
}

func TestAcceptCancel(t *testing.T) {
	base, _ := quiet(t)
	l, _ := listenOn(t, unix.AF_INET, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	defer l.Close()
	p := l.Accept()
	if !p.IsSleeping() || engine.ReadableCount() != base+1 {
		t.Fatalf("Accept: %v, ReadableCount %d", p, engine.ReadableCount())
	}
	lwt.Cancel(p)
	if engine.ReadableCount() != base {
		t.Fatalf("ReadableCount %d after cancel", engine.ReadableCount())
	}
}

func TestUDP(t *testing.T) {
	for _, tc := range []struct {
		family int
		addr   unix.Sockaddr
	}{
		{unix.AF_INET, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}},
		{unix.AF_INET6, &unix.SockaddrInet6{Addr: [16]byte{15: 1}}},
	} {
		a, _ := lwtunix.Socket(tc.family, unix.SOCK_DGRAM, 0)
		b, _ := lwtunix.Socket(tc.family, unix.SOCK_DGRAM, 0)
		if err := errOf(a.Bind(tc.addr)); err != nil {
			a.Close()
			b.Close()
			if tc.family == unix.AF_INET6 {
				t.Logf("skipping UDP over IPv6: %v", err)
				continue
			}
			t.Fatal(err)
		}
		runLoop(t, b.Bind(tc.addr))
		aa, _ := a.Getsockname()
		ba, _ := b.Getsockname()
		buf := make([]byte, 16)
		p := b.RecvFrom(buf, 0)
		if !p.IsSleeping() {
			t.Fatalf("RecvFrom with nothing sent: %v", p)
		}
		after(time.Millisecond, func() { a.SendTo([]byte("datagram"), 0, ba) })
		r := runLoop(t, p)
		from, _ := lwtunix.AddrPortOf(r.From)
		want, _ := lwtunix.AddrPortOf(aa)
		if string(buf[:r.N]) != "datagram" || from != want {
			t.Fatalf("RecvFrom: %q from %v, want from %v", buf[:r.N], from, want)
		}
		closeAll(t, a, b)
	}
}

func TestSocketOptions(t *testing.T) {
	s, err := lwtunix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, o := range []struct {
		set        func(bool) error
		level, opt int
	}{
		{s.SetReuseAddr, unix.SOL_SOCKET, unix.SO_REUSEADDR},
		{s.SetNoDelay, unix.IPPROTO_TCP, unix.TCP_NODELAY},
	} {
		for _, on := range []bool{true, false} {
			if err := o.set(on); err != nil {
				t.Fatal(err)
			}
			v, err := s.GetsockoptInt(o.level, o.opt)
			if err != nil || (v != 0) != on {
				t.Fatalf("option %d set to %v reads %d, %v", o.opt, on, v, err)
			}
		}
	}
	if err := s.SetsockoptInt(unix.SOL_SOCKET, unix.SO_RCVBUF, 1<<16); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetsockoptInt(unix.SOL_SOCKET, 12345); !errors.Is(err, unix.ENOPROTOOPT) {
		t.Fatalf("unknown option: %v", err)
	}
}

// A peer that resets its connection is an ECONNRESET error for the reader,
// and the loop goes on serving the other connections.
func TestPeerReset(t *testing.T) {
	l, addr := listenOn(t, unix.AF_INET, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	defer l.Close()
	var serverErrs []error
	handle := func(fd *lwtunix.FD) lwt.Promise[lwt.Unit] {
		return lwt.Catch(func() lwt.Promise[lwt.Unit] { return echo(fd) },
			func(err error) lwt.Promise[lwt.Unit] {
				serverErrs = append(serverErrs, err)
				return lwt.ReturnUnit()
			})
	}
	server := serve(l, 2, handle)
	dial := func() lwt.Promise[*lwtunix.FD] {
		c, err := lwtunix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
		if err != nil {
			return lwt.Fail[*lwtunix.FD](err)
		}
		return lwt.Map(c.Connect(addr), func(lwt.Unit) *lwtunix.FD { return c })
	}
	var a *lwtunix.FD
	resetDone := lwt.Bind(dial(), func(c *lwtunix.FD) lwt.Promise[lwt.Unit] {
		a = c
		return lwt.Bind(roundTrip(c, []byte("before reset")), func([]byte) lwt.Promise[lwt.Unit] {
			// Linger 0: close sends a reset instead of a FIN.
			if err := unix.SetsockoptLinger(c.Unix(), unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0}); err != nil {
				return lwt.Fail[lwt.Unit](err)
			}
			return lwt.OfResult(lwt.Unit{}, c.Close())
		})
	})
	// Wait for the server to see the reset, then serve another connection.
	var other []byte
	client := lwt.Bind(resetDone, func(lwt.Unit) lwt.Promise[lwt.Unit] {
		return lwt.Bind(dial(), func(c *lwtunix.FD) lwt.Promise[lwt.Unit] {
			return lwt.Bind(roundTrip(c, []byte("after reset")), func(b []byte) lwt.Promise[lwt.Unit] {
				other = b
				return lwt.OfResult(lwt.Unit{}, c.Close())
			})
		})
	})
	runLoop(t, lwt.Join(client, server))
	if a == nil || string(other) != "after reset" {
		t.Fatalf("second connection echoed %q", other)
	}
	if len(serverErrs) != 1 || !errors.Is(serverErrs[0], unix.ECONNRESET) {
		t.Fatalf("server errors %v, want one ECONNRESET", serverErrs)
	}
	var se *os.SyscallError
	if !errors.As(serverErrs[0], &se) || se.Syscall != "read" {
		t.Fatalf("reset error %#v is not a read *os.SyscallError", serverErrs[0])
	}
}

// EMFILE on accept neither spins nor crashes: Accept fails with EMFILE, the
// server backs off, and once a descriptor is free it accepts the connection
// that waited.
func TestAcceptEMFILE(t *testing.T) {
	l, addr := listenOn(t, unix.AF_INET, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	defer l.Close()
	c, err := lwtunix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// An Accept waits before the table is full, so that the engine sees the
	// listener readable while accept4 cannot succeed.
	first := l.Accept()
	engine.Get() // make sure the engine exists before the table is full

	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	saved := lim
	lim.Cur = uint64(maxFD(t) + 16)
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	var fill []int
	defer func() {
		for _, fd := range fill {
			unix.Close(fd)
		}
		unix.Setrlimit(unix.RLIMIT_NOFILE, &saved)
	}()
	for {
		fd, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			if !errors.Is(err, unix.EMFILE) {
				t.Fatal(err)
			}
			break
		}
		fill = append(fill, fd)
	}

	rounds := 0
	hook := lwtmain.EnterIterHooks.AddLast(func() { rounds++ })
	defer hook.Remove()
	var firstErr error
	attempts := 0
	const backoff = 10 * time.Millisecond
	const window = 100 * time.Millisecond
	start := time.Now()
	var cpuStart unix.Rusage
	unix.Getrusage(unix.RUSAGE_SELF, &cpuStart)
	var cpuUsed time.Duration
	var roundsInWindow int
	// accept retries after a backoff while the table is full; once the
	// window has passed it frees descriptors.
	var accept func(p lwt.Promise[lwtunix.Accepted]) lwt.Promise[lwtunix.Accepted]
	accept = func(p lwt.Promise[lwtunix.Accepted]) lwt.Promise[lwtunix.Accepted] {
		return lwt.Catch(func() lwt.Promise[lwtunix.Accepted] { return p },
			func(err error) lwt.Promise[lwtunix.Accepted] {
				if !errors.Is(err, unix.EMFILE) {
					return lwt.Fail[lwtunix.Accepted](err)
				}
				attempts++
				if firstErr == nil {
					firstErr = err
				}
				if time.Since(start) > window && len(fill) > 0 {
					var cpuNow unix.Rusage
					unix.Getrusage(unix.RUSAGE_SELF, &cpuNow)
					cpuUsed = time.Duration(cpuNow.Utime.Nano() + cpuNow.Stime.Nano() - cpuStart.Utime.Nano() - cpuStart.Stime.Nano())
					roundsInWindow = rounds
					for _, fd := range fill {
						unix.Close(fd)
					}
					fill = nil
				}
				w, r := lwt.Wait[lwt.Unit]()
				after(backoff, func() { lwt.Wakeup(r, lwt.Unit{}) })
				return lwt.Bind(w, func(lwt.Unit) lwt.Promise[lwtunix.Accepted] { return accept(l.Accept()) })
			})
	}
	accepted := accept(first)
	got := runLoop(t, lwt.Bind(c.Connect(addr), func(lwt.Unit) lwt.Promise[lwtunix.Accepted] { return accepted }))
	got.FD.Close()
	wall := time.Since(start)
	t.Logf("EMFILE: %d failed accepts, %d loop rounds, %v CPU in the first %v (%v in all)", attempts, roundsInWindow, cpuUsed, window, wall)
	if !errors.Is(firstErr, unix.EMFILE) {
		t.Fatalf("first error %v, want EMFILE", firstErr)
	}
	if attempts > 30 || roundsInWindow > 100 {
		t.Fatalf("%d failed accepts and %d rounds in %v: the loop spins", attempts, roundsInWindow, window)
	}
	if cpuUsed > window/2 {
		t.Errorf("%v of CPU in %v: the loop spins", cpuUsed, window)
	}
}

// maxFD returns the highest descriptor open in the process.
func maxFD(t testing.TB) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	m := 0
	for _, e := range ents {
		if n, err := strconv.Atoi(e.Name()); err == nil && n > m {
			m = n
		}
	}
	return m
}

const (
	manyConnections = 10000
	manyEnvAddr     = "LWTUNIX_TEST_MANY_ADDR"
)

// 10,000 connections open at once, served by one loop. The clients are
// another process (this test binary, running TestManyConnectionsChild), with
// a loop of its own, so that each process needs 10,000 descriptors: both ends
// in one process would need 20,000 and more, above the hard limit here.
func TestManyConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	raiseNoFile(t, manyConnections+100)
	l, addr := listenOn(t, unix.AF_INET, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	defer l.Close()
	ap, _ := lwtunix.AddrPortOf(addr)
	var out bytes.Buffer
	cmd := exec.Command(os.Args[0], "-test.run=^TestManyConnectionsChild$", "-test.v")
	cmd.Env = append(os.Environ(), manyEnvAddr+"="+ap.String())
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	live, maxLive := 0, 0
	start := time.Now()
	server := serve(l, manyConnections, func(fd *lwtunix.FD) lwt.Promise[lwt.Unit] {
		live++
		maxLive = max(maxLive, live)
		return lwt.Map(echo(fd), func(lwt.Unit) lwt.Unit { live--; return lwt.Unit{} })
	})
	_, err := lwtmain.Run(server)
	elapsed := time.Since(start)
	werr := cmd.Wait()
	if err != nil || werr != nil {
		t.Fatalf("server: %v; client: %v\n%s", err, werr, out.Bytes())
	}
	t.Logf("%d connections, %d open at once, served in %v\n%s", manyConnections, maxLive, elapsed, out.Bytes())
	if maxLive != manyConnections {
		t.Fatalf("only %d connections open at once", maxLive)
	}
}

// TestManyConnectionsChild is the client side of TestManyConnections: it
// opens its connections, keeping at most 1,000 connects in flight; once all
// are open, it sends a message on each and reads it back; once all are
// echoed, it closes them all.
func TestManyConnectionsChild(t *testing.T) {
	addr := os.Getenv(manyEnvAddr)
	if addr == "" {
		t.Skip("the client process of TestManyConnections")
	}
	raiseNoFile(t, manyConnections+100)
	sa := lwtunix.SockaddrOf(mustAddrPort(t, addr))
	conns := make([]*lwtunix.FD, manyConnections)
	next, inFlight := 0, 0
	allOpen, allOpenR := lwt.Wait[lwt.Unit]()
	var fail error
	var start func()
	start = func() {
		for next < manyConnections && inFlight < 1000 && fail == nil {
			i := next
			next++
			inFlight++
			c, err := lwtunix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
			if err != nil {
				fail = err
				lwt.WakeupExn(allOpenR, err)
				return
			}
			conns[i] = c
			lwt.OnAny(c.Connect(sa), func(lwt.Unit) {
				inFlight--
				if next == manyConnections && inFlight == 0 {
					lwt.Wakeup(allOpenR, lwt.Unit{})
					return
				}
				start()
			}, func(err error) {
				if fail == nil {
					fail = fmt.Errorf("connection %d: %w", i, err)
					lwt.WakeupExn(allOpenR, fail)
				}
			})
		}
	}
	t0 := time.Now()
	start()
	echoed := lwt.Bind(allOpen, func(lwt.Unit) lwt.Promise[lwt.Unit] {
		t.Logf("all open in %v", time.Since(t0))
		ps := make([]lwt.Promise[lwt.Unit], manyConnections)
		for i, c := range conns {
			msg := binary.BigEndian.AppendUint64(nil, uint64(i))
			ps[i] = lwt.Bind(roundTrip(c, msg), func(b []byte) lwt.Promise[lwt.Unit] {
				if !bytes.Equal(b, msg) {
					return lwt.Fail[lwt.Unit](fmt.Errorf("connection %d echoed %x", i, b))
				}
				return lwt.ReturnUnit()
			})
		}
		return lwt.Join(ps...)
	})
	runLoop(t, echoed)
	t.Logf("all echoed in %v", time.Since(t0))
	for _, c := range conns {
		c.Close()
	}
}

func mustAddrPort(t testing.TB, s string) netip.AddrPort {
	t.Helper()
	ap, err := netip.ParseAddrPort(s)
	if err != nil {
		t.Fatal(err)
	}
	return ap
}

// raiseNoFile raises the soft limit of descriptors to at least n, up to the
// hard limit, and skips the test if that is not enough.
func raiseNoFile(t testing.TB, n int) {
	t.Helper()
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if lim.Cur >= uint64(n) {
		return
	}
	if lim.Max < uint64(n) {
		t.Skipf("RLIMIT_NOFILE hard limit %d < %d", lim.Max, n)
	}
	saved := lim
	lim.Cur = lim.Max
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Setrlimit(unix.RLIMIT_NOFILE, &saved) })
}

// No descriptor, event or goroutine is left once Run returns. A first run
// makes what is made once per process (the engine, the descriptor that
// brings job results to the loop); the runs after it must leave nothing.
func TestNoLeak(t *testing.T) {
	dir := t.TempDir()
	runLoop(t, socketWorkload(t, filepath.Join(dir, "warm.sock")))
	r0, w0 := quiet(t)
	noThreads(t)
	g0 := waitGoroutines(runtime.NumGoroutine())
	f0 := openFDs(t)
	for i := range 2 {
		runLoop(t, socketWorkload(t, filepath.Join(dir, fmt.Sprintf("%d.sock", i))))
	}
	if r, w := engine.ReadableCount(), engine.WritableCount(); r != r0 || w != w0 {
		t.Errorf("%d readable and %d writable events after Run, %d and %d before", r, w, r0, w0)
	}
	if f := openFDs(t); f != f0 {
		t.Errorf("%d descriptors open after Run, %d before", f, f0)
	}
	noThreads(t)
	if g := waitGoroutines(g0); g > g0 {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after Run, %d before\n%s", g, g0, buf[:runtime.Stack(buf, true)])
	}
}

// noThreads waits for the idle threads of the job pool to exit, which they
// do after a second.
func noThreads(t testing.TB) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); lwtunix.ThreadCount() > 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d threads left in the job pool", lwtunix.ThreadCount())
		}
	}
}

// socketWorkload serves three TCP connections, echoes over a socketpair,
// binds a Unix-domain socket to path and reads a pipe in blocking mode (two
// jobs), looks up localhost (a third job), and closes everything.
func socketWorkload(t testing.TB, path string) lwt.Promise[lwt.Unit] {
	l, addr := listenOn(t, unix.AF_INET, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	ps := []lwt.Promise[lwt.Unit]{serve(l, 3, echo)}
	for range 3 {
		c, _ := lwtunix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
		ps = append(ps, lwt.Bind(c.Connect(addr), func(lwt.Unit) lwt.Promise[lwt.Unit] {
			return lwt.Bind(roundTrip(c, []byte("leak?")), func([]byte) lwt.Promise[lwt.Unit] {
				return lwt.OfResult(lwt.Unit{}, c.Close())
			})
		}))
	}
	a, b, _ := lwtunix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	ps = append(ps, echo(a), lwt.Bind(roundTrip(b, []byte("pair")), func([]byte) lwt.Promise[lwt.Unit] {
		return lwt.OfResult(lwt.Unit{}, b.Close())
	}))
	u, _ := lwtunix.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	ps = append(ps, u.Bind(&unix.SockaddrUnix{Name: path}))
	r, w, _ := lwtunix.Pipe()
	r.SetBlocking(true)
	ps = append(ps, lwt.Map(r.Read(make([]byte, 1)), func(int) lwt.Unit { return lwt.Unit{} }))
	w.Write([]byte("x"))
	ps = append(ps, lwt.Map(lwtunix.GetAddrInfo("localhost", "80", lwtunix.AddrInfoHints{}), func([]lwtunix.AddrInfo) lwt.Unit { return lwt.Unit{} }))
	return lwt.Map(lwt.Join(ps...), func(lwt.Unit) lwt.Unit {
		closeAll(t, l, u, r, w)
		return lwt.Unit{}
	})
}

// A request and its answer over a pair of connected sockets, one promise
// chain per side, both run by one loop.
func ExampleSocketpair() {
	client, server, err := lwtunix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()
	defer server.Close()

	// The server answers the first message it receives.
	req := make([]byte, 64)
	served := lwt.Bind(server.Recv(req, 0), func(n int) lwt.Promise[int] {
		return server.Send([]byte("hello, "+string(req[:n])), unix.MSG_NOSIGNAL)
	})

	// The client sends its name and reads the answer.
	resp := make([]byte, 64)
	answered := lwt.Bind(client.Send([]byte("lwt"), unix.MSG_NOSIGNAL), func(int) lwt.Promise[int] {
		return client.Recv(resp, 0)
	})

	n, err := lwtmain.Run(answered)
	fmt.Println(string(resp[:n]), err, served.State())
	// Output: hello, lwt <nil> Return 10
}

// Linux refuses a Unix-domain connection at once when the listener's queue
// is full: Connect fails with EAGAIN instead of spinning.
func TestUnixConnectQueueFull(t *testing.T) {
	_, base := quiet(t)
	sa := &unix.SockaddrUnix{Name: fmt.Sprintf("@lwtunix-full-%d", os.Getpid())}
	l, err := lwtunix.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	runLoop(t, l.Bind(sa))
	if err := l.Listen(0); err != nil {
		t.Fatal(err)
	}
	var conns []*lwtunix.FD
	defer func() { closeAll(t, conns...) }()
	for i := 0; ; i++ {
		if i == 10 {
			t.Fatal("10 connections to a listener with a queue of 0")
		}
		c, _ := lwtunix.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
		conns = append(conns, c)
		p := c.Connect(sa)
		if p.IsSleeping() {
			t.Fatalf("connection %d waits", i)
		}
		if _, err := p.Result(); err != nil {
			if !errors.Is(err, unix.EAGAIN) {
				t.Fatalf("connection %d: %v", i, err)
			}
			break
		}
	}
	if engine.WritableCount() != base {
		t.Fatalf("WritableCount %d", engine.WritableCount())
	}
}
