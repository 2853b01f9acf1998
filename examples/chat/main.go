//go:build lwtsource

// Command chat is a chat server: every line a client sends goes to all the
// other clients.
//
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
			if err != nil {
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
	forever, _ := lwt.Task[lwt.Unit]()
	_, _ = lwt.Try(lwtunix.WithContext(ctx, forever))
	lwt.Await(srv.Shutdown())
	return lwt.ReturnUnit()
}

// ignore is the server's OnError: a session fails only when its client
// goes away, which is not worth a message.
func ignore(unix.Sockaddr, error) {}

func main() { os.Exit(command(os.Args[1:])) }

func command(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: chat HOST:PORT")
		return 2
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
