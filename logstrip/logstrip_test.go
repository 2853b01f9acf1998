package logstrip_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/lwtgo/lwt/rewrite"
)

const program = `//go:build lwtsource

package main

import (
	"os"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtlog"
)

var section = lwtlog.NewSection("app")

//lwt:async
func run() lwt.Promise[int] {
	lwtlog.Debugf(section, "zq-debug-format-%d", 7)
	lwtlog.Infof(section, "zq-info-format-%d", 8)
	return lwt.Return(lwt.Await(lwt.Return(1)))
}

func main() {
	lwtlog.Default, _ = lwtlog.Writer(os.Stdout, &lwtlog.WriterOptions{Template: "$(message)"})
	section.SetLevel(lwtlog.LevelDebug)
	run()
}
`

// Debug calls leave no trace in a default build — not even their format
// string — and work in a build with the lwtdebug tag, from the same
// generated file.
func TestDebugCallsStripped(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(file))
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module m\n\ngo 1.26\n\nrequire github.com/lwtgo/lwt v0.0.0\n\nreplace github.com/lwtgo/lwt => "+root+"\n")
	sum, _ := os.ReadFile(filepath.Join(root, "go.sum"))
	write("go.sum", string(sum))
	write("main.go", program)
	goCmd(t, dir, "mod", "tidy")
	if _, err := rewrite.Run(rewrite.Config{Dir: dir}, "."); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		tags      string
		wantDebug bool
	}{{"", false}, {"lwtdebug", true}} {
		bin := filepath.Join(dir, "prog"+c.tags)
		goCmd(t, dir, "build", "-tags="+c.tags, "-o", bin, ".")
		data, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		if got := bytes.Contains(data, []byte("zq-debug-format-")); got != c.wantDebug {
			t.Errorf("tags %q: debug format string in the binary: %v, want %v", c.tags, got, c.wantDebug)
		}
		if !bytes.Contains(data, []byte("zq-info-format-")) {
			t.Errorf("tags %q: the info call is missing", c.tags)
		}
		out, err := exec.Command(bin).CombinedOutput()
		if err != nil {
			t.Fatal(err, string(out))
		}
		want := "zq-info-format-8\n"
		if c.wantDebug {
			want = "zq-debug-format-7\n" + want
		}
		if string(out) != want {
			t.Errorf("tags %q: output %q, want %q", c.tags, out, want)
		}
	}
}

func goCmd(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %v: %v\n%s", args, err, out)
	}
}
