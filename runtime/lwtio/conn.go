package lwtio

import (
	"cmp"
	"errors"
	"net"
	"net/netip"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// A Conn is a pair of channels over one connected socket: what
// [OpenConnection] gives and what a server's handler gets.
//
// Closing Out flushes it, then shuts down the sending side of the socket, so
// that the peer reads the end of input; closing In shuts down the receiving
// side. The socket is closed when both channels are closed. (In Lwt, closing
// either channel closes the socket, which loses what the other still
// buffers.)
type Conn struct {
	In   *InputChannel
	Out  *OutputChannel
	FD   *lwtunix.FD   // the socket; it stays owned by the channels
	Peer unix.Sockaddr // the address of the other end
}

// Close closes both channels, Out first so that its buffer is flushed, and
// gives the first error: Lwt_io.close on both (what with_connection does on
// the way out). Closing channels already closed does nothing.
func (c Conn) Close() lwt.Promise[lwt.Unit] {
	return lwt.BindResult(c.Out.Close(), func(_ lwt.Unit, outErr error) lwt.Promise[lwt.Unit] {
		return lwt.BindResult(c.In.Close(), func(_ lwt.Unit, inErr error) lwt.Promise[lwt.Unit] {
			return lwt.OfResult(lwt.Unit{}, cmp.Or(outErr, inErr))
		})
	})
}

// ConnOptions configure [OpenConnection] and [WithConnection]. The zero
// value is the defaults.
type ConnOptions struct {
	// BufferSize is the size of each channel's buffer; 0 means
	// DefaultBufferSize.
	BufferSize int
	// FD is the socket to connect, made by the caller (to bind it to a local
	// address first, for instance); nil means a new stream socket of the
	// address's family. Either way the connection owns it.
	FD *lwtunix.FD
	// Delay keeps Nagle's algorithm on TCP sockets. By default TCP_NODELAY is
	// set: channels send whole buffers already, so waiting for more data
	// would only add latency.
	Delay bool
}

// OpenConnection connects to addr and gives the channels of the connection:
// Lwt_io.open_connection. addr is any socket address: a *unix.SockaddrInet4
// or *unix.SockaddrInet6 (see lwtunix.SockaddrOf and lwtunix.GetAddrInfo)
// or a *unix.SockaddrUnix. If the connection fails, the socket is closed.
func OpenConnection(addr unix.Sockaddr, opts ConnOptions) lwt.Promise[Conn] {
	if err := checkBufferSize(opts.BufferSize); err != nil {
		if opts.FD != nil {
			opts.FD.Close()
		}
		return lwt.Fail[Conn](err)
	}
	fd := opts.FD
	if fd == nil {
		var err error
		if fd, err = lwtunix.Socket(domainOf(addr), unix.SOCK_STREAM, 0); err != nil {
			return lwt.Fail[Conn](err)
		}
	}
	connected := func(lwt.Unit) lwt.Promise[Conn] {
		if !opts.Delay {
			setNoDelay(fd, addr)
		}
		return lwt.Return(newConn(fd, addr, opts.BufferSize))
	}
	closeFailed := func(err error) lwt.Promise[Conn] {
		fd.Close()
		return lwt.Fail[Conn](err)
	}
	return lwt.TryBind(func() lwt.Promise[lwt.Unit] { return fd.Connect(addr) }, connected, closeFailed)
}

// WithConnection connects to addr, calls f with the connection, and closes
// it when f's promise is resolved, whether it succeeded or not:
// Lwt_io.with_connection. A failure of f wins over one of closing.
func WithConnection[T any](addr unix.Sockaddr, opts ConnOptions, f func(Conn) lwt.Promise[T]) lwt.Promise[T] {
	return lwt.Bind(OpenConnection(addr, opts), func(c Conn) lwt.Promise[T] {
		return lwt.BindResult(lwt.Apply(f, c), func(v T, err error) lwt.Promise[T] {
			return lwt.BindResult(c.Close(), func(_ lwt.Unit, closeErr error) lwt.Promise[T] {
				return lwt.OfResult(v, cmp.Or(err, closeErr))
			})
		})
	})
}

// newConn makes the channels of the connected socket fd. Each channel's
// close shuts down its direction; the second one closes fd.
func newConn(fd *lwtunix.FD, peer unix.Sockaddr, bufSize int) Conn {
	open := 2
	closer := func(how int) func() lwt.Promise[lwt.Unit] {
		return func() lwt.Promise[lwt.Unit] {
			open--
			var err error
			if open == 0 {
				err = fd.Close()
			} else if e := fd.Shutdown(how); e != nil && !errors.Is(e, unix.ENOTCONN) {
				err = e
			}
			return lwt.OfResult(lwt.Unit{}, err)
		}
	}
	return Conn{
		In:   &InputChannel{newChannel(Input, fd.Read, Options{BufferSize: bufSize, Close: closer(unix.SHUT_RD)}, nil)},
		Out:  &OutputChannel{newChannel(Output, fd.Write, Options{BufferSize: bufSize, Close: closer(unix.SHUT_WR)}, nil)},
		FD:   fd,
		Peer: peer,
	}
}

func domainOf(addr unix.Sockaddr) int {
	switch addr.(type) {
	case *unix.SockaddrInet6:
		return unix.AF_INET6
	case *unix.SockaddrUnix:
		return unix.AF_UNIX
	}
	return unix.AF_INET
}

// setNoDelay sets TCP_NODELAY on internet sockets. It is an optimisation:
// failing to set it is not an error.
func setNoDelay(fd *lwtunix.FD, addr unix.Sockaddr) {
	if domainOf(addr) != unix.AF_UNIX {
		fd.SetNoDelay(true)
	}
}

// ResolveAddr gives the socket address that address names, written as Go's
// net package writes them: "host:port" for TCP, where host is an IP address
// or a name (looked up with lwtunix.GetAddrInfo, first result) and an empty
// host means every local address ("0.0.0.0"); or, for a Unix-domain socket,
// a path with a slash in it ("/run/app.sock", "./app.sock") or an abstract
// name starting with "@".
func ResolveAddr(address string) lwt.Promise[unix.Sockaddr] {
	if strings.Contains(address, "/") || strings.HasPrefix(address, "@") {
		return lwt.Return[unix.Sockaddr](&unix.SockaddrUnix{Name: address})
	}
	if ap, err := netip.ParseAddrPort(address); err == nil {
		return lwt.Return(lwtunix.SockaddrOf(ap))
	}
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return lwt.Fail[unix.Sockaddr](err)
	}
	if host == "" {
		host = "0.0.0.0"
	}
	hints := lwtunix.AddrInfoHints{Socktype: unix.SOCK_STREAM}
	return lwt.Bind(lwtunix.GetAddrInfo(host, port, hints), func(ais []lwtunix.AddrInfo) lwt.Promise[unix.Sockaddr] {
		if len(ais) == 0 {
			return lwt.Fail[unix.Sockaddr](&net.AddrError{Err: "no address found", Addr: address})
		}
		return lwt.Return(ais[0].Addr)
	})
}
