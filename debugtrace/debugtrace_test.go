package debugtrace

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

var errBase = errors.New("base")

func TestNoteKeepsErrorsIsAndCopies(t *testing.T) {
	a := Note(errBase, "p.f", "f.go:1", "raised")
	b := Note(a, "p.g", "g.go:2", "awaited")
	c := Note(a, "p.h", "h.go:3", "awaited") // a second awaiter
	if !errors.Is(b, errBase) || !errors.Is(c, errBase) {
		t.Fatal("errors.Is lost the failure")
	}
	if got := len(Backtrace(a)); got != 1 {
		t.Fatalf("noting a site changed the original error: %d sites", got)
	}
	if got := fmt.Sprint(Backtrace(b)); got != "[p.f f.go:1 (raised) p.g g.go:2 (awaited)]" {
		t.Fatal(got)
	}
	if got := fmt.Sprint(Backtrace(c)); !strings.Contains(got, "p.h") || strings.Contains(got, "p.g") {
		t.Fatal(got)
	}
	if b.Error() != "base" {
		t.Fatal(b.Error())
	}
	if got := fmt.Sprintf("%+v", b); !strings.Contains(got, "async backtrace:\np.f\n\tf.go:1 (raised)\np.g\n\tg.go:2 (awaited)") {
		t.Fatal(got)
	}
	if Note(nil, "p.f", "f.go:1", "raised") != nil {
		t.Fatal("a nil error got a backtrace")
	}
}

func TestDumpOrder(t *testing.T) {
	Wait(1, "p.first", "a.go:1")
	Wait(2, "p.second", "b.go:2")
	Resume(1)
	var b strings.Builder
	Dump(&b)
	Resume(2)
	if got := b.String(); got != "lwt: 1 calls waiting\np.second\n\tb.go:2\n" {
		t.Fatal(got)
	}
}
