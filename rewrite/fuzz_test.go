package rewrite_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lwtgo/lwt/rewrite"
)

// FuzzGenerate feeds lwtgen random annotated programs and checks that it
// never panics, and that whatever it accepts compiles and means the same as
// the source.
//
// The fuzz input is a stream of choices for a small grammar (see gen): one
// //lwt:async function runN(n int) lwt.Promise[int] (sometimes a method, a
// generic function, or with a named result) built from declarations,
// assignments (to variables, through pointers, to elements and fields, to
// fields of elements reached through calls), awaits nested in expressions
// and call arguments, && and || beside awaits whose promise changes their
// operands, if/else, every for and range form (ints, slices, arrays,
// pointers to arrays, strings, maps, streams and embedded streams,
// functions and channels whose range expression awaits), switch with
// awaits in tag, cases and bodies, with break and fallthrough, type
// switches, labeled switch, select and loop breaks (also out of switches
// whose clauses all return), goto inside await-free blocks, slices,
// addresses and pointer methods of array elements reached through calls,
// closures that capture loop variables, async func literals (called at
// once, kept in variables, as lwt.Try blocks), defer (of literals that
// await, of variadic literals, of literals and calls returning promises,
// of plain calls, and more than 127 of them, rarely), lwt.Try, lwt.Assert,
// Await2/3, AwaitAll (with explicit type arguments too), lwt.Fail and
// panic; unreachable code that alone uses an import; dot, aliased and
// duplicate imports; variable, type parameter and label names that collide
// with the ones lwtgen makes up or with package names. The promises it
// awaits are resolved already or pending and resolved later by a pump loop
// in main, as the input chooses. Loops are bounded by constants, so every
// program ends.
//
// The oracle is a twin of the same function in plain Go (runTwin), built from
// the same choices, where lwt.Await(p) is await(p): a helper that runs the
// pump until p is resolved and returns its value, or panics with a failure
// that the function's deferred catch turns back into a failed promise. Every
// async call in these programs is awaited as soon as it is made, so there is
// only ever one thread of control and both must print exactly the same
// thing. Go leaves the order of plain reads (variables, fields, index
// expressions) relative to calls unspecified, so no await in an expression
// changes a variable that the same expression reads, except the operands
// of && and || to its left, which the spec orders before it (flip).
//
// Each function is written into its own file fnN.go (annotated, with its
// own imports) of one scratch module reused across inputs, beside twin.go
// that holds every twin; lwtgen runs in-process on the package, then one go
// build makes one binary that runs the twins, then the generated versions,
// in one process.
//
// Run as a plain test (no -fuzz), FuzzGenerate checks the seeds and
// testdata/fuzz/FuzzGenerate as one batch first, and then only the inputs
// that failed there, alone. The corpus holds an input for each class of
// bug found by hand (named after its folder of lwtgen-repros) or by the
// fuzzer since, each found by the fuzzer on a generator with the bug. See
// TestFuzzBatch for long runs.
//
// Environment, for fuzzing by hand:
//
//	LWTFUZZ_SAVE=dir     keep the files of every failing input under dir
//	LWTFUZZ_DUMP=1       log the annotated program of every input
//	LWTFUZZ_REJECTS=file append lwtgen's rejections to file
//	LWTFUZZ_LAX=1        a rejection does not fail the input
//	LWTFUZZ_TIMING=file  append how long lwtgen, go build and the run took
//
// The programs avoid every construct lwtgen is documented to reject, so a
// rejection fails the input unless LWTFUZZ_LAX is set.
//
// The avoid* constants below keep the grammar away from bugs that are known
// and not fixed yet, so that fuzzing finds new ones; set one to false to
// check a fix.
func FuzzGenerate(f *testing.F) {
	for _, seed := range fuzzSeeds() {
		f.Add(seed)
	}
	f.Cleanup(func() {
		if fuzzEnv.dir != "" {
			os.RemoveAll(fuzzEnv.dir)
		}
	})
	// Without -fuzz, the seeds and the corpus as one program: only the
	// inputs that fail in it are checked again alone below.
	passed := map[string]bool{}
	if fl := flag.Lookup("test.fuzz"); fl == nil || fl.Value.String() == "" {
		inputs := append(fuzzSeeds(), readCorpus(f)...)
		dir := fuzzSetup(f)
		failed := map[int]bool{}
		for _, fd := range checkBatch(f, dir, inputs, false) {
			failed[fd.index] = true
		}
		for i, in := range inputs {
			if !failed[i] {
				passed[string(in)] = true
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if passed[string(data)] {
			return
		}
		dir := fuzzSetup(t)
		prog := generateProgram(data)
		if os.Getenv("LWTFUZZ_DUMP") != "" {
			t.Logf("annotated:\n%s", prog.ann)
		}
		checkProgram(t, dir, prog)
	})
}

// readCorpus reads the inputs of testdata/fuzz/FuzzGenerate.
func readCorpus(tb testing.TB) [][]byte {
	paths, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzGenerate", "*"))
	var out [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		if len(lines) < 2 || !strings.HasPrefix(lines[1], "[]byte(") || !strings.HasSuffix(lines[1], ")") {
			tb.Fatalf("%s: not a corpus file of one []byte", p)
		}
		s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
		if err != nil {
			tb.Fatalf("%s: %v", p, err)
		}
		out = append(out, []byte(s))
	}
	return out
}

// TestFuzzBatch is FuzzGenerate without the fuzzing engine: it puts many
// functions made from random inputs in each program (lwtgen, go build and
// the run cost far less per function that way), for a while. A plain go
// test runs it with the defaults below (-short skips it); for long runs by
// hand:
//
//	LWTFUZZ_BATCH=n        functions per program (default 40)
//	LWTFUZZ_DURATION=d     how long (default 75s)
//	LWTFUZZ_SEED=s         the seed of the inputs (default: the time)
//	LWTFUZZ_KEEPGOING=1    go on after a failure, to the end of the duration
//	LWTFUZZ_PROGRESS=1     log the count of functions and failures after each program
//
// When a program fails, it tells the functions to blame from the position
// of the error or where the outputs part (or by bisection), checks them
// alone, and writes each as a corpus file under $LWTFUZZ_SAVE (or logs
// it); the other functions of the program are checked again without them.
func TestFuzzBatch(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("LWTFUZZ_BATCH"))
	dur := 75 * time.Second
	if n <= 0 {
		if testing.Short() {
			t.Skip("-short: skipping the batch of random programs")
		}
		n = 40
	}
	if d, err := time.ParseDuration(os.Getenv("LWTFUZZ_DURATION")); err == nil {
		dur = d
	}
	seed := uint64(time.Now().UnixNano())
	if s, err := strconv.ParseUint(os.Getenv("LWTFUZZ_SEED"), 10, 64); err == nil {
		seed = s
	}
	keepGoing := os.Getenv("LWTFUZZ_KEEPGOING") != ""
	t.Logf("LWTFUZZ_SEED=%d LWTFUZZ_BATCH=%d", seed, n)
	r := rand.New(rand.NewPCG(seed, 0))
	dir := fuzzSetup(t)
	t.Cleanup(func() { os.RemoveAll(dir) })
	functions, failures, begin := 0, 0, time.Now()
	for round := 0; round == 0 || time.Since(begin) < dur; round++ {
		var inputs [][]byte
		for range n {
			b := make([]byte, 50+r.IntN(700))
			for i := range b {
				b[i] = byte(r.UintN(256))
			}
			inputs = append(inputs, b)
		}
		found := checkBatch(t, dir, inputs, true)
		functions += n
		failures += len(found)
		if os.Getenv("LWTFUZZ_PROGRESS") != "" {
			t.Logf("round %d: %d functions, %d failures, %v", round, functions, failures, time.Since(begin).Round(time.Second))
		}
		if len(found) > 0 && !keepGoing {
			break
		}
	}
	el := time.Since(begin)
	t.Logf("%d functions checked in %v (%.0f a minute), %d failed", functions, el.Round(time.Second),
		float64(functions)/el.Minutes(), failures)
}

// A finding is a function of a batch that fails.
type finding struct {
	index int    // of its input
	msg   string // the failure, of the function alone if it fails alone
}

// checkBatch checks the functions of inputs in one program and returns
// those that fail; with report, it reports each as an error of tb.
func checkBatch(tb testing.TB, dir string, inputs [][]byte, report bool) []finding {
	live := make([]int, len(inputs))
	for i := range live {
		live[i] = i
	}
	pick := func(idx []int) [][]byte {
		var out [][]byte
		for _, i := range idx {
			out = append(out, inputs[i])
		}
		return out
	}
	var found []finding
	for len(live) > 0 {
		v := runCheck(dir, generateProgram(pick(live)...), false)
		if v == nil {
			break
		}
		if v.skip != "" {
			tb.Skip(v.skip)
		}
		if v.rejected && os.Getenv("LWTFUZZ_LAX") != "" {
			tb.Logf("lwtgen rejected the program: %s", v.msg)
		}
		blame := v.fns
		if len(blame) == 0 {
			// Nothing says which: bisect.
			blame = bisect(dir, pick, live, v)
		}
		gone := map[int]bool{}
		for _, b := range blame {
			gone[live[b]] = true
		}
		var rest []int
		for _, i := range live {
			if !gone[i] {
				rest = append(rest, i)
				continue
			}
			if v.rejected && os.Getenv("LWTFUZZ_LAX") != "" {
				continue
			}
			if v.gcBug {
				tb.Logf("left out: gc crashes on the twin of this input, which is a compiler bug:\n%s", fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", inputs[i]))
				continue
			}
			if !report {
				found = append(found, finding{index: i})
				continue
			}
			prog := generateProgram(inputs[i])
			var msg string
			if j := slices.Index(live, i); v.byFile && j >= 0 {
				// lwtgen's own lines about its file (fn<j>.go in the
				// batch, fn0.go alone).
				lines := strings.Split(v.msg, "\n")
				msg = "(in a batch of functions)"
				for n, l := range lines {
					if b := blameFiles(l, len(live)); len(b) > 0 && b[0] == j || n == 0 && len(b) == 0 {
						msg += "\n" + l
					}
				}
				msg += fmt.Sprintf("\n(fn%d.go is fn0.go alone)", j)
			} else {
				// Alone, for its own message and files.
				alone := runCheck(dir, prog, false)
				if alone != nil {
					msg = alone.msg
				} else {
					msg = "(passes alone: fails only beside the other functions of its program)\n" + v.msg
				}
			}
			msg = reportFailure(dir, prog, inputs[i], msg)
			tb.Errorf("%s", msg)
			found = append(found, finding{index: i, msg: msg})
		}
		if len(rest) == len(live) {
			break // blamed nothing we have: give up on this batch
		}
		live = rest
	}
	return found
}

// bisect finds the functions of live that fail as v says (all those
// that make lwtgen panic, if it did; else one that fails), as indices into
// live.
func bisect(dir string, pick func([]int) [][]byte, live []int, v *verdict) []int {
	panicked := strings.HasPrefix(v.msg, "lwtgen panicked")
	fails := func(idx []int) bool {
		sub := make([]int, len(idx))
		for i, j := range idx {
			sub[i] = live[j]
		}
		w := runCheck(dir, generateProgram(pick(sub)...), panicked)
		if panicked {
			return w != nil && strings.HasPrefix(w.msg, "lwtgen panicked")
		}
		return w != nil
	}
	all := make([]int, len(live))
	for i := range all {
		all[i] = i
	}
	var find func(idx []int, known bool) []int
	find = func(idx []int, known bool) []int {
		if len(idx) == 0 || !known && !fails(idx) {
			return nil
		}
		if len(idx) == 1 {
			return idx
		}
		mid := len(idx) / 2
		left := find(idx[:mid], false)
		if !panicked && len(left) > 0 {
			return left
		}
		// If the left half does not fail, the right one does.
		return append(left, find(idx[mid:], len(left) == 0)...)
	}
	if found := find(all, true); len(found) > 0 {
		return found
	}
	return []int{0}
}

// reportFailure saves (under $LWTFUZZ_SAVE) or logs the corpus file of a
// failing input, and returns the message to report.
func reportFailure(dir string, prog *program, in []byte, msg string) string {
	corpus := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", in)
	name := fmt.Sprintf("corpus-%x", sha256.Sum256(in))[:len("corpus-")+16]
	if save := os.Getenv("LWTFUZZ_SAVE"); save != "" {
		d := filepath.Join(save, "fail-"+name[len("corpus-"):])
		os.MkdirAll(d, 0o755)
		for name, text := range prog.files {
			os.WriteFile(filepath.Join(d, name), []byte(text), 0o644)
		}
		pkg := filepath.Join(dir, "prog")
		if gens, _ := filepath.Glob(filepath.Join(pkg, "*_lwt.go")); len(gens) > 0 {
			for _, g := range gens {
				if data, err := os.ReadFile(g); err == nil {
					os.WriteFile(filepath.Join(d, filepath.Base(g)), data, 0o644)
				}
			}
		}
		os.WriteFile(filepath.Join(d, "message.txt"), []byte(msg), 0o644)
		path := filepath.Join(save, name)
		os.WriteFile(path, []byte(corpus), 0o644)
		return fmt.Sprintf("%s\n(failing input written to %s, files in %s)", msg, path, d)
	}
	return fmt.Sprintf("%s\n\nannotated source:\n%s\nfailing input (a corpus file for testdata/fuzz/FuzzGenerate):\n%s", msg, prog.ann, corpus)
}

// fuzzSeeds are varied inputs: pseudo-random streams of choices from fixed
// seeds, of different lengths, so that plain go test covers a bit of
// everything in a few seconds each.
func fuzzSeeds() [][]byte {
	var seeds [][]byte
	for i, n := range []int{60, 120, 200, 300, 400, 160, 250, 350, 500, 220} {
		r := rand.New(rand.NewPCG(uint64(i)+1, 0x1e7))
		b := make([]byte, n)
		for j := range b {
			b[j] = byte(r.UintN(256))
		}
		seeds = append(seeds, b)
	}
	return seeds
}

// ---- the scratch module ----

var fuzzEnv struct {
	once    sync.Once
	dir     string
	err     error
	rootMod string // the root's go.mod and go.sum when the scratch module was tidied
}

// fuzzSetup makes the scratch module once per process: go.mod, the helpers
// both versions share, the twin's helpers. It tidies it again whenever the
// repository's go.mod or go.sum change.
func fuzzSetup(t testing.TB) string {
	root := moduleRoot(t)
	fuzzEnv.once.Do(func() {
		fuzzEnv.dir, fuzzEnv.err = makeFuzzModule(root)
	})
	if fuzzEnv.err == nil && rootModFiles(root) != fuzzEnv.rootMod {
		fuzzEnv.err = tidyFuzzModule(root, fuzzEnv.dir)
	}
	if fuzzEnv.err != nil {
		t.Fatalf("setting up the scratch module: %v", fuzzEnv.err)
	}
	return fuzzEnv.dir
}

func rootModFiles(root string) string {
	mod, _ := os.ReadFile(filepath.Join(root, "go.mod"))
	sum, _ := os.ReadFile(filepath.Join(root, "go.sum"))
	return string(mod) + "\x00" + string(sum)
}

// tidyFuzzModule writes the scratch module's go.mod and go.sum after the
// repository's, and tidies it.
func tidyFuzzModule(root, dir string) error {
	fuzzEnv.rootMod = rootModFiles(root)
	goLine := "go 1.26"
	if data, err := os.ReadFile(filepath.Join(root, "go.mod")); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(l, "go ") {
				goLine = strings.TrimSpace(l)
			}
		}
	}
	mod := "module lwtfuzz\n\n" + goLine + "\n\nrequire github.com/lwtgo/lwt v0.0.0\n\nreplace github.com/lwtgo/lwt => " + root + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		return err
	}
	if data, err := os.ReadFile(filepath.Join(root, "go.sum")); err == nil {
		os.WriteFile(filepath.Join(dir, "go.sum"), data, 0o644)
	}
	cmd := exec.Command("go", "mod", "tidy")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go mod tidy: %v\n%s", err, out)
	}
	return nil
}

