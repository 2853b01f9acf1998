package lwtlog

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtio"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// A channel whose backend records each write, and can be made to wait.
type recordingBackend struct {
	writes []string
	hold   bool
	held   []func()
}

func (b *recordingBackend) write(buf []byte) lwt.Promise[int] {
	s := string(buf)
	if !b.hold {
		b.writes = append(b.writes, s)
		return lwt.Return(len(buf))
	}
	p, r := lwt.Wait[int]()
	b.held = append(b.held, func() {
		b.writes = append(b.writes, s)
		lwt.Wakeup(r, len(s))
	})
	return p
}

func (b *recordingBackend) release() {
	held := b.held
	b.held, b.hold = nil, false
	for _, f := range held {
		f()
	}
}

func TestChannel(t *testing.T) {
	var b recordingBackend
	oc := lwtio.MakeOutput(b.write, lwtio.Options{})
	l, err := Channel(oc, &ChannelOptions{Template: "$(date) $(section) [$(level)] $(message)", Clock: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	s := NewSection("channel")
	if err := mustResult(t, To(l).Warning(s, "one\ntwo")); err != nil {
		t.Fatal(err)
	}
	// One message: written whole, then flushed.
	if want := []string{"Jan  2 15:04:05 channel [warning] one\nJan  2 15:04:05 channel [warning] two\n"}; strings.Join(b.writes, "|") != strings.Join(want, "|") {
		t.Errorf("writes %q, want %q", b.writes, want)
	}

	// The promise resolves once the flush is done.
	b.hold = true
	p := To(l).Notice(s, "three")
	if !p.IsSleeping() {
		t.Fatal("log call resolved before its flush")
	}
	b.release()
	if err := mustResult(t, p); err != nil {
		t.Fatal(err)
	}
	if got := b.writes[len(b.writes)-1]; got != "Jan  2 15:04:05 channel [notice] three\n" {
		t.Errorf("last write %q", got)
	}

	// Keep: closing the logger leaves the channel open.
	if err := mustResult(t, l.Close()); err != nil {
		t.Fatal(err)
	}
	if oc.IsClosed() {
		t.Error("closing a Keep logger closed its channel")
	}
	if _, err := Channel(oc, &ChannelOptions{Template: "$(nope)"}); err == nil {
		t.Error("Channel accepted an invalid template")
	}
}

func TestChannelDefaultsAndClose(t *testing.T) {
	var b recordingBackend
	oc := lwtio.MakeOutput(b.write, lwtio.Options{})
	l, err := Channel(oc, &ChannelOptions{Close: true})
	if err != nil {
		t.Fatal(err)
	}
	To(l).Error(NewSection("channel.close"), "bye")
	if want := programName + ": channel.close: bye\n"; len(b.writes) != 1 || b.writes[0] != want {
		t.Errorf("writes %q, want %q", b.writes, want)
	}
	if err := mustResult(t, l.Close()); err != nil {
		t.Fatal(err)
	}
	if !oc.IsClosed() {
		t.Error("closing a Close logger left its channel open")
	}
	// A channel closed under a logger fails its log calls.
	l2, _ := Channel(oc, nil)
	if err := mustResult(t, To(l2).Error(NewSection("channel.close"), "late")); !errors.Is(err, lwtio.ErrClosed) {
		t.Errorf("logging to a closed channel: %v", err)
	}
}

// A channel on a pipe nobody reads: log calls wait, the loop does not; once
// the reader drains the pipe they complete, in order.
func TestChannelDoesNotBlockTheLoop(t *testing.T) {
	r, w, err := lwtunix.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	oc := lwtio.NewOutput(w, lwtio.Options{})
	l, _ := Channel(oc, &ChannelOptions{Template: "$(message)", Close: true})
	s := NewSection("channel.pipe")
	line := strings.Repeat("x", 1000)
	var ps []lwt.Promise[lwt.Unit]
	for range 200 { // 200 kB: more than a pipe holds
		ps = append(ps, To(l).Notice(s, line))
	}
	all := lwt.Join(ps...)
	// The loop runs other things meanwhile.
	if err := run(t, lwtunix.Sleep(10*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if !all.IsSleeping() {
		t.Fatal("all log calls done with nobody reading")
	}
	// Read everything while the loop runs.
	var got strings.Builder
	buf := make([]byte, 1<<16)
	var drain func() lwt.Promise[lwt.Unit]
	drain = func() lwt.Promise[lwt.Unit] {
		return lwt.Bind(r.Read(buf), func(n int) lwt.Promise[lwt.Unit] {
			got.Write(buf[:n])
			if got.Len() >= 200*1001 {
				return lwt.ReturnUnit()
			}
			return drain()
		})
	}
	if err := run(t, lwt.Join(drain(), all)); err != nil {
		t.Fatal(err)
	}
	if want := strings.Repeat(line+"\n", 200); got.String() != want {
		t.Errorf("read %d bytes, want %d", got.Len(), len(want))
	}
	run(t, l.Close())
}
