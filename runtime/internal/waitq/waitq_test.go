package waitq

import (
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
)

func TestFIFO(t *testing.T) {
	var q Queue[int, string]
	a, b := q.Add("a"), q.Add("b")
	if q.Empty() || q.Len() != 2 {
		t.Fatalf("Empty %v, Len %d; want false, 2", q.Empty(), q.Len())
	}
	for i, want := range []string{"a", "b"} {
		r, v, ok := q.Take()
		if !ok || v != want {
			t.Fatalf("Take %d = %q, %v; want %q", i, v, ok, want)
		}
		lwt.Wakeup(r, i)
	}
	if got := a.String() + ", " + b.String(); got != "Return 0, Return 1" {
		t.Fatal(got)
	}
	if _, _, ok := q.Take(); ok || !q.Empty() || q.Len() != 0 {
		t.Fatal("queue not empty")
	}
}

func TestCanceledWaiterLeaves(t *testing.T) {
	var q Queue[int, string]
	a := q.Add("a")
	q.Add("b")
	c := q.Add("c")
	lwt.Cancel(a)
	lwt.Cancel(c)
	if q.Len() != 1 || q.Empty() {
		t.Fatalf("Len %d after canceling two of three", q.Len())
	}
	if _, v, ok := q.Take(); !ok || v != "b" {
		t.Fatalf("Take = %q, %v; want b", v, ok)
	}
	if _, _, ok := q.Take(); ok || !q.Empty() {
		t.Fatal("a canceled waiter was served")
	}
}

// Waiters canceled while the queue never empties must not pile up.
func TestCancelChurnBounded(t *testing.T) {
	var q Queue[int, int]
	q.Add(0) // stays at the head throughout
	for i := range 100_000 {
		lwt.Cancel(q.Add(i))
	}
	if q.Len() != 1 || cap(q.items) > 64 {
		t.Fatalf("Len %d, cap %d: canceled waiters kept", q.Len(), cap(q.items))
	}
}
