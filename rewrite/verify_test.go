package rewrite

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// verify must catch generated code that does not compile.
func TestVerifyCatchesBrokenOutput(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(file))
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module v\n\ngo 1.26\n\nrequire github.com/lwtgo/lwt v0.0.0\n\nreplace github.com/lwtgo/lwt => "+root+"\n"), 0o644)
	sum, _ := os.ReadFile(filepath.Join(root, "go.sum"))
	os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644)
	src := "//go:build lwtsource\n\npackage v\n\nimport \"github.com/lwtgo/lwt/runtime/lwt\"\n\n//lwt:async\nfunc F() lwt.Promise[int] { return lwt.Return(1) }\n"
	os.WriteFile(filepath.Join(dir, "v.go"), []byte(src), 0o644)
	cmd := exec.Command("go", "mod", "tidy")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatal(err, string(out))
	}
	cfg := Config{Dir: dir}
	pkgs, err := load(cfg, []string{"."})
	if err != nil {
		t.Fatal(err)
	}
	good, errs := generatePackage(pkgs[0])
	if len(errs) > 0 || len(good) != 1 {
		t.Fatal(errs)
	}
	if err := verify(cfg, pkgs, good, nil, nil); err != nil {
		t.Fatalf("good output rejected: %v", err)
	}
	bad := good[0]
	bad.data = []byte(strings.Replace(string(bad.data), "lwt.Return(1)", "lwt.Return(\"one\")", 1))
	err = verify(cfg, pkgs, []output{bad}, nil, nil)
	if !errors.Is(err, ErrBug) || !strings.Contains(err.Error(), "does not compile") {
		t.Fatalf("broken output accepted: %v", err)
	}
}
