package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/lwtgo/lwt/examples/internal/servertest"
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtio"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

func TestEchoManyClients(t *testing.T) {
	addr := servertest.Start(t, server)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			c := servertest.Dial(t, addr)
			for j := range 50 {
				msg := fmt.Sprintf("client %d line %d", i, j)
				c.Send(msg + "\n")
				if got := c.Line(); got != msg {
					t.Errorf("got %q, want %q", got, msg)
					return
				}
			}
		})
	}
	wg.Wait()
}

// The client and the server on one loop: the client sends stdin's lines and
// prints the echoes.
func TestClient(t *testing.T) {
	input := "hello\nworld\n"
	in := strings.NewReader(input)
	stdin := lwtio.MakeInput(func(buf []byte) lwt.Promise[int] {
		n, _ := in.Read(buf)
		return lwt.Return(n)
	}, lwtio.Options{})
	var out bytes.Buffer
	stdout := lwtio.MakeOutput(func(buf []byte) lwt.Promise[int] {
		out.Write(buf)
		return lwt.Return(len(buf))
	}, lwtio.Options{})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started, start := lwt.Wait[string]()
	srv := server(ctx, "127.0.0.1:0", func(addr string) { lwt.Wakeup(start, addr) })
	session := lwt.Bind(started, func(addr string) lwt.Promise[lwt.Unit] {
		return lwt.Finalize(func() lwt.Promise[lwt.Unit] { return client(addr, stdin, stdout) },
			func() lwt.Promise[lwt.Unit] { return stdout.Flush() })
	})
	if _, err := lwtmain.Run(lwt.Bind(session, func(lwt.Unit) lwt.Promise[lwt.Unit] {
		cancel()
		return srv
	})); err != nil {
		t.Fatal(err)
	}
	if out.String() != input {
		t.Errorf("client printed %q, want %q", out.String(), input)
	}
}

// A client that sends 10 MB without reading is not read from once the
// server cannot send back: neither its data nor the server's memory pile
// up, and other clients are served meanwhile.
func TestEchoClientThatNeverReads(t *testing.T) {
	addr := servertest.Start(t, server)
	before := servertest.HeapInUse()
	hog := servertest.Dial(t, addr)
	sent := make(chan int, 1)
	go func() {
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		n := 0
		for n < 10<<20 {
			if _, err := hog.Conn.Write(chunk); err != nil {
				break // the test ended and closed it
			}
			n += len(chunk)
		}
		sent <- n
	}()
	other := servertest.Dial(t, addr)
	for i := range 100 {
		msg := fmt.Sprintf("line %d", i)
		other.Send(msg + "\n")
		if got := other.Line(); got != msg {
			t.Fatalf("got %q, want %q", got, msg)
		}
	}
	if grown := int64(servertest.HeapInUse()) - int64(before); grown > 4<<20 {
		t.Errorf("heap grew by %d bytes while a client sent without reading", grown)
	}
	hog.Conn.Close()
	select {
	case n := <-sent:
		if n >= 10<<20 {
			t.Errorf("the server took all %d bytes without sending them back", n)
		}
	default:
	}
}

// A reset, or a disconnection in the middle of a line, ends only that
// client's session.
func TestEchoSurvivesResetAndHalfLine(t *testing.T) {
	addr := servertest.Start(t, server)
	for range 10 {
		r := servertest.Dial(t, addr)
		r.Send("half a li")
		r.Reset()
		h := servertest.Dial(t, addr)
		h.Send("half a li")
		h.Conn.Close()
	}
	c := servertest.Dial(t, addr)
	c.Send("still there?\n")
	if got := c.Line(); got != "still there?" {
		t.Errorf("got %q", got)
	}
}
