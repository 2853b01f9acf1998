package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/lwtgo/lwt/examples/internal/servertest"
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtio"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

// enter connects a client called name and reads the prompt.
func enter(t *testing.T, addr, name string) *servertest.Client {
	c := servertest.Dial(t, addr)
	if got := c.Read(len("name? ")); got != "name? " {
		t.Fatalf("prompt %q", got)
	}
	c.Send(name + "\n")
	return c
}

func expect(t *testing.T, c *servertest.Client, want ...string) {
	t.Helper()
	for _, w := range want {
		if got := c.Line(); got != w {
			t.Fatalf("got %q, want %q", got, w)
		}
	}
}

func TestChatScript(t *testing.T) {
	addr := servertest.Start(t, server)
	alice := enter(t, addr, "alice")
	bob := enter(t, addr, "bob")
	expect(t, alice, "* bob joined")
	alice.Send("hi bob\n")
	expect(t, bob, "alice: hi bob")
	bob.Send("hi alice\r\n")
	expect(t, alice, "bob: hi alice")
	carol := enter(t, addr, "carol")
	expect(t, alice, "* carol joined")
	expect(t, bob, "* carol joined")
	carol.Send("hello all\nsecond line\n")
	expect(t, alice, "carol: hello all", "carol: second line")
	expect(t, bob, "carol: hello all", "carol: second line")
	bob.Conn.Close()
	expect(t, alice, "* bob left")
	expect(t, carol, "* bob left")
	// A disconnection in the middle of a line, and a reset.
	dave := enter(t, addr, "dave")
	expect(t, alice, "* dave joined")
	expect(t, carol, "* dave joined")
	dave.Send("half a li")
	dave.Reset()
	expect(t, alice, "* dave left")
	expect(t, carol, "* dave left")
	alice.Send("still here\n")
	expect(t, carol, "alice: still here")
}

// A 10 MB line gets its sender disconnected: it is neither broadcast nor
// held in memory, and the others go on.
func TestChatHugeLine(t *testing.T) {
	addr := servertest.Start(t, server)
	alice := enter(t, addr, "alice")
	before := servertest.HeapInUse()
	mallory := enter(t, addr, "mallory")
	expect(t, alice, "* mallory joined")
	go func() {
		chunk := strings.Repeat("x", 64<<10)
		for range 160 { // 10 MB, no newline
			if _, err := mallory.Conn.Write([]byte(chunk)); err != nil {
				return // disconnected, as it should be
			}
		}
	}()
	expect(t, alice, "* mallory left")
	if !mallory.Closed() {
		t.Error("the server kept the connection of a client that sent a 10 MB line")
	}
	if grown := int64(servertest.HeapInUse()) - int64(before); grown > 4<<20 {
		t.Errorf("heap grew by %d bytes", grown)
	}
	bob := enter(t, addr, "bob")
	expect(t, alice, "* bob joined")
	bob.Send("after\n")
	expect(t, alice, "bob: after")
}

// A client that never reads is disconnected once its queue is full; the
// others get every line, and the server's memory stays bounded.
func TestChatClientThatNeverReads(t *testing.T) {
	addr := servertest.Start(t, server)
	alice := enter(t, addr, "alice")
	carol := enter(t, addr, "carol")
	expect(t, alice, "* carol joined")
	eve := enter(t, addr, "eve") // never reads
	expect(t, alice, "* eve joined")
	expect(t, carol, "* eve joined")
	before := servertest.HeapInUse()

	const lines = 4000 // 16 MB in all: more than socket buffers and queue hold
	long := strings.Repeat("y", 4000)
	done := make(chan error, 1)
	go func() {
		// carol reads everything alice sends, and the notice about eve.
		defer close(done)
		sawEve := false
		for i := 0; i < lines; {
			got := carol.Line()
			if got == "* eve was too slow and left" {
				sawEve = true
				continue
			}
			if want := fmt.Sprintf("alice: %d %s", i, long); got != want {
				done <- fmt.Errorf("line %d: got %.40q...", i, got)
				return
			}
			i++
		}
		if !sawEve {
			done <- fmt.Errorf("no notice that eve was dropped")
		}
	}()
	for i := range lines {
		alice.Send(fmt.Sprintf("%d %s\n", i, long))
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	expect(t, alice, "* eve was too slow and left")
	if grown := int64(servertest.HeapInUse()) - int64(before); grown > 8<<20 {
		t.Errorf("heap grew by %d bytes", grown)
	}
	if !eve.Closed() {
		t.Error("the slow client is still connected")
	}
}

// The demo: a server and three scripted members on one loop.
func TestDemo(t *testing.T) {
	var buf bytes.Buffer
	out := lwtio.MakeOutput(func(b []byte) lwt.Promise[int] {
		buf.Write(b)
		return lwt.Return(len(b))
	}, lwtio.Options{})
	if _, err := lwtmain.Run(lwt.Bind(demo(out), func(lwt.Unit) lwt.Promise[lwt.Unit] { return out.Flush() })); err != nil {
		t.Fatal(err)
	}
	want := `alice  | * bob joined
bob    | alice: hi bob
alice  | bob: hi alice! who else is here?
alice  | * carol joined
bob    | * carol joined
alice  | carol: me!
bob    | carol: me!
alice  | * bob left
carol  | * bob left
carol  | * alice left
`
	if buf.String() != want {
		t.Errorf("demo printed:\n%s\nwant:\n%s", buf.String(), want)
	}
}
