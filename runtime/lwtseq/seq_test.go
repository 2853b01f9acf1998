package lwtseq

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// run resolves p by playing the scheduler's part: it resumes paused promises
// until p is resolved.
func run[T any](t *testing.T, p lwt.Promise[T]) (T, error) {
	t.Helper()
	for p.IsSleeping() && lwt.PausedCount() > 0 {
		lwt.WakeupPaused()
	}
	if p.IsSleeping() {
		t.Fatal("promise still sleeping with nothing left to run")
	}
	return p.Result()
}

func must[T any](t *testing.T, p lwt.Promise[T]) T {
	t.Helper()
	v, err := run(t, p)
	if err != nil {
		t.Fatalf("unexpected failure: %v", err)
	}
	return v
}

func pauses(n int) lwt.Promise[lwt.Unit] {
	if n%5 <= 0 {
		return lwt.ReturnUnit()
	}
	return lwt.Bind(lwt.Pause(), func(lwt.Unit) lwt.Promise[lwt.Unit] { return pauses(n%5 - 1) })
}

var list = []int{1, 2, 3, 4, 5}

// slow is Lwt's test sequence b: the elements of list, each after a few pauses.
func slow() Seq[int] {
	return UnfoldS(list, func(l []int) lwt.Promise[Option[lwt.Pair[int, []int]]] {
		if len(l) == 0 {
			return lwt.Map(pauses(2), func(lwt.Unit) Option[lwt.Pair[int, []int]] { return None[lwt.Pair[int, []int]]() })
		}
		return lwt.Map(pauses(l[0]+2), func(lwt.Unit) Option[lwt.Pair[int, []int]] {
			return Some(lwt.Pair[int, []int]{First: l[0], Second: l[1:]})
		})
	})
}

func TestFold(t *testing.T) {
	n := 1
	ok := must(t, Fold(OfSlice(list), true, func(acc bool, x int) bool {
		r := acc && x == n
		n++
		return r
	}))
	if !ok || n != 6 {
		t.Fatal(ok, n)
	}
	sum := must(t, FoldS(slow(), 0, func(acc, x int) lwt.Promise[int] {
		return lwt.Map(lwt.Pause(), func(lwt.Unit) int { return acc + x })
	}))
	if sum != 15 {
		t.Fatal(sum)
	}
}

func TestTransformers(t *testing.T) {
	double := func(x int) int { return 2 * x }
	even := func(x int) bool { return x%2 == 0 }
	evenDouble := func(x int) (int, bool) { return 2 * x, even(x) }
	for _, src := range []struct {
		name string
		seq  func() Seq[int]
	}{{"OfSlice", func() Seq[int] { return OfSlice(list) }}, {"slow", slow}} {
		for _, c := range []struct {
			name string
			seq  Seq[int]
			want []int
		}{
			{"Map", Map(src.seq(), double), []int{2, 4, 6, 8, 10}},
			{"MapS", MapS(src.seq(), func(x int) lwt.Promise[int] { return lwt.Return(double(x)) }), []int{2, 4, 6, 8, 10}},
			{"Filter", Filter(src.seq(), even), []int{2, 4}},
			{"FilterS", FilterS(src.seq(), func(x int) lwt.Promise[bool] { return lwt.Return(even(x)) }), []int{2, 4}},
			{"FilterMap", FilterMap(src.seq(), evenDouble), []int{4, 8}},
			{"FilterMapS", FilterMapS(src.seq(), func(x int) lwt.Promise[Option[int]] {
				v, ok := evenDouble(x)
				return lwt.Map(lwt.Pause(), func(lwt.Unit) Option[int] { return Option[int]{v, ok} })
			}), []int{4, 8}},
			{"FlatMap", FlatMap(src.seq(), func(x int) Seq[int] { return Init(x%3, func(int) int { return x }) }),
				[]int{1, 2, 2, 4, 5, 5}},
			{"Append", Append(src.seq(), Cons(6, Return(7))), []int{1, 2, 3, 4, 5, 6, 7}},
			{"Append nil", Append(nil, src.seq()), list},
		} {
			if got := must(t, ToSlice(c.seq)); !slices.Equal(got, c.want) {
				t.Errorf("%s %s: got %v, want %v", src.name, c.name, got, c.want)
			}
		}
	}
}