func makeFuzzModule(root string) (string, error) {
	removeStaleFuzzDirs()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("lwtfuzz-%d", os.Getpid()))
	os.RemoveAll(dir)
	prog := filepath.Join(dir, "prog")
	if err := os.MkdirAll(prog, 0o755); err != nil {
		return "", err
	}
	files := map[string]string{
		filepath.Join(prog, "helpers.go"):     fuzzHelpers,
		filepath.Join(prog, "twinhelpers.go"): fuzzTwinHelpers,
		// A first program, so that tidy and the first build see everything.
		filepath.Join(prog, "in.go"): "//go:build lwtsource\n\npackage main\n\nimport \"github.com/lwtgo/lwt/runtime/lwt\"\n\n//lwt:async\nfunc run(n int) lwt.Promise[int] { return lwt.Return(n) }\n",
		filepath.Join(prog, "twin.go"): "package main\n\nimport \"github.com/lwtgo/lwt/runtime/lwt\"\n\nfunc runTwin(n int) lwt.Promise[int] { return lwt.Return(n) }\n\n" +
			"var runs = []func(int) lwt.Promise[int]{run}\n\nvar twins = []func(int) lwt.Promise[int]{runTwin}\n",
	}
	for path, text := range files {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return dir, err
		}
	}
	return dir, tidyFuzzModule(root, dir)
}

// removeStaleFuzzDirs removes the scratch modules of processes that are gone
// (a fuzz worker that was killed does not clean up).
func removeStaleFuzzDirs() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "lwtfuzz-*"))
	for _, d := range dirs {
		pid, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(d), "lwtfuzz-"))
		if err != nil || pid == os.Getpid() {
			continue
		}
		if syscall.Kill(pid, 0) == syscall.ESRCH {
			os.RemoveAll(d)
		}
	}
}

// fuzzHelpers is compiled with both versions: the promises, the pump, the
// printing helpers and main, which runs run (or runTwin with argument twin)
// for n = 0 and n = 1.
const fuzzHelpers = `package main

import (
	"fmt"
	"iter"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtstream"
)

var pending []func()

// closures are called by main after the call has finished.
var closures []func()

func schedule(d int, f func()) {
	if d <= 0 {
		pending = append(pending, f)
		return
	}
	pending = append(pending, func() { schedule(d-1, f) })
}

func pumpOne() bool {
	if len(pending) == 0 {
		return false
	}
	f := pending[0]
	pending = pending[1:]
	f()
	return true
}

func pump() {
	for pumpOne() {
	}
}

func ready(k, v int) lwt.Promise[int] {
	fmt.Println("ready", k, v)
	return lwt.Return(v)
}

func later(k, v, d int) lwt.Promise[int] {
	fmt.Println("later", k, v, d)
	p, r := lwt.Wait[int]()
	schedule(d, func() {
		fmt.Println("wake", k, v)
		lwt.Wakeup(r, v)
	})
	return p
}

func failNow(k int) lwt.Promise[int] {
	fmt.Println("failnow", k)
	return lwt.Fail[int](mkErr(k))
}

func failLater(k, d int) lwt.Promise[int] {
	fmt.Println("faillater", k, d)
	p, r := lwt.Wait[int]()
	schedule(d, func() {
		fmt.Println("wakefail", k)
		lwt.WakeupExn(r, mkErr(k))
	})
	return p
}

func boom(k int) lwt.Promise[int] {
	fmt.Println("boom", k)
	panic(fmt.Sprint("boom ", k))
}

// q is a quiet promise, for the bodies of ranges over maps, whose order
// varies: resolved if d < 0, else pending.
func q(k, v, d int) lwt.Promise[int] {
	if d < 0 {
		return lwt.Return(v + k)
	}
	p, r := lwt.Wait[int]()
	schedule(d, func() { lwt.Wakeup(r, v+k) })
	return p
}

func readyB(k int, b bool) lwt.Promise[bool] {
	fmt.Println("readyb", k, b)
	return lwt.Return(b)
}

func laterB(k int, b bool, d int) lwt.Promise[bool] {
	fmt.Println("laterb", k, b, d)
	p, r := lwt.Wait[bool]()
	schedule(d, func() {
		fmt.Println("wakeb", k, b)
		lwt.Wakeup(r, b)
	})
	return p
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func mkErr(k int) error { return fmt.Errorf("fail %d", k) }

type pair struct{ a, b int }

type obj struct{ base int }

func (p *pair) inc(k, v int) int {
	fmt.Println("inc", k, v)
	p.a += v
	return p.a
}

func (p pair) sum(k int) int {
	fmt.Println("sum", k)
	return p.a + p.b
}

func say(k int, args ...int) { fmt.Println("say", k, args) }

func sayErr(k int, err error) { fmt.Println("err", k, err) }

func f(k int, args ...int) int {
	fmt.Println("f", k, args)
	s := k
	for _, a := range args {
		s += a
	}
	return s % 100
}

func pred(k, v int) bool {
	fmt.Println("pred", k, v)
	return v%2 == 0
}

func ix(k, v int) int {
	fmt.Println("ix", k, v)
	return (v%3 + 3) % 3
}

// flip negates *b when called, and returns a promise of v: resolved if d
// < 0, else resolved later. Beside it in an expression, only the operands
// of && and || to its left may read *b: the spec orders those before it.
func flip(k int, b *bool, v, d int) lwt.Promise[int] {
	fmt.Println("flip", k, *b)
	*b = !*b
	if d < 0 {
		return lwt.Return(v)
	}
	return later(k, v, d)
}

func sayB(k int, b bool, v int) { fmt.Println("sayb", k, b, v) }

func sayAny(k int, xs ...any) { fmt.Println(append([]any{"sayany", k}, xs...)...) }

func sayBools(k int, bs ...bool) { fmt.Println("saybools", k, bs) }

func sayNil(k int, xs []int) { fmt.Println("saynil", k, xs == nil, len(xs), xs) }

func sayPairs(k int, ps ...pair) { fmt.Println("pairs", k, ps) }

func sayGrid(k int, g [][3]int) { fmt.Println("grid", k, g) }

func sayCells(k int, c [][3]pair) { fmt.Println("cells", k, c) }

// count is a range function of n values.
func count(k, n int) iter.Seq[int] {
	fmt.Println("count", k, n)
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i*10 + k%10) {
				return
			}
		}
	}
}

// chOf is a closed channel holding n values.
func chOf(k, n int) chan int {
	fmt.Println("chof", k, n)
	c := make(chan int, n)
	for i := range n {
		c <- i*10 + k%10
	}
	close(c)
	return c
}

// chv is a channel holding v, for a select that is never blocked.
func chv(k, v int) chan int {
	fmt.Println("chv", k, v)
	c := make(chan int, 1)
	c <- v
	return c
}

// nums embeds a stream: ranging over its All ranges over the stream's.
type nums struct{ *lwtstream.Stream[int] }

func mkNums(k int, vs ...int) nums {
	fmt.Println("mknums", k, vs)
	return nums{lwtstream.OfSlice(vs)}
}

func mkStream(k int, vs ...int) *lwtstream.Stream[int] {
	fmt.Println("mkstream", k, vs)
	return lwtstream.OfSlice(vs)
}

// main runs every twin, then every generated function, each for n = 0
// and n = 1.
func main() {
	run := func(calls []func(int) lwt.Promise[int]) {
		for i, call := range calls {
			for n := range 2 {
				fmt.Println("== run", i, n)
				closures, pending = nil, nil
				func() {
					defer func() {
						if x := recover(); x != nil {
							fmt.Println("panic:", x)
						}
					}()
					p := call(n)
					pump()
					fmt.Println("result:", p)
					for i, c := range closures {
						fmt.Println("closure", i)
						c()
					}
				}()
			}
		}
	}
	run(twins)
	fmt.Print("==== generated\n")
	run(runs)
}
`

// fuzzTwinHelpers are the synchronous equivalents of the markers, for the
// twin.
const fuzzTwinHelpers = `package main

import (
	"iter"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtstream"
)

// streamAll is what a range over s.All() means: one Get at a time.
func streamAll[T any](s *lwtstream.Stream[T]) iter.Seq[T] {
	return func(yield func(T) bool) {
		for {
			o := await(s.Get())
			if !o.OK || !yield(o.Value) {
				return
			}
		}
	}
}

// failure is the panic that carries the failure of an awaited promise to
// the function's boundary.
type failure struct{ err error }

// settle runs the pump until p is resolved.
func settle[T any](p lwt.Promise[T]) lwt.Promise[T] {
	for p.IsSleeping() {
		if !pumpOne() {
			panic("twin: waiting for a promise that nothing resolves")
		}
	}
	return p
}

func await[T any](p lwt.Promise[T]) T {
	v, err := settle(p).Result()
	if err != nil {
		panic(failure{err})
	}
	return v
}

func await2[A, B any](a lwt.Promise[A], b lwt.Promise[B]) (A, B) {
	return await(a), await(b)
}

func await3[A, B, C any](a lwt.Promise[A], b lwt.Promise[B], c lwt.Promise[C]) (A, B, C) {
	return await(a), await(b), await(c)
}

func awaitAll[T any](ps ...lwt.Promise[T]) []T { return await(lwt.All(ps...)) }

// try_ is lwt.Try: a panic while making the promise, or its failure, is the
// error.
func try_[T any](f func() lwt.Promise[T]) (T, error) {
	p, err := func() (p lwt.Promise[T], err error) {
		defer func() {
			if x := recover(); x != nil {
				err = lwt.PanicFailure(x)
			}
		}()
		return f(), nil
	}()
	if err != nil {
		var zero T
		return zero, err
	}
	return settle(p).Result()
}

func assert_(site string, cond bool) {
	if !cond {
		panic(failure{lwt.AssertionFailed(site)})
	}
}

// catch, deferred first in every twin of an async function, turns what
// escapes it into its failed promise.
func catch[T any](res *lwt.Promise[T]) {
	if x := recover(); x != nil {
		if f, ok := x.(failure); ok {
			*res = lwt.Fail[T](f.err)
		} else {
			*res = lwt.Fail[T](lwt.PanicFailure(x))
		}
	}
}
`

// ---- running one program ----

// A verdict is why a program failed.
type verdict struct {
	msg      string
	fns      []int  // the functions to blame (indices into the program's), if known
	skip     string // not the generator's fault: skip the test
	rejected bool   // lwtgen rejected the program
	gcBug    bool   // gc crashes on the twin alone: the function is left out, not failed
	byFile   bool   // lwtgen's errors name the files of fns: the lines about each are its own
}

// checkProgram checks a program made of one input.
func checkProgram(t *testing.T, dir string, prog *program) {
	v := runCheck(dir, prog, false)
	switch {
	case v == nil:
	case v.skip != "":
		t.Skip(v.skip)
	case v.gcBug:
		t.Skip("gc crashes on the twin alone: a compiler bug, not lwtgen's")
	case v.rejected && os.Getenv("LWTFUZZ_LAX") != "":
		t.Logf("lwtgen rejected the program: %s", v.msg)
	default:
		t.Fatalf("%s\n\nannotated source:\n%s", v.msg, prog.ann)
	}
}

var fnFile = regexp.MustCompile(`\bfn(\d+)(?:_lwt)?\.go:\d+`)

// blameFiles returns the functions whose files msg names.
func blameFiles(msg string, n int) []int {
	seen := map[int]bool{}
	var out []int
	for _, m := range fnFile.FindAllStringSubmatch(msg, -1) {
		i, _ := strconv.Atoi(m[1])
		if i < n && !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	return out
}

// lastRun returns the function that the last "== run i n" line of lines
// names, or -1.
func lastRun(lines []string) int {
	for j := len(lines) - 1; j >= 0; j-- {
		var i, n int
		if c, _ := fmt.Sscanf(lines[j], "== run %d %d", &i, &n); c == 2 {
			return i
		}
	}
	return -1
}

// runCheck writes the program into the scratch module, runs lwtgen, builds
// and runs it (unless lwtgenOnly); nil means it passed.
func runCheck(dir string, prog *program, lwtgenOnly bool) *verdict {
	pkg := filepath.Join(dir, "prog")
	old, _ := filepath.Glob(filepath.Join(pkg, "fn*.go"))
	gens, _ := filepath.Glob(filepath.Join(pkg, "*_lwt.go"))
	for _, p := range append(old, append(gens, filepath.Join(pkg, "in.go"))...) {
		os.Remove(p)
	}
	for name, text := range prog.files {
		if err := os.WriteFile(filepath.Join(pkg, name), []byte(text), 0o644); err != nil {
			return &verdict{skip: err.Error()}
		}
	}
	nfn := prog.n
	gen := func() string {
		var b strings.Builder
		gens, _ := filepath.Glob(filepath.Join(pkg, "*_lwt.go"))
		for _, g := range gens {
			data, _ := os.ReadFile(g)
			fmt.Fprintf(&b, "---- %s\n%s\n", filepath.Base(g), data)
		}
		return b.String()
	}
	start := time.Now()
	timing := func(what string) {
		if path := os.Getenv("LWTFUZZ_TIMING"); path != "" {
			if fh, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
				fmt.Fprintf(fh, "%d %s %v\n", nfn, what, time.Since(start).Round(time.Millisecond))
				fh.Close()
			}
		}
	}
	defer timing("end")
	var err error
	var panicked *verdict
	lwtgen := func() {
		defer func() {
			if x := recover(); x != nil {
				panicked = &verdict{msg: fmt.Sprintf("lwtgen panicked: %v\n%s", x, debug.Stack())}
			}
		}()
		_, err = rewrite.Run(rewrite.Config{Dir: pkg}, ".")
	}
	lwtgen()
	if panicked != nil {
		return panicked
	}
	if err != nil && moduleTrouble(err.Error()) {
		// The repository's requirements changed under us: tidy, try again.
		if terr := tidyFuzzModule(moduleRoot(nil), dir); terr != nil {
			return &verdict{skip: fmt.Sprintf("tidying the scratch module: %v", terr)}
		}
		lwtgen()
		if panicked != nil {
			return panicked
		}
	}
	var rejected rewrite.Errors
	switch {
	case err == nil:
	case errors.Is(err, rewrite.ErrBug) || strings.Contains(err.Error(), rewrite.ErrBug.Error()):
		msg := strings.ReplaceAll(err.Error(), pkg+string(filepath.Separator), "")
		return &verdict{msg: "lwtgen failed: " + msg, fns: blameFiles(msg, nfn), byFile: true}
	case errors.As(err, &rejected):
		msg := strings.ReplaceAll(err.Error(), pkg+string(filepath.Separator), "")
		if strings.Contains(msg, "twin.go") || strings.Contains(msg, "helpers.go") {
			return &verdict{msg: "the fuzzer made a program that does not compile: " + msg, fns: blameFiles(msg, nfn)}
		}
		if path := os.Getenv("LWTFUZZ_REJECTS"); path != "" {
			if fh, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
				fmt.Fprintf(fh, "%s\n", msg)
				fh.Close()
			}
		}
		return &verdict{msg: "lwtgen rejected the program:\n" + msg, fns: blameFiles(msg, nfn), rejected: true, byFile: true}
	default:
		return &verdict{msg: fmt.Sprintf("lwtgen: %v", err)}
	}

	timing("lwtgen")
	if lwtgenOnly {
		return nil
	}
	bin := filepath.Join(dir, "prog.bin")
	build := exec.Command("go", "build", "-ldflags=-s -w", "-o", bin, "./prog")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		if bytes.Contains(out, []byte("github.com/lwtgo/lwt/runtime")) || moduleTrouble(string(out)) {
			// Someone is editing the runtime: not the generator's fault.
			return &verdict{skip: fmt.Sprintf("the runtime does not build: %s", out)}
		}
		v := &verdict{msg: fmt.Sprintf("the generated program does not build: %v\n%s\n\ngenerated:\n%s", err, out, gen()),
			fns: blameFiles(string(out), nfn)}
		if compilerCrash(out) && twinCrashes(dir) {
			// gc itself fails on the plain twin: a compiler bug, not
			// lwtgen's (FUZZING.md lists those found).
			v.gcBug = true
		}
		return v
	}
	timing("build")
	out, runErr := runFuzzProgram(bin)
	twinOut, got, both := strings.Cut(out, fuzzSplit)
	if !both {
		lines := strings.Split(twinOut, "\n")
		return &verdict{msg: fmt.Sprintf("the fuzzer made a twin that does not run cleanly: %v\noutput (tail):\n%s",
			runErr, strings.Join(lines[max(0, len(lines)-20):], "\n")), fns: blameOne(lastRun(lines))}
	}
	if runErr != nil || got != twinOut {
		return &verdict{msg: fmt.Sprintf("the generated code does not mean the same as the source\n%s\n\ngenerated:\n%s",
			describeDiff(got, runErr, twinOut), gen()), fns: differing(got, twinOut)}
	}
	return nil
}

