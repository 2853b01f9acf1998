package lwtlist

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
)

var boom = errors.New("boom")

type unit = lwt.Unit

func ret[T any](v T) lwt.Promise[T] { return lwt.Return(v) }

func wantState[T any](t *testing.T, what string, p lwt.Promise[T], want string) {
	t.Helper()
	if got := p.String(); got != want {
		t.Errorf("%s: %s, want %s", what, got, want)
	}
}

func ignore[T any](p lwt.Promise[T]) lwt.Promise[unit] {
	return lwt.Map(p, func(T) unit { return unit{} })
}

// Every function of the package, seen as an iteration that calls f on each
// element of xs (through a wrapper where f's result type differs).
// sequential: f waits for the element before; stops: a failure of f
// returned at once keeps f from running on further elements.
var all = []struct {
	name              string
	sequential, stops bool
	run               func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit]
}{
	{"IterS", true, true, IterS[int]},
	{"IterP", false, false, IterP[int]},
	{"IteriS", true, true, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] {
		return IteriS(xs, func(_ int, x int) lwt.Promise[unit] { return f(x) })
	}},
	{"IteriP", false, false, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] {
		return IteriP(xs, func(_ int, x int) lwt.Promise[unit] { return f(x) })
	}},
	{"MapS", true, true, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] { return ignore(MapS(xs, f)) }},
	{"MapP", false, false, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] { return ignore(MapP(xs, f)) }},
	{"MapiS", true, true, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] {
		return ignore(MapiS(xs, func(_ int, x int) lwt.Promise[unit] { return f(x) }))
	}},
	{"MapiP", false, false, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] {
		return ignore(MapiP(xs, func(_ int, x int) lwt.Promise[unit] { return f(x) }))
	}},
	{"RevMapS", true, true, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] { return ignore(RevMapS(xs, f)) }},
	{"RevMapP", false, false, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] { return ignore(RevMapP(xs, f)) }},
	{"FoldLeftS", true, true, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] {
		return FoldLeftS(xs, unit{}, func(_ unit, x int) lwt.Promise[unit] { return f(x) })
	}},
	{"FoldRightS", true, true, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] {
		// FoldRightS walks from the end: feed it xs reversed.
		return FoldRightS(reversed(append([]int(nil), xs...)), unit{}, func(x int, _ unit) lwt.Promise[unit] { return f(x) })
	}},
	{"ForAllS", true, true, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] {
		return ignore(ForAllS(xs, func(x int) lwt.Promise[bool] { return lwt.Map(f(x), func(unit) bool { return true }) }))
	}},
	{"ForAllP", false, false, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] {
		return ignore(ForAllP(xs, func(x int) lwt.Promise[bool] { return lwt.Map(f(x), func(unit) bool { return true }) }))
	}},
	{"ExistsS", true, true, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] {
		return ignore(ExistsS(xs, func(x int) lwt.Promise[bool] { return lwt.Map(f(x), func(unit) bool { return false }) }))
	}},
	{"ExistsP", false, false, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] {
		return ignore(ExistsP(xs, func(x int) lwt.Promise[bool] { return lwt.Map(f(x), func(unit) bool { return false }) }))
	}},
	{"FindS", true, true, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] {
		found := FindS(xs, func(x int) lwt.Promise[bool] { return lwt.Map(f(x), func(unit) bool { return false }) })
		return lwt.Catch(func() lwt.Promise[unit] { return ignore(found) }, func(err error) lwt.Promise[unit] {
			if err == ErrNotFound {
				return lwt.ReturnUnit()
			}
			return lwt.Fail[unit](err)
		})
	}},
	{"FilterS", true, true, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] {
		return ignore(FilterS(xs, func(x int) lwt.Promise[bool] { return lwt.Map(f(x), func(unit) bool { return true }) }))
	}},
	{"FilterP", false, false, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] {
		return ignore(FilterP(xs, func(x int) lwt.Promise[bool] { return lwt.Map(f(x), func(unit) bool { return true }) }))
	}},
	{"FilterMapS", true, true, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] {
		return ignore(FilterMapS(xs, func(x int) lwt.Promise[*int] { return lwt.Map(f(x), func(unit) *int { return &x }) }))
	}},
	{"FilterMapP", false, false, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] {
		return ignore(FilterMapP(xs, func(x int) lwt.Promise[*int] { return lwt.Map(f(x), func(unit) *int { return &x }) }))
	}},
	{"PartitionS", true, true, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] {
		return ignore(PartitionS(xs, func(x int) lwt.Promise[bool] { return lwt.Map(f(x), func(unit) bool { return true }) }))
	}},
	{"PartitionP", false, false, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] {
		return ignore(PartitionP(xs, func(x int) lwt.Promise[bool] { return lwt.Map(f(x), func(unit) bool { return true }) }))
	}},
	{"IterN(1)", true, true, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] { return IterN(xs, 1, f) }},
	{"IterN(len)", false, true, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] { return IterN(xs, len(xs), f) }},
	{"MapN(1)", true, true, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] { return ignore(MapN(xs, 1, f)) }},
	{"MapN(len)", false, true, func(xs []int, f func(int) lwt.Promise[unit]) lwt.Promise[unit] {
		return ignore(MapN(xs, len(xs), f))
	}},
}

