package lwtio

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// ServerOptions configure a server. The zero value is the defaults.
type ServerOptions struct {
	// Backlog is the length of the queue of connections not accepted yet;
	// 0 means the system's maximum (SOMAXCONN, capped by the kernel's
	// net.core.somaxconn).
	Backlog int
	// BufferSize is the size of the buffer of each client channel; 0 means
	// DefaultBufferSize.
	BufferSize int
	// NoClose leaves a client's connection open when its handler's promise
	// is resolved: the handler then owns it.
	NoClose bool
	// FD is the socket to listen on, made by the caller; nil means a new
	// stream socket of the address's family. Either way the server owns it:
	// a failure to start closes it, and so does Shutdown.
	FD *lwtunix.FD
	// Delay keeps Nagle's algorithm on client TCP sockets; by default
	// TCP_NODELAY is set.
	Delay bool
	// OnError receives what a handler fails with, and the errors of accept
	// that the server gets past. nil means printing them to standard error,
	// except two kinds: the errors that only say a client went away (the
	// end of input, ECONNRESET, EPIPE), which are dropped; and a handler's
	// panic (an lwt.PanicError), which goes to the async exception hook
	// (lwt.SetAsyncExceptionHook), as in Lwt.
	OnError func(peer unix.Sockaddr, err error)
}

// A Server accepts connections and calls a handler for each, until it is
// shut down: Lwt_io.server.
type Server struct {
	fd      *lwtunix.FD
	addr    unix.Sockaddr
	path    string // a Unix-domain socket's file, removed at shutdown
	opts    ServerOptions
	handle  func(lwtunix.Accepted)
	accept  lwt.Promise[lwtunix.Accepted] // the accept that waits, if any
	backoff time.Duration
	pause   lwt.Promise[lwt.Unit] // the back-off sleep, if any
	stopped bool
	closed  lwt.Promise[lwt.Unit]
}

// EstablishServer listens on addr and calls handler with the channels of each
// connection it accepts: Lwt_io.establish_server_with_client_address. The
// promise is fulfilled once the server listens. Connections are handled
// concurrently, each in its own promise; unless opts.NoClose, both channels
// are closed (Out flushed first) when the handler's promise is resolved,
// whatever its outcome.
//
// SO_REUSEADDR is set on the listening socket. A failing handler does not
// stop the server: its error goes to opts.OnError. When accept runs out of
// descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM) the server waits
// before it accepts again, 5 ms at first and up to 1 s, instead of spinning
// or failing as Lwt does.
func EstablishServer(addr unix.Sockaddr, opts ServerOptions, handler func(c Conn) lwt.Promise[lwt.Unit]) lwt.Promise[*Server] {
	if err := checkBufferSize(opts.BufferSize); err != nil {
		if opts.FD != nil {
			opts.FD.Close()
		}
		return lwt.Fail[*Server](err)
	}
	return listen(addr, opts, func(s *Server, a lwtunix.Accepted) {
		c := newConn(a.FD, a.Addr, opts.BufferSize)
		lwt.OnSuccess(lwt.Catch(func() lwt.Promise[lwt.Unit] { return handler(c) }, s.handlerFailed(a.Addr)),
			func(lwt.Unit) { s.closeConn(c) })
	})
}

// EstablishServerWithClientSocket is EstablishServer for handlers that take
// the client's socket itself rather than channels:
// Lwt_io.establish_server_with_client_socket. Unless opts.NoClose, the socket
// is closed when the handler's promise is resolved, if the handler has not
// closed it.
func EstablishServerWithClientSocket(addr unix.Sockaddr, opts ServerOptions, handler func(peer unix.Sockaddr, fd *lwtunix.FD) lwt.Promise[lwt.Unit]) lwt.Promise[*Server] {
	return listen(addr, opts, func(s *Server, a lwtunix.Accepted) {
		lwt.OnSuccess(lwt.Catch(func() lwt.Promise[lwt.Unit] { return handler(a.Addr, a.FD) }, s.handlerFailed(a.Addr)),
			func(lwt.Unit) {
				if !opts.NoClose {
					if err := a.FD.Close(); err != nil && !errors.Is(err, lwtunix.ErrClosed) {
						s.report(a.Addr, err)
					}
				}
			})
	})
}

func listen(addr unix.Sockaddr, opts ServerOptions, handle func(*Server, lwtunix.Accepted)) lwt.Promise[*Server] {
	fd := opts.FD
	if fd == nil {
		var err error
		if fd, err = lwtunix.Socket(domainOf(addr), unix.SOCK_STREAM, 0); err != nil {
			return lwt.Fail[*Server](err)
		}
	}
	s := &Server{fd: fd, opts: opts}
	s.handle = func(a lwtunix.Accepted) {
		if !opts.Delay {
			setNoDelay(a.FD, addr)
		}
		handle(s, a)
	}
	if u, ok := addr.(*unix.SockaddrUnix); ok && u.Name != "" && u.Name[0] != '@' {
		s.path = u.Name
	} else {
		fd.SetReuseAddr(true)
	}
	bound := false
	started := lwt.Bind(fd.Bind(addr), func(lwt.Unit) lwt.Promise[*Server] {
		bound = true
		backlog := opts.Backlog
		if backlog <= 0 {
			backlog = unix.SOMAXCONN
		}
		if err := fd.Listen(backlog); err != nil {
			return lwt.Fail[*Server](err)
		}
		var err error
		if s.addr, err = fd.Getsockname(); err != nil {
			return lwt.Fail[*Server](err)
		}
		s.loop()
		return lwt.Return(s)
	})
	lwt.OnFailure(started, func(error) {
		fd.Close()
		if bound && s.path != "" {
			os.Remove(s.path) // the file Bind made; the error that matters is the other one
		}
	})
	return started
}

