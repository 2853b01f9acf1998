package rewrite_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// lwtgen should process a package of 10,000 annotated lines in under
// 2 s. One op is a whole run: load, rewrite, type-check the output.
func BenchmarkRun10kLines(b *testing.B) {
	dir := bigPackage(b, 10_000)
	for b.Loop() {
		if _, err := rewrite.Run(rewrite.Config{Dir: dir, Check: true}, "."); err != nil {
			b.Fatal(err)
		}
	}
}

// bigFunction is the source of one annotated function of n statements of
// the usual kinds (assignments, awaits alone and inside expressions, ifs,
// loops, switches), and its plain twin, where an await is a call.
func bigFunction(n int) (annotated, plain string) {
	var b strings.Builder
	for i := 0; i < n; i++ {
		switch i % 8 {
		case 0:
			fmt.Fprintf(&b, "\tx += lwt.Await(p)\n")
		case 1:
			fmt.Fprintf(&b, "\ts += fmt.Sprint(x, lwt.Await(p)+%d)\n", i)
		case 2:
			fmt.Fprintf(&b, "\tif x > %d {\n\t\tx -= lwt.Await(p)\n\t}\n", i)
		case 3:
			fmt.Fprintf(&b, "\tfor j := 0; j < 2; j++ {\n\t\tx += j + lwt.Await(p)\n\t}\n")
		case 4:
			fmt.Fprintf(&b, "\tswitch lwt.Await(p) {\n\tcase %d:\n\t\tx++\n\tdefault:\n\t\tx--\n\t}\n", i)
		case 5:
			fmt.Fprintf(&b, "\t{\n\t\ty := x * %d\n\t\tx = y %% 1000\n\t}\n", i)
		case 6:
			fmt.Fprintf(&b, "\tif v, err := lwt.Try(p); err == nil {\n\t\tx += v\n\t}\n")
		case 7:
			fmt.Fprintf(&b, "\tx += len(s) %% 7\n")
		}
	}
	body := b.String()
	annotated = "//go:build lwtsource\n\npackage big\n\nimport (\n\t\"fmt\"\n\n\t\"github.com/lwtgo/lwt/runtime/lwt\"\n)\n\n" +
		"//lwt:async\nfunc Big(p lwt.Promise[int]) lwt.Promise[string] {\n\tx, s := 0, \"\"\n" + body + "\treturn lwt.Return(fmt.Sprint(x, s))\n}\n"
	twin := strings.NewReplacer("lwt.Await(p)", "await(p)", "lwt.Try(p)", "try(p)").Replace(body)
	plain = "package big\n\nimport \"fmt\"\n\nfunc await(p func() int) int { return p() }\n\nfunc try(p func() int) (int, error) { return p(), nil }\n\n" +
		"func Big(p func() int) string {\n\tx, s := 0, \"\"\n" + twin + "\treturn fmt.Sprint(x, s)\n}\n"
	return annotated, plain
}

// BenchmarkGeneratedSize measures what lwtgen makes of one function of
// 2,000 statements: generated lines per source line, and the time the go
// command takes to compile the generated package against its plain twin
// (go build of that package alone; its dependencies are built once
// before). Run it by hand: -bench GeneratedSize -benchtime 1x.
func BenchmarkGeneratedSize(b *testing.B) {
	const statements = 2000
	annotated, plain := bigFunction(statements)
	root := moduleRoot(b)
	dir := b.TempDir()
	writeModuleTB(b, dir, root)
	for name, text := range map[string]string{"big/big.go": annotated, "plain/plain.go": plain} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644)
	}
	runGo(b, dir, "mod", "tidy")
	if _, err := rewrite.Run(rewrite.Config{Dir: filepath.Join(dir, "big")}, "."); err != nil {
		b.Fatal(err)
	}
	out, _ := os.ReadFile(filepath.Join(dir, "big", "big_lwt.go"))
	genLines := float64(strings.Count(string(out), "\n")) / float64(strings.Count(annotated, "\n"))
	runGo(b, dir, "build", "github.com/lwtgo/lwt/runtime/lwt", "github.com/lwtgo/lwt/debugtrace", "fmt")
	compile := func(pkg string) time.Duration {
		// A fresh cache entry each time: the go command compiles the
		// package again, its dependencies come from the cache.
		f := filepath.Join(dir, pkg, "stamp.go")
		os.WriteFile(f, []byte(fmt.Sprintf("package big\n\nconst stamp = %d\n", time.Now().UnixNano())), 0o644)
		start := time.Now()
		runGo(b, dir, "build", "./"+pkg)
		return time.Since(start)
	}
	var gen, twin time.Duration
	for b.Loop() {
		gen += compile("big")
		twin += compile("plain")
	}
	b.ReportMetric(gen.Seconds()/float64(b.N), "gen-compile-s")
	b.ReportMetric(twin.Seconds()/float64(b.N), "plain-compile-s")
	b.ReportMetric(float64(gen)/float64(twin), "compile-ratio")
	b.ReportMetric(genLines, "gen-lines/src-line")
}
