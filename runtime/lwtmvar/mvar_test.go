package lwtmvar

import (
	"errors"
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
)

func wantState[T any](t *testing.T, what string, p lwt.Promise[T], want string) {
	t.Helper()
	if got := p.String(); got != want {
		t.Errorf("%s: %s, want %s", what, got, want)
	}
}

func TestTake(t *testing.T) {
	m := New(0)
	wantState(t, "Take on a full mvar", m.Take(), "Return 0")
	if !m.IsEmpty() {
		t.Error("mvar full after Take")
	}
	wantState(t, "Take on an empty mvar", m.Take(), "Sleep")
}

func TestTakeAvailable(t *testing.T) {
	m := New(7)
	if v, ok := m.TakeAvailable(); v != 7 || !ok {
		t.Errorf("TakeAvailable on a full mvar = %v, %v; want 7, true", v, ok)
	}
	if v, ok := m.TakeAvailable(); v != 0 || ok {
		t.Errorf("second TakeAvailable = %v, %v; want 0, false", v, ok)
	}
	if _, ok := NewEmpty[int]().TakeAvailable(); ok {
		t.Error("TakeAvailable on an empty mvar gave a value")
	}
}

func TestIsEmpty(t *testing.T) {
	if New(0).IsEmpty() {
		t.Error("New(0) is empty")
	}
	if !NewEmpty[int]().IsEmpty() {
		t.Error("NewEmpty is full")
	}
	var zero MVar[int]
	if !zero.IsEmpty() {
		t.Error("zero MVar is full")
	}
	wantState(t, "Put on the zero MVar", zero.Put(1), "Return ()")
	wantState(t, "Take on the zero MVar", zero.Take(), "Return 1")
}

func TestPutTake(t *testing.T) {
	m := NewEmpty[int]()
	wantState(t, "Put on an empty mvar", m.Put(0), "Return ()")
	wantState(t, "Take after Put", m.Take(), "Return 0")
}

func TestTakePut(t *testing.T) {
	m := NewEmpty[int]()
	take := m.Take()
	wantState(t, "Take on an empty mvar", take, "Sleep")
	wantState(t, "Put to a waiting taker", m.Put(1), "Return ()")
	wantState(t, "the waiting Take", take, "Return 1")
	if !m.IsEmpty() {
		t.Error("the value handed to a taker stayed in the mvar")
	}
}

// As in Lwt_mvar: put on a full mvar waits; take hands over the
// queued writer's value; a canceled writer leaves the queue; takers and
// putters are served FIFO.
func TestSemantics42(t *testing.T) {
	m := New(1)
	put2 := m.Put(2)
	wantState(t, "Put on a full mvar", put2, "Sleep")
	put3 := m.Put(3)
	put4 := m.Put(4)
	lwt.Cancel(put3)
	wantState(t, "canceled Put", put3, "Fail lwt: canceled")

	wantState(t, "first Take", m.Take(), "Return 1")
	wantState(t, "the oldest writer once its value is in", put2, "Return ()")
	wantState(t, "the younger writer", put4, "Sleep")
	wantState(t, "second Take", m.Take(), "Return 2")
	wantState(t, "third Take", m.Take(), "Return 4")
	wantState(t, "the last writer", put4, "Return ()")
	wantState(t, "fourth Take", m.Take(), "Sleep")

	// Takers are served in the order they came.
	e := NewEmpty[string]()
	a, b := e.Take(), e.Take()
	e.Put("first")
	wantState(t, "oldest taker", a, "Return first")
	wantState(t, "younger taker", b, "Sleep")
	e.Put("second")
	wantState(t, "younger taker", b, "Return second")
}

func TestCancelWaitingTake(t *testing.T) {
	m := NewEmpty[int]()
	canceled := m.Take()
	next := m.Take()
	lwt.Cancel(canceled)
	if _, err := canceled.Result(); !errors.Is(err, lwt.ErrCanceled) {
		t.Fatalf("canceled Take: %v", canceled)
	}
	m.Put(5)
	wantState(t, "the taker after a canceled one", next, "Return 5")
	if !m.IsEmpty() {
		t.Error("value left in the mvar")
	}
}

func TestCancelWaitingPut(t *testing.T) {
	m := New(1)
	p := m.Put(2)
	lwt.Cancel(p)
	wantState(t, "canceled Put", p, "Fail lwt: canceled")
	wantState(t, "Take", m.Take(), "Return 1")
	wantState(t, "Take after the canceled Put", m.Take(), "Sleep")
}

// Canceling a thread that waits in Take through a Bind withdraws the Take.
func TestCancelThreadInTake(t *testing.T) {
	m := NewEmpty[int]()
	ran := false
	th := lwt.Bind(m.Take(), func(v int) lwt.Promise[int] { ran = true; return lwt.Return(v) })
	lwt.Cancel(th)
	m.Put(1)
	if ran || m.IsEmpty() {
		t.Fatalf("a canceled thread took the value (ran %v, empty %v)", ran, m.IsEmpty())
	}
}

// A Put made from a callback wakes the taker after that callback returns, as
// Lwt's wakeup_later does; at top level it has run when Put returns.
func TestPutInCallbackWakesLater(t *testing.T) {
	m := NewEmpty[int]()
	var log []string
	lwt.Map(m.Take(), func(v int) lwt.Unit { log = append(log, "taker"); return lwt.Unit{} })
	go1, r := lwt.Wait[lwt.Unit]()
	lwt.Map(go1, func(lwt.Unit) lwt.Unit {
		m.Put(1)
		log = append(log, "putter")
		return lwt.Unit{}
	})
	lwt.Wakeup(r, lwt.Unit{})
	if len(log) != 2 || log[0] != "putter" || log[1] != "taker" {
		t.Fatalf("order %v, want [putter taker]", log)
	}
}
