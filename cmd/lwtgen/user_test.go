package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// What a new user meets: mistakes that would otherwise go unnoticed, and
// the files lwtgen leaves behind.

// A //lwt:async lwtgen would ignore is an error: in a file without the
// lwtsource constraint, away from a function, or misspelt.
func TestIgnoredDirectives(t *testing.T) {
	noTag := strings.Replace(good, "//go:build lwtsource\n\n", "", 1)
	misspelt := strings.Replace(strings.Replace(good, "package p", "package q", 1), "//lwt:async", "//lwt:asnyc", 1)
	spaced := strings.Replace(strings.Replace(good, "package p", "package r", 1), "//lwt:async", "// lwt:async", 1)
	loose := strings.Replace(strings.Replace(good, "package p", "package s", 1), "//lwt:async\n", "//lwt:async\n\n// Double doubles.\n", 1)
	dir := module(t, map[string]string{"p/p.go": noTag, "q/q.go": misspelt, "r/r.go": spaced, "s/s.go": loose})
	code, out := lwtgen(t, dir, "./...")
	if code != exitSource {
		t.Fatalf("exit %d: %s", code, out)
	}
	for _, want := range []string{
		"p/p.go:5:1: //lwt:async on Double, but this file is not built with the lwtsource tag",
		`q/q.go:7:1: "//lwt:asnyc" looks like a misspelt //lwt:async directive`,
		`r/r.go:7:1: "// lwt:async" looks like a misspelt //lwt:async directive`,
		"s/s.go:7:1: //lwt:async is not in the doc comment of a function",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	// Prose that mentions lwt is not a directive.
	prose := strings.Replace(good, "//lwt:async", "// lwt: the library.\n//\n//lwt:async", 1)
	dir = module(t, map[string]string{"p/p.go": prose})
	if code, out := lwtgen(t, dir, "./..."); code != exitOK {
		t.Fatalf("prose: exit %d: %s", code, out)
	}
}

// The package doc comment of an annotated file is in its generated file,
// where go doc (and pkg.go.dev) look.
func TestPackageDocKept(t *testing.T) {
	doc := strings.Replace(good, "package p", "// Package p doubles numbers, one promise at a time.\npackage p", 1)
	dir := module(t, map[string]string{"p/p.go": doc})
	if code, out := lwtgen(t, dir, "./p"); code != exitOK {
		t.Fatalf("exit %d: %s", code, out)
	}
	cmd := exec.Command("go", "doc", "./p")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Package p doubles numbers, one promise at a time.") {
		t.Fatalf("go doc: %v\n%s", err, out)
	}
}

// A generated file whose annotated source was renamed or deleted is an
// orphan: -check says so, a run removes it (and -v tells), and the package
// builds.
func TestOrphans(t *testing.T) {
	dir := module(t, map[string]string{"p/p.go": good})
	if code, out := lwtgen(t, dir, "./..."); code != exitOK {
		t.Fatalf("exit %d: %s", code, out)
	}
	p := filepath.Join(dir, "p")
	if err := os.Rename(filepath.Join(p, "p.go"), filepath.Join(p, "work.go")); err != nil {
		t.Fatal(err)
	}
	code, out := lwtgen(t, dir, "-check", "./...")
	if code != exitStale || !strings.Contains(out, "p/p_lwt.go: orphan") || !strings.Contains(out, "p/work_lwt.go: missing") {
		t.Fatalf("-check: exit %d: %s", code, out)
	}
	code, out = lwtgen(t, dir, "-v", "./...")
	if code != exitOK || !strings.Contains(out, "removed p/p_lwt.go") {
		t.Fatalf("exit %d: %s", code, out)
	}
	if _, err := os.Stat(filepath.Join(p, "p_lwt.go")); !os.IsNotExist(err) {
		t.Fatal("the orphan is still there")
	}
	build := exec.Command("go", "build", "./...")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// Deleted altogether, the same; a hand-written file is never removed.
	os.Remove(filepath.Join(p, "work.go"))
	os.WriteFile(filepath.Join(p, "keep_lwt.go"), []byte("package p\n"), 0o644)
	if code, out := lwtgen(t, dir, "./..."); code != exitOK {
		t.Fatalf("exit %d: %s", code, out)
	}
	if _, err := os.Stat(filepath.Join(p, "work_lwt.go")); !os.IsNotExist(err) {
		t.Fatal("the orphan of a deleted file is still there")
	}
	if _, err := os.Stat(filepath.Join(p, "keep_lwt.go")); err != nil {
		t.Fatal("a file without lwtgen's header was removed")
	}
}