// differing returns the functions whose outputs differ: every one whose
// lines differ, up to the one where the generated program stopped.
func differing(got, want string) []int {
	sections := func(s string) ([]string, []int) {
		var texts []string
		var fns []int
		for _, l := range strings.SplitAfter(s, "\n") {
			var i, n int
			if c, _ := fmt.Sscanf(l, "== run %d %d", &i, &n); c == 2 && (len(fns) == 0 || fns[len(fns)-1] != i) {
				texts, fns = append(texts, ""), append(fns, i)
			}
			if len(texts) > 0 {
				texts[len(texts)-1] += l
			}
		}
		return texts, fns
	}
	g, gf := sections(got)
	w, wf := sections(want)
	var out []int
	for j := range w {
		if j >= len(g) {
			break
		}
		if g[j] != w[j] || gf[j] != wf[j] {
			out = append(out, wf[j])
			if gf[j] != wf[j] || j == len(g)-1 {
				break
			}
		}
	}
	if len(out) == 0 && len(g) > 0 && len(g) <= len(w) {
		out = append(out, wf[len(g)-1])
	}
	return out
}

func blameOne(i int) []int {
	if i < 0 {
		return nil
	}
	return []int{i}
}

// fuzzSplit is what main prints between the twins' output and the
// generated functions'.
const fuzzSplit = "==== generated\n"

// compilerCrash reports whether the go command's output shows gc itself
// failing (a panic, an internal compiler error) rather than rejecting the
// program.
func compilerCrash(out []byte) bool {
	return bytes.Contains(out, []byte("internal compiler error")) || bytes.Contains(out, []byte("cmd/compile/internal/"))
}

// twinCrashes reports whether gc crashes on the twins of the scratch
// program alone, the generated files left out.
func twinCrashes(dir string) bool {
	prog := filepath.Join(dir, "prog")
	only := filepath.Join(dir, "twinonly")
	os.RemoveAll(only)
	os.MkdirAll(only, 0o755)
	defer os.RemoveAll(only)
	for _, name := range []string{"twin.go", "helpers.go", "twinhelpers.go"} {
		data, err := os.ReadFile(filepath.Join(prog, name))
		if err != nil {
			return false
		}
		if name == "twin.go" {
			// main runs runs and twins: run the twins for both.
			data = regexp.MustCompile(`(?m)^var runs = .*$`).ReplaceAll(data, []byte(""))
			data = append(data, "\nvar runs = twins\n"...)
		}
		os.WriteFile(filepath.Join(only, name), data, 0o644)
	}
	build := exec.Command("go", "build", "-o", os.DevNull, "./twinonly")
	build.Dir = dir
	out, err := build.CombinedOutput()
	return err != nil && compilerCrash(out)
}

// moduleTrouble reports whether a go command failed because the scratch
// module's go.mod or go.sum is out of date.
func moduleTrouble(msg string) bool {
	return strings.Contains(msg, "updates to go.mod needed") || strings.Contains(msg, "missing go.sum entry") ||
		strings.Contains(msg, "go mod tidy")
}

// runFuzzProgram runs the program and returns its standard output, and an
// error if it crashed or took too long (with its standard error).
func runFuzzProgram(bin string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &limitedWriter{&stderr, 8 << 10}
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out")
	}
	if err != nil {
		err = fmt.Errorf("%v\nstderr:\n%s", err, stderr.String())
	}
	return stdout.String(), err
}

type limitedWriter struct {
	w *bytes.Buffer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if room := l.n - l.w.Len(); room > 0 {
		l.w.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// describeDiff shows where the outputs part, with some context.
func describeDiff(got string, gotErr error, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	i := 0
	for i < len(g) && i < len(w) && g[i] == w[i] {
		i++
	}
	from := max(0, i-8)
	var b strings.Builder
	if gotErr != nil {
		fmt.Fprintf(&b, "the generated program failed: %v\n", gotErr)
	}
	fmt.Fprintf(&b, "outputs differ at line %d:\n--- generated:\n", i+1)
	for j := from; j < len(g) && j < i+6; j++ {
		fmt.Fprintf(&b, "%s%s\n", marker(j == i), g[j])
	}
	b.WriteString("--- twin (expected):\n")
	for j := from; j < len(w) && j < i+6; j++ {
		fmt.Fprintf(&b, "%s%s\n", marker(j == i), w[j])
	}
	return b.String()
}

func marker(here bool) string {
	if here {
		return "> "
	}
	return "  "
}

// ---- the text of the programs ----

// A node is a piece of program text, rendered once for the annotated
// version and once for the twin. Items are strings, ints, nested nodes and
// layout marks; a node made by ann or twin appears in one version only.
type node struct {
	only  int // 0: both, 1: annotated only, 2: twin only
	items []any
	lit   bool // an async func literal: its awaits are its own
}

// hasAwait reports whether n awaits (or asserts, or tries) outside the async
// literals it contains.
func hasAwait(n *node) bool {
	if n == nil || n.lit {
		return false
	}
	if n.only == 1 && len(n.items) > 0 {
		if s, ok := n.items[0].(string); ok && (strings.HasPrefix(s, "lwt.Await") || s == "lwt.Try(" || s == "lwt.Assert(") {
			return true
		}
	}
	for _, it := range n.items {
		switch it := it.(type) {
		case *node:
			if hasAwait(it) {
				return true
			}
		case []*node:
			for _, n := range it {
				if hasAwait(n) {
					return true
				}
			}
		}
	}
	return false
}

// hasAwaitDeep is hasAwait, async literals included.
func hasAwaitDeep(n *node) bool {
	if n == nil {
		return false
	}
	if n.lit {
		m := *n
		m.lit = false
		return hasAwaitDeep(&m)
	}
	if n.only == 1 && len(n.items) > 0 {
		if s, ok := n.items[0].(string); ok && (strings.HasPrefix(s, "lwt.Await") || s == "lwt.Try(" || s == "lwt.Assert(") {
			return true
		}
	}
	for _, it := range n.items {
		switch it := it.(type) {
		case *node:
			if hasAwaitDeep(it) {
				return true
			}
		case []*node:
			for _, n := range it {
				if hasAwaitDeep(n) {
					return true
				}
			}
		}
	}
	return false
}

// hasDefer reports whether n has a defer statement.
func hasDefer(n *node) bool {
	if n == nil {
		return false
	}
	for _, it := range n.items {
		switch it := it.(type) {
		case string:
			if strings.HasPrefix(it, "defer ") {
				return true
			}
		case *node:
			if hasDefer(it) {
				return true
			}
		case []*node:
			for _, n := range it {
				if hasDefer(n) {
					return true
				}
			}
		}
	}
	return false
}

// avoidDeferVariadicNoArgs (fixed; testdata/fuzz_repros): lwtgen took defer say(k) (a variadic
// function, no variadic argument) for a call with a multi-value argument,
// reports it, then panics in deferredBody (fields[1:] of an empty slice).
// With it, deferred variadic calls have a variadic argument.
const avoidDeferVariadicNoArgs = false

// avoidTypeParamInLiteral (fixed): lwtgen rejected an async func literal in a
// generic function that names the type parameter ("an async func literal
// uses T, declared inside the function"), though the literal's frame has the
// function's type parameters. With it, literals do not convert to T.
const avoidTypeParamInLiteral = false

// avoidAwaitFreeLiteralDefer (fixed; testdata/defer_noawait_literal): a
// func literal returning a promise that did not await was plain Go for
// lwtgen (now a defer makes it async, as an await does), so its deferred calls run when it
// returns its promise, not once the promise is resolved as in an
// //lwt:async declaration (and in the twin). With it, such literals await.
const avoidAwaitFreeLiteralDefer = false

// insertAwait adds an await at the start of b, a block or a case clause
// (its first two items are the opening and the indentation).
func (g *gen) insertAwait(b *node) {
	items := append([]any{}, b.items[:2]...)
	items = append(items, nl, g.await(mk("ready(", g.next(), ", 0)")))
	b.items = append(items, b.items[2:]...)
}

// avoidLabeledSwitch (fixed; testdata/fuzz_repros) kept lwtgen away from a bug: a labeled switch
// or type switch whose tag (guard) awaits and whose clauses do not is
// copied without its label, and a break to the label does not compile
// ("invalid break label"). With it, such a switch gets an await in a clause.
const avoidLabeledSwitch = false

type mark int

const (
	nl   mark = iota // a new line at the current indentation
	in               // indent the lines that follow
	out              // and back
	site             // an lwt.Assert: the annotated version records its position, the twin calls assert_ with it
)

func mk(xs ...any) *node { return &node{items: xs} }

func ann(xs ...any) *node { return &node{only: 1, items: xs} }

func twin(xs ...any) *node { return &node{only: 2, items: xs} }

func (n *node) add(xs ...any) *node {
	n.items = append(n.items, xs...)
	return n
}

type renderer struct {
	twin      bool
	file      string // the annotated file, for the positions of sites
	repl      func(string) string
	b         strings.Builder
	indent    int
	line, col int
	sites     []string
	next      int
}

func (r *renderer) write(s string) {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			r.line++
			r.col = 1
		} else {
			r.col++
		}
	}
	r.b.WriteString(s)
}

func (r *renderer) render(n *node) {
	if n == nil || n.only == 1 && r.twin || n.only == 2 && !r.twin {
		return
	}
	for _, it := range n.items {
		switch it := it.(type) {
		case string:
			if r.repl != nil {
				it = r.repl(it)
			}
			r.write(it)
		case int:
			r.write(strconv.Itoa(it))
		case *node:
			r.render(it)
		case []*node:
			for _, n := range it {
				r.render(n)
			}
		case mark:
			switch it {
			case nl:
				r.write("\n" + strings.Repeat("\t", r.indent))
			case in:
				r.indent++
			case out:
				r.indent--
			case site:
				if r.twin {
					r.write("assert_(" + strconv.Quote(r.sites[r.next]) + ", ")
					r.next++
				} else {
					r.sites = append(r.sites, fmt.Sprintf("%s:%d:%d", r.file, r.line, r.col))
				}
			}
		default:
			panic(fmt.Sprintf("node item %T", it))
		}
	}
}

// A program is the files of a batch of functions: fnN.go (annotated) for
// each function, and twin.go with all the twins.
type program struct {
	files map[string]string
	ann   string // every annotated file, for the logs
	n     int    // functions
}

var lwtRef = regexp.MustCompile(`\blwt\.`)

// The grammar writes lwt.X for the runtime's lwt package, and $utf8.X,
// $str.X, $fmt.X and $f2.X for the other packages a function may use:
// each file names them as its imports do.
var twinRepl = strings.NewReplacer("$utf8.", "tu8.", "$str.", "tstr.", "$fmt.", "tfmt.", "$f2.", "tfmt.", "$lw2.", "tl.")

// generateProgram makes the annotated files and the twins from the
// choices in data, one function each.
func generateProgram(data ...[]byte) *program {
	prog := &program{files: map[string]string{}, n: len(data)}
	var tw strings.Builder
	tw.WriteString("package main\n\nimport (\n\ttfmt \"fmt\"\n\ttstr \"strings\"\n\ttu8 \"unicode/utf8\"\n\n" +
		"\ttl \"github.com/lwtgo/lwt/runtime/lwt\"\n)\n\nvar (\n\t_ = tfmt.Sprint\n\t_ = tstr.Count\n\t_ = tu8.RuneLen\n)\n")
	var runs, twins []string
	var all strings.Builder
	for i, d := range data {
		name := fmt.Sprintf("run%d", i)
		file := fmt.Sprintf("fn%d.go", i)
		g := &gen{c: &choices{data: d}, budget: 45}
		fn := g.function(name)
		a := &renderer{file: file, line: 1, col: 1, repl: g.annRepl()}
		header := g.fileHeader()
		a.write(header)
		a.render(fn)
		a.write("\n")
		text := a.b.String()
		if g.deadStrings && !strings.Contains(text[len(header):], "strings.") {
			// The dead code that used it was not kept: a blank import, of
			// the same length in lines.
			text = strings.Replace(text, "\t\"strings\"\n", "\t_ \"strings\"\n", 1)
		}
		prog.files[file] = text
		fmt.Fprintf(&all, "---- %s\n%s", file, text)
		t := &renderer{twin: true, sites: a.sites, repl: func(s string) string { return twinRepl.Replace(lwtRef.ReplaceAllString(s, "tl.")) }}
		t.write("\n")
		t.render(fn)
		t.write("\n")
		tw.WriteString(t.b.String())
		// How main calls it.
		switch {
		case g.method:
			runs = append(runs, "(&obj{base: 10})."+name)
			twins = append(twins, "(&obj{base: 10})."+name+"Twin")
		case g.generic:
			runs = append(runs, name+"[int]")
			twins = append(twins, name+"Twin[int]")
		default:
			runs = append(runs, name)
			twins = append(twins, name+"Twin")
		}
	}
	// The twin's file lists the functions for main.
	fmt.Fprintf(&tw, "\nvar runs = []func(int) tl.Promise[int]{%s}\n\nvar twins = []func(int) tl.Promise[int]{%s}\n",
		strings.Join(runs, ", "), strings.Join(twins, ", "))
	prog.files["twin.go"] = tw.String()
	prog.ann = all.String()
	return prog
}

// Import styles of the runtime's lwt package in a function's file.
const (
	lwtPlain = iota // "github.com/lwtgo/lwt/runtime/lwt"
	lwtDot          // . "github.com/lwtgo/lwt/runtime/lwt"
	lwtAlias        // L "github.com/lwtgo/lwt/runtime/lwt"
	lwtTwice        // imported plain and as lw2, both used
)

// fileHeader is the start of a function's annotated file, to its imports.
func (g *gen) fileHeader() string {
	var imps []string
	if g.fmtTwice {
		imps = append(imps, `"fmt"`, `f2 "fmt"`)
	}
	if g.deadStrings {
		imps = append(imps, `"strings"`)
	}
	switch g.utf8 {
	case 1:
		imps = append(imps, `"unicode/utf8"`)
	case 2:
		imps = append(imps, `. "unicode/utf8"`)
	}
	if len(imps) > 0 {
		imps = append(imps, "")
	}
	const path = `"github.com/lwtgo/lwt/runtime/lwt"`
	switch g.lwtStyle {
	case lwtDot:
		imps = append(imps, ". "+path)
	case lwtAlias:
		imps = append(imps, "L "+path)
	case lwtTwice:
		imps = append(imps, path, "lw2 "+path)
	default:
		imps = append(imps, path)
	}
	return "//go:build lwtsource\n\npackage main\n\nimport (\n\t" + strings.Join(imps, "\n\t") + "\n)\n\n"
}

// annRepl is how the annotated file names the packages.
func (g *gen) annRepl() func(string) string {
	u8 := "utf8."
	if g.utf8 == 2 {
		u8 = ""
	}
	other := strings.NewReplacer("$utf8.", u8, "$str.", "strings.", "$fmt.", "fmt.", "$f2.", "f2.", "$lw2.", "lw2.")
	n := 0
	return func(s string) string {
		s = lwtRef.ReplaceAllStringFunc(s, func(string) string {
			n++
			switch g.lwtStyle {
			case lwtDot:
				return ""
			case lwtAlias:
				return "L."
			case lwtTwice:
				if n%2 == 0 {
					return "lw2."
				}
			}
			return "lwt."
		})
		return other.Replace(s)
	}
}

