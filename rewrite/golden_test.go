package rewrite_test

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/lwtgo/lwt/rewrite"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/ with what lwtgen generates now")

// The generator's golden cases: each folder of ../testdata holds an
// annotated program in.go and either
//   - in_lwt.go, the file lwtgen must generate, and want.out, what the
//     program must print; or
//   - want.err, the errors lwtgen must report.
//
// The test generates every case in a scratch module, compares, then builds,
// vets and runs all the programs.
func TestGolden(t *testing.T) {
	root := moduleRoot(t)
	cases, err := filepath.Glob(filepath.Join(root, "testdata", "*", "in.go"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	work := t.TempDir()
	for _, in := range cases {
		pkgDir := filepath.Join(work, "cases", filepath.Base(filepath.Dir(in)))
		if err := os.MkdirAll(pkgDir, 0o755); err != nil {
			t.Fatal(err)
		}
		// in.go, and other annotated or plain files of the case (for other
		// platforms): every .go file but the generated ones.
		srcs, _ := filepath.Glob(filepath.Join(filepath.Dir(in), "*.go"))
		for _, src := range srcs {
			if !strings.Contains(filepath.Base(src), "_lwt") {
				copyFile(t, src, filepath.Join(pkgDir, filepath.Base(src)))
			}
		}
	}
	writeModule(t, work, root)
	var programs []string
	for _, in := range cases {
		dir := filepath.Dir(in)
		name := filepath.Base(dir)
		pkgDir := filepath.Join(work, "cases", name)
		_, err := rewrite.Run(rewrite.Config{Dir: pkgDir}, ".")
		wantErr, hasWantErr := readOptional(filepath.Join(dir, "want.err"))
		_, hasGolden := readOptional(filepath.Join(dir, "in_lwt.go"))
		if hasWantErr || (*update && err != nil && !hasGolden) {
			got := ""
			if err != nil {
				got = strings.ReplaceAll(err.Error(), pkgDir+string(filepath.Separator), "") + "\n"
			}
			if *update {
				os.WriteFile(filepath.Join(dir, "want.err"), []byte(got), 0o644)
				continue
			}
			if got != wantErr {
				t.Errorf("%s: errors:\n%s\nwant:\n%s", name, got, wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		gens, _ := filepath.Glob(filepath.Join(pkgDir, "*_lwt*.go"))
		if len(gens) == 0 {
			t.Errorf("%s: nothing generated", name)
			continue
		}
		// Deterministic: generating again gives the same bytes.
		if res, err := rewrite.Run(rewrite.Config{Dir: pkgDir, Check: true}, "."); err != nil || len(res.Written) > 0 {
			t.Errorf("%s: a second run does not agree with the first: %v %v", name, res.Written, err)
		}
		for _, gen := range gens {
			got, err := os.ReadFile(gen)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			golden := filepath.Join(dir, filepath.Base(gen))
			if *update {
				os.WriteFile(golden, got, 0o644)
			} else if want, _ := os.ReadFile(golden); !bytes.Equal(got, want) {
				t.Errorf("%s: generated code differs from %s (run go test ./rewrite -update to accept it):\n%s", name, filepath.Base(gen), got)
			}
		}
		programs = append(programs, name)
	}
	if len(programs) == 0 || t.Failed() && !*update {
		return
	}
	bin := filepath.Join(work, "bin")
	goCmd(t, work, "build", "-o", bin+string(filepath.Separator), "./cases/...")
	goCmd(t, work, "vet", "./cases/...")
	goplsCheck(t, work)
	for _, name := range programs {
		cmd := exec.Command(filepath.Join(bin, name))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		cmd.Run()
		wantFile := filepath.Join(root, "testdata", name, "want.out")
		if *update {
			os.WriteFile(wantFile, out.Bytes(), 0o644)
			continue
		}
		want, _ := os.ReadFile(wantFile)
		if got := out.String(); got != string(want) {
			t.Errorf("%s: output:\n%s\nwant:\n%s", name, got, want)
		}
	}
}

// goplsCheck runs gopls check on the generated files of the cases: they
// must have nothing to say that gopls does not say of the annotated source
// itself (no &*x, nothing gofmt -s simplifies). Findings for other
// platforms (a "[windows]" suffix) are left out: the runtime builds on
// Linux only. Skipped without gopls, which CI installs.
func goplsCheck(t *testing.T, work string) {
	gopls, err := exec.LookPath("gopls")
	if err != nil {
		home, _ := os.UserHomeDir()
		gopls = filepath.Join(home, "go", "bin", "gopls")
		if _, err := os.Stat(gopls); err != nil {
			t.Log("gopls is not installed: generated files not checked with it")
			return
		}
	}
	check := func(pattern, flags string) map[string][]string {
		files, _ := filepath.Glob(filepath.Join(work, "cases", "*", pattern))
		cmd := exec.Command(gopls, append([]string{"check"}, files...)...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "GOFLAGS="+flags)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("gopls check: %v\n%s", err, out)
		}
		found := map[string][]string{} // case → messages
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if line == "" || strings.HasSuffix(line, "]") {
				continue
			}
			// /.../cases/NAME/file.go:line:col-col: message
			rel := strings.TrimPrefix(line, filepath.Join(work, "cases")+string(filepath.Separator))
			name, rest, _ := strings.Cut(rel, string(filepath.Separator))
			_, msg, _ := strings.Cut(rest, ": ")
			found[name] = append(found[name], msg)
		}
		return found
	}
	gen, src := check("*_lwt*.go", ""), check("in.go", "-tags=lwtsource")
	for name, msgs := range gen {
		for _, msg := range msgs {
			if !slices.Contains(src[name], msg) {
				t.Errorf("gopls check: %s: the generated code has %q, which the source has not", name, msg)
			}
		}
	}
}

func moduleRoot(t interface{ Helper() }) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

func writeModule(t *testing.T, dir, root string) {
	mod := "module golden\n\ngo 1.26\n\nrequire github.com/lwtgo/lwt v0.0.0\n\nreplace github.com/lwtgo/lwt => " + root + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(root, "go.sum"), filepath.Join(dir, "go.sum"))
	goCmd(t, dir, "mod", "tidy")
}

func goCmd(t *testing.T, dir string, args ...string) { runGo(t, dir, args...) }

func runGo(t testing.TB, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func copyFile(t *testing.T, from, to string) {
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readOptional(path string) (string, bool) {
	data, err := os.ReadFile(path)
	return string(data), err == nil
}
