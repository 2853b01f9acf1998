//go:build lwtsource

// Command chat is a chat server: every line a client sends goes to all the
// other clients.
//
//	go run ./examples/chat demo             # a server and three scripted clients
//	go run ./examples/chat 127.0.0.1:7001
//	telnet 127.0.0.1 7001   # from several terminals
//
// A client first sends its name, then lines of text; the others receive them
// as "name: text", and "* name joined" and "* name left" notices. Each
// client has two light-weight threads, one reading its lines and one writing
// what others said, joined by a bounded stream. When a client's stream is
// full, the sender waits (and is not read from); a client that does not
// drain its stream within a second is disconnected: it cannot hold the
// server's memory or the others up for long. Lines are at most 4 KiB.
package main

//go:generate go tool lwtgen

import (
	"context"
	"fmt"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtio"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtmutex"
	"github.com/lwtgo/lwt/runtime/lwtstream"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

const (
	maxLine  = 4 << 10
	queueLen = 256             // lines waiting for a client, at most
	patience = time.Second     // how long a full queue may hold a broadcast up
	drain    = 5 * time.Second // how long a leaving client gets to read what is left
)

// A room is the set of connected clients. Only the loop touches it.
type room struct {
	clients map[*client]bool
	// One broadcast at a time: every client sees the lines in one order.
	mu lwtmutex.Mutex
}

type client struct {
	name string
	conn lwtio.Conn
	push *lwtstream.BoundedPusher[string]
}

// broadcast sends line to every client but from. A client whose queue is
// full holds the broadcast up, and so the sender, who is not read from
// meanwhile; after patience, it is disconnected, and the others are told.
//
//lwt:async
func (r *room) broadcast(from *client, line string) lwt.Promise[lwt.Unit] {
	lwt.Await(r.mu.Lock())
	defer r.mu.Unlock()
	lines := []string{line}
	for len(lines) > 0 {
		line := lines[0]
		lines = lines[1:]
		for _, c := range slices.Collect(maps.Keys(r.clients)) {
			if c == from || !r.clients[c] {
				continue // the sender, or gone while the broadcast waited
			}
			_, err := lwt.Try(lwtunix.WithTimeout(patience, func() lwt.Promise[lwt.Unit] { return c.push.Push(line) }))
			// A push that fails once c has left on its own (its stream was
			// closed, which fails the push that waits) is not a timeout.
			if err != nil && r.clients[c] {
				r.leave(c)
				c.conn.Out.Abort()
				c.conn.In.Abort()
				lines = append(lines, "* "+c.name+" was too slow and left")
			}
		}
		from = nil // the notices are for everyone left
	}
	return lwt.ReturnUnit()
}

// leave takes c out of the room; its writer sends what it has queued.
func (r *room) leave(c *client) {
	delete(r.clients, c)
	c.push.Close()
}

// serve is a client's session.
//
//lwt:async
func (r *room) serve(conn lwtio.Conn) lwt.Promise[lwt.Unit] {
	lwt.Await(conn.Out.Write("name? "))
	lwt.Await(conn.Out.Flush())
	name, err := lwt.Try(conn.In.ReadLineMax(64))
	name = strings.TrimSpace(name)
	if err != nil || name == "" {
		return lwt.ReturnUnit()
	}
	queue, push := lwtstream.CreateBounded[string](queueLen)
	c := &client{name: name, conn: conn, push: push}
	writer := send(conn.Out, queue, push)
	r.clients[c] = true
	lwt.Await(r.broadcast(c, "* "+name+" joined"))
	for r.clients[c] {
		line, err := lwt.Try(conn.In.ReadLineMax(maxLine))
		if err != nil {
			break // the end of its input, a reset, a line too long, or dropped
		}
		lwt.Await(r.broadcast(c, name+": "+line))
	}
	if r.clients[c] {
		r.leave(c)
		lwt.Await(r.broadcast(c, "* "+name+" left"))
	}
	// Let it read what others said before it left, for a while.
	_, _ = lwt.Try(lwtunix.WithTimeout(drain, func() lwt.Promise[lwt.Unit] { return writer }))
	conn.Out.Abort()
	return lwt.ReturnUnit()
}

// send writes the lines of queue to out, flushing when no more wait.
//
//lwt:async
func send(out *lwtio.OutputChannel, queue *lwtstream.Stream[string], push *lwtstream.BoundedPusher[string]) lwt.Promise[lwt.Unit] {
	for line := range queue.All() {
		lwt.Await(out.WriteLine(line))
		if push.Count() == 0 {
			lwt.Await(out.Flush())
		}
	}
	lwt.Await(out.Flush())
	return lwt.ReturnUnit()
}

// server serves on address until ctx is done; started is given the address
// it listens on.
//
//lwt:async
func server(ctx context.Context, address string, started func(addr string)) lwt.Promise[lwt.Unit] {
	addr := lwt.Await(lwtio.ResolveAddr(address))
	r := &room{clients: map[*client]bool{}}
	srv := lwt.Await(lwtio.EstablishServer(addr, lwtio.ServerOptions{OnError: ignore}, r.serve))
	started(lwtio.SockaddrString(srv.Addr()))
	lwt.Await(lwtunix.Done(ctx))
	lwt.Await(srv.Shutdown())
	return lwt.ReturnUnit()
}

// ignore is the server's OnError: a session fails only when its client
// goes away, which is not worth a message.
func ignore(unix.Sockaddr, error) {}

// A member is a client of the demo: a connection and a name.
type member struct {
	name string
	conn lwtio.Conn
	out  *lwtio.OutputChannel // where what it hears is printed
}

// join connects to the server at addr and gives the name.
//
//lwt:async
func join(addr unix.Sockaddr, name string, out *lwtio.OutputChannel) lwt.Promise[*member] {
	conn := lwt.Await(lwtio.OpenConnection(addr, lwtio.ConnOptions{}))
	lwt.Await(conn.In.Read(len("name? ")))
	lwt.Await(conn.Out.WriteLine(name))
	lwt.Await(conn.Out.Flush())
	return lwt.Return(&member{name: name, conn: conn, out: out})
}

// say sends a line.
//
//lwt:async
func (m *member) say(line string) lwt.Promise[lwt.Unit] {
	lwt.Await(m.conn.Out.WriteLine(line))
	lwt.Await(m.conn.Out.Flush())
	return lwt.ReturnUnit()
}

// hear reads the next line the member is sent, and prints it.
//
//lwt:async
func (m *member) hear() lwt.Promise[lwt.Unit] {
	line := lwt.Await(m.conn.In.ReadLine())
	lwt.Await(m.out.Printlf("%-7s| %s", m.name, line))
	return lwt.ReturnUnit()
}

// demo runs a server and three members on one loop, and prints what each
// member hears: every thread involved (a server's accept loop, its two
// threads per client, the members' scripts) is a light-weight thread of the
// same loop.
//
//lwt:async
func demo(out *lwtio.OutputChannel) lwt.Promise[lwt.Unit] {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	started, start := lwt.Wait[string]()
	srv := server(ctx, "127.0.0.1:0", func(addr string) { lwt.Wakeup(start, addr) })
	addr := lwt.Await(lwtio.ResolveAddr(lwt.Await(started)))

	alice := lwt.Await(join(addr, "alice", out))
	bob := lwt.Await(join(addr, "bob", out))
	lwt.Await(alice.hear()) // * bob joined
	lwt.Await(alice.say("hi bob"))
	lwt.Await(bob.hear())
	lwt.Await(bob.say("hi alice! who else is here?"))
	lwt.Await(alice.hear())
	carol := lwt.Await(join(addr, "carol", out))
	lwt.Await(alice.hear()) // * carol joined
	lwt.Await(bob.hear())
	lwt.Await(carol.say("me!"))
	lwt.Await(alice.hear())
	lwt.Await(bob.hear())
	lwt.Await(bob.conn.Close())
	lwt.Await(alice.hear()) // * bob left
	lwt.Await(carol.hear())
	lwt.Await(alice.conn.Close())
	lwt.Await(carol.hear())
	lwt.Await(carol.conn.Close())
	stop()
	lwt.Await(srv)
	return lwt.ReturnUnit()
}

func main() { os.Exit(command(os.Args[1:])) }

func command(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: chat HOST:PORT | chat demo")
		return 2
	}
	if args[0] == "demo" {
		if _, err := lwtmain.Run(demo(lwtio.Stdout)); err != nil {
			fmt.Fprintln(os.Stderr, "chat:", err)
			return 1
		}
		return 0
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	_, err := lwtmain.Run(server(ctx, args[0], func(addr string) {
		fmt.Println("listening on", addr)
	}))
	if err != nil {
		fmt.Fprintln(os.Stderr, "chat:", err)
		return 1
	}
	return 0
}