// ---- choices ----

// choices reads the fuzz input as a stream of decisions. Once the input is
// exhausted every decision is the first, simplest option, which always
// ends the program quickly.
type choices struct {
	data []byte
	pos  int
}

func (c *choices) read() (int, bool) {
	if c.pos >= len(c.data) {
		return 0, false
	}
	b := c.data[c.pos]
	c.pos++
	return int(b), true
}

// pick returns a number in [0, n).
func (c *choices) pick(n int) int {
	if n <= 1 {
		return 0
	}
	b, _ := c.read()
	return b % n
}

// yes is true with probability num/den (never once the input is exhausted).
func (c *choices) yes(num, den int) bool { return c.pick(den) >= den-num }

// weighted returns i with probability ws[i]/sum(ws); an option of weight 0
// is never chosen.
func (c *choices) weighted(ws ...int) int {
	total, first := 0, -1
	for i, w := range ws {
		if w > 0 {
			total += w
			if first < 0 {
				first = i
			}
		}
	}
	b, ok := c.read()
	if !ok || total == 0 {
		return first
	}
	r := b * total / 256
	for i, w := range ws {
		if w <= 0 {
			continue
		}
		if r < w {
			return i
		}
		r -= w
	}
	return first
}

func w(ok bool, weight int) int {
	if ok {
		return weight
	}
	return 0
}

// ---- the grammar ----

type vkind int

const (
	vInt     vkind = iota // an int the program may assign
	vRO                   // an int it only reads: loop counters, range keys, parameters of literals
	vRune                 // a rune from a range over a string
	vPtr                  // *int
	vSlice                // []int of length 3
	vArray                // [3]int
	vAsync                // func(int) lwt.Promise[int], an async func literal
	vStruct               // pair, a struct with a value and a pointer method
	vGen                  // n of type T ~int, in a generic function
	vRecv                 // o *obj, the receiver of a method
	vBool                 // a bool: the operands of && and || beside flip
	vPairs                // []pair of length 3
	vPairArr              // [3]pair
	vGrid                 // [][3]int of length 3: arrays reached through an index call
	vCells                // [][3]pair of length 3
)

type variable struct {
	name  string
	kind  vkind
	scope int // index of its scope in gen.scopes
	// An async literal that assigns variables declared around it (a
	// writer) can only be called where nothing else in the statement reads
	// them: Go leaves the order of a variable read and a call unspecified.
	writer bool
	wfloor int // the lowest scope whose variables it may assign
}

type scope struct {
	vars []*variable
	own  map[string]bool
}

// target is a loop or switch that break (and, for a loop, continue) can leave.
type target struct {
	loop  bool
	label string
	used  bool
}

const (
	fnAsync = iota // run or an async func literal
	fnDefer        // a deferred func literal of an async function: lowered in place, may await
	fnPlain        // an ordinary func literal: no awaits
)

type fnCtx struct {
	kind    int
	targets []*target
	loops   int // loops around the current statement, inside this function
	// Statements may only assign variables of scopes at or above floor: an
	// async literal that is not a writer assigns only its own variables.
	floor   int
	labels  map[string]bool // labels used in this function
	nlabels int
	result  bool // a deferred literal with an int result, dropped
	promise bool // a plain literal that returns a promise
	inline  bool // a plain literal deferred where lwtgen lowers it into the async function around
}

type gen struct {
	c          *choices
	k          int // sites, numbered: they name what the program prints
	scopes     []*scope
	fn         *fnCtx
	budget     int    // statements left
	depth      int    // compound statements and literals around the current statement
	lits       int    // async literals around it
	noAwait    int    // > 0 where an expression must not await (lwt.Try and Await2 operands)
	selects    int    // > 0 inside a select
	rangeFuncs int    // > 0 inside a range over a function (see rangeAwaitX)
	inDefer    int    // > 0 inside a deferred func literal
	named      bool   // run has a named result, res
	method     bool   // run is a method of *obj
	generic    bool   // run has a type parameter T ~int, the type of n
	runFn      *fnCtx // run's context

	// The function's file.
	lwtStyle    int    // how it imports lwt
	utf8        int    // 1: it imports unicode/utf8, 2: dot-imports it
	fmtTwice    bool   // it imports fmt twice, as fmt and f2
	deadStrings bool   // it imports strings, used only by unreachable code
	tparam      string // the name of the type parameter, T or a package name
}

// shadowNames are names of packages that lwtgen's code may refer to, for
// local variables and type parameters.
func (g *gen) shadowNames() []string {
	names := []string{"debugtrace", "utf8", "lwtstream"}
	if g.lwtStyle == lwtDot || g.lwtStyle == lwtAlias {
		names = append(names, "lwt")
	}
	return names
}

// avoidNamedResultInDefer keeps deferred calls away from run's named
// result: lwtgen did not assign the returned promise to it before they ran,
// and ignored what they assigned to it (Go: the result is set by return, and
// deferred calls may change it). lwtgen now rejects defer in a function with
// a named result, and canDefer keeps to that.
const avoidNamedResultInDefer = true

// resOK reports whether the named result may be used here.
func (g *gen) resOK() bool {
	return g.named && (g.inDefer == 0 || !avoidNamedResultInDefer)
}

const maxDepth = 4

func (g *gen) next() int { g.k++; return g.k }

func (g *gen) name(prefix string, k int) string { return prefix + strconv.Itoa(k) }

func (g *gen) push() *scope {
	s := &scope{own: map[string]bool{}}
	g.scopes = append(g.scopes, s)
	return s
}

func (g *gen) pop() { g.scopes = g.scopes[:len(g.scopes)-1] }

func (g *gen) declare(name string, kind vkind) *variable {
	s := g.scopes[len(g.scopes)-1]
	v := &variable{name: name, kind: kind, scope: len(g.scopes) - 1}
	s.vars = append(s.vars, v)
	s.own[name] = true
	return v
}

// visible lists the variables in scope (not shadowed) that keep returns true for.
func (g *gen) visible(keep func(*variable) bool) []*variable {
	seen := map[string]bool{}
	var out []*variable
	for i := len(g.scopes) - 1; i >= 0; i-- {
		s := g.scopes[i]
		for j := len(s.vars) - 1; j >= 0; j-- {
			v := s.vars[j]
			if seen[v.name] {
				continue
			}
			seen[v.name] = true
			if keep(v) {
				out = append(out, v)
			}
		}
	}
	return out
}

func (g *gen) choose(vs []*variable) *variable { return vs[g.c.pick(len(vs))] }

func (g *gen) readable(v *variable) bool {
	switch v.kind {
	case vInt, vRO, vRune, vPtr, vStruct, vGen, vRecv:
		return true
	}
	return false
}

func (g *gen) writable(v *variable) bool {
	switch v.kind {
	case vInt, vPtr, vSlice, vArray, vStruct, vGen, vRecv, vPairs, vPairArr:
		return v.scope >= g.fn.floor
	}
	return false
}

// read is how an expression reads v (a field, for a struct).
func (g *gen) read(v *variable) *node {
	switch v.kind {
	case vPtr:
		return mk("*", v.name)
	case vRune:
		return mk("int(", v.name, ")")
	case vStruct:
		return mk(v.name, []string{".a", ".b"}[g.c.pick(2)])
	case vGen:
		return mk("int(", v.name, ")")
	case vRecv:
		return mk(v.name, ".base")
	}
	return mk(v.name)
}

// callable reports whether the async literal v may be called here.
func (g *gen) callable(v *variable, writerOK bool) bool {
	return v.kind == vAsync && (!v.writer || writerOK && v.wfloor >= g.fn.floor)
}

func (g *gen) canAwait() bool { return g.fn.kind != fnPlain && g.noAwait == 0 }

// freshX returns a name x0..x3 not declared in the innermost scope (it may
// shadow an outer one), or "".
func (g *gen) freshX() string {
	s := g.scopes[len(g.scopes)-1]
	if g.c.yes(1, 6) {
		// A name the generated code might use for its own purposes.
		name := nastyNames[g.c.pick(len(nastyNames))]
		if !s.own[name] && name != g.tparam {
			return name
		}
	}
	start := g.c.pick(4)
	for i := 0; i < 4; i++ {
		name := g.name("x", (start+i)%4)
		if !s.own[name] {
			return name
		}
	}
	return ""
}

// nastyNames are variable names that lwtgen's own names could collide with
// (frame fields, glue variables, imports it adds).
var nastyNames = []string{"v", "err", "fr", "r", "ok", "x", "i", "k", "e", "a", "state", "keys", "coll", "utf8",
	"debugtrace", "tag", "cond", "await1", "size", "ret", "retv", "rerr", "defers", "ndefers", "step", "Resume", "Frame"}

// nastyLabels are label names that lwtgen's own labels could collide with.
var nastyLabels = []string{"s1", "s2", "s3", "for1", "post2", "endfor3", "ret1", "unwind2", "finish3", "case1",
	"case2", "endswitch1", "skip1", "else1", "endif1", "range1", "next2", "endrange3", "deferred4", "enddefer5"}

// label names a loop or switch at site k: unique in the function.
func (g *gen) label(k int) string {
	if g.fn.labels == nil {
		g.fn.labels = map[string]bool{}
	}
	// Numbered in each function (and deferred literal) from 1, so that a
	// deferred literal and the function around it share label names.
	if g.rangeFuncs > 0 {
		name := g.name("LR", g.next())
		g.fn.labels[name] = true
		return name
	}
	g.fn.nlabels++
	name := g.name("L", g.fn.nlabels)
	for g.fn.labels[name] {
		g.fn.nlabels++
		name = g.name("L", g.fn.nlabels)
	}
	if g.c.yes(1, 4) {
		if l := nastyLabels[g.c.pick(len(nastyLabels))]; !g.fn.labels[l] {
			name = l
		}
	}
	g.fn.labels[name] = true
	return name
}

func await(p *node) *node { return mk(ann("lwt.Await("), twin("await("), p, ")") }

// await is an await of an int promise, sometimes with its type argument.
func (g *gen) await(p *node) *node {
	if g.c.yes(1, 8) {
		return mk(ann("lwt.Await[int]("), twin("await("), p, ")")
	}
	return await(p)
}

// ret is return p in an async function; the twin resolves p first, as the
// generated code awaits it before running the deferred calls.
func ret(p *node) *node { return mk(ann("return "), twin("return settle("), p, twin(")")) }

func block(stmts []*node) *node {
	b := mk("{", in)
	for _, s := range stmts {
		b.add(nl, s)
	}
	return b.add(out, nl, "}")
}

// program is the whole annotated file (or twin).
func (g *gen) function(name string) *node {
	g.fn = &fnCtx{kind: fnAsync}
	g.runFn = g.fn
	g.lwtStyle = g.c.weighted(10, 2, 2, 2)
	g.utf8 = g.c.weighted(6, 1, 2)
	g.fmtTwice = g.c.yes(1, 8)
	g.named = g.c.yes(1, 4)
	switch g.c.weighted(6, 1, 1) {
	case 1:
		g.method = true
	case 2:
		g.generic = true
		g.tparam = "T"
		if g.c.yes(1, 3) {
			names := g.shadowNames()
			if g.utf8 == 1 {
				names = names[:0:0]
				for _, n := range g.shadowNames() {
					if n != "utf8" {
						names = append(names, n)
					}
				}
			}
			g.tparam = names[g.c.pick(len(names))]
		}
	}
	sc := g.push()
	if g.method {
		g.declare("o", vRecv)
	}
	if g.generic {
		g.declare("n", vGen)
	} else {
		g.declare("n", vInt)
	}
	// The uses of the imports, first: a local variable may shadow them
	// later.
	var stmts []*node
	if g.utf8 > 0 {
		stmts = append(stmts, mk("say(", g.next(), ", $utf8.RuneLen('", []string{"é", "x", "日"}[g.c.pick(3)], "'))"))
	}
	if g.fmtTwice {
		stmts = append(stmts, mk("say(", g.next(), ", len($fmt.Sprint(n)), len($f2.Sprint(", g.next(), ")))"))
	}
	if g.lwtStyle == lwtTwice {
		stmts = append(stmts, mk("_ = $lw2.Return(", g.next(), ")"))
	}
	if !g.named && g.c.yes(1, 32) {
		// More defers than an int8 counts.
		stmts = append(stmts, g.manyDefers())
	}
	stmts = append(stmts, g.stmtList(14)...)
	stmts = append(stmts, g.uses(sc)...)
	stmts = append(stmts, g.returnStmt())
	if g.c.yes(1, 6) {
		stmts = append(stmts, g.deadCode()...)
	}
	g.pop()
	recv, tparams, param := "", "", "(n int)"
	if g.method {
		recv = "(o *obj) "
	}
	if g.generic {
		tparams, param = "["+g.tparam+" ~int]", "(n "+g.tparam+")"
	}
	result := " lwt.Promise[int] {"
	if g.named {
		result = " (res lwt.Promise[int]) {"
	}
	body := mk(twin(nl, "defer catch(&res)"))
	for _, s := range stmts {
		body.add(nl, s)
	}
	return mk(
		ann("//lwt:async", nl, "func ", recv, name, tparams, param, result),
		twin("func ", recv, name, "Twin", tparams, param, " (res lwt.Promise[int]) {"),
		in, body, out, nl, "}")
}

// manyDefers is more than 127 defer statements.
func (g *gen) manyDefers() *node {
	k := g.next()
	n := mk()
	for i := range 130 {
		if i > 0 {
			n.add(nl)
		}
		n.add("defer say(", k, ", ", i, ")")
	}
	return n
}

// deadCode is unreachable code after a return or a panic: the only use of
// the strings import.
func (g *gen) deadCode() []*node {
	g.deadStrings = true
	out := []*node{mk("say(", g.next(), ", $str.Count(", strconv.Quote("abcab"), ", ", strconv.Quote("ab"), "))")}
	if g.canAwait() && g.c.yes(1, 2) {
		out = append(out, g.await(mk("ready(", g.next(), ", 1)")))
	}
	if g.fn.kind == fnAsync {
		// The function still ends in a return.
		out = append(out, ret(mk("lwt.Return(", g.next(), ")")))
	}
	return out
}

// returnStmt returns from an async function.
func (g *gen) returnStmt() *node {
	if g.named && g.fn == g.runFn && g.c.yes(1, 3) {
		// A bare return returns res.
		return mk(ann("return"), twin("return settle(res)"))
	}
	return ret(g.retPromise())
}

// resPromise is a promise to assign to the named result: not a call of an
// async function, which would go on running beside the caller.
func (g *gen) resPromise() *node {
	k := g.next()
	switch g.c.weighted(3, 3, 1, 1, 1, 1) {
	case 1:
		return mk("later(", k, ", ", g.expr(1), ", ", g.delay(), ")")
	case 2:
		return mk("failNow(", k, ")")
	case 3:
		return mk("failLater(", k, ", ", g.delay(), ")")
	case 4:
		return mk("lwt.Fail[int](mkErr(", k, "))")
	case 5:
		return mk("ready(", k, ", ", g.expr(1), ")")
	}
	return mk("lwt.Return(", g.expr(1), ")")
}

// stmtList makes up to max statements.
func (g *gen) stmtList(max int) []*node {
	var out []*node
	for i := 0; i < max && g.budget > 0; i++ {
		if !g.c.yes(5, 6) {
			break
		}
		g.budget--
		if s := g.stmt(); s != nil {
			out = append(out, s)
		}
	}
	return out
}

