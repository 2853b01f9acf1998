//go:build lwtsource

// Command echo is an echo server and its client.
//
//	go run ./examples/echo server 127.0.0.1:7000
//	go run ./examples/echo client 127.0.0.1:7000   # sends each line of stdin, prints the echo
//
// The server sends back every byte it receives, on any number of
// connections at once, each in its own light-weight thread. It holds at most
// a buffer per direction for each client: a client that sends without
// reading is not read from until it reads.
package main

//go:generate go tool lwtgen

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtio"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// echo sends back what the client sends until it shuts its side down.
//
//lwt:async
func echo(c lwtio.Conn) lwt.Promise[lwt.Unit] {
	buf := make([]byte, lwtio.DefaultBufferSize)
	for {
		n := lwt.Await(c.In.ReadInto(buf))
		if n == 0 {
			return lwt.ReturnUnit()
		}
		lwt.Await(c.Out.WriteFromExactly(buf[:n]))
		if c.In.Buffered() == 0 {
			lwt.Await(c.Out.Flush())
		}
	}
}

// server serves on address until ctx is done; started is given the address
// it listens on.
//
//lwt:async
func server(ctx context.Context, address string, started func(addr string)) lwt.Promise[lwt.Unit] {
	addr := lwt.Await(lwtio.ResolveAddr(address))
	srv := lwt.Await(lwtio.EstablishServer(addr, lwtio.ServerOptions{}, echo))
	started(lwtio.SockaddrString(srv.Addr()))
	lwt.Await(lwtunix.Done(ctx))
	lwt.Await(srv.Shutdown())
	return lwt.ReturnUnit()
}

// client sends each line of in to the server at address, and writes each
// line the server sends back to out.
//
//lwt:async
func client(address string, in *lwtio.InputChannel, out *lwtio.OutputChannel) lwt.Promise[lwt.Unit] {
	addr := lwt.Await(lwtio.ResolveAddr(address))
	c := lwt.Await(lwtio.OpenConnection(addr, lwtio.ConnOptions{}))
	defer c.Close()
	for {
		line := lwt.Await(in.ReadLineOpt())
		if !line.OK {
			return lwt.ReturnUnit()
		}
		lwt.Await(c.Out.WriteLine(line.Value))
		lwt.Await(c.Out.Flush())
		lwt.Await(out.WriteLine(lwt.Await(c.In.ReadLine())))
	}
}

func main() { os.Exit(command(os.Args[1:])) }

func command(args []string) int {
	if len(args) != 2 || (args[0] != "server" && args[0] != "client") {
		fmt.Fprintln(os.Stderr, "usage: echo server|client HOST:PORT")
		return 2
	}
	var err error
	if args[0] == "server" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		_, err = lwtmain.Run(server(ctx, args[1], func(addr string) {
			fmt.Println("listening on", addr)
		}))
	} else {
		_, err = lwtmain.Run(client(args[1], lwtio.Stdin, lwtio.Stdout))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "echo:", err)
		return 1
	}
	return 0
}
