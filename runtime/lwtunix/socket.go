package lwtunix

import (
	"os"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// Socket makes a socket in non-blocking mode, closed on exec:
// Lwt_unix.socket. domain is unix.AF_INET, unix.AF_INET6 or unix.AF_UNIX,
// typ unix.SOCK_STREAM, unix.SOCK_DGRAM ..., proto usually 0.
func Socket(domain, typ, proto int) (*FD, error) {
	s, err := unix.Socket(domain, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	return &FD{fd: s, stream: typ&0xf == unix.SOCK_STREAM}, nil
}

// Socketpair makes a pair of connected sockets, in non-blocking mode and
// closed on exec: Lwt_unix.socketpair. domain is usually unix.AF_UNIX.
func Socketpair(domain, typ, proto int) (*FD, *FD, error) {
	p, err := unix.Socketpair(domain, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		return nil, nil, os.NewSyscallError("socketpair", err)
	}
	stream := typ&0xf == unix.SOCK_STREAM // without SOCK_NONBLOCK and the like
	return &FD{fd: p[0], stream: stream}, &FD{fd: p[1], stream: stream}, nil
}

// Bind gives the socket fd the address sa: Lwt_unix.bind. Binding to a path
// (a Unix-domain address that is not abstract) touches the file system and
// runs off the loop, as a job; other addresses are bound at once.
func (fd *FD) Bind(sa unix.Sockaddr) lwt.Promise[lwt.Unit] {
	if err := fd.check("bind"); err != nil {
		return lwt.Fail[lwt.Unit](err)
	}
	if u, ok := sa.(*unix.SockaddrUnix); ok && u.Name != "" && u.Name[0] != '@' {
		return runFDCall("bind", func() error { return unix.Bind(fd.fd, sa) })
	}
	return lwt.OfResult(lwt.Unit{}, os.NewSyscallError("bind", unix.Bind(fd.fd, sa)))
}

// Listen makes fd accept connections, with a queue of backlog pending ones
// at most (the kernel caps it at net.core.somaxconn): Lwt_unix.listen.
func (fd *FD) Listen(backlog int) error {
	if err := fd.check("listen"); err != nil {
		return err
	}
	return os.NewSyscallError("listen", unix.Listen(fd.fd, backlog))
}

// Accepted is a connection taken by [FD.Accept]: its socket and the
// address of its peer.
type Accepted struct {
	FD   *FD
	Addr unix.Sockaddr
}

// Accept waits for a connection on the listening socket fd and accepts it:
// Lwt_unix.accept. The new socket is in non-blocking mode and closed on exec
// (accept4(2) sets both). A connection aborted before it was accepted is
// skipped.
//
// When accept4 fails for want of descriptors (EMFILE, ENFILE) or memory, the
// promise fails with that error, even though the connection stays queued and
// the socket stays readable: waiting on a level-triggered engine would then
// spin. What to do is up to the caller: typically close something, back off
// for a while (Sleep) and accept again.
func (fd *FD) Accept() lwt.Promise[Accepted] {
	if err := fd.check("accept"); err != nil {
		return lwt.Fail[Accepted](raised(err))
	}
	return tryIO(fd, &fd.rd, "accept", fd.accept)
}

func (fd *FD) accept() (Accepted, error) {
	for {
		s, sa, err := unix.Accept4(fd.fd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		switch err {
		case nil:
			return Accepted{FD: &FD{fd: s, stream: fd.stream}, Addr: sa}, nil
		case unix.ECONNABORTED, unix.EINTR:
			continue
		}
		return Accepted{}, err
	}
}

// Connect connects the socket fd to sa: Lwt_unix.connect. The connection is
// started without blocking (connect(2) says EINPROGRESS); Connect then waits
// until fd is writable and gives the outcome the kernel reports (SO_ERROR),
// for instance an error matching unix.ECONNREFUSED.
//
// Connecting a Unix-domain socket to a listener whose queue is full fails
// with an error matching unix.EAGAIN, as in Go's net package. (Lwt retries
// each time the socket is writable; but Linux reports such a socket always
// writable, and gives no sign when the queue has room, so the loop would
// spin until the listener accepts.)
func (fd *FD) Connect(sa unix.Sockaddr) lwt.Promise[lwt.Unit] {
	if err := fd.check("connect"); err != nil {
		return lwt.Fail[lwt.Unit](raised(err))
	}
	switch err := unix.Connect(fd.fd, sa); err {
	case nil:
		return lwt.ReturnUnit()
	case unix.EINPROGRESS, unix.EALREADY, unix.EINTR:
		return waitIO(fd, &fd.wr, "connect", fd.connected)
	default:
		return lwt.Fail[lwt.Unit](raised(os.NewSyscallError("connect", err)))
	}
}

// connected tells how a connection in progress went: EAGAIN while it still
// is in progress (the engine may report a descriptor ready when it is not).
func (fd *FD) connected() (lwt.Unit, error) {
	e, err := unix.GetsockoptInt(fd.fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return lwt.Unit{}, err
	}
	switch err := unix.Errno(e); err {
	case 0, unix.EISCONN:
		if _, err := unix.Getpeername(fd.fd); err == unix.ENOTCONN {
			return lwt.Unit{}, unix.EAGAIN
		}
		return lwt.Unit{}, nil
	case unix.EINPROGRESS, unix.EALREADY, unix.EINTR:
		return lwt.Unit{}, unix.EAGAIN
	default:
		return lwt.Unit{}, err
	}
}

// Send sends up to len(buf) bytes of buf on the connected socket fd, with
// send(2)'s flags (unix.MSG_NOSIGNAL, unix.MSG_OOB ...), and gives how many
// were sent: Lwt_unix.send.
func (fd *FD) Send(buf []byte, flags int) lwt.Promise[int] {
	return fd.count(&fd.wr, countSend, buf, nil, flags)
}

// Recv receives up to len(buf) bytes into buf from the connected socket fd,
// with recv(2)'s flags (unix.MSG_PEEK ...), and gives how many were
// received: Lwt_unix.recv. 0 means the peer shut the connection down.
func (fd *FD) Recv(buf []byte, flags int) lwt.Promise[int] {
	return fd.count(&fd.rd, countRecv, buf, nil, flags)
}

// SendTo sends buf as one datagram to the address to, with send(2)'s
// flags, and gives how many bytes were sent: Lwt_unix.sendto.
func (fd *FD) SendTo(buf []byte, flags int, to unix.Sockaddr) lwt.Promise[int] {
	if err := fd.check("sendto"); err != nil {
		return lwt.Fail[int](err)
	}
	return tryIO(fd, &fd.wr, "sendto", func() (int, error) { return unix.SendmsgN(fd.fd, buf, nil, to, flags) })
}

// Received is what [FD.RecvFrom] gives: the number of bytes received and
// the address of the sender.
type Received struct {
	N    int
	From unix.Sockaddr
}

// RecvFrom receives one datagram into buf, with recv(2)'s flags, and gives
// its length and its sender: Lwt_unix.recvfrom. A datagram longer than buf
// is truncated.
func (fd *FD) RecvFrom(buf []byte, flags int) lwt.Promise[Received] {
	if err := fd.check("recvfrom"); err != nil {
		return lwt.Fail[Received](err)
	}
	return tryIO(fd, &fd.rd, "recvfrom", func() (Received, error) {
		n, from, err := unix.Recvfrom(fd.fd, buf, flags)
		return Received{N: n, From: from}, err
	})
}

// Shutdown shuts down one or both directions of the connection of fd:
// how is unix.SHUT_RD, unix.SHUT_WR or unix.SHUT_RDWR. Lwt_unix.shutdown.
func (fd *FD) Shutdown(how int) error {
	if err := fd.check("shutdown"); err != nil {
		return err
	}
	return os.NewSyscallError("shutdown", unix.Shutdown(fd.fd, how))
}

// SetsockoptInt sets the integer socket option opt at level (unix.SOL_SOCKET,
// unix.IPPROTO_TCP ...) to value: Lwt_unix.setsockopt.
func (fd *FD) SetsockoptInt(level, opt, value int) error {
	if err := fd.check("setsockopt"); err != nil {
		return err
	}
	return os.NewSyscallError("setsockopt", unix.SetsockoptInt(fd.fd, level, opt, value))
}

// GetsockoptInt returns the integer socket option opt at level:
// Lwt_unix.getsockopt.
func (fd *FD) GetsockoptInt(level, opt int) (int, error) {
	if err := fd.check("getsockopt"); err != nil {
		return 0, err
	}
	v, err := unix.GetsockoptInt(fd.fd, level, opt)
	return v, os.NewSyscallError("getsockopt", err)
}

// SetReuseAddr sets SO_REUSEADDR, which lets a listening socket bind to a
// port that connections closed recently still hold (in TIME_WAIT).
func (fd *FD) SetReuseAddr(on bool) error {
	return fd.SetsockoptInt(unix.SOL_SOCKET, unix.SO_REUSEADDR, boolInt(on))
}

// SetNoDelay sets TCP_NODELAY, which sends small writes at once instead of
// coalescing them (Nagle's algorithm).
func (fd *FD) SetNoDelay(on bool) error {
	return fd.SetsockoptInt(unix.IPPROTO_TCP, unix.TCP_NODELAY, boolInt(on))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Getsockname returns the address fd is bound to: Lwt_unix.getsockname.
func (fd *FD) Getsockname() (unix.Sockaddr, error) {
	if err := fd.check("getsockname"); err != nil {
		return nil, err
	}
	sa, err := unix.Getsockname(fd.fd)
	return sa, os.NewSyscallError("getsockname", err)
}

// Getpeername returns the address of the peer fd is connected to:
// Lwt_unix.getpeername.
func (fd *FD) Getpeername() (unix.Sockaddr, error) {
	if err := fd.check("getpeername"); err != nil {
		return nil, err
	}
	sa, err := unix.Getpeername(fd.fd)
	return sa, os.NewSyscallError("getpeername", err)
}