func TestUnfold(t *testing.T) {
	rng := func(first, last int) Seq[int] {
		return Unfold(first, func(i int) (int, int, bool) { return i, i + 1, i <= last })
	}
	rngS := func(first, last int) Seq[int] {
		return UnfoldS(first, func(i int) lwt.Promise[Option[lwt.Pair[int, int]]] {
			return lwt.Return(Option[lwt.Pair[int, int]]{lwt.Pair[int, int]{First: i, Second: i + 1}, i <= last})
		})
	}
	for _, f := range []func(int, int) Seq[int]{rng, rngS} {
		if got := must(t, ToSlice(f(1, 3))); !slices.Equal(got, []int{1, 2, 3}) {
			t.Error(got)
		}
		if got := must(t, ToSlice(f(1, 0))); len(got) != 0 {
			t.Error(got)
		}
	}
}

func TestConstructors(t *testing.T) {
	p, r := lwt.Wait[int]()
	s := ConsLwt(lwt.Return(1), Append(Return(2), ReturnLwt(p)))
	got := ToSlice(s)
	if !got.IsSleeping() {
		t.Fatal(got)
	}
	lwt.Wakeup(r, 3)
	if v := must(t, got); !slices.Equal(v, []int{1, 2, 3}) {
		t.Fatal(v)
	}
	if n := must(t, Length(Init(7, func(i int) int { return i }))); n != 7 {
		t.Fatal(n)
	}
	var empty Seq[string]
	if n := must(t, Length(empty)); n != 0 {
		t.Fatal(n)
	}
	if n := must(t, Length(Cons("a", nil))); n != 1 {
		t.Fatal(n)
	}
}

func TestLazy(t *testing.T) {
	calls := 0
	s := Map(Init(3, func(i int) int { calls++; return i }), func(x int) int { calls++; return x })
	if calls != 0 {
		t.Fatal("computed before being forced")
	}
	n := must(t, s())
	if calls != 2 || n.Value != 0 {
		t.Fatal(calls, n)
	}
	// A Seq is a recipe: forcing it again computes its node again.
	must(t, s())
	if calls != 4 {
		t.Fatal(calls)
	}
}

func TestNodeString(t *testing.T) {
	if s := fmt.Sprint(Return(1)().State()); s != "Return Cons 1" {
		t.Error(s)
	}
	if s := fmt.Sprint(Empty[int]()().State()); s != "Return Nil" {
		t.Error(s)
	}
	if s := fmt.Sprint(Some(2), None[int]()); s != "Some 2 None" {
		t.Error(s)
	}
}

var errX = errors.New("XXX")