// -check tells why each file is not up to date; -diff shows how; paths are
// relative to the current directory.
func TestCheckSaysWhy(t *testing.T) {
	dir := module(t, map[string]string{"p/p.go": good, "p/q.go": strings.Replace(good, "Double", "Triple", 3)})
	if code, out := lwtgen(t, dir, "-check", "./..."); code != exitStale || !strings.Contains(out, "p/p_lwt.go: missing (for p/p.go)") {
		t.Fatalf("missing: exit %d: %s", code, out)
	}
	code, out := lwtgen(t, dir, "./...")
	if code != exitOK || !strings.Contains(out, "go generate cannot recreate them") {
		t.Fatalf("the first run gives no hint: exit %d: %s", code, out)
	}
	// Stale: the source changed.
	os.WriteFile(filepath.Join(dir, "p", "p.go"), []byte(strings.Replace(good, "2 *", "3 *", 1)), 0o644)
	// Edited by hand: the generated file changed, its source did not.
	gen := filepath.Join(dir, "p", "q_lwt.go")
	data, _ := os.ReadFile(gen)
	os.WriteFile(gen, []byte(strings.Replace(string(data), "func Triple(", "func Tripled(", 1)), 0o644)
	code, out = lwtgen(t, filepath.Join(dir, "p"), "-diff", ".")
	if code != exitStale {
		t.Fatalf("exit %d: %s", code, out)
	}
	for _, want := range []string{
		"p_lwt.go: stale, run lwtgen\n",
		"q_lwt.go: edited by hand: lwtgen would undo the change; make it in q.go",
		"--- a/p_lwt.go\n+++ b/p_lwt.go\n",
		"-func Tripled(",
		"+func Triple(",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, dir) {
		t.Errorf("absolute paths in:\n%s", out)
	}
	// A run puts both right, and says it undid the edit.
	if code, out := lwtgen(t, dir, "./..."); code != exitOK || !strings.Contains(out, "q_lwt.go had been edited by hand") {
		t.Fatalf("exit %d: %s", code, out)
	}
	if code, out := lwtgen(t, dir, "-check", "./..."); code != exitOK {
		t.Fatalf("after a run: exit %d: %s", code, out)
	}
}

// Load and syntax errors come first and alone, in the go command's words;
// a bad environment or pattern exits 2 with one line.
func TestLoadErrors(t *testing.T) {
	syntax := strings.Replace(good, "return lwt.Return(2 * lwt.Await(p))", "return lwt.Return(2 * lwt.Await(p)", 1)
	dir := module(t, map[string]string{"p/p.go": syntax})
	code, out := lwtgen(t, dir, "./...")
	if code != exitSource || strings.Count(strings.TrimSpace(out), "\n") != 0 || !strings.Contains(out, "p/p.go:9:") {
		t.Fatalf("a syntax error: exit %d:\n%s", code, out)
	}
	if strings.Contains(out, "missing return") {
		t.Fatalf("type errors beside the syntax error:\n%s", out)
	}

	// Outside a module.
	empty := t.TempDir()
	code, out = lwtgen(t, empty)
	if code != exitUsage || !strings.HasPrefix(out, "lwtgen: go: go.mod file not found") || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Fatalf("outside a module: exit %d:\n%s", code, out)
	}
	code, out = lwtgen(t, empty, "./...")
	if code != exitUsage || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Fatalf("outside a module, ./...: exit %d:\n%s", code, out)
	}
	// A pattern that matches nothing.
	dir = module(t, map[string]string{"p/p.go": good})
	if code, out := lwtgen(t, dir, "./nosuchdir"); code != exitUsage || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Fatalf("a pattern that matches nothing: exit %d:\n%s", code, out)
	}

	// A dependency that cannot be loaded: go.sum lacks x/sys, which lwtio
	// needs.
	io := strings.Replace(good, `import "github.com/lwtgo/lwt/runtime/lwt"`, "import (\n\t\"github.com/lwtgo/lwt/runtime/lwt\"\n\t\"github.com/lwtgo/lwt/runtime/lwtio\"\n)\n\nvar _ = lwtio.ResolveAddr", 1)
	dir = module(t, map[string]string{"p/p.go": io})
	sum, _ := os.ReadFile(filepath.Join(dir, "go.sum"))
	var kept []string
	for _, l := range strings.Split(string(sum), "\n") {
		if !strings.HasPrefix(l, "golang.org/x/sys ") {
			kept = append(kept, l)
		}
	}
	os.WriteFile(filepath.Join(dir, "go.sum"), []byte(strings.Join(kept, "\n")), 0o644)
	code, out = lwtgen(t, dir, "./...")
	if code != exitUsage || !strings.Contains(out, "missing go.sum entry") || strings.Contains(out, "does not match") || strings.Contains(out, "invalid type") {
		t.Fatalf("a missing go.sum entry: exit %d:\n%s", code, out)
	}
}

// Compiler errors in generated code point at the annotated source, to the
// column: here a dependency changes under the generated file.
func TestCompileErrorPositions(t *testing.T) {
	src := `//go:build lwtsource

package p

import (
	"github.com/lwtgo/lwt/runtime/lwt"

	"m/q"
)

//lwt:async
func Sum(p lwt.Promise[int]) lwt.Promise[int] {
	x := lwt.Await(p)
	y := x + q.Helper(x) + lwt.Await(p)
	if lwt.Await(p) > q.Helper(y) {
		y++
	}
	return lwt.Return(y + q.Helper(lwt.Await(p)))
}
`
	dir := module(t, map[string]string{"p/p.go": src, "q/q.go": "package q\n\nfunc Helper(n int) int { return n }\n"})
	if code, out := lwtgen(t, dir, "./p"); code != exitOK {
		t.Fatalf("exit %d: %s", code, out)
	}
	os.WriteFile(filepath.Join(dir, "q", "q.go"), []byte("package q\n\nfunc Helper(n string) int { return len(n) }\n"), 0o644)
	build := exec.Command("go", "build", "-gcflags=-e", "./p") // -e: all the errors
	build.Dir = dir
	out, _ := build.CombinedOutput()
	// Each argument of Helper, where the source has it.
	lines := strings.Split(src, "\n")
	var want []string
	for i, l := range lines {
		for from := 0; ; {
			j := strings.Index(l[from:], "q.Helper(")
			if j < 0 {
				break
			}
			col := from + j + len("q.Helper(") + 1 // the go command counts a tab as one column
			want = append(want, fmt.Sprintf("p.go:%d:%d: cannot use", i+1, col))
			from += j + 1
		}
	}
	for _, w := range want {
		if !strings.Contains(string(out), w) {
			t.Errorf("no %q in:\n%s", w, out)
		}
	}
}