// uses reads every variable of scope s, at the end of its block: Go wants
// every variable used, and this shows their final values.
func (g *gen) uses(s *scope) []*node {
	k := g.next()
	args := []any{"say(", k}
	var out []*node
	for _, v := range s.vars {
		switch v.kind {
		case vInt, vRO:
			args = append(args, ", ", v.name)
		case vRune:
			args = append(args, ", int(", v.name, ")")
		case vPtr:
			args = append(args, ", *", v.name)
		case vArray:
			args = append(args, ", ", v.name, "[0], ", v.name, "[1], ", v.name, "[2]")
		case vSlice:
			out = append(out, mk("say(", g.next(), ", ", v.name, "...)"))
		case vAsync:
			out = append(out, mk("_ = ", v.name))
		case vStruct:
			args = append(args, ", ", v.name, ".a, ", v.name, ".b")
		case vGen:
			args = append(args, ", int(", v.name, ")")
		case vRecv:
			args = append(args, ", ", v.name, ".base")
		case vBool:
			args = append(args, ", b2i(", v.name, ")")
		case vPairs:
			out = append(out, mk("sayPairs(", g.next(), ", ", v.name, "...)"))
		case vPairArr:
			out = append(out, mk("sayPairs(", g.next(), ", ", v.name, "[:]...)"))
		case vGrid:
			out = append(out, mk("sayGrid(", g.next(), ", ", v.name, ")"))
		case vCells:
			out = append(out, mk("sayCells(", g.next(), ", ", v.name, ")"))
		}
	}
	if len(args) > 2 {
		out = append([]*node{mk(append(args, ")")...)}, out...)
	}
	return out
}

// body makes a block in a new scope: pre, then statements, then the uses of
// its variables and of those of extra (a loop's header).
func (g *gen) body(pre []*node, max int, extra *scope) *node {
	sc := g.push()
	g.depth++
	stmts := append(pre, g.stmtList(max)...)
	stmts = append(stmts, g.uses(sc)...)
	if extra != nil {
		stmts = append(stmts, g.uses(extra)...)
	}
	g.depth--
	g.pop()
	return block(stmts)
}

func (g *gen) stmt() *node {
	aw := g.canAwait()
	async := g.fn.kind != fnPlain
	compound := g.depth < maxDepth && g.budget > 0
	switch g.c.weighted(
		10,                                 // 0 declaration
		10,                                 // 1 assignment
		5,                                  // 2 say(...)
		w(aw, 8),                           // 3 lwt.Await(p) as a statement
		w(compound, 8),                     // 4 if
		w(compound, 7),                     // 5 for
		w(compound, 6),                     // 6 range
		w(compound, 2),                     // 7 range over a map
		w(compound, 6),                     // 8 switch
		w(len(g.fn.targets) > 0, 6),        // 9 break, continue
		3,                                  // 10 closure for later
		w(compound, 2),                     // 11 func() {...}()
		w(g.canDefer(), 5),                 // 12 defer
		w(aw, 4),                           // 13 lwt.Try
		w(aw, 2),                           // 14 lwt.Assert
		w(async && aw, 2),                  // 15 fail
		1,                                  // 16 panic
		2,                                  // 17 early return
		w(aw, 3),                           // 18 Await2, Await3
		w(aw, 2),                           // 19 AwaitAll
		w(aw && compound && g.lits < 2, 3), // 20 an async literal in a variable
		2,                                  // 21 pointer
		2,                                  // 22 slice or array
		3,                                  // 23 tuple assignment
		w(compound, 1),                     // 24 block
		w(g.resOK() && g.fn.floor == 0, 3), // 25 res = p
		w(compound && aw, 2),               // 26 type switch
		2,                                  // 27 a pointer method
		w(compound && aw, 4),               // 28 a switch whose tag awaits, clauses that do not, with breaks
		w(compound, 4),                     // 29 a labeled switch or select whose clauses return or break
		w(aw, 4),                           // 30 && and || beside an await that changes their operands
		3,                                  // 31 []pair, [3]pair, [][3]int, [][3]pair, bool
		w(aw, 4),                           // 32 slices, addresses and pointer methods of arrays reached through calls
		w(compound && aw, 3),               // 33 range over a stream (it waits: in async code, where awaits may be)
		w(compound && aw, 2),               // 34 range over a function or channel whose expression alone awaits
		w(compound, 2),                     // 35 goto in an await-free block
		w(compound, 2),                     // 36 a block that declares a package's name
		w(compound, 2),                     // 37 a labeled loop
	) {
	case 0:
		return g.declStmt()
	case 1:
		return g.assignStmt()
	case 2:
		return g.sayStmt()
	case 3:
		return g.await(g.promise(0, true))
	case 4:
		return g.ifStmt()
	case 5:
		return g.forStmt()
	case 6:
		return g.rangeStmt()
	case 7:
		return g.mapRange()
	case 8:
		return g.switchStmt(false)
	case 9:
		return g.branchStmt()
	case 10:
		return g.closureStmt()
	case 11:
		return mk("func() ", g.plainBody(), "()")
	case 12:
		return g.deferStmt()
	case 13:
		return g.tryStmt()
	case 14:
		return mk(site, ann("lwt.Assert("), g.cond(0), ")")
	case 15:
		return g.failStmt()
	case 16:
		p := mk(`panic("boom `, g.next(), `")`)
		if g.c.yes(1, 5) {
			return p
		}
		stmts := []*node{p}
		if g.c.yes(1, 4) {
			stmts = append(stmts, g.deadCode()...)
		}
		return mk("if ", g.cond(0), " ", block(stmts))
	case 17:
		var r *node
		switch {
		case g.fn.kind == fnAsync:
			r = g.returnStmt()
		case g.fn.result:
			r = mk("return ", g.deferResult())
		case g.fn.promise:
			r = ret(g.simplePromise())
		default:
			r = mk("return")
		}
		stmts := []*node{r}
		if g.c.yes(1, 4) {
			stmts = append(stmts, g.deadCode()...)
		}
		return mk("if ", g.cond(0), " ", block(stmts))
	case 18:
		return g.awaitNStmt()
	case 19:
		if g.c.yes(1, 5) {
			return mk("say(", g.next(), ", ", ann("lwt.AwaitAll[int]("), twin("awaitAll[int]("), ")...)")
		}
		ps := []any{"say(", g.next(), ", ", ann("lwt.AwaitAll("), twin("awaitAll(")}
		if g.c.yes(1, 5) {
			ps[3] = ann("lwt.AwaitAll[int](")
		}
		for i := range 1 + g.c.pick(3) {
			if i > 0 {
				ps = append(ps, ", ")
			}
			ps = append(ps, g.simplePromise())
		}
		return mk(append(ps, ")...)")...)
	case 20:
		k := g.next()
		name := g.name("g", k)
		writer := g.c.yes(1, 2)
		lit := g.asyncLit(writer, true)
		v := g.declare(name, vAsync)
		v.writer, v.wfloor = writer, g.fn.floor
		return mk(name, " := ", lit)
	case 21:
		xs := g.visible(func(v *variable) bool { return (v.kind == vInt || v.kind == vStruct) && g.writable(v) })
		if len(xs) == 0 {
			return g.sayStmt()
		}
		x := g.read(g.choose(xs))
		name := g.name("p", g.next())
		g.declare(name, vPtr)
		return mk(name, " := &", x)
	case 22:
		k := g.next()
		a, b, c := g.expr(1), g.expr(1), g.expr(1)
		if g.c.yes(1, 3) {
			name := g.name("st", k)
			g.declare(name, vStruct)
			switch g.c.pick(3) {
			case 0:
				return mk(name, " := pair{", a, ", ", b, "}")
			case 1:
				return mk(name, " := pair{b: ", a, ", a: ", b, "}")
			}
			return mk("var ", name, " pair")
		}
		if g.c.yes(1, 2) {
			name := g.name("s", k)
			g.declare(name, vSlice)
			return mk(name, " := []int{", a, ", ", b, ", ", c, "}")
		}
		name := g.name("a", k)
		g.declare(name, vArray)
		return mk(name, " := [3]int{", a, ", ", b, ", ", c, "}")
	case 23:
		return g.tupleAssign()
	case 24:
		return g.body(nil, 4, nil)
	case 25:
		return mk("res = ", g.resPromise())
	case 26:
		return g.typeSwitch()
	case 28:
		return g.switchStmt(true)
	case 29:
		return g.labeledExit()
	case 30:
		return g.logicStmt()
	case 31:
		return g.declMore()
	case 32:
		if g.c.yes(1, 2) {
			return g.fieldTarget()
		}
		return g.gridStmt()
	case 33:
		return g.streamRange()
	case 34:
		return g.rangeAwaitX()
	case 35:
		return g.gotoBlock()
	case 36:
		return g.shadowBlock()
	case 37:
		return g.labeledLoop()
	case 27:
		// A method with a pointer receiver on an addressable struct
		// variable: it must see the variable itself, not a copy.
		if ps := g.visible(func(v *variable) bool { return (v.kind == vPairs || v.kind == vPairArr) && g.writable(v) }); len(ps) > 0 && g.c.yes(1, 2) {
			var i *node
			if g.canAwait() && g.c.yes(1, 2) {
				i = g.await(mk("ready(", g.next(), ", ", g.c.pick(3), ")"))
			} else {
				i = mk("ix(", g.next(), ", ", g.expr(1), ")")
			}
			return mk(g.choose(ps).name, "[", i, "].inc(", g.next(), ", ", g.expr(0), ")")
		}
		sts := g.visible(func(v *variable) bool { return v.kind == vStruct && g.writable(v) })
		if len(sts) == 0 {
			return g.sayStmt()
		}
		st := g.choose(sts)
		if xs := g.visible(func(v *variable) bool { return v.kind == vInt && g.writable(v) }); len(xs) > 0 && g.c.yes(1, 2) {
			return mk(g.choose(xs).name, " = ", st.name, ".inc(", g.next(), ", ", g.expr(0), ")")
		}
		return mk(st.name, ".inc(", g.next(), ", ", g.expr(0), ")")
	}
	panic("unreachable")
}

func (g *gen) canDefer() bool {
	switch {
	case g.fn.promise:
		// A deferred literal that returns a promise is lowered as the
		// deferred body of the function around.
		return g.fn.loops == 0 && g.selects == 0 && !(g.named && g.lits == 0)
	case g.fn.inline:
		return g.fn.loops == 0 && g.selects == 0
	case g.fn.kind == fnPlain:
		return true
	case g.fn.kind == fnAsync || g.fn.kind == fnDefer:
		// lwtgen rejects defer in a function with a named result, and
		// in a select.
		return g.fn.loops == 0 && g.selects == 0 && !(g.named && g.lits == 0)
	}
	return false
}

func (g *gen) sayStmt() *node {
	if slices := g.visible(func(v *variable) bool { return v.kind == vSlice }); len(slices) > 0 && g.c.yes(1, 4) {
		return mk("say(", g.next(), ", ", g.choose(slices).name, "[ix(", g.next(), ", ", g.expr(1), "):]...)")
	}
	s := mk("say(", g.next())
	for range g.c.pick(4) {
		s.add(", ", g.expr(0))
	}
	return s.add(")")
}

func (g *gen) declStmt() *node {
	name := g.freshX()
	if name == "" {
		return g.sayStmt()
	}
	switch g.c.weighted(8, 1, 1, 2) {
	case 1:
		e := g.expr(0)
		g.declare(name, vInt)
		return mk("var ", name, " = ", e)
	case 2:
		g.declare(name, vInt)
		return mk("var ", name, " int")
	case 3:
		// Two at once: the second name must differ.
		e1, e2 := g.expr(0), g.expr(0)
		g.declare(name, vInt)
		name2 := g.freshX()
		if name2 == "" {
			return mk(name, " := ", e1, " + ", e2)
		}
		g.declare(name2, vInt)
		return mk(name, ", ", name2, " := ", e1, ", ", e2)
	}
	e := g.rhs()
	g.declare(name, vInt)
	return mk(name, " := ", e)
}

// rhs is the right side of a plain assignment or declaration: an expression,
// or an await of a call that may assign variables around it.
func (g *gen) rhs() *node {
	if g.canAwait() && g.c.yes(1, 4) {
		return g.await(g.writerPromise())
	}
	return g.expr(0)
}

// lvalue returns something the program may assign, and whether it is a
// plain variable.
func (g *gen) lvalue() (*node, bool) {
	vs := g.visible(func(v *variable) bool { return g.writable(v) && v.kind != vGen })
	if len(vs) == 0 {
		return nil, false
	}
	v := g.choose(vs)
	switch v.kind {
	case vPtr:
		return mk("*", v.name), false
	case vStruct, vRecv:
		return g.read(v), false
	case vSlice, vArray:
		return mk(v.name, "[ix(", g.next(), ", ", g.expr(1), ")]"), false
	case vPairs, vPairArr:
		// A field of an element reached through a call (or an await).
		var i *node
		if g.canAwait() && g.c.yes(1, 4) {
			i = g.await(mk("ready(", g.next(), ", ", g.c.pick(3), ")"))
		} else {
			i = mk("ix(", g.next(), ", ", g.expr(1), ")")
		}
		return mk(v.name, "[", i, "].", []string{"a", "b"}[g.c.pick(2)]), false
	}
	return mk(v.name), true
}

func (g *gen) assignStmt() *node {
	if gs := g.visible(func(v *variable) bool { return v.kind == vGen && g.writable(v) }); len(gs) > 0 && g.c.yes(1, 4) &&
		(g.lits == 0 || !avoidTypeParamInLiteral) {
		n := gs[0].name
		switch g.c.pick(3) {
		case 0:
			return mk(n, " = ", g.tparam, "(", g.expr(0), ")")
		case 1:
			return mk(n, " += ", g.tparam, "(", g.expr(0), ")")
		}
		return mk(n, "++")
	}
	l, plain := g.lvalue()
	if l == nil {
		return g.declStmt()
	}
	switch g.c.weighted(4, 3, 1, 1) {
	case 1:
		return mk(l, " += ", g.expr(0))
	case 2:
		return mk(l, " -= ", g.expr(0))
	case 3:
		return mk(l, "++")
	}
	if plain {
		return mk(l, " = ", g.rhs())
	}
	if g.canAwait() && g.c.yes(1, 3) {
		return mk(l, []string{" = ", " += ", " *= "}[g.c.pick(3)], g.await(g.promise(1, false)))
	}
	return mk(l, " = ", g.expr(0))
}

func (g *gen) tupleAssign() *node {
	l1, _ := g.lvalue()
	l2, _ := g.lvalue()
	if l1 == nil || l2 == nil {
		return g.sayStmt()
	}
	e1 := g.expr(0)
	if g.canAwait() && g.c.yes(1, 3) {
		return mk(l1, ", ", l2, " = ", e1, ", ", g.await(g.promise(1, false)))
	}
	return mk(l1, ", ", l2, " = ", e1, ", ", g.expr(0))
}

// ---- expressions ----

// expr is an int expression; d is its depth.
func (g *gen) expr(d int) *node {
	if d >= 3 {
		return g.leaf()
	}
	idx := g.visible(func(v *variable) bool { return v.kind == vSlice || v.kind == vArray })
	switch g.c.weighted(4, 4, w(g.canAwait(), 7), 2, 3, w(len(idx) > 0, 1), 1) {
	case 6:
		return mk("(-", g.expr(d+1), ")")
	case 1:
		return g.varRead()
	case 2:
		return g.await(g.promise(d+1, false))
	case 3:
		s := mk("f(", g.next())
		for range g.c.pick(3) {
			s.add(", ", g.expr(d+1))
		}
		return s.add(")")
	case 4:
		op := []string{" + ", " - ", " * "}[g.c.pick(3)]
		return mk("(", g.expr(d+1), op, g.expr(d+1), ")")
	case 5:
		v := g.choose(idx)
		return mk(v.name, "[ix(", g.next(), ", ", g.expr(d+1), ")]")
	}
	return mk(g.c.pick(8))
}

func (g *gen) leaf() *node {
	if g.c.yes(1, 2) {
		return g.varRead()
	}
	return mk(g.c.pick(8))
}

