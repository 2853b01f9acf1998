package main

import (
	"slices"
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtio"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtstream"
)

// A client that leaves on its own (the end of its input) while a broadcast
// waits for room in its full queue is not "too slow": the others are told
// once that it left, and its connection is not aborted, so that its writer
// can still send what it has queued.
func TestLeaveWhileBroadcastWaits(t *testing.T) {
	r := &room{clients: map[*client]bool{}}
	add := func(name string) (*client, *lwtstream.Stream[string]) {
		queue, push := lwtstream.CreateBounded[string](queueLen)
		never := func([]byte) lwt.Promise[int] { p, _ := lwt.Wait[int](); return p }
		conn := lwtio.Conn{
			In:  lwtio.MakeInput(never, lwtio.Options{}),
			Out: lwtio.MakeOutput(never, lwtio.Options{}),
		}
		c := &client{name: name, conn: conn, push: push}
		r.clients[c] = true
		return c, queue
	}
	alice, _ := add("alice")
	slow, _ := add("slow")
	_, dq := add("dave")
	for range queueLen {
		slow.push.Push("old")
	}
	main := func() lwt.Promise[lwt.Unit] {
		b := r.broadcast(alice, "alice: hi") // waits for room in slow's queue
		// slow's input ends: what serve does then.
		r.leave(slow)
		left := r.broadcast(slow, "* slow left")
		return lwt.Join(b, left)
	}
	if _, err := lwtmain.Run(main()); err != nil {
		t.Fatal(err)
	}
	got, _ := dq.GetAvailable()
	if want := []string{"alice: hi", "* slow left"}; !slices.Equal(got, want) {
		t.Errorf("dave got %q, want %q", got, want)
	}
	if slow.conn.Out.IsClosed() {
		t.Error("the connection of a client that left on its own was aborted")
	}
}
