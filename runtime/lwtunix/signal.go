package lwtunix

import (
	"os"
	"os/signal"
	"slices"

	"golang.org/x/sys/unix"
)

// A SignalHandler is a function registered with [OnSignal]:
// Lwt_unix.signal_handler_id.
type SignalHandler struct {
	f     func(unix.Signal)
	entry *signalEntry // nil once disabled
}

// signalEntry is what watches one signal: an os/signal channel, a goroutine
// that turns what arrives on it into sends of a notification, and the
// handlers that notification calls on the loop.
type signalEntry struct {
	sig      unix.Signal
	ch       chan os.Signal
	stop     chan struct{}
	id       int
	handlers []*SignalHandler // copied on write: delivery ranges over it
}

var signalEntries map[unix.Signal]*signalEntry

// OnSignal calls f on the loop each time the process receives sig, until
// the handler it returns is disabled: Lwt_unix.on_signal. Several handlers
// may watch one signal; they run in the order they were registered.
//
// Signals are caught with os/signal (signal.Notify) while at least one
// handler watches them; a goroutine relays each to the loop as a
// notification. Like os/signal, and like the kernel, it may merge signals
// that arrive in quick succession into one call. OnSignal and
// [DisableSignalHandler] belong to the goroutine that runs the loop.
func OnSignal(sig unix.Signal, f func(unix.Signal)) *SignalHandler {
	if f == nil {
		panic("lwtunix.OnSignal: nil function")
	}
	e := signalEntries[sig]
	if e == nil {
		e = &signalEntry{sig: sig, ch: make(chan os.Signal, 8), stop: make(chan struct{})}
		e.id = MakeNotification(e.deliver, false)
		if signalEntries == nil {
			signalEntries = make(map[unix.Signal]*signalEntry)
		}
		signalEntries[sig] = e
		signal.Notify(e.ch, sig)
		go e.relay()
	}
	h := &SignalHandler{f: f, entry: e}
	e.handlers = append(slices.Clip(e.handlers), h)
	return h
}

// DisableSignalHandler unregisters h: its function will not be called
// again. When it was the last handler of its signal, the signal is no longer
// caught (signal.Stop), and gets its previous disposition back.
// Lwt_unix.disable_signal_handler. Disabling a handler twice does nothing.
func DisableSignalHandler(h *SignalHandler) {
	e := h.entry
	if e == nil {
		return
	}
	h.entry = nil
	e.handlers = slices.DeleteFunc(slices.Clone(e.handlers), func(x *SignalHandler) bool { return x == h })
	if len(e.handlers) > 0 {
		return
	}
	signal.Stop(e.ch)
	close(e.stop)
	StopNotification(e.id)
	delete(signalEntries, e.sig)
}

// SignalCount returns the number of signal handlers registered with
// [OnSignal] and not disabled: Lwt_unix.signal_count.
func SignalCount() int {
	n := 0
	for _, e := range signalEntries {
		n += len(e.handlers)
	}
	return n
}

func (e *signalEntry) relay() {
	for {
		select {
		case <-e.ch:
			SendNotification(e.id)
		case <-e.stop:
			return
		}
	}
}

func (e *signalEntry) deliver() {
	for _, h := range e.handlers {
		if h.entry == e { // not disabled by an earlier handler
			h.f(e.sig)
		}
	}
}