func (g *gen) varRead() *node {
	vs := g.visible(g.readable)
	if len(vs) == 0 {
		return mk(g.c.pick(8))
	}
	v := g.choose(vs)
	if v.kind == vStruct && g.c.yes(1, 3) {
		// A method with a value receiver: a call on a copy.
		return mk(v.name, ".sum(", g.next(), ")")
	}
	return g.read(v)
}

// nonConst is an int expression that is not a constant (for case values).
func (g *gen) nonConst() *node {
	switch g.c.weighted(3, w(g.canAwait(), 4), 2) {
	case 1:
		return g.await(g.promise(1, false))
	case 2:
		return mk("f(", g.next(), ", ", g.expr(1), ")")
	}
	if vs := g.visible(g.readable); len(vs) > 0 {
		return g.varRead()
	}
	return mk("f(", g.next(), ")")
}

// cond is a bool expression.
func (g *gen) cond(d int) *node {
	ops := []string{" < ", " == ", " != ", " >= "}
	switch g.c.weighted(4, 3, w(d < 2, 2), w(d < 2, 2), 1, w(g.canAwait() && d < 2, 2)) {
	case 5:
		k := g.next()
		if g.c.yes(1, 2) {
			return await(mk("readyB(", k, ", ", g.cond(d+1), ")"))
		}
		return await(mk("laterB(", k, ", ", g.cond(d+1), ", ", g.delay(), ")"))
	case 1:
		return mk("pred(", g.next(), ", ", g.expr(d+1), ")")
	case 2:
		return mk("(", g.cond(d+1), " && ", g.cond(d+1), ")")
	case 3:
		return mk("(", g.cond(d+1), " || ", g.cond(d+1), ")")
	case 4:
		return mk("!", g.cond(d+1))
	}
	return mk("(", g.expr(d+1), ops[g.c.pick(len(ops))], g.expr(d+1), ")")
}

func (g *gen) delay() int { return g.c.pick(3) }

// promise is the operand of an await. writerOK: it may be a call of an
// async literal that assigns variables around it.
func (g *gen) promise(d int, writerOK bool) *node {
	k := g.next()
	asyncs := g.visible(func(v *variable) bool { return g.callable(v, writerOK) })
	litOK := g.lits < 2 && g.depth < maxDepth && g.budget > 0
	switch g.c.weighted(6, 7, 2, 1, 1, 1, w(len(asyncs) > 0, 4), w(litOK, 3), w(g.resOK(), 1)) {
	case 8:
		return mk("res")
	case 1:
		return mk("later(", k, ", ", g.expr(d+1), ", ", g.delay(), ")")
	case 2:
		return mk("lwt.Return(", g.expr(d+1), ")")
	case 3:
		return mk("failNow(", k, ")")
	case 4:
		return mk("failLater(", k, ", ", g.delay(), ")")
	case 5:
		return mk("boom(", k, ")")
	case 6:
		return mk(g.choose(asyncs).name, "(", g.expr(d+1), ")")
	case 7:
		return g.litCall(writerOK && g.c.yes(1, 2))
	}
	return mk("ready(", k, ", ", g.expr(d+1), ")")
}

// writerPromise is the operand of an await in statement position: often a
// call of an async literal that assigns the variables around it.
func (g *gen) writerPromise() *node {
	asyncs := g.visible(func(v *variable) bool { return g.callable(v, true) })
	litOK := g.lits < 2 && g.depth < maxDepth && g.budget > 0
	switch g.c.weighted(1, w(len(asyncs) > 0, 3), w(litOK, 3)) {
	case 1:
		return mk(g.choose(asyncs).name, "(", g.expr(1), ")")
	case 2:
		return g.litCall(true)
	}
	return g.promise(1, true)
}

// simplePromise makes a promise without awaiting anything or calling an
// async function: the operands of Await2, AwaitAll and Try, which are all
// made before any is awaited.
func (g *gen) simplePromise() *node {
	g.noAwait++
	defer func() { g.noAwait-- }()
	k := g.next()
	switch g.c.weighted(5, 6, 2, 2, 2, 1) {
	case 1:
		return mk("later(", k, ", ", g.expr(1), ", ", g.delay(), ")")
	case 2:
		return mk("lwt.Return(", g.expr(1), ")")
	case 3:
		return mk("failNow(", k, ")")
	case 4:
		return mk("failLater(", k, ", ", g.delay(), ")")
	case 5:
		return mk("boom(", k, ")")
	}
	return mk("ready(", k, ", ", g.expr(1), ")")
}

// avoidReturnAsyncCall (fixed; testdata/fuzz_repros) kept away from a bug: once a call has
// suspended, return g() (Frame.Become) makes g's node a proxy of the
// caller's, and when g suspends again lwt.Suspend overwrites the proxy link
// (fr.out.aux = r): the caller's promise never resolves.
const avoidReturnAsyncCall = false

// retPromise is what a return of an async function returns.
func (g *gen) retPromise() *node {
	k := g.next()
	asyncs := g.visible(func(v *variable) bool { return g.callable(v, true) })
	litOK := g.lits < 2 && g.depth < maxDepth && g.budget > 0
	if avoidReturnAsyncCall {
		asyncs, litOK = nil, false
	}
	switch g.c.weighted(6, 2, 1, 1, 1, w(len(asyncs) > 0, 2), w(litOK, 1)) {
	case 1:
		return mk("later(", k, ", ", g.expr(0), ", ", g.delay(), ")")
	case 2:
		return mk("ready(", k, ", ", g.expr(0), ")")
	case 3:
		return mk("failNow(", k, ")")
	case 4:
		return mk("lwt.Fail[int](mkErr(", k, "))")
	case 5:
		return mk(g.choose(asyncs).name, "(", g.expr(0), ")")
	case 6:
		return g.litCall(g.c.yes(1, 2))
	}
	return mk("lwt.Return(", g.expr(0), ")")
}

// litCall is an async func literal called at once.
func (g *gen) litCall(writer bool) *node {
	if g.c.yes(1, 2) {
		arg := g.expr(1)
		return mk(g.asyncLit(writer, true), "(", arg, ")")
	}
	return mk(g.asyncLit(writer, false), "()")
}

// asyncLit is func(aK int) lwt.Promise[int] {...}; a writer may assign the
// variables around it.
func (g *gen) asyncLit(writer, param bool) *node {
	k := g.next()
	saved, savedNoAwait := g.fn, g.noAwait
	sc := g.push()
	floor := g.fn.floor
	if !writer {
		floor = len(g.scopes) - 1
	}
	g.fn = &fnCtx{kind: fnAsync, floor: floor}
	g.noAwait = 0
	g.lits++
	g.depth++
	params := ""
	if param {
		params = g.name("a", k) + " int"
		g.declare(g.name("a", k), vRO)
	}
	stmts := g.stmtList(5)
	stmts = append(stmts, g.uses(sc)...)
	stmts = append(stmts, ret(g.retPromise()))
	if avoidAwaitFreeLiteralDefer && !hasAwaitDeep(mk(stmts)) && hasDefer(mk(stmts)) {
		stmts = append([]*node{g.await(mk("ready(", g.next(), ", 0)"))}, stmts...)
	}
	g.depth--
	g.lits--
	g.pop()
	g.fn, g.noAwait = saved, savedNoAwait
	r := g.name("r", k)
	lit := mk("func(", params, ") ", ann("lwt.Promise[int]"), twin("(", r, " lwt.Promise[int])"), " {", in,
		twin(nl, "defer catch(&", r, ")"))
	for _, s := range stmts {
		lit.add(nl, s)
	}
	lit.lit = true
	return lit.add(out, nl, "}")
}

// plainBody is the body of an ordinary func literal called at once.
func (g *gen) plainBody() *node {
	saved := g.fn
	g.fn = &fnCtx{kind: fnPlain, floor: saved.floor}
	b := g.body(nil, 4, nil)
	g.fn = saved
	return b
}

// ---- statements ----

func (g *gen) ifStmt() *node {
	switch g.c.weighted(4, 3, 1, 2) {
	case 1:
		c := g.cond(0)
		b1, b2 := g.body(nil, 4, nil), g.body(nil, 4, nil)
		return mk("if ", c, " ", b1, " else ", b2)
	case 2:
		c1 := g.cond(0)
		b1 := g.body(nil, 3, nil)
		c2 := g.cond(0)
		b2, b3 := g.body(nil, 3, nil), g.body(nil, 3, nil)
		elif := mk("if ", c2, " ", b2, " else ", b3)
		return mk("if ", c1, " ", b1, " else ", elif)
	case 3:
		k := g.next()
		y := g.name("y", k)
		e := g.expr(0)
		g.push()
		g.declare(y, vRO)
		c := g.expr(0)
		b1 := g.body(nil, 3, nil)
		b2 := g.body(nil, 3, nil)
		g.pop()
		return mk("if ", y, " := ", e, "; ", y, " < ", c, " ", b1, " else ", b2)
	}
	c := g.cond(0)
	return mk("if ", c, " ", g.body(nil, 4, nil))
}

// bound is a small loop bound: a constant, or an await of one.
func (g *gen) bound() *node {
	c := g.c.pick(4)
	if g.canAwait() && g.c.yes(1, 3) {
		k := g.next()
		if g.c.yes(1, 2) {
			return g.await(mk("ready(", k, ", ", c, ")"))
		}
		return g.await(mk("later(", k, ", ", c, ", ", g.delay(), ")"))
	}
	return mk(c)
}

// loop generates the body of a loop with its target for break and continue.
func (g *gen) loop(t *target, pre []*node, hdr *scope) *node {
	g.fn.targets = append(g.fn.targets, t)
	g.fn.loops++
	b := g.body(pre, 4, hdr)
	g.fn.loops--
	g.fn.targets = g.fn.targets[:len(g.fn.targets)-1]
	return b
}

func labelOf(t *target) *node {
	if t.used {
		return mk(t.label, ":", nl)
	}
	return nil
}

func (g *gen) forStmt() *node {
	k := g.next()
	t := &target{loop: true, label: g.label(k)}
	switch g.c.weighted(5, 3, 2) {
	case 1: // for c < bound
		c := g.name("c", k)
		bound := g.bound()
		hdr := g.push()
		g.declare(c, vRO)
		body := g.loop(t, []*node{mk(c, "++")}, nil)
		g.pop()
		_ = hdr
		return mk(c, " := 0", nl, labelOf(t), "for ", c, " < ", bound, " ", body)
	case 2: // for { ... break }
		c := g.name("c", k)
		bound := g.bound()
		g.push()
		g.declare(c, vRO)
		pre := []*node{mk(c, "++"), mk("if ", c, " > ", bound, " ", block([]*node{mk("break")}))}
		body := g.loop(t, pre, nil)
		g.pop()
		return mk(c, " := 0", nl, labelOf(t), "for ", body)
	}
	i := g.name("i", k)
	init := mk(0)
	if g.canAwait() && g.c.yes(1, 3) {
		init = g.await(mk("ready(", g.next(), ", 0)"))
	}
	bound := g.bound()
	post := mk(i, "++")
	if g.canAwait() && g.c.yes(1, 4) {
		post = mk(i, " += ", g.await(mk("later(", g.next(), ", 1, ", g.delay(), ")")))
	}
	hdr := g.push()
	g.declare(i, vRO)
	body := g.loop(t, nil, hdr)
	g.pop()
	return mk(labelOf(t), "for ", i, " := ", init, "; ", i, " < ", bound, "; ", post, " ", body)
}

func (g *gen) rangeStmt() *node {
	k := g.next()
	t := &target{loop: true, label: g.label(k)}
	slices := g.visible(func(v *variable) bool { return v.kind == vSlice })
	arrays := g.visible(func(v *variable) bool { return v.kind == vArray })
	var x *node
	val := vRO
	hasVal := true
	switch g.c.weighted(3, 3, w(len(slices) > 0, 2), w(len(arrays) > 0, 2), w(len(arrays) > 0, 1), 2) {
	case 0:
		x, hasVal = g.bound(), false
	case 1:
		x = mk("[]int{", g.expr(1), ", ", g.expr(1), "}")
	case 2:
		x = mk(g.choose(slices).name)
	case 3:
		x = mk(g.choose(arrays).name)
	case 4:
		x = mk("&", g.choose(arrays).name)
	case 5:
		x = mk(strconv.Quote([]string{"aé日", "xy", "", "ü"}[g.c.pick(4)]))
		val = vRune
	}
	hdr := g.push()
	i, v := g.name("i", k), g.name("v", k)
	var vars *node
	form := g.c.pick(4)
	if !hasVal {
		form %= 2
	}
	switch form {
	case 0:
		vars = mk("for ", i, " := range ")
		g.declare(i, vRO)
	case 1:
		vars = mk("for range ")
	case 2:
		vars = mk("for ", i, ", ", v, " := range ")
		g.declare(i, vRO)
		g.declare(v, val)
	case 3:
		vars = mk("for _, ", v, " := range ")
		g.declare(v, val)
	}
	body := g.loop(t, nil, hdr)
	g.pop()
	return mk(labelOf(t), vars, x, " ", body)
}

// mapRange ranges over a map with a body whose effect does not depend on
// the order of the keys, and prints a summary after.
func (g *gen) mapRange() *node {
	k := g.next()
	kk, vv := g.name("k", k), g.name("v", k)
	lit := mk(`map[string]int{"a": `, g.expr(1), `, "b": `, g.expr(1), `, "c": `, g.expr(1), "}")
	aw := g.canAwait()
	quiet := func(arg any) *node {
		if !aw {
			return mk(arg)
		}
		return g.await(mk("q(", arg, ", 0, ", g.c.pick(4)-1, ")"))
	}
	if g.c.yes(1, 3) {
		// Deleting the entries not reached yet: exactly one iteration.
		m, cnt, o := g.name("m", k), g.name("cnt", k), g.name("o", k)
		inner := mk("for ", o, " := range ", m, " ", block([]*node{
			mk("if ", o, " != ", kk, " ", block([]*node{mk("delete(", m, ", ", o, ")")})),
		}))
		stmts := []*node{}
		if aw && g.c.yes(1, 2) {
			stmts = append(stmts, quiet(0))
		}
		stmts = append(stmts, inner, mk(cnt, "++"))
		return mk(m, " := ", lit, nl, cnt, " := 0", nl, "for ", kk, " := range ", m, " ", block(stmts), nl,
			"say(", k, ", ", cnt, ", len(", m, "))")
	}
	acc := g.name("acc", k)
	var stmts []*node
	stmts = append(stmts, mk(acc, " += ", vv, " * ", quiet(mk("len(", kk, ")"))))
	if g.c.yes(1, 2) {
		stmts = append(stmts, mk("if ", vv, " > 2 ", block([]*node{mk(acc, " += ", quiet(vv))})))
	}
	return mk(acc, " := 0", nl, "for ", kk, ", ", vv, " := range ", lit, " ", block(stmts), nl, "say(", k, ", ", acc, ")")
}