// As in Lwt_list: a function that raises synchronously gives a
// failed promise, not a raised error.
func TestSemantics46(t *testing.T) {
	for _, c := range all {
		t.Run(c.name, func(t *testing.T) {
			calls := 0
			f := func(int) lwt.Promise[unit] {
				if calls++; calls == 2 {
					panic(boom)
				}
				return lwt.ReturnUnit()
			}
			var p lwt.Promise[unit]
			func() {
				defer func() {
					if x := recover(); x != nil {
						t.Fatalf("the panic escaped: %v", x)
					}
				}()
				p = c.run([]int{0, 1, 2}, f)
			}()
			var pe *lwt.PanicError
			if _, err := p.Result(); !errors.As(err, &pe) || pe.Value != boom {
				t.Fatalf("result %v, want the panic as a failure", p)
			}
			if want := map[bool]int{true: 2, false: 3}[c.stops]; calls != want {
				t.Errorf("f called %d times, want %d", calls, want)
			}
		})
	}
}

// Lwt's test_iter: the second element's promise sleeps; sequential
// functions wait for it, parallel ones go on to the third element.
func TestWaitsOrNot(t *testing.T) {
	for _, c := range all {
		t.Run(c.name, func(t *testing.T) {
			counts := make([]int, 3)
			wait, r := lwt.Wait[unit]()
			f := func(x int) lwt.Promise[unit] {
				if x == 1 {
					return lwt.Map(wait, func(unit) unit { counts[x]++; return unit{} })
				}
				counts[x]++
				return lwt.ReturnUnit()
			}
			p := c.run([]int{0, 1, 2}, f)
			wantState(t, "before the wakeup", p, "Sleep")
			want := []int{1, 0, 1}
			if c.sequential {
				want = []int{1, 0, 0}
			}
			if !reflect.DeepEqual(counts, want) {
				t.Errorf("before the wakeup: counts %v, want %v", counts, want)
			}
			lwt.Wakeup(r, unit{})
			wantState(t, "after the wakeup", p, "Return ()")
			if !reflect.DeepEqual(counts, []int{1, 1, 1}) {
				t.Errorf("after the wakeup: counts %v, want [1 1 1]", counts)
			}
		})
	}
}

// Lwt's test_map: a shared counter records the order in which the
// continuations of f run.
func TestMapOrder(t *testing.T) {
	for _, c := range []struct {
		name string
		m    func([]unit, func(unit) lwt.Promise[int]) lwt.Promise[[]int]
		want string
	}{
		{"MapS", MapS[unit, int], "[4 7 8]"},
		{"MapP", MapP[unit, int], "[4 8 5]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			wait, w := lwt.Wait[unit]()
			task, _ := lwt.Task[unit]()
			r, calls := 0, 0
			get := func(unit) lwt.Promise[int] {
				calls++
				th := lwt.ReturnUnit()
				switch calls {
				case 5:
					th = wait
				case 8:
					th = task
				}
				return lwt.Bind(th, func(unit) lwt.Promise[int] { r++; return lwt.Return(r) })
			}
			l := []unit{{}, {}, {}}
			wantState(t, "first map", c.m(l, get), "Return [1 2 3]")
			t2 := c.m(l, get)
			wantState(t, "second map", t2, "Sleep")
			t3 := c.m(l, get)
			wantState(t, "third map", t3, "Sleep")
			lwt.Cancel(task)
			wantState(t, "third map after its task is canceled", t3, "Fail lwt: canceled")
			lwt.Wakeup(w, unit{})
			wantState(t, "second map", t2, "Return "+c.want)
		})
	}
}

