package debugtrace

import (
	"errors"
	"fmt"
	"os"
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

func TestFrameNames(t *testing.T) {
	for _, c := range []struct{ goName, display, owner string }{
		{"main.(*loadFrame).step", "main.load", "main.load"},
		{"main.(*loadFrame2).Resume", "main.load", "main.load"},
		{"app.(*tServeFrame[go.shape.int]).step", "app.tServe", "app.tserve"},
		{"main.(*runFunc1Frame).step", "main.runFunc1", "main.runfunc1"},
		{"main.plain", "main.plain", ""},
		{"main.(*T).step", "main.(*T).step", ""},
		{"main.(*loadFrame).other", "main.(*loadFrame).other", ""},
	} {
		if got := displayName(c.goName); got != c.display {
			t.Errorf("displayName(%q) = %q, want %q", c.goName, got, c.display)
		}
		if got := frameOwner(c.goName); got != c.owner {
			t.Errorf("frameOwner(%q) = %q, want %q", c.goName, got, c.owner)
		}
	}
	for fn, key := range map[string]string{"main.(*T).serve": "main.tserve", "main.run.func1": "main.runfunc1", "app.(*T[K, V]).Serve": "app.tserve"} {
		if got := funcKey(fn); got != key {
			t.Errorf("funcKey(%q) = %q, want %q", fn, got, key)
		}
	}
	if got := shortFuncName("example.com/a/b.F[example.com/c.T]"); got != "b.F[example.com/c.T]" {
		t.Errorf("shortFuncName: %q", got)
	}
}

// A failure raised by a runtime call takes the name of the annotated
// function from its first await.
func TestCallSiteNamedByAwait(t *testing.T) {
	raised := func(goFunc, pos string) error {
		return &Error{Err: errBase, Sites: []Site{{Func: displayName(goFunc), Pos: pos, What: "read failed", goFunc: goFunc}}}
	}
	for _, c := range []struct {
		goFunc, pos string
		await       Site
		want        string
	}{
		// Awaited where it was called: one site.
		{"main.(*loadFrame).step", "m.go:3", Site{"main.load", "m.go:3", "awaited", ""},
			"[main.load m.go:3 (read failed)]"},
		// Awaited further down in the same function.
		{"main.(*loadFrame).step", "m.go:3", Site{"main.load", "m.go:5", "awaited", ""},
			"[main.load m.go:3 (read failed) main.load m.go:5 (awaited)]"},
		{"main.(*tServeFrame).step", "m.go:3", Site{"main.(*T).serve", "m.go:5", "awaited", ""},
			"[main.(*T).serve m.go:3 (read failed) main.(*T).serve m.go:5 (awaited)]"},
		// Returned, and awaited by the caller: the call keeps its own name.
		{"main.(*loadFrame).step", "m.go:3", Site{"main.start", "m.go:9", "awaited", ""},
			"[main.load m.go:3 (read failed) main.start m.go:9 (awaited)]"},
		// Plain Go code.
		{"main.helper", "m.go:3", Site{"main.start", "m.go:9", "awaited", ""},
			"[main.helper m.go:3 (read failed) main.start m.go:9 (awaited)]"},
	} {
		err := Note(raised(c.goFunc, c.pos), c.await.Func, c.await.Pos, c.await.What)
		if got := fmt.Sprint(Backtrace(err)); got != c.want {
			t.Errorf("%s at %s awaited in %v:\n got %s\nwant %s", c.goFunc, c.pos, c.await, got, c.want)
		}
		// Only the first await names the call.
		err = Note(err, "main.load", c.pos, "awaited")
		if n := len(Backtrace(err)); n != strings.Count(c.want, " m.go:")+1 {
			t.Errorf("second await: %v", Backtrace(err))
		}
	}
	if Note(&Error{Err: errBase}, "p.f", "f.go:1", "awaited") == nil {
		t.Error("an Error without sites")
	}
}

// The error of a system call stays as it is; its site is kept aside and
// starts its backtrace.
func TestOrigins(t *testing.T) {
	err := error(&os.PathError{Op: "open", Path: "/x", Err: errBase})
	if !setOrigin(err, Site{Func: displayName("main.(*loadFrame).step"), Pos: "m.go:3", What: "open failed", goFunc: "main.(*loadFrame).step"}) {
		t.Fatal("a *os.PathError was not kept")
	}
	if got := fmt.Sprint(Backtrace(err)); got != "[main.load m.go:3 (open failed)]" {
		t.Errorf("Backtrace before any await: %s", got)
	}
	wrapped := fmt.Errorf("loading: %w", err)
	noted := Note(wrapped, "main.load", "m.go:3", "awaited")
	if got := fmt.Sprint(Backtrace(noted)); got != "[main.load m.go:3 (open failed)]" {
		t.Errorf("Backtrace after its await: %s", got)
	}
	if setOrigin(errBase, Site{}) {
		t.Error("kept an error of another type")
	}
	if _, ok := originOf(&os.PathError{Op: "open", Path: "/x", Err: errBase}); ok {
		t.Error("an equal error found the site of another")
	}
}
