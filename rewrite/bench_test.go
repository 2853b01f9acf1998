package rewrite_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lwtgo/lwt/rewrite"
)

// bigPackage writes an annotated package of about lines lines: functions
// with loops, conditions, switches and awaits.
func bigPackage(t testing.TB, lines int) string {
	root := moduleRoot(t)
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("//go:build lwtsource\n\npackage big\n\nimport (\n\t\"fmt\"\n\n\t\"github.com/lwtgo/lwt/runtime/lwt\"\n)\n\nvar _ = fmt.Sprint\n\n")
	n := 0
	for i := 0; strings.Count(b.String(), "\n") < lines; i++ {
		n++
		fmt.Fprintf(&b, `//lwt:async
func f%d(p lwt.Promise[int], xs []string) lwt.Promise[string] {
	s := ""
	total := 0
	for i := 0; i < 10; i++ {
		if i%%2 == 0 {
			continue
		}
		total += lwt.Await(p) + i
	}
	for k, x := range xs {
		switch lwt.Await(p) {
		case 1:
			s += x
		case 2:
			s += fmt.Sprint(k)
		default:
			s += "?"
		}
	}
	v, err := lwt.Try(p)
	if err != nil || v > 100 && lwt.Await(p) > 3 {
		return lwt.Return("error")
	}
	defer func() {
		total += lwt.Await(p)
	}()
	a, c := lwt.Await2(p, p)
	return lwt.Return(fmt.Sprint(s, total, a, c))
}

`, i)
	}
	os.MkdirAll(filepath.Join(dir, "big"), 0o755)
	os.WriteFile(filepath.Join(dir, "big", "big.go"), []byte(b.String()), 0o644)
	writeModuleTB(t, dir, root)
	return filepath.Join(dir, "big")
}

func writeModuleTB(t testing.TB, dir, root string) {
	mod := "module big\n\ngo 1.26\n\nrequire github.com/lwtgo/lwt v0.0.0\n\nreplace github.com/lwtgo/lwt => " + root + "\n"
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644)
	sum, _ := os.ReadFile(filepath.Join(root, "go.sum"))
	os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644)
	runGo(t, dir, "mod", "tidy")
}

// DESIGN.md: lwtgen processes a package of 10,000 annotated lines in under
// 2 s. One op is a whole run: load, rewrite, type-check the output.
func BenchmarkRun10kLines(b *testing.B) {
	dir := bigPackage(b, 10_000)
	for b.Loop() {
		if _, err := rewrite.Run(rewrite.Config{Dir: dir, Check: true}, "."); err != nil {
			b.Fatal(err)
		}
	}
}