// runPaused resumes paused promises until none is left, as a scheduler
// would.
func runPaused() {
	for lwt.PausedCount() > 0 {
		lwt.WakeupPaused()
	}
}

// Lwt's test_serialization and test_parallelism: the first element's
// promise pauses; a sequential function must not touch the second element
// before it is resolved, a parallel one must.
func TestSerializationAndParallelism(t *testing.T) {
	for _, c := range all {
		t.Run(c.name, func(t *testing.T) {
			secondRan, overlapped := false, false
			f := func(x int) lwt.Promise[unit] {
				if x == 0 {
					return lwt.Map(lwt.Pause(), func(unit) unit { overlapped = secondRan; return unit{} })
				}
				secondRan = true
				return lwt.ReturnUnit()
			}
			p := c.run([]int{0, 1}, f)
			runPaused()
			wantState(t, "result", p, "Return ()")
			if overlapped == c.sequential {
				t.Errorf("second element ran while the first was pending: %v", overlapped)
			}
		})
	}
}

func TestCancelSequential(t *testing.T) {
	var tasks []lwt.Promise[int]
	f := func(x int) lwt.Promise[int] {
		p, _ := lwt.Task[int]()
		tasks = append(tasks, p)
		return p
	}
	p := MapS([]int{1, 2, 3}, f)
	lwt.Cancel(p)
	wantState(t, "canceled MapS", p, "Fail lwt: canceled")
	if len(tasks) != 1 {
		t.Fatalf("f ran on %d elements, want 1", len(tasks))
	}
	wantState(t, "the element in progress", tasks[0], "Fail lwt: canceled")
}

func TestCancelParallel(t *testing.T) {
	var tasks []lwt.Promise[int]
	f := func(x int) lwt.Promise[int] {
		p, _ := lwt.Task[int]()
		tasks = append(tasks, p)
		return p
	}
	p := MapP([]int{1, 2, 3}, f)
	lwt.Cancel(p)
	wantState(t, "canceled MapP", p, "Fail lwt: canceled")
	for i, task := range tasks {
		wantState(t, fmt.Sprint("element ", i), task, "Fail lwt: canceled")
	}
}

func even(x int) lwt.Promise[bool] { return lwt.Return(x%2 == 0) }