// switchStmt is a switch; with awaitTag, its tag awaits and its clauses do
// not, and break out of them.
func (g *gen) switchStmt(awaitTag bool) *node {
	k := g.next()
	t := &target{label: g.label(k)}
	g.push()
	var head *node
	form := g.c.weighted(4, w(!awaitTag, 3), 2)
	switch {
	case awaitTag && form == 0:
		tag := g.await(g.promise(1, false))
		if g.c.yes(1, 3) {
			tag = mk("(", tag, " + ", g.expr(1), ")")
		}
		head = mk("switch ", tag, " {")
	case awaitTag:
		y := g.name("y", k)
		e := g.await(g.promise(1, false))
		g.declare(y, vRO)
		head = mk("switch ", y, " := ", e, "; ", y, " {")
	case form == 0:
		head = mk("switch ", g.expr(0), " {")
	case form == 1:
		head = mk("switch {")
	case form == 2:
		y := g.name("y", k)
		e := g.expr(0)
		g.declare(y, vRO)
		head = mk("switch ", y, " := ", e, "; ", y, " {")
	}
	if awaitTag {
		g.noAwait++
	}
	n := 1 + g.c.pick(4)
	dflt := -1
	if g.c.yes(1, 2) {
		dflt = g.c.pick(n)
	}
	used := map[int]bool{}
	g.fn.targets = append(g.fn.targets, t)
	var clauses []*node
	for i := range n {
		var cl *node
		if i == dflt {
			cl = mk("default:")
		} else {
			cl = mk("case ")
			for j := range 1 + g.c.pick(2) {
				if j > 0 {
					cl.add(", ")
				}
				if form == 1 {
					cl.add(g.caseCond())
				} else {
					cl.add(g.caseValue(used))
				}
			}
			cl.add(":")
		}
		sc := g.push()
		g.depth++
		stmts := g.stmtList(3)
		switch {
		case awaitTag && g.c.yes(1, 2):
			// A break, then more of the clause.
			stmts = append(stmts, mk("if ", g.cond(0), " ", block([]*node{mk("break")})), g.sayStmt())
		case awaitTag && g.c.yes(1, 2):
			stmts = append(stmts, g.sayStmt(), mk("break"))
		}
		stmts = append(stmts, g.uses(sc)...)
		g.depth--
		g.pop()
		if i < n-1 && g.c.yes(1, 4) {
			stmts = append(stmts, mk("fallthrough"))
		}
		body := mk("", in)
		for _, s := range stmts {
			body.add(nl, s)
		}
		body.add(out)
		clauses = append(clauses, mk(cl, body))
	}
	g.fn.targets = g.fn.targets[:len(g.fn.targets)-1]
	if awaitTag {
		g.noAwait--
	}
	g.pop()
	if avoidLabeledSwitch && t.used && !hasAwait(mk(clauses)) && g.canAwait() {
		g.insertAwait(clauses[0].items[1].(*node))
	}
	s := mk(labelOf(t), head)
	for _, cl := range clauses {
		s.add(nl, cl)
	}
	return s.add(nl, "}")
}

// caseValue is a case of a switch on an int: a constant not used yet in the
// switch, or an expression that is not constant.
func (g *gen) caseValue(used map[int]bool) *node {
	if g.c.yes(1, 2) {
		return g.nonConst()
	}
	c := g.c.pick(6)
	for used[c] {
		c++
	}
	used[c] = true
	return mk(c)
}

func (g *gen) caseCond() *node {
	if g.c.yes(1, 2) {
		return mk("pred(", g.next(), ", ", g.expr(1), ")")
	}
	return mk("(", g.nonConst(), " < ", g.expr(1), ")")
}

func (g *gen) branchStmt() *node {
	ts := g.fn.targets
	var loops []*target
	for _, t := range ts {
		if t.loop {
			loops = append(loops, t)
		}
	}
	var s *node
	switch g.c.weighted(4, w(len(loops) > 0, 3), 2, w(len(loops) > 0, 2)) {
	case 0:
		s = mk("break")
	case 1:
		s = mk("continue")
	case 2:
		t := ts[g.c.pick(len(ts))]
		t.used = true
		s = mk("break ", t.label)
	case 3:
		t := loops[g.c.pick(len(loops))]
		t.used = true
		s = mk("continue ", t.label)
	}
	if g.c.yes(1, 5) {
		return s
	}
	return mk("if ", g.cond(0), " ", block([]*node{s}))
}

// closureStmt keeps a closure that main calls after the call has finished:
// it sees the final values of the variables it captures.
func (g *gen) closureStmt() *node {
	k := g.next()
	s := mk("say(", k)
	for _, v := range g.visible(g.readable) {
		if g.c.yes(1, 2) {
			s.add(", ", g.read(v))
		}
	}
	stmts := []*node{s.add(")")}
	if xs := g.visible(func(v *variable) bool { return v.kind == vInt && g.writable(v) }); len(xs) > 0 && g.c.yes(1, 3) {
		stmts = append(stmts, mk(g.choose(xs).name, "++"))
	}
	return mk("closures = append(closures, func() ", block(stmts), ")")
}

func (g *gen) deferStmt() *node {
	k := g.next()
	if g.fn.kind == fnPlain || !g.canAwait() {
		if g.c.yes(1, 2) || g.fn.kind != fnPlain {
			return mk("defer say(", k, ", ", g.expr(0), ")")
		}
		if g.fn.promise || g.fn.inline {
			// Deferred from a deferred literal: lowered into the async
			// function too, so its own defers are the function's.
			saved := g.fn
			g.fn = &fnCtx{kind: fnPlain, floor: saved.floor, inline: true}
			b := g.body(nil, 4, nil)
			g.fn = saved
			return mk("defer func() ", b, "()")
		}
		return mk("defer func() ", g.plainBody(), "()")
	}
	asyncs := g.visible(func(v *variable) bool { return g.callable(v, true) })
	switch g.c.weighted(5, 2, 2, 3, w(len(asyncs) > 0, 1), 2, 2) {
	case 5:
		// A variadic literal: no argument for the variadic parameter
		// passes nil.
		xs := g.name("xs", k)
		d := mk("defer func(", xs, " ...int) ", g.deferBodyPre(mk("sayNil(", k, ", ", xs, ")")), "(")
		for i := range g.c.weighted(4, 1, 1) {
			if i > 0 {
				d.add(", ")
			}
			d.add(g.expr(0))
		}
		return d.add(")")
	case 6:
		// A literal that returns a promise: awaited as a deferred call
		// returning a promise is. It is async, so its own defers run once
		// the promise it returns is resolved: in the twin its returns
		// settle the promise first.
		saved := g.fn
		g.fn = &fnCtx{kind: fnPlain, floor: saved.floor, promise: true}
		sc := g.push()
		g.depth++
		stmts := g.stmtList(2)
		stmts = append(stmts, g.uses(sc)...)
		stmts = append(stmts, ret(g.simplePromise()))
		g.depth--
		g.pop()
		g.fn = saved
		lit := mk("func() lwt.Promise[int] ", block(stmts), "()")
		return mk(ann("defer "), twin("defer func() { await("), lit, twin(") }()"))
	case 1:
		a := g.name("a", k)
		arg := g.expr(0)
		if g.c.yes(1, 3) {
			return mk("defer func(", a, " int) int ", g.deferBody(a, true), "(", arg, ")")
		}
		return mk("defer func(", a, " int) ", g.deferBody(a, false), "(", arg, ")")
	case 2:
		// Variadic, with 0 to 2 arguments; or a function whose result
		// is dropped.
		if g.c.yes(1, 4) {
			if avoidDeferVariadicNoArgs {
				return mk("defer f(", k, ", ", g.expr(0), ")")
			}
			return mk("defer f(", k, ")")
		}
		d := mk("defer say(", k)
		nargs := g.c.pick(3)
		if avoidDeferVariadicNoArgs && nargs == 0 {
			nargs = 1
		}
		for range nargs {
			d.add(", ", g.expr(0))
		}
		return d.add(")")
	case 3:
		// A deferred call that returns a promise is awaited.
		switch g.c.pick(3) {
		case 0:
			return mk(ann("defer later("), twin("defer func(k, v, d int) { await(later(k, v, d)) }("), k, ", ", g.expr(0), ", ", g.delay(), ")")
		case 1:
			return mk(ann("defer ready("), twin("defer func(k, v int) { await(ready(k, v)) }("), k, ", ", g.expr(0), ")")
		default:
			return mk(ann("defer failLater("), twin("defer func(k, d int) { await(failLater(k, d)) }("), k, ", ", g.delay(), ")")
		}
	case 4:
		v := g.choose(asyncs)
		return mk(ann("defer ", v.name, "("), twin("defer func(g func(int) lwt.Promise[int], a int) { await(g(a)) }(", v.name, ", "), g.expr(0), ")")
	}
	return mk("defer func() ", g.deferBody("", false), "()")
}

// deferBodyPre is deferBody that starts with pre.
func (g *gen) deferBodyPre(pre *node) *node {
	b := g.deferBody("", false)
	items := append([]any{}, b.items[:2]...)
	items = append(items, nl, pre)
	b.items = append(items, b.items[2:]...)
	return b
}

// deferBody is the body of a deferred func literal: it may await, and its
// return ends it only.
func (g *gen) deferBody(param string, result bool) *node {
	saved, savedNoAwait := g.fn, g.noAwait
	g.fn = &fnCtx{kind: fnDefer, floor: saved.floor, result: result}
	if g.lits > 0 && avoidDeferAwaitInLiteral {
		g.noAwait++
	}
	g.inDefer++
	defer func() { g.inDefer-- }()
	sc := g.push()
	if param != "" {
		g.declare(param, vRO)
	}
	g.depth++
	var stmts []*node
	if g.c.yes(1, 3) {
		// Labels are numbered in each function: this one is likely
		// declared by the function around too.
		stmts = append(stmts, g.labeledLoop())
	}
	stmts = append(stmts, g.stmtList(5)...)
	stmts = append(stmts, g.uses(sc)...)
	if result {
		// Go evaluates the result and drops it.
		stmts = append(stmts, mk("return ", g.deferResult()))
	}
	g.depth--
	g.pop()
	g.fn, g.noAwait = saved, savedNoAwait
	return block(stmts)
}

// deferResult is what a deferred literal with a result returns.
func (g *gen) deferResult() *node {
	if avoidDeferResultAwait {
		g.noAwait++
		defer func() { g.noAwait-- }()
	}
	return g.expr(0)
}

// avoidDeferResultAwait (fixed; testdata/defer_result_await): when the
// result of a deferred literal awaited, lwtgen evaluated the awaits but drops the rest of the expression
// (returnFlow ignores it): in return lwt.Await(p) - f(6), f is never called.
// With it, the results of deferred literals do not await.
const avoidDeferResultAwait = false

// avoidDeferAwaitInLiteral (fixed; testdata/defer_in_literal) kept awaits
// out of deferred func literals inside async func literals, which lwtgen
// rejected ("lwt.Await inside a
// func literal that is not async").
const avoidDeferAwaitInLiteral = false

func (g *gen) tryStmt() *node {
	k := g.next()
	v, e := g.name("t", k), g.name("e", k)
	asyncs := g.visible(func(v *variable) bool { return g.callable(v, true) })
	litOK := g.lits < 2 && g.depth < maxDepth && g.budget > 0
	var p *node
	switch g.c.weighted(3, w(litOK, 3), w(len(asyncs) > 0, 2)) {
	case 0:
		p = g.simplePromise()
	case 1:
		p = mk(g.asyncLit(g.c.yes(1, 2), false), "()")
	case 2:
		g.noAwait++
		p = mk(g.choose(asyncs).name, "(", g.expr(1), ")")
		g.noAwait--
	}
	try := mk(ann("lwt.Try("), twin("try_(func() lwt.Promise[int] { return "), p, twin(" }"), ")")
	if xs := g.visible(func(v *variable) bool { return v.kind == vInt && g.writable(v) }); len(xs) > 0 && g.c.yes(1, 3) {
		// Assigned to variables that exist.
		x := g.choose(xs).name
		return mk("var ", e, " error", nl, x, ", ", e, " = ", try, nl, "sayErr(", g.next(), ", ", e, ")")
	}
	g.declare(v, vInt)
	return mk(v, ", ", e, " := ", try, nl, "sayErr(", g.next(), ", ", e, ")")
}

func (g *gen) failStmt() *node {
	k := g.next()
	var s *node
	if g.fn.kind == fnAsync && g.c.yes(1, 2) {
		s = ret(mk("lwt.Fail[int](mkErr(", k, "))"))
	} else {
		if g.c.yes(1, 2) {
			s = g.await(mk("failLater(", k, ", ", g.delay(), ")"))
		} else {
			s = g.await(mk("failNow(", k, ")"))
		}
	}
	return mk("if ", g.cond(0), " ", block([]*node{s}))
}

// awaitNStmt is x, y := lwt.Await2(a, b) or x, y, z = lwt.Await3(a, b, c).
func (g *gen) awaitNStmt() *node {
	n := 2 + g.c.pick(2)
	var ps []any
	for i := range n {
		if i > 0 {
			ps = append(ps, ", ")
		}
		ps = append(ps, g.simplePromise())
	}
	marker := []string{"", "", "lwt.Await2(", "lwt.Await3("}[n]
	if g.c.yes(1, 5) {
		marker = []string{"", "", "lwt.Await2[int, int](", "lwt.Await3[int, int, int]("}[n]
	}
	twinName := []string{"", "", "await2(", "await3("}[n]
	call := mk(ann(marker), twin(twinName)).add(ps...).add(")")
	targets := g.visible(func(v *variable) bool { return (v.kind == vInt || v.kind == vPtr) && g.writable(v) })
	if len(targets) > 0 && g.c.yes(1, 2) {
		l := mk()
		for i := range n {
			if i > 0 {
				l.add(", ")
			}
			v := g.choose(targets)
			if v.kind == vPtr {
				l.add("*")
			}
			l.add(v.name)
		}
		return mk(l, " = ", call)
	}
	var names []string
	for range n {
		name := g.freshX()
		if name == "" {
			name = "_"
		} else {
			g.declare(name, vInt)
		}
		names = append(names, name)
	}
	allBlank := true
	for _, name := range names {
		if name != "_" {
			allBlank = false
		}
	}
	if allBlank {
		return mk(strings.Join(names, ", "), " = ", call)
	}
	return mk(strings.Join(names, ", "), " := ", call)
}

// typeSwitch awaits in the guard of a type switch; its clauses do not await
// (lwtgen rejects that).
func (g *gen) typeSwitch() *node {
	k := g.next()
	v := g.name("v", k)
	var x, typ *node
	if g.c.yes(1, 2) {
		x, typ = g.promise(1, false), mk("int")
	} else {
		x, typ = mk("laterB(", g.next(), ", ", g.cond(1), ", ", g.delay(), ")"), mk("bool")
	}
	bind := g.c.yes(2, 3)
	head := mk("switch any(", await(x), ").(type) {")
	if bind {
		head = mk("switch ", v, " := any(", await(x), ").(type) {")
	}
	t := &target{label: g.label(k)}
	g.fn.targets = append(g.fn.targets, t)
	awaits := typeSwitchClausesAwait && g.c.yes(1, 2)
	clause := func(h *node, use bool) *node {
		sc := g.push()
		if !awaits {
			g.noAwait++
		}
		var stmts []*node
		if use && bind {
			if typ.items[0] == "bool" {
				stmts = append(stmts, mk("say(", g.next(), ", b2i(", v, "))"))
			} else {
				stmts = append(stmts, mk("say(", g.next(), ", ", v, ")"))
			}
		}
		if awaits {
			g.depth++
			stmts = append(stmts, g.stmtList(3)...)
			g.depth--
		} else {
			for range g.c.pick(3) {
				switch g.c.pick(3) {
				case 0:
					stmts = append(stmts, g.declStmt())
				case 1:
					stmts = append(stmts, g.assignStmt())
				default:
					stmts = append(stmts, g.sayStmt())
				}
			}
		}
		if g.c.yes(1, 3) {
			stmts = append(stmts, mk("if ", g.cond(0), " ", block([]*node{mk("break")})), g.sayStmt())
		}
		stmts = append(stmts, g.uses(sc)...)
		if !awaits {
			g.noAwait--
		}
		g.pop()
		c := mk(h, in)
		for _, s := range stmts {
			c.add(nl, s)
		}
		return c.add(out)
	}
	clauses := []*node{clause(mk("case ", typ, ":"), true)}
	if g.c.yes(1, 2) {
		clauses = append(clauses, clause(mk("case string, float64:"), false))
	}
	if g.c.yes(1, 2) {
		clauses = append(clauses, clause(mk("default:"), false))
	}
	g.fn.targets = g.fn.targets[:len(g.fn.targets)-1]
	if avoidLabeledSwitch && t.used && !hasAwait(mk(clauses)) {
		g.insertAwait(clauses[0])
	}
	s := mk(head)
	for _, c := range clauses {
		s.add(nl, c)
	}
	return mk(labelOf(t), s.add(nl, "}"))
}

// typeSwitchClausesAwait lets the clauses of type switches await (lwtgen
// supports it since f994007).
const typeSwitchClausesAwait = true