// A panic in a sequence fails the consumer: Lwt's fold-into-exception tests.
func TestFailures(t *testing.T) {
	boom := Seq[int](func() lwt.Promise[Node[int]] { panic(errX) })
	for name, s := range map[string]Seq[int]{
		"later":      Cons(1, Cons(2, boom)),
		"immediate":  boom,
		"failed":     Cons(1, func() lwt.Promise[Node[int]] { return lwt.Fail[Node[int]](errX) }),
		"via Map":    Map(Cons(1, boom), func(x int) int { return x }),
		"in Map":     Map(Return(1), func(int) int { panic(errX) }),
		"in Filter":  Filter(Return(1), func(int) bool { panic(errX) }),
		"in FlatMap": FlatMap(Return(1), func(int) Seq[int] { panic(errX) }),
		"in Unfold":  Unfold(0, func(int) (int, int, bool) { panic(errX) }),
	} {
		_, err := run(t, Fold(s, 0, func(a, x int) int { return a + x }))
		if !errors.Is(err, errX) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	_, err := run(t, Iter(OfSlice(list), func(int) { panic(errX) }))
	if !errors.Is(err, errX) {
		t.Error(err)
	}
}

var pcs = make([]uintptr, 1<<16)

// stackDepth returns the number of frames on the calling goroutine's stack.
func stackDepth() int { return runtime.Callers(0, pcs) }

// depthBound is a generous bound on the stack a traversal may use, whatever
// the length of the sequence: the runtime nests at most MaxNesting callbacks.
const depthBound = 16 * lwt.MaxNesting

// Long sequences are traversed in constant stack, whether their nodes are
// resolved at once or one at a time.
func TestLongSequencesConstantStack(t *testing.T) {
	const n = 1_000_000
	base := stackDepth()
	maxDepth, probes := 0, 0
	probe := func() {
		if probes++; probes%512 != 0 {
			return
		}
		if d := stackDepth() - base; d > maxDepth {
			maxDepth = d
		}
	}
	check := func(name string) {
		t.Helper()
		if maxDepth > depthBound {
			t.Errorf("%s: stack grew to %d frames", name, maxDepth)
		}
		t.Logf("%s: at most %d frames", name, maxDepth)
		maxDepth = 0
	}
	count := must(t, Fold(Init(n, func(i int) int { return i }), 0, func(a, _ int) int { probe(); return a + 1 }))
	if count != n {
		t.Fatal(count)
	}
	check("Fold")

	// Filter and FlatMap skipping a million elements before the first kept.
	s := Filter(Init(n, func(i int) int { probe(); return i }), func(i int) bool { return i == n-1 })
	if got := must(t, ToSlice(s)); !slices.Equal(got, []int{n - 1}) {
		t.Fatal(got)
	}
	check("Filter")
	s = FlatMap(Init(n, func(i int) int { probe(); return i }), func(i int) Seq[int] {
		if i == n-1 {
			return Return(i)
		}
		return nil
	})
	if got := must(t, ToSlice(s)); !slices.Equal(got, []int{n - 1}) {
		t.Fatal(got)
	}
	check("FlatMap")

	// A sequence whose nodes arrive one at a time, woken from the top level.
	var wake []lwt.Resolver[lwt.Unit]
	slowNodes := Unfold(0, func(i int) (lwt.Promise[lwt.Unit], int, bool) {
		p, r := lwt.Wait[lwt.Unit]()
		wake = append(wake, r)
		return p, i + 1, i < n/10
	})
	total := IterS(MapS(slowNodes, func(p lwt.Promise[lwt.Unit]) lwt.Promise[lwt.Unit] { return p }),
		func(lwt.Unit) lwt.Promise[lwt.Unit] { probe(); return lwt.ReturnUnit() })
	for i := 0; total.IsSleeping(); i++ {
		lwt.Wakeup(wake[i], lwt.Unit{})
	}
	must(t, total)
	check("IterS woken")
}

// IterN never runs more than n calls at once and processes every element:
// Lwt's iter_n(1), iter_n(2), iter_n(100).
func TestIterN(t *testing.T) {
	for _, limit := range []int{1, 2, 100} {
		for name, s := range map[string]func() Seq[int]{"OfSlice": func() Seq[int] { return OfSlice(list) }, "slow": slow} {
			running, maxRunning, sum := 0, 0, 0
			f := func(x int) lwt.Promise[lwt.Unit] {
				running++
				maxRunning = max(maxRunning, running)
				return lwt.Map(pauses(x), func(lwt.Unit) lwt.Unit {
					sum += x
					running--
					return lwt.Unit{}
				})
			}
			must(t, IterN(s(), limit, f))
			if sum != 15 || maxRunning > limit || running != 0 {
				t.Errorf("IterN(%d) over %s: sum %d, at most %d running", limit, name, sum, maxRunning)
			}
		}
	}
}

func TestIterNPanicsOnBadLimit(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	IterN(OfSlice(list), 0, func(int) lwt.Promise[lwt.Unit] { return lwt.ReturnUnit() })
}

func TestIterP(t *testing.T) {
	var order []int
	var wake []lwt.Resolver[lwt.Unit]
	done := IterP(OfSlice(list), func(x int) lwt.Promise[lwt.Unit] {
		order = append(order, x)
		p, r := lwt.Wait[lwt.Unit]()
		wake = append(wake, r)
		return p
	})
	// Every call has started before any has finished.
	if !slices.Equal(order, list) || !done.IsSleeping() {
		t.Fatal(order, done.State())
	}
	for i := len(wake) - 1; i >= 0; i-- {
		if !done.IsSleeping() {
			t.Fatal("resolved before all calls finished")
		}
		lwt.Wakeup(wake[i], lwt.Unit{})
	}
	must(t, done)
}

// A failed call stops the traversal, the running calls are waited for, and
// the first failure wins.
func TestIterPFailure(t *testing.T) {
	forced := 0
	src := Init(10, func(i int) int { forced++; return i })
	var other lwt.Resolver[lwt.Unit]
	done := IterN(src, 2, func(x int) lwt.Promise[lwt.Unit] {
		switch x {
		case 0:
			p, r := lwt.Wait[lwt.Unit]()
			other = r
			return p
		case 1:
			return lwt.Fail[lwt.Unit](errX)
		}
		return lwt.ReturnUnit()
	})
	if !done.IsSleeping() || forced != 2 {
		t.Fatalf("got %v after forcing %d nodes", done.State(), forced)
	}
	lwt.Wakeup(other, lwt.Unit{})
	if _, err := run(t, done); err != errX {
		t.Fatal(err)
	}

	// A pending node is canceled when a call fails meanwhile.
	node, _ := lwt.Task[Node[int]]()
	var fail lwt.Resolver[lwt.Unit]
	done = IterP(Cons(1, func() lwt.Promise[Node[int]] { return node }), func(int) lwt.Promise[lwt.Unit] {
		p, r := lwt.Wait[lwt.Unit]()
		fail = r
		return p
	})
	lwt.WakeupExn(fail, errX)
	if _, err := run(t, done); err != errX || !errors.Is(node.State().Err, lwt.ErrCanceled) {
		t.Fatal(err, node.State())
	}
}

// The pseudo-fuzzing suite of Lwt: each traversal agrees with the same
// computation on a slice, for several functions, slices and constants.
func TestAgreesWithSlices(t *testing.T) {
	const maxInt, minInt = int(^uint(0) >> 1), -int(^uint(0)>>1) - 1
	fs := map[string]func(int, int) int{
		"+":     func(a, b int) int { return a + b },
		"-":     func(a, b int) int { return a - b },
		"first": func(a, _ int) int { return a },
		"min":   func(a, b int) int { return min(a, b) },
		"max":   func(a, b int) int { return max(a, b) },
	}
	reversed := slices.Clone(list)
	slices.Reverse(reversed)
	ls := [][]int{nil, list, slices.Concat(list, list, list), reversed, {0, 0, 0}, {maxInt, 0, minInt}, {maxInt, maxInt}}
	cs := []int{0, 1, maxInt, minInt, 44, 5}

	// Each traversal folds f over the elements into a variable starting at c.
	type traversal func(s Seq[int], f func(int)) lwt.Promise[lwt.Unit]
	unit := func(f func(int)) func(int) lwt.Promise[lwt.Unit] {
		return func(x int) lwt.Promise[lwt.Unit] { f(x); return lwt.ReturnUnit() }
	}
	paused := func(f func(int)) func(int) lwt.Promise[lwt.Unit] {
		return func(x int) lwt.Promise[lwt.Unit] {
			return lwt.Bind(pauses(x), func(lwt.Unit) lwt.Promise[lwt.Unit] { f(x); return pauses(x) })
		}
	}
	traversals := map[string]traversal{
		"Iter":          Iter[int],
		"IterS":         func(s Seq[int], f func(int)) lwt.Promise[lwt.Unit] { return IterS(s, unit(f)) },
		"IterP":         func(s Seq[int], f func(int)) lwt.Promise[lwt.Unit] { return IterP(s, unit(f)) },
		"IterP (pause)": func(s Seq[int], f func(int)) lwt.Promise[lwt.Unit] { return IterP(s, paused(f)) },
	}
	for _, n := range list {
		traversals[fmt.Sprintf("IterN(%d)", n)] = func(s Seq[int], f func(int)) lwt.Promise[lwt.Unit] { return IterN(s, n, unit(f)) }
		traversals[fmt.Sprintf("IterN(%d) (pause)", n)] = func(s Seq[int], f func(int)) lwt.Promise[lwt.Unit] { return IterN(s, n, paused(f)) }
	}

	for fname, f := range fs {
		for _, l := range ls {
			for _, c := range cs {
				var mapped []int
				acc := c
				for _, x := range l {
					mapped = append(mapped, f(x, c))
					acc = f(acc, x)
				}
				got := must(t, ToSlice(Map(OfSlice(l), func(x int) int { return f(x, c) })))
				gotS := must(t, ToSlice(MapS(OfSlice(l), func(x int) lwt.Promise[int] { return lwt.Return(f(x, c)) })))
				if !slices.Equal(got, mapped) || !slices.Equal(gotS, mapped) {
					t.Errorf("Map %s %v %d: got %v and %v, want %v", fname, l, c, got, gotS, mapped)
				}
				for tname, trav := range traversals {
					r := c
					must(t, trav(OfSlice(l), func(x int) { r = f(r, x) }))
					if r != acc {
						t.Errorf("%s %s %v %d: got %d, want %d", tname, fname, l, c, r, acc)
					}
				}
			}
		}
	}
}