func TestResults(t *testing.T) {
	xs := []int{1, 2, 3, 4}
	double := func(x int) lwt.Promise[int] { return lwt.Return(2 * x) }
	plusIndex := func(i, x int) lwt.Promise[int] { return lwt.Return(i + x) }
	doubleEven := func(x int) lwt.Promise[*int] {
		if x%2 != 0 {
			return lwt.Return[*int](nil)
		}
		y := 2 * x
		return lwt.Return(&y)
	}
	for _, c := range []struct {
		name string
		got  fmt.Stringer
		want string
	}{
		{"MapS", MapS(xs, double), "Return [2 4 6 8]"},
		{"MapP", MapP(xs, double), "Return [2 4 6 8]"},
		{"MapN", MapN(xs, 2, double), "Return [2 4 6 8]"},
		{"MapiS", MapiS(xs, plusIndex), "Return [1 3 5 7]"},
		{"MapiP", MapiP(xs, plusIndex), "Return [1 3 5 7]"},
		{"RevMapS", RevMapS(xs, double), "Return [8 6 4 2]"},
		{"RevMapP", RevMapP(xs, double), "Return [8 6 4 2]"},
		{"FoldLeftS", FoldLeftS(xs, "", func(acc string, x int) lwt.Promise[string] { return ret(fmt.Sprint(acc, x)) }), "Return 1234"},
		{"FoldRightS", FoldRightS(xs, "", func(x int, acc string) lwt.Promise[string] { return ret(fmt.Sprint(acc, x)) }), "Return 4321"},
		{"ForAllS true", ForAllS(xs, func(x int) lwt.Promise[bool] { return ret(x > 0) }), "Return true"},
		{"ForAllS false", ForAllS(xs, even), "Return false"},
		{"ForAllP true", ForAllP(xs, func(x int) lwt.Promise[bool] { return ret(x > 0) }), "Return true"},
		{"ForAllP false", ForAllP(xs, even), "Return false"},
		{"ExistsS true", ExistsS(xs, even), "Return true"},
		{"ExistsS false", ExistsS(xs, func(x int) lwt.Promise[bool] { return ret(x > 4) }), "Return false"},
		{"ExistsP true", ExistsP(xs, even), "Return true"},
		{"ExistsP false", ExistsP(xs, func(x int) lwt.Promise[bool] { return ret(x > 4) }), "Return false"},
		{"FindS", FindS(xs, even), "Return 2"},
		{"FindS missing", FindS([]int{1, 3}, even), "Fail lwtlist: not found"},
		{"FilterS", FilterS(xs, even), "Return [2 4]"},
		{"FilterP", FilterP(xs, even), "Return [2 4]"},
		{"FilterMapS", FilterMapS(xs, doubleEven), "Return [4 8]"},
		{"FilterMapP", FilterMapP(xs, doubleEven), "Return [4 8]"},
		{"PartitionS", PartitionS(xs, func(x int) lwt.Promise[bool] { return ret(x <= 2) }), "Return {[1 2] [3 4]}"},
		{"PartitionP", PartitionP(xs, func(x int) lwt.Promise[bool] { return ret(x <= 2) }), "Return {[1 2] [3 4]}"},
		{"MapS of nothing", MapS(nil, double), "Return []"},
		{"ForAllS of nothing", ForAllS(nil, even), "Return true"},
		{"ExistsP of nothing", ExistsP(nil, even), "Return false"},
		{"IterN of nothing", IterN(nil, 3, func(int) lwt.Promise[unit] { return lwt.ReturnUnit() }), "Return ()"},
	} {
		if got := c.got.String(); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestIteriIndexes(t *testing.T) {
	for _, iteri := range []func([]int, func(int, int) lwt.Promise[unit]) lwt.Promise[unit]{IteriS[int], IteriP[int]} {
		sum := 0
		iteri([]int{1, 2, 3}, func(i, x int) lwt.Promise[unit] { sum += i + x; return lwt.ReturnUnit() })
		if sum != 9 {
			t.Errorf("sum of indexes and elements %d, want 9", sum)
		}
	}
}

// The shortcut of the S functions: f does not run past the answer.
func TestSequentialStopsEarly(t *testing.T) {
	calls := 0
	counting := func(x int) lwt.Promise[bool] { calls++; return even(x) }
	ExistsS([]int{1, 2, 3, 4}, counting)
	if calls != 2 {
		t.Errorf("ExistsS called f %d times, want 2", calls)
	}
	calls = 0
	ForAllS([]int{2, 3, 4}, counting)
	if calls != 2 {
		t.Errorf("ForAllS called f %d times, want 2", calls)
	}
	calls = 0
	FindS([]int{1, 2, 3, 4}, counting)
	if calls != 2 {
		t.Errorf("FindS called f %d times, want 2", calls)
	}
}

// stackDepth returns the number of frames on the stack, capped at limit.
func stackDepth(limit int) int {
	return runtime.Callers(0, make([]uintptr, limit))
}

const (
	long     = 1_000_000
	maxDepth = 2_000 // frames; MaxNesting levels of callbacks fit easily
)

// Sequential functions run in constant stack over a long slice, whether f's
// promises are resolved already or resolve later.
func TestLongSliceConstantStack(t *testing.T) {
	xs := make([]int, long)
	for i := range xs {
		xs[i] = i
	}
	deepest := 0
	probe := func(x int) {
		if x%997 == 0 {
			deepest = max(deepest, stackDepth(maxDepth))
		}
	}

	sum := FoldLeftS(xs, 0, func(acc, x int) lwt.Promise[int] { probe(x); return lwt.Return(acc + x) })
	if v, err := sum.Result(); v != long*(long-1)/2 || err != nil {
		t.Fatalf("FoldLeftS over resolved promises: %v, %v", v, err)
	}
	if deepest >= maxDepth {
		t.Fatalf("FoldLeftS over resolved promises: stack of %d frames or more", deepest)
	}

	deepest = 0
	n := 0
	done := IterS(xs, func(x int) lwt.Promise[unit] {
		probe(x)
		return lwt.Map(lwt.Pause(), func(unit) unit { n++; return unit{} })
	})
	runPaused()
	if done.String() != "Return ()" || n != long {
		t.Fatalf("IterS over paused promises: %v after %d elements", done, n)
	}
	if deepest >= maxDepth {
		t.Fatalf("IterS over paused promises: stack of %d frames or more", deepest)
	}

	rev := RevMapS(xs, func(x int) lwt.Promise[int] { probe(x); return lwt.Return(x) })
	if v, _ := rev.Result(); len(v) != long || v[0] != long-1 || deepest >= maxDepth {
		t.Fatalf("RevMapS: %d values, stack of %d frames", len(v), deepest)
	}
}

// The probe above could miss a deep stack if it never fired deep: check
// that it does see a recursion.
func TestStackDepthSeesRecursion(t *testing.T) {
	var rec func(n int) int
	rec = func(n int) int {
		if n == 0 {
			return stackDepth(maxDepth)
		}
		return rec(n - 1)
	}
	if d := rec(maxDepth); d < maxDepth {
		t.Fatalf("stackDepth saw %d frames in a recursion %d deep", d, maxDepth)
	}
}

func TestIterNBound(t *testing.T) {
	running, most, started := 0, 0, []int{}
	var pending []lwt.Resolver[int]
	f := func(x int) lwt.Promise[int] {
		started = append(started, x)
		running++
		most = max(most, running)
		p, r := lwt.Wait[int]()
		pending = append(pending, r)
		return lwt.Map(p, func(v int) int { running--; return v })
	}
	p := MapN([]int{0, 1, 2, 3, 4, 5, 6}, 3, f)
	if len(started) != 3 {
		t.Fatalf("started %v at once, want 3", started)
	}
	// Resolve the oldest pending promise until all are done; each frees a
	// place for the next element.
	for i := 0; i < len(pending); i++ {
		lwt.Wakeup(pending[i], 10*started[i])
	}
	wantState(t, "MapN", p, "Return [0 10 20 30 40 50 60]")
	if most != 3 || !reflect.DeepEqual(started, []int{0, 1, 2, 3, 4, 5, 6}) {
		t.Fatalf("at most %d running (want 3), started in order %v", most, started)
	}
}

func TestIterNFailureStops(t *testing.T) {
	var pending []lwt.Resolver[unit]
	started := 0
	f := func(int) lwt.Promise[unit] {
		started++
		p, r := lwt.Wait[unit]()
		pending = append(pending, r)
		return p
	}
	p := IterN([]int{0, 1, 2, 3, 4}, 2, f)
	lwt.WakeupExn(pending[0], boom)
	if started != 2 {
		t.Fatalf("%d started after a failure, want no new one (2)", started)
	}
	wantState(t, "IterN with one failure and one pending", p, "Sleep")
	lwt.Wakeup(pending[1], unit{})
	wantState(t, "IterN once the pending one is resolved", p, "Fail boom")
	if started != 2 {
		t.Fatalf("%d started, want 2", started)
	}
}

func TestCancelIterN(t *testing.T) {
	var tasks []lwt.Promise[unit]
	f := func(int) lwt.Promise[unit] {
		p, _ := lwt.Task[unit]()
		tasks = append(tasks, p)
		return p
	}
	p := IterN([]int{0, 1, 2, 3}, 2, f)
	lwt.Cancel(p)
	wantState(t, "canceled IterN", p, "Fail lwt: canceled")
	if len(tasks) != 2 {
		t.Fatalf("f ran on %d elements, want 2", len(tasks))
	}
	for i, task := range tasks {
		wantState(t, fmt.Sprint("element ", i), task, "Fail lwt: canceled")
	}
}

func TestIterNPanicsOnZero(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("IterN with n = 0 did not panic")
		}
	}()
	IterN([]int{1}, 0, func(int) lwt.Promise[unit] { return lwt.ReturnUnit() })
}