// Addr returns the address the server listens on; with port 0 in the
// address given, the port the system chose.
func (s *Server) Addr() unix.Sockaddr { return s.addr }

// Shutdown stops accepting connections and closes the listening socket (and
// removes its file, for a Unix-domain socket bound to a path):
// Lwt_io.shutdown_server. Connections accepted already go on. Shutting down
// again returns the same promise.
func (s *Server) Shutdown() lwt.Promise[lwt.Unit] {
	if s.stopped {
		return s.closed
	}
	s.stopped = true
	lwt.Cancel(s.accept)
	lwt.Cancel(s.pause)
	err := s.fd.Close()
	if s.path != "" && err == nil {
		s.closed = lwt.Catch(func() lwt.Promise[lwt.Unit] { return lwtunix.Unlink(s.path) }, ignoreNotExist)
	} else {
		s.closed = lwt.OfResult(lwt.Unit{}, err)
	}
	return s.closed
}

func ignoreNotExist(err error) lwt.Promise[lwt.Unit] {
	if errors.Is(err, os.ErrNotExist) {
		return lwt.ReturnUnit()
	}
	return lwt.Fail[lwt.Unit](err)
}

// loop accepts connections until one has to be waited for, then waits for it
// and starts again. Accepting in a loop rather than through a chain of binds
// keeps a burst of queued connections from nesting calls.
func (s *Server) loop() {
	for !s.stopped {
		p := s.fd.Accept()
		if p.IsSleeping() {
			s.accept = p
			lwt.OnAny(p, s.accepted, s.acceptFailed)
			return
		}
		a, err := p.Result()
		if err != nil {
			s.acceptFailed(err)
			return
		}
		s.backoff = 0
		s.handle(a)
	}
}

func (s *Server) accepted(a lwtunix.Accepted) {
	s.accept = lwt.Promise[lwtunix.Accepted]{}
	s.backoff = 0
	s.handle(a)
	s.loop()
}

// acceptFailed decides what follows a failed accept: nothing once shut
// down; otherwise a pause, growing while the failures last, then a new try.
func (s *Server) acceptFailed(err error) {
	s.accept = lwt.Promise[lwtunix.Accepted]{}
	if s.stopped {
		return
	}
	switch {
	case errors.Is(err, unix.EMFILE), errors.Is(err, unix.ENFILE), errors.Is(err, unix.ENOBUFS), errors.Is(err, unix.ENOMEM):
		// The connection stays queued: trying again at once would spin.
	default:
		s.report(nil, fmt.Errorf("lwtio: accept: %w", err))
	}
	s.backoff = min(max(2*s.backoff, 5*time.Millisecond), time.Second)
	s.pause = lwtunix.Sleep(s.backoff)
	lwt.OnSuccess(s.pause, func(lwt.Unit) {
		s.pause = lwt.Promise[lwt.Unit]{}
		s.loop()
	})
}

// handlerFailed returns what handles the failure of a connection's handler.
func (s *Server) handlerFailed(peer unix.Sockaddr) func(error) lwt.Promise[lwt.Unit] {
	return func(err error) lwt.Promise[lwt.Unit] {
		s.report(peer, err)
		return lwt.ReturnUnit()
	}
}

// closeConn closes the channels of a connection whose handler is done,
// unless NoClose. Closing what the handler closed already does nothing.
func (s *Server) closeConn(c Conn) {
	if s.opts.NoClose {
		return
	}
	lwt.OnFailure(c.Close(), func(err error) {
		if !clientGone(err) {
			s.report(c.Peer, err)
		}
	})
}

// clientGone tells the errors that say the peer went away.
func clientGone(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, unix.ECONNRESET) || errors.Is(err, unix.EPIPE)
}

func (s *Server) report(peer unix.Sockaddr, err error) {
	if s.opts.OnError != nil {
		s.opts.OnError(peer, err)
		return
	}
	var pe *lwt.PanicError
	switch {
	case errors.As(err, &pe):
		lwt.Async(func() lwt.Promise[lwt.Unit] { return lwt.Fail[lwt.Unit](err) })
		return
	case clientGone(err):
		return
	}
	if peer != nil {
		fmt.Fprintf(os.Stderr, "lwtio: connection from %s: %v\n", SockaddrString(peer), err)
	} else {
		fmt.Fprintf(os.Stderr, "%v\n", err)
	}
}

// SockaddrString formats a socket address as Go's net package does:
// "127.0.0.1:80", "[::1]:80", or a Unix-domain socket's path.
func SockaddrString(sa unix.Sockaddr) string {
	if ap, ok := lwtunix.AddrPortOf(sa); ok {
		return ap.String()
	}
	if u, ok := sa.(*unix.SockaddrUnix); ok {
		if u.Name == "" {
			return "@"
		}
		return u.Name
	}
	return fmt.Sprint(sa)
}