// ---- the classes of bugs an adversarial review found by hand (each has a golden case in testdata/) ----

// exitStmt ends the current function: a return (or a panic).
func (g *gen) exitStmt() *node {
	if g.c.yes(1, 6) {
		return mk(`panic("exit `, g.next(), `")`)
	}
	switch {
	case g.fn.kind == fnAsync:
		return g.returnStmt()
	case g.fn.result:
		return mk("return ", g.deferResult())
	case g.fn.promise:
		return ret(g.simplePromise())
	}
	return mk("return")
}

// labeledExit is a labeled switch, type switch or select whose clauses all
// end the function, except through break L (sometimes from a loop inside
// the clause): not a terminating statement, so the code after it runs.
func (g *gen) labeledExit() *node {
	k := g.next()
	t := &target{label: g.label(k), used: true}
	var pre []*node
	if g.canAwait() && g.c.yes(1, 2) {
		pre = append(pre, g.await(mk("ready(", g.next(), ", 0)")))
	}
	g.push()
	var head *node
	kind := g.c.weighted(4, w(g.canAwait(), 2), 2)
	var cases []*node
	switch kind {
	case 0:
		head = mk("switch {")
		cases = []*node{mk("case ", g.caseCond(), ":"), mk("default:")}
	case 1:
		head = mk("switch any(", g.await(g.promise(1, false)), ").(type) {")
		cases = []*node{mk("case int:"), mk("default:")}
	case 2:
		// A select that is never blocked: one channel holds a value.
		// Nothing in it awaits.
		g.noAwait++
		g.lits += 2 // no async literal either: its awaits would be the select's
		g.selects++ // nor a defer (lwtgen cannot register it in a select)
		defer func() { g.noAwait--; g.lits -= 2; g.selects-- }()
		v := g.name("v", k)
		e := g.expr(1)
		g.declare(v, vRO)
		head = mk("select {")
		cases = []*node{mk("case ", v, " := <-chv(", g.next(), ", ", e, "):")}
	}
	g.fn.targets = append(g.fn.targets, t)
	var clauses []*node
	for i, c := range cases {
		sc := g.push()
		g.depth++
		stmts := g.stmtList(2)
		if kind == 2 {
			stmts = append([]*node{mk("say(", g.next(), ", ", g.name("v", k), ")")}, stmts...)
		}
		if i == 0 || g.c.yes(1, 3) {
			brk := mk("if ", g.cond(0), " ", block([]*node{mk("break ", t.label)}))
			if g.c.yes(1, 3) {
				// From a loop inside the clause.
				c := g.name("c", g.next())
				brk = mk("for ", c, " := range 2 ", block([]*node{mk("if ", c, " == 1 ", block([]*node{mk("break ", t.label)})), g.sayStmt()}))
			}
			stmts = append(stmts, brk)
		}
		stmts = append(stmts, g.uses(sc)...)
		stmts = append(stmts, g.exitStmt())
		g.depth--
		g.pop()
		body := mk(c, in)
		for _, s := range stmts {
			body.add(nl, s)
		}
		clauses = append(clauses, body.add(out))
	}
	g.fn.targets = g.fn.targets[:len(g.fn.targets)-1]
	g.pop()
	s := mk()
	for _, p := range pre {
		s.add(p, nl)
	}
	s.add(t.label, ":", nl, head)
	for _, c := range clauses {
		s.add(nl, c)
	}
	s.add(nl, "}")
	if g.c.yes(2, 3) {
		s.add(nl, mk("say(", g.next(), ", ", g.expr(0), ")"))
	}
	return s
}

// logic is a bool expression of plain reads of bool variables, && and ||
// (no call: these must be kept before a later await as they are).
func (g *gen) logic(bs []*variable, d int) *node {
	switch g.c.weighted(3, w(d < 2, 3), w(d < 2, 3), 1) {
	case 1:
		return mk("(", g.logic(bs, d+1), " && ", g.logic(bs, d+1), ")")
	case 2:
		return mk("(", g.logic(bs, d+1), " || ", g.logic(bs, d+1), ")")
	case 3:
		return mk("!", g.choose(bs).name)
	}
	return mk(g.choose(bs).name)
}

// logicStmt puts && or || to the left of an await whose promise flips one
// of their operands: the spec evaluates the logical operation first.
func (g *gen) logicStmt() *node {
	bs := g.visible(func(v *variable) bool { return v.kind == vBool && g.writable0(v) })
	if len(bs) == 0 {
		name := g.name("b", g.next())
		v := g.declare(name, vBool)
		return mk(name, " := ", g.cond(1), nl, "_ = ", v.name)
	}
	k := g.next()
	l := mk("(", g.logic(bs, 0), []string{" && ", " || "}[g.c.pick(2)], g.logic(bs, 1), ")")
	fl := g.await(mk("flip(", g.next(), ", &", g.choose(bs).name, ", ", g.c.pick(5), ", ", g.c.pick(4)-1, ")"))
	switch g.c.pick(6) {
	case 0:
		return mk("sayB(", k, ", ", l, ", ", fl, ")")
	case 1:
		return mk("sayAny(", k, ", ", l, ", ", fl, ")")
	case 2:
		return mk("sayBools(", k, ", ", "[]bool{", l, ", ", fl, " > 1}...)")
	case 3:
		return mk("sayB(", k, ", ", l, " != (", fl, " > 2), 0)")
	case 4:
		// A tuple assignment: the operation first, then the await.
		x := g.visible(func(v *variable) bool { return v.kind == vInt && g.writable(v) })
		b := g.choose(bs).name
		if len(x) == 0 {
			return mk(b, ", _ = ", l, ", ", fl)
		}
		return mk(b, ", ", g.choose(x).name, " = ", l, ", ", fl)
	}
	return mk("if ", l, " == (", fl, " > 1) ", block([]*node{mk("say(", k, ")")}))
}

// writable0 is writable for bools.
func (g *gen) writable0(v *variable) bool { return v.scope >= g.fn.floor }

// declMore declares a variable of one of the kinds that the classes of
// bugs need: bools, slices and arrays of structs, slices of arrays.
func (g *gen) declMore() *node { return g.declKind(g.c.pick(5)) }

// declKind declares a bool (0), []pair (1), [3]pair (2), [][3]int (3) or
// [][3]pair (4).
func (g *gen) declKind(kind int) *node {
	k := g.next()
	switch kind {
	case 0:
		name := g.name("b", k)
		e := g.cond(1)
		g.declare(name, vBool)
		return mk(name, " := ", e)
	case 1:
		name := g.name("ps", k)
		a, b := g.expr(1), g.expr(1)
		g.declare(name, vPairs)
		return mk(name, " := []pair{{", a, ", 1}, {2, ", b, "}, {}}")
	case 2:
		name := g.name("pa", k)
		a := g.expr(1)
		g.declare(name, vPairArr)
		return mk("var ", name, " [3]pair", nl, name, "[1].a = ", a)
	case 3:
		name := g.name("gr", k)
		a, b := g.expr(1), g.expr(1)
		g.declare(name, vGrid)
		return mk(name, " := [][3]int{{", a, ", 1, 2}, {3, ", b, ", 5}, {}}")
	}
	name := g.name("cs", k)
	g.declare(name, vCells)
	return mk(name, " := make([][3]pair, 3)")
}

// gridStmt slices, takes the address of or calls a pointer method on an
// element of an array reached through a call, with an await after it.
func (g *gen) gridStmt() *node {
	grids := g.visible(func(v *variable) bool { return v.kind == vGrid })
	cells := g.visible(func(v *variable) bool { return v.kind == vCells })
	if len(grids)+len(cells) == 0 {
		// Declared here, then used.
		return mk(g.declKind(3+g.c.pick(2)), nl, g.gridStmt())
	}
	k := g.next()
	row := func(v *variable) *node { return mk(v.name, "[ix(", g.next(), ", ", g.expr(1), ")]") }
	small := func(hi int) *node {
		if g.c.yes(1, 3) {
			return g.await(mk("later(", g.next(), ", ", g.c.pick(hi), ", ", g.delay(), ")"))
		}
		return g.await(mk("ready(", g.next(), ", ", g.c.pick(hi), ")"))
	}
	if len(cells) > 0 && (len(grids) == 0 || g.c.yes(1, 3)) {
		c := g.choose(cells)
		// The values written are new: a write to a copy shows.
		if g.c.yes(1, 2) {
			return mk(row(c), "[", small(3), "].inc(", k, ", 1000+", g.expr(1), ")")
		}
		return mk(row(c), "[", small(3), "].", []string{"a", "b"}[g.c.pick(2)], " = 1000 + ", g.expr(1))
	}
	gr := g.choose(grids)
	switch g.c.pick(4) {
	case 0:
		s := g.name("sl", k)
		lo := mk("0")
		if g.c.yes(1, 3) {
			lo = small(1)
		}
		return mk(s, " := ", row(gr), "[", lo, ":", mk("1+", small(3)), "]", nl, s, "[0] += 1000 + ", g.expr(1))
	case 1:
		p := g.name("p", k)
		x := mk(p, " := &", row(gr), "[", small(3), "]", nl, "*", p, " = 1000 + ", g.expr(1))
		g.declare(p, vPtr)
		return x
	case 2:
		return mk(row(gr), "[", small(3), "] += 1000 + ", g.expr(1))
	}
	return mk("say(", k, ", len(", row(gr), "[", small(2), ":]))")
}

// streamRange ranges over a stream's All, directly or promoted through an
// embedded field.
func (g *gen) streamRange() *node {
	k := g.next()
	t := &target{loop: true, label: g.label(k)}
	vals := mk(g.expr(1))
	for range g.c.pick(3) {
		vals.add(", ", g.expr(1))
	}
	var pre, x, tx *node
	switch g.c.pick(3) {
	case 0:
		ns := g.name("ns", k)
		pre = mk(ns, " := mkNums(", k, ", ", vals, ")", nl)
		x, tx = mk(ns, ".All()"), mk("streamAll(", ns, ".Stream)")
	case 1:
		x, tx = mk("mkNums(", k, ", ", vals, ").All()"), mk("streamAll(mkNums(", k, ", ", vals, ").Stream)")
	default:
		x, tx = mk("mkStream(", k, ", ", vals, ").All()"), mk("streamAll(mkStream(", k, ", ", vals, "))")
	}
	hdr := g.push()
	v := g.name("v", k)
	g.declare(v, vRO)
	body := g.loop(t, nil, hdr)
	g.pop()
	return mk(pre, labelOf(t), "for ", v, " := range ", ann(x), twin(tx), " ", body)
}

// rangeAwaitX ranges over a function or a channel whose range expression
// awaits; the body does not (lwtgen rejects that).
func (g *gen) rangeAwaitX() *node {
	// Labels in and on a range over a function are named apart from the
	// others: gc (go1.26) crashes on a label of such a body whose name a
	// func literal of the same function uses too (a nil block in
	// ssagen; FUZZING.md has the program), which is no lwtgen bug.
	g.rangeFuncs++
	defer func() { g.rangeFuncs-- }()
	k := g.next()
	t := &target{loop: true, label: g.label(k)}
	p := mk("ready(", g.next(), ", ", g.c.pick(4), ")")
	if g.c.yes(1, 2) {
		p = mk("later(", g.next(), ", ", g.c.pick(4), ", ", g.delay(), ")")
	}
	n := g.await(p)
	x := mk([]string{"count(", "chOf("}[g.c.pick(2)], k, ", ", n, ")")
	hdr := g.push()
	v := g.name("v", k)
	g.declare(v, vRO)
	g.noAwait++
	body := g.loop(t, nil, hdr)
	g.noAwait--
	g.pop()
	return mk(labelOf(t), "for ", v, " := range ", x, " ", body)
}

// gotoBlock is a block without awaits with a goto inside.
func (g *gen) gotoBlock() *node {
	k := g.next()
	c := g.name("gc", k)
	l := g.label(k)
	g.noAwait++
	g.push()
	g.declare(c, vRO)
	sc := g.push()
	g.depth++
	// Only statements that lwtgen copies as they are: no return, defer,
	// break to a lowered loop or range over a stream.
	inner := []*node{mk(c, "++")}
	for range g.c.pick(3) {
		switch g.c.pick(3) {
		case 0:
			inner = append(inner, g.declStmt())
		case 1:
			inner = append(inner, g.assignStmt())
		default:
			inner = append(inner, g.sayStmt())
		}
	}
	inner = append(inner, g.uses(sc)...)
	inner = append(inner, mk("goto ", l))
	g.depth--
	g.pop()
	g.pop()
	g.noAwait--
	return block([]*node{
		mk(c, " := 0"),
		mk(l, ":"),
		mk("if ", c, " < ", g.c.pick(4), " ", block(inner)),
		mk("say(", k, ", ", c, ")"),
	})
}

// shadowBlock declares a local variable named as a package that the
// generated code may refer to (debugtrace, utf8, lwtstream, lwt), then
// statements that make lwtgen refer to it: a failed return, a range over
// a string or a stream, awaits.
func (g *gen) shadowBlock() *node {
	names := g.shadowNames()
	name := names[g.c.pick(len(names))]
	if name == g.tparam {
		// The conversions to the type parameter need its name.
		name = "x" + name
	}
	k := g.next()
	sc := g.push()
	g.depth++
	e := g.expr(1)
	v := g.declare(name, vRO)
	stmts := []*node{mk(name, " := ", e), mk("say(", k, ", ", name, ")")}
	switch g.c.pick(3) {
	case 0:
		if g.fn.kind == fnAsync {
			stmts = append(stmts, mk("if ", g.cond(0), " ", block([]*node{ret(mk("lwt.Fail[int](mkErr(", g.next(), "))"))})))
		}
	case 1:
		if g.canAwait() {
			r := g.name("r", g.next())
			stmts = append(stmts, mk("for _, ", r, " := range ", strconv.Quote([]string{"aé日", "xy", "ü"}[g.c.pick(3)]), " ",
				block([]*node{g.await(mk("ready(", g.next(), ", 0)")), mk("say(", g.next(), ", int(", r, "))")})))
		}
	default:
		if g.canAwait() {
			stmts = append(stmts, g.streamRange())
		}
	}
	stmts = append(stmts, g.stmtList(3)...)
	stmts = append(stmts, g.uses(sc)...)
	_ = v
	g.depth--
	g.pop()
	return block(stmts)
}

// labeledLoop is a small labeled loop left by break or continue to its
// label: with per-function label names, deferred literals reuse them.
func (g *gen) labeledLoop() *node {
	k := g.next()
	l := g.label(k)
	i := g.name("i", k)
	var br *node
	if g.c.yes(1, 2) {
		br = mk("break ", l)
	} else {
		br = mk("continue ", l)
	}
	return mk(l, ":", nl, "for ", i, " := range 2 ", block([]*node{
		mk("say(", k, ", ", i, ")"),
		mk("if ", i, " == ", g.c.pick(2), " ", block([]*node{br})),
	}))
}

// fieldTarget assigns a field of an element of a slice or array of
// structs reached through a call, the right side awaiting (=, op=, or in a
// tuple assignment).
func (g *gen) fieldTarget() *node {
	ps := g.visible(func(v *variable) bool { return (v.kind == vPairs || v.kind == vPairArr) && g.writable(v) })
	if len(ps) == 0 {
		return mk(g.declKind(1+g.c.pick(2)), nl, g.fieldTarget())
	}
	p := g.choose(ps)
	l := mk(p.name, "[ix(", g.next(), ", ", g.expr(1), ")].", []string{"a", "b"}[g.c.pick(2)])
	r := g.await(g.promise(1, false))
	switch g.c.pick(4) {
	case 0:
		return mk(l, " += ", r)
	case 1:
		xs := g.visible(func(v *variable) bool { return v.kind == vInt && g.writable(v) })
		if len(xs) > 0 {
			return mk(l, ", ", g.choose(xs).name, " = ", g.expr(1), ", ", r)
		}
	}
	return mk(l, " = ", r)
}
