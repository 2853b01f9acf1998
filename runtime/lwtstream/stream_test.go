package lwtstream

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"weak"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtseq"
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

// state prints the state of p the way the Lwt manual does.
func state[T any](p lwt.Promise[T]) string { return p.State().String() }

func wantState[T any](t *testing.T, p lwt.Promise[T], want string) {
	t.Helper()
	if got := state(p); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// wantDone checks that a Promise[lwt.Unit] is fulfilled.
func wantDone(t *testing.T, p lwt.Promise[lwt.Unit]) {
	t.Helper()
	if p.State().Kind != lwt.Returned {
		t.Errorf("got %s, want fulfilled", state(p))
	}
}

func wantErr[T any](t *testing.T, p lwt.Promise[T], want error) {
	t.Helper()
	if _, err := p.Result(); !errors.Is(err, want) {
		t.Errorf("got %s, want Fail %v", state(p), want)
	}
}

func wantSlice[T comparable](t *testing.T, p lwt.Promise[[]T], want ...T) {
	t.Helper()
	if got := must(t, p); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

var errExit = errors.New("exit")

// Semantics 40: a bounded stream of capacity 3.
func TestItem40BoundedCapacity3(t *testing.T) {
	s, p := CreateBounded[int](3)
	for i := 1; i <= 3; i++ {
		wantDone(t, p.Push(i))
	}
	fourth := p.Push(4)
	wantState(t, fourth, "Sleep")
	if !p.Blocked() || p.Count() != 3 {
		t.Errorf("blocked %v, count %d", p.Blocked(), p.Count())
	}
	wantErr(t, p.Push(5), ErrFull)
	wantErr(t, p.Push(6), ErrFull)
	wantState(t, s.Get(), "Return Some 1")
	wantDone(t, fourth)
	wantState(t, s.Get(), "Return Some 2")
	wantDone(t, p.Push(7))
	p.Close()
	wantErr(t, p.Push(8), ErrClosed)
	wantSlice(t, s.ToSlice(), 3, 4, 7)
}

// Lwt's "create_bounded close": a reader waiting when the stream is closed
// gets what was pushed.
func TestBoundedCloseWithWaitingReader(t *testing.T) {
	s, p := CreateBounded[int](1)
	wantDone(t, p.Push(1))
	all := s.ToSlice()
	must(t, lwt.Pause())
	p.Close()
	wantSlice(t, all, 1)
}

func TestBoundedCloseFailsBlockedPush(t *testing.T) {
	s, p := CreateBounded[int](1)
	p.Push(1)
	blocked := p.Push(2)
	p.Close()
	wantErr(t, blocked, ErrClosed)
	if p.Blocked() || !p.Closed() || !s.IsClosed() {
		t.Error("still blocked or not closed")
	}
	wantSlice(t, s.ToSlice(), 1) // the blocked element is dropped
}

func TestBoundedCanceledPushWithdrawsElement(t *testing.T) {
	s, p := CreateBounded[int](1)
	p.Push(1)
	blocked := p.Push(2)
	lwt.Cancel(blocked)
	wantErr(t, blocked, lwt.ErrCanceled)
	if p.Blocked() {
		t.Error("still blocked")
	}
	wantState(t, p.Push(3), "Sleep")
	wantState(t, s.Next(), "Return 1")
	wantState(t, s.Next(), "Return 3")
}

func TestBoundedResize(t *testing.T) {
	s, p := CreateBounded[int](1)
	p.Push(1)
	blocked := p.Push(2)
	p.Resize(2)
	wantDone(t, blocked)
	if p.Size() != 2 || p.Count() != 2 || p.Blocked() {
		t.Errorf("size %d, count %d, blocked %v", p.Size(), p.Count(), p.Blocked())
	}
	p.Resize(0)
	wantState(t, p.Push(3), "Sleep")
	wantState(t, s.Next(), "Return 1") // lets the blocked push in, whatever the size
	wantSlice(t, s.NGet(2), 2, 3)
	defer func() {
		if recover() == nil {
			t.Error("Resize(-1) did not panic")
		}
	}()
	p.Resize(-1)
}

// With size 0 a push waits for a reader to take its element, whichever
// comes first.
func TestBoundedSizeZero(t *testing.T) {
	s, p := CreateBounded[int](0)
	first := p.Push(1)
	wantState(t, first, "Sleep")
	wantState(t, s.Next(), "Return 1")
	wantDone(t, first)
	next := s.Next()
	wantState(t, next, "Sleep")
	wantDone(t, p.Push(2))
	wantState(t, next, "Return 2")
	if p.Count() != 0 {
		t.Error(p.Count())
	}
	wantState(t, p.Push(3), "Sleep")
}

func TestBoundedCannotBeClonedOrParsed(t *testing.T) {
	s, _ := CreateBounded[int](1)
	for name, f := range map[string]func(){
		"Clone":  func() { s.Clone() },
		"Parse":  func() { Parse(s, func(*Stream[int]) lwt.Promise[int] { return lwt.Return(0) }) },
		"create": func() { CreateBounded[int](-1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f()
		}()
	}
}

// Semantics 41: next on a closed, empty stream fails with Empty.
func TestItem41NextOnClosedEmptyStreamFailsWithEmpty(t *testing.T) {
	s, p := Create[int]()
	p.Close()
	wantErr(t, s.Next(), ErrEmpty)
	s = OfSlice([]int{1})
	wantState(t, s.Next(), "Return 1")
	wantErr(t, s.Next(), ErrEmpty)
	wantErr(t, s.Next(), ErrEmpty)
	wantState(t, s.Get(), "Return None")
}

// Semantics 41: clones read independently (the manual's second snippet and
// Lwt's "clone" tests).
func TestItem41ClonesReadIndependently(t *testing.T) {
	s1 := OfSlice([]int{1, 2, 3})
	s2 := s1.Clone()
	var got1, got2 []int
	for _, s := range []*Stream[int]{s1, s2, s1, s1, s2, s2} {
		x := must(t, s.Next())
		if s == s1 {
			got1 = append(got1, x)
		} else {
			got2 = append(got2, x)
		}
	}
	if !slices.Equal(got1, []int{1, 2, 3}) || !slices.Equal(got2, []int{1, 2, 3}) {
		t.Error(got1, got2)
	}

	s1, p := Create[int]()
	p.Push(1)
	s2 = s1.Clone()
	wantState(t, s1.Next(), "Return 1")
	wantState(t, s1.Next(), "Sleep")
	wantState(t, s2.Next(), "Return 1")
	wantState(t, s2.Next(), "Sleep")
}

// Semantics 41: a canceled next consumes nothing (Lwt's "cancel push stream"
// tests).
func TestItem41CanceledNextConsumesNothing(t *testing.T) {
	s, p := Create[int]()
	n := s.Next()
	lwt.Cancel(n)
	wantErr(t, n, lwt.ErrCanceled)
	p.Push(1)
	wantState(t, s.Next(), "Return 1")

	// Canceling one of two waiting reads leaves the other waiting.
	t1, t2 := s.Next(), s.Next()
	lwt.Cancel(t1)
	p.Push(2)
	wantErr(t, t1, lwt.ErrCanceled)
	wantState(t, t2, "Return 2")

	// A From stream: the call in progress goes on, and its element stays.
	q, r := lwt.Wait[Option[int]]()
	calls := 0
	s = From(func() lwt.Promise[Option[int]] { calls++; return q })
	n = s.Next()
	lwt.Cancel(n)
	wantErr(t, n, lwt.ErrCanceled)
	lwt.Wakeup(r, Some(7))
	wantState(t, s.Next(), "Return 7")
	if calls != 1 {
		t.Errorf("%d calls", calls)
	}
}

// Canceling a next that waits does not disturb the pusher or the source.
func TestCancelWaitingNext(t *testing.T) {
	s, p := CreateBounded[string](1)
	n := s.Next()
	wantState(t, n, "Sleep")
	lwt.Cancel(n)
	wantErr(t, n, lwt.ErrCanceled)
	wantDone(t, p.Push("a"))
	wantState(t, s.Next(), "Return a")
	if p.Count() != 0 {
		t.Error(p.Count())
	}

	// Canceling a traversal cancels the read it waits on.
	s2, p2 := Create[int]()
	var seen []int
	done := Iter(s2, func(x int) { seen = append(seen, x) })
	p2.Push(1)
	lwt.Cancel(done)
	wantErr(t, done, lwt.ErrCanceled)
	p2.Push(2)
	wantState(t, s2.Next(), "Return 2")
	if !slices.Equal(seen, []int{1}) {
		t.Error(seen)
	}
}

// Semantics 41: an error of From's function reaches the reader without
// closing the stream (Lwt's "exception passing" tests).
func TestItem41FromErrorReachesReaderWithoutClosing(t *testing.T) {
	feed := lwt.Fail[Option[int]](errExit)
	s := From(func() lwt.Promise[Option[int]] { return feed })
	wantErr(t, s.Get(), errExit)
	if s.IsClosed() {
		t.Error("closed after a failure")
	}
	feed = lwt.Return(Some(0))
	wantState(t, s.Get(), "Return Some 0")
	feed = lwt.Return(None[int]())
	wantState(t, s.Get(), "Return None")
	if !s.IsClosed() {
		t.Error("not closed at the end")
	}

	direct := func() (int, bool) { panic(errExit) }
	d := FromDirect(func() (int, bool) { return direct() })
	wantErr(t, d.Get(), errExit)
	if d.IsClosed() {
		t.Error("closed after a panic")
	}
	direct = func() (int, bool) { return 0, true }
	wantState(t, d.Get(), "Return Some 0")
	direct = func() (int, bool) { return 0, false }
	wantState(t, d.Get(), "Return None")
	if !d.IsClosed() {
		t.Error("not closed at the end")
	}

	// A raise in f itself, and through ToSlice and Map.
	raising := func() *Stream[int] {
		return From(func() lwt.Promise[Option[int]] { panic(errExit) })
	}
	wantErr(t, raising().Get(), errExit)
	wantErr(t, raising().ToSlice(), errExit)
	wantErr(t, Map(raising(), func(x int) int { return x }).Get(), errExit)
	wantErr(t, FromDirect(func() (int, bool) { panic(errExit) }).Get(), errExit)
}

// Semantics 41: of_list streams are closed from the start, and so on (Lwt's
// "is_closed").
func TestItem41OfSliceClosedFromStart(t *testing.T) {
	for name, closed := range map[string]bool{
		"OfSlice nil":   OfSlice[int](nil).IsClosed(),
		"OfSlice":       OfSlice([]int{1, 2, 3}).IsClosed(),
		"OfString":      OfString("").IsClosed(),
		"OfString 123":  OfString("123").IsClosed(),
		"Return":        Return(1).IsClosed(),
		"FromDirect":    !FromDirect(func() (int, bool) { return 1, true }).IsClosed(),
		"Create":        !func() *Stream[int] { s, _ := Create[int](); return s }().IsClosed(),
		"CreateBounded": !func() *Stream[int] { s, _ := CreateBounded[int](1); return s }().IsClosed(),
	} {
		if !closed {
			t.Errorf("%s: wrong IsClosed", name)
		}
	}
	s := OfSlice([]int(nil))
	ran := false
	lwt.OnTermination(s.Closed(), func() { ran = true })
	if !ran {
		t.Error("Closed not resolved")
	}
	// Lwt's "return" test.
	wantState(t, Return(123).Next(), "Return 123")
}

// Semantics 41: from_direct closes after it returned None (Lwt's "closed"
// tests).
func TestItem41FromDirectClosesAfterNone(t *testing.T) {
	s := FromDirect(func() (int, bool) { return 0, false })
	if s.IsClosed() {
		t.Error("closed before any read")
	}
	s.Junk()
	if !s.IsClosed() {
		t.Error("not closed after the end was read")
	}

	value := Some(1)
	s = FromDirect(func() (int, bool) {
		v := value
		value = None[int]()
		return v.Value, v.OK
	})
	closedSeen := false
	lwt.Async(func() lwt.Promise[lwt.Unit] {
		return lwt.Map(s.Closed(), func(lwt.Unit) lwt.Unit { closedSeen = s.IsClosed(); return lwt.Unit{} })
	})
	s.Peek()
	if closedSeen {
		t.Error("closed after the first element")
	}
	s.Junk()
	s.Peek()
	if !closedSeen {
		t.Error("Closed not resolved, or IsClosed false in its callback")
	}
}

// Semantics 41: pushing after close fails with Closed.
func TestItem41PushAfterCloseFailsWithClosed(t *testing.T) {
	s, p := Create[int]()
	if err := p.Push(1); err != nil {
		t.Fatal(err)
	}
	p.Close()
	if err := p.Push(2); err != ErrClosed {
		t.Errorf("got %v", err)
	}
	p.Close() // again: nothing
	wantSlice(t, s.ToSlice(), 1)
}

func TestCreate(t *testing.T) {
	s, p := Create[int]()
	for i := 1; i <= 3; i++ {
		p.Push(i)
	}
	all := s.ToSlice()
	wantState(t, all, "Sleep")
	p.Close()
	wantSlice(t, all, 1, 2, 3)
}

// Reads that wait at the same time get the same element, consumed once
// (Lwt's "from" test).
func TestWaitingReadsShareTheElement(t *testing.T) {
	q, r := lwt.Wait[int]()
	calls := 0
	s := From(func() lwt.Promise[Option[int]] {
		calls++
		return lwt.Map(q, Some[int])
	})
	t1, t2, t3 := s.Next(), s.Next(), s.Next()
	lwt.Wakeup(r, 1)
	for _, n := range []lwt.Promise[int]{t1, t2, t3} {
		wantState(t, n, "Return 1")
	}
	if calls != 1 {
		t.Errorf("%d calls", calls)
	}
	q2, r2 := lwt.Wait[int]()
	q = q2
	n := s.Next()
	lwt.Wakeup(r2, 2)
	wantState(t, n, "Return 2")
}

func TestReturnLwt(t *testing.T) {
	s := ReturnLwt(lwt.Return(123))
	wantState(t, s.Next(), "Return 123")
	if !s.IsClosed() {
		t.Error("not closed")
	}

	s = ReturnLwt(lwt.Map(lwt.Pause(), func(lwt.Unit) int { return 123 }))
	if v := must(t, s.Next()); v != 123 || !s.IsClosed() {
		t.Error(v, s.IsClosed())
	}

	s = ReturnLwt(lwt.Bind(lwt.Pause(), func(lwt.Unit) lwt.Promise[int] { panic("not today") }))
	if _, err := run(t, s.Next()); err != ErrEmpty {
		t.Error(err)
	}
}

// Lwt's "of_seq" and "of_lwt_seq": nodes are forced as readers need them.
func TestOfLwtSeq(t *testing.T) {
	forced := false
	nil1 := func() lwt.Promise[lwtseq.Node[int]] {
		return lwt.Map(lwt.Pause(), func(lwt.Unit) lwtseq.Node[int] { forced = !forced; return lwtseq.Node[int]{} })
	}
	seq := func() lwt.Promise[lwtseq.Node[int]] {
		return lwt.Map(lwt.Pause(), func(lwt.Unit) lwtseq.Node[int] { return lwtseq.Node[int]{Value: 1, Next: nil1} })
	}
	s := OfLwtSeq(seq)
	forcedBefore, closedBefore := forced, s.IsClosed()
	x1 := must(t, s.Get())
	forcedMiddle := forced
	x2 := must(t, s.Get())
	if forcedBefore || forcedMiddle || !forced || closedBefore || !s.IsClosed() || x1 != Some(1) || x2.OK {
		t.Error(forcedBefore, forcedMiddle, forced, closedBefore, s.IsClosed(), x1, x2)
	}
	wantSlice(t, OfLwtSeq(lwtseq.OfSlice([]int{1, 2})).ToSlice(), 1, 2)
	wantSlice(t, OfLwtSeq[int](nil).ToSlice())
}

func TestGetWhile(t *testing.T) {
	s := OfSlice([]int{1, 2, 3, 4, 5})
	wantSlice(t, GetWhile(s, func(x int) bool { return x < 3 }), 1, 2)
	wantSlice(t, s.ToSlice(), 3, 4, 5)

	s = OfSlice([]int{1, 2, 3, 4, 5})
	wantSlice(t, GetWhileS(s, func(x int) lwt.Promise[bool] {
		return lwt.Map(lwt.Pause(), func(lwt.Unit) bool { return x < 4 })
	}), 1, 2, 3)
	wantSlice(t, s.ToSlice(), 4, 5)
}

func TestJunkWhile(t *testing.T) {
	s := OfSlice([]int{1, 2, 3, 4, 5})
	must(t, JunkWhile(s, func(x int) bool { return x < 3 }))
	wantState(t, s.Peek(), "Return Some 3")
	must(t, JunkWhileS(s, func(x int) lwt.Promise[bool] { return lwt.Return(x < 5) }))
	wantSlice(t, s.ToSlice(), 5)
}

func TestPeek(t *testing.T) {
	s := OfSlice([]int{1, 2, 3, 4, 5})
	wantState(t, s.Peek(), "Return Some 1")
	wantState(t, s.Peek(), "Return Some 1")
	wantSlice(t, s.NPeek(3), 1, 2, 3)
	wantSlice(t, s.NPeek(1), 1)
	wantSlice(t, s.NPeek(9), 1, 2, 3, 4, 5)
	wantSlice(t, s.NPeek(0))
	wantSlice(t, s.ToSlice(), 1, 2, 3, 4, 5)
	wantState(t, s.Peek(), "Return None")
}

func TestNGetNJunk(t *testing.T) {
	s := OfSlice([]int{1, 2, 3, 4, 5, 6})
	wantSlice(t, s.NGet(2), 1, 2)
	must(t, s.NJunk(2))
	wantSlice(t, s.NGet(0))
	must(t, s.Junk())
	wantSlice(t, s.NGet(5), 6)
	must(t, s.NJunk(3))
	must(t, s.Junk())

	// NGet waits for the elements it lacks, but no longer than asked.
	s, p := Create[int]()
	p.Push(1)
	two := s.NGet(2)
	wantState(t, two, "Sleep")
	p.Push(2)
	p.Push(3)
	wantSlice(t, two, 1, 2)
	wantState(t, s.Next(), "Return 3")
}

func TestGetAvailable(t *testing.T) {
	s, p := Create[int]()
	for i := 1; i <= 3; i++ {
		p.Push(i)
	}
	if l, err := s.GetAvailable(); !slices.Equal(l, []int{1, 2, 3}) || err != nil {
		t.Error(l, err)
	}
	p.Push(4)
	wantState(t, s.Get(), "Return Some 4")

	for i := 1; i <= 4; i++ {
		p.Push(i)
	}
	if l, err := s.GetAvailableUpTo(2); !slices.Equal(l, []int{1, 2}) || err != nil {
		t.Error(l, err)
	}
	wantState(t, s.Get(), "Return Some 3")
	if l, err := s.GetAvailableUpTo(0); l != nil || err != nil {
		t.Error(l, err)
	}

	// FromDirect elements are all available; From ones that resolve at once too.
	i := 0
	d := FromDirect(func() (int, bool) { i++; return i, i <= 3 })
	if l, err := d.GetAvailable(); !slices.Equal(l, []int{1, 2, 3}) || err != nil {
		t.Error(l, err)
	}
	f := From(func() lwt.Promise[Option[int]] { return lwt.Fail[Option[int]](errExit) })
	if l, err := f.GetAvailable(); l != nil || err != errExit {
		t.Error(l, err)
	}
	if err := f.JunkAvailable(); err != errExit {
		t.Error(err)
	}
}

// Lwt's "junk_available" and "junk_old".
func TestJunkAvailable(t *testing.T) {
	s, p := Create[int]()
	empty := func() bool {
		l, err := s.GetAvailable()
		return len(l) == 0 && err == nil
	}
	for _, junk := range []func(){
		func() { s.JunkAvailable() },
		func() { must(t, s.JunkOld()) },
	} {
		b0 := empty()
		junk()
		b1 := empty()
		p.Push(1)
		p.Push(2)
		p.Push(4)
		junk()
		b2 := empty()
		if !b0 || !b1 || !b2 {
			t.Error(b0, b1, b2)
		}
	}
}

func TestLastNew(t *testing.T) {
	s, p := Create[int]()
	p.Push(1)
	p.Push(2)
	p.Push(3)
	wantState(t, s.LastNew(), "Return 3")
	last := s.LastNew()
	wantState(t, last, "Sleep")
	p.Push(4)
	wantState(t, last, "Return 4")
	p.Close()
	wantErr(t, s.LastNew(), ErrEmpty)
}

func TestIsEmpty(t *testing.T) {
	s, p := Create[int]()
	e := s.IsEmpty()
	wantState(t, e, "Sleep")
	p.Push(1)
	wantState(t, e, "Return false")
	s.Junk()
	e = s.IsEmpty()
	p.Close()
	wantState(t, e, "Return true")
}

// Lwt's "filter" and "filter_map": a filtered stream reads its source only
// as far as it needs.
func TestFilter(t *testing.T) {
	s, p := Create[int]()
	for i := 1; i <= 4; i++ {
		p.Push(i)
	}
	f := Filter(s, func(x int) bool { return x == 3 })
	wantState(t, f.Get(), "Return Some 3")
	if l, err := f.GetAvailable(); len(l) != 0 || err != nil {
		t.Error(l, err)
	}

	s, p = Create[int]()
	for i := 1; i <= 4; i++ {
		p.Push(i)
	}
	fm := FilterMap(s, func(x int) (string, bool) { return fmt.Sprint(x), x == 3 })
	wantState(t, fm.Get(), "Return Some 3")
	if l, err := fm.GetAvailable(); len(l) != 0 || err != nil {
		t.Error(l, err)
	}
}

func TestTransformers(t *testing.T) {
	ints := func() *Stream[int] { return OfSlice([]int{1, 2, 3, 4, 5}) }
	even := func(x int) bool { return x%2 == 0 }
	wantSlice(t, Map(ints(), func(x int) int { return x * 10 }).ToSlice(), 10, 20, 30, 40, 50)
	wantSlice(t, MapS(ints(), func(x int) lwt.Promise[int] {
		return lwt.Map(lwt.Pause(), func(lwt.Unit) int { return -x })
	}).ToSlice(), -1, -2, -3, -4, -5)
	wantSlice(t, Filter(ints(), even).ToSlice(), 2, 4)
	wantSlice(t, FilterS(ints(), func(x int) lwt.Promise[bool] {
		return lwt.Map(lwt.Pause(), func(lwt.Unit) bool { return !even(x) })
	}).ToSlice(), 1, 3, 5)
	wantSlice(t, FilterMap(ints(), func(x int) (string, bool) { return strings.Repeat("x", x), x > 3 }).ToSlice(),
		"xxxx", "xxxxx")
	wantSlice(t, FilterMapS(ints(), func(x int) lwt.Promise[Option[int]] {
		return lwt.Return(Option[int]{Value: x * x, OK: x < 3})
	}).ToSlice(), 1, 4)
	wantSlice(t, MapList(ints(), func(x int) []int { return slices.Repeat([]int{x}, x%3) }).ToSlice(), 1, 2, 2, 4, 5, 5)
	wantSlice(t, MapListS(ints(), func(x int) lwt.Promise[[]int] {
		return lwt.Map(lwt.Pause(), func(lwt.Unit) []int { return []int{x, x} })
	}).ToSlice(), 1, 1, 2, 2, 3, 3, 4, 4, 5, 5)
	wantSlice(t, Flatten(OfSlice([][]int{{1}, nil, {2, 3}, {}})).ToSlice(), 1, 2, 3)
	wantSlice(t, Combine(ints(), OfString("abc")).ToSlice(),
		lwt.Pair[int, byte]{First: 1, Second: 'a'}, lwt.Pair[int, byte]{First: 2, Second: 'b'},
		lwt.Pair[int, byte]{First: 3, Second: 'c'})
	wantSlice(t, Append(ints(), OfSlice([]int{6})).ToSlice(), 1, 2, 3, 4, 5, 6)
	s := ints()
	wantSlice(t, Append(s, s).ToSlice(), 1, 2, 3, 4, 5)
	wantSlice(t, Concat(OfSlice([]*Stream[int]{ints(), nil, OfSlice([]int{}), Return(6)})).ToSlice(), 1, 2, 3, 4, 5, 6)
}

func TestTraversals(t *testing.T) {
	ints := func() *Stream[int] { return OfSlice([]int{1, 2, 3, 4, 5}) }
	if v := must(t, Fold(ints(), 0, func(a, x int) int { return a*10 + x })); v != 12345 {
		t.Error(v)
	}
	if v := must(t, FoldS(ints(), 0, func(a, x int) lwt.Promise[int] {
		return lwt.Map(lwt.Pause(), func(lwt.Unit) int { return a + x })
	})); v != 15 {
		t.Error(v)
	}
	var seen []int
	must(t, Iter(ints(), func(x int) { seen = append(seen, x) }))
	must(t, IterS(ints(), func(x int) lwt.Promise[lwt.Unit] {
		return lwt.Map(lwt.Pause(), func(lwt.Unit) lwt.Unit { seen = append(seen, -x); return lwt.Unit{} })
	}))
	if !slices.Equal(seen, []int{1, 2, 3, 4, 5, -1, -2, -3, -4, -5}) {
		t.Error(seen)
	}

	s := ints()
	wantState(t, Find(s, func(x int) bool { return x > 2 }), "Return Some 3")
	wantState(t, s.Next(), "Return 4") // Find consumed up to what it found
	wantState(t, Find(s, func(x int) bool { return x > 7 }), "Return None")
	s = ints()
	if o := must(t, FindS(s, func(x int) lwt.Promise[bool] {
		return lwt.Map(lwt.Pause(), func(lwt.Unit) bool { return x == 2 })
	})); o != Some(2) {
		t.Error(o)
	}
	wantState(t, FindMap(s, func(x int) (string, bool) { return fmt.Sprint(x * 2), x == 4 }), "Return Some 8")
	wantState(t, FindMapS(s, func(x int) lwt.Promise[Option[int]] { return lwt.Return(Some(x)) }), "Return Some 5")
	wantState(t, FindMapS(s, func(x int) lwt.Promise[Option[int]] { return lwt.Return(Some(x)) }), "Return None")
	if v := must(t, ToString(OfString("héllo"))); v != "héllo" {
		t.Error(v)
	}
}

// A panic in a function given to a traversal fails its promise.
func TestPanicsFail(t *testing.T) {
	boom := func(int) bool { panic(errExit) }
	wantErr(t, Iter(OfSlice([]int{1}), func(int) { panic(errExit) }), errExit)
	wantErr(t, IterS(OfSlice([]int{1}), func(int) lwt.Promise[lwt.Unit] { panic(errExit) }), errExit)
	wantErr(t, Find(OfSlice([]int{1}), boom), errExit)
	wantErr(t, Filter(OfSlice([]int{1}), boom).Next(), errExit)
	s := OfSlice([]int{1, 2})
	wantErr(t, GetWhile(s, boom), errExit)
	wantState(t, s.Next(), "Return 1") // GetWhile takes only what satisfied f
}

// IterS over a long stream runs in constant stack, whether the elements are
// there at once or arrive one push at a time.
func TestIterSLongStreamConstantStack(t *testing.T) {
	const n = 1_000_000
	base := stackDepth()
	maxDepth, count := 0, 0
	f := func(int) lwt.Promise[lwt.Unit] {
		if count++; count%512 == 0 {
			maxDepth = max(maxDepth, stackDepth()-base)
		}
		return lwt.ReturnUnit()
	}
	check := func(name string) {
		t.Helper()
		if count != n || maxDepth > depthBound {
			t.Errorf("%s: %d elements, stack grew to %d frames", name, count, maxDepth)
		}
		count, maxDepth = 0, 0
	}

	xs := make([]int, n)
	must(t, IterS(OfSlice(xs), f))
	check("OfSlice")

	i := 0
	must(t, IterS(FromDirect(func() (int, bool) { i++; return i, i <= n }), f))
	check("FromDirect")

	s, p := Create[int]()
	done := IterS(s, f)
	for i := range n {
		p.Push(i)
	}
	p.Close()
	must(t, done)
	check("pushed one at a time")

	// Elements that arrive while the body waits, and a body that waits.
	s, p = Create[int]()
	var wake lwt.Resolver[lwt.Unit]
	done = IterS(s, func(x int) lwt.Promise[lwt.Unit] {
		f(x)
		var q lwt.Promise[lwt.Unit]
		q, wake = lwt.Wait[lwt.Unit]()
		return q
	})
	for i := range n {
		p.Push(i)
		lwt.Wakeup(wake, lwt.Unit{})
	}
	p.Close()
	must(t, done)
	check("waiting body")

	s = Map(Filter(OfSlice(xs), func(int) bool { return true }), func(x int) int { return x })
	must(t, IterS(s, f))
	check("Map of Filter")
}

var pcs = make([]uintptr, 1<<16)

// stackDepth returns the number of frames on the calling goroutine's stack.
func stackDepth() int { return runtime.Callers(0, pcs) }

// depthBound is a generous bound on the stack a traversal may use, whatever
// the length of the stream: the runtime nests at most MaxNesting callbacks.
const depthBound = 16 * lwt.MaxNesting

func TestIterN(t *testing.T) {
	for _, limit := range []int{1, 2, 100} {
		running, most, sum := 0, 0, 0
		done := IterN(OfSlice([]int{1, 2, 3, 4, 5}), limit, func(x int) lwt.Promise[lwt.Unit] {
			running++
			most = max(most, running)
			return lwt.Map(lwt.Pause(), func(lwt.Unit) lwt.Unit { running--; sum += x; return lwt.Unit{} })
		})
		must(t, done)
		if sum != 15 || most != min(limit, 5) {
			t.Errorf("IterN(%d): sum %d, at most %d running", limit, sum, most)
		}
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "lwtstream.IterN") {
			t.Error(r)
		}
	}()
	IterN(OfSlice([]int{1}), 0, func(int) lwt.Promise[lwt.Unit] { return lwt.ReturnUnit() })
}

// IterP starts every call as its element comes; a failure stops reading
// without consuming the element a pending read waited for.
func TestIterP(t *testing.T) {
	s, p := Create[int]()
	var wake []lwt.Resolver[lwt.Unit]
	done := IterP(s, func(x int) lwt.Promise[lwt.Unit] {
		q, r := lwt.Wait[lwt.Unit]()
		wake = append(wake, r)
		return q
	})
	p.Push(1)
	p.Push(2)
	if len(wake) != 2 {
		t.Fatal(len(wake))
	}
	lwt.Wakeup(wake[1], lwt.Unit{})
	lwt.WakeupExn(wake[0], errExit)
	wantErr(t, done, errExit)
	p.Push(3)
	wantState(t, s.Next(), "Return 3")
	if len(wake) != 2 {
		t.Error("called after the failure")
	}
}

// Lwt's "map_exn": WrapExn turns the failures of the source into elements.
func TestWrapExn(t *testing.T) {
	errPlop := errors.New("plop")
	items := []Result[int]{{Value: 1}, {Err: errExit}, {Err: errPlop}, {Value: 42}, {Err: lwt.ErrAssert}}
	q := items
	s := From(func() lwt.Promise[Option[int]] {
		if len(q) == 0 {
			return lwt.Return(None[int]())
		}
		r := q[0]
		q = q[1:]
		switch {
		case r.Err == errPlop:
			panic(r.Err)
		case r.Err != nil:
			return lwt.Fail[Option[int]](r.Err)
		}
		return lwt.Return(Some(r.Value))
	})
	got := must(t, WrapExn(s).ToSlice())
	if len(got) != len(items) {
		t.Fatal(got)
	}
	for i, r := range got {
		if r.Value != items[i].Value || !errors.Is(r.Err, items[i].Err) {
			t.Errorf("%d: got %v, want %v", i, r, items[i])
		}
	}
}

func TestChoose(t *testing.T) {
	wantSlice(t, Choose(OfSlice([]int(nil))).ToSlice()) // Lwt's "choose_exhausted"
	wantSlice(t, Choose[int]().ToSlice())

	s1, p1 := Create[int]()
	s2, p2 := Create[int]()
	c := Choose(s1, s2)
	n := c.Next()
	wantState(t, n, "Sleep")
	p2.Push(20)
	wantState(t, n, "Return 20")
	p1.Push(10)
	wantState(t, c.Next(), "Return 10")
	p1.Close()
	p2.Push(21)
	p2.Close()
	wantSlice(t, c.ToSlice(), 21)

	got := must(t, Choose(OfSlice([]int{1, 2, 3}), OfSlice([]int{4, 5}), OfSlice([]int{6})).ToSlice())
	slices.Sort(got)
	if !slices.Equal(got, []int{1, 2, 3, 4, 5, 6}) {
		t.Error(got)
	}
	// The same stream twice is read by both reads.
	got = must(t, Choose(Return(1), Return(2)).ToSlice())
	slices.Sort(got)
	if !slices.Equal(got, []int{1, 2}) {
		t.Error(got)
	}

	// A failure of one source is passed on once, then that source is read again.
	fail := true
	f := From(func() lwt.Promise[Option[int]] {
		if fail {
			fail = false
			return lwt.Fail[Option[int]](errExit)
		}
		return lwt.Return(None[int]())
	})
	c = Choose(f, OfSlice([]int{1}))
	var results []string
	for range 3 {
		v, err := run(t, c.Get())
		results = append(results, fmt.Sprint(v, err))
	}
	slices.Sort(results)
	if want := []string{"None <nil>", "None exit", "Some 1 <nil>"}; !slices.Equal(results, want) {
		t.Errorf("got %q, want %q", results, want)
	}
}

func TestParse(t *testing.T) {
	s := OfSlice([]int{1, 2, 3})
	_, err := run(t, Parse(s, func(s *Stream[int]) lwt.Promise[int] {
		return lwt.Bind(s.NGet(2), func([]int) lwt.Promise[int] { return lwt.Fail[int](errExit) })
	}))
	if err != errExit {
		t.Fatal(err)
	}
	v := must(t, Parse(s, func(s *Stream[int]) lwt.Promise[int] { return s.Next() }))
	if v != 1 {
		t.Error(v)
	}
	wantSlice(t, s.ToSlice(), 2, 3)
}

func TestHexdump(t *testing.T) {
	got := must(t, Hexdump(OfString("The quick brown fox\x00jumps\n")).ToSlice())
	want := []string{
		"00000000|  54 68 65 20 71 75 69 63  6b 20 62 72 6f 77 6e 20  |The quick brown |",
		"00000010|  66 6f 78 00 6a 75 6d 70  73 0a                    |fox.jumps.|",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantSlice(t, Hexdump(OfString("")).ToSlice())
}

// All outside rewritten code panics, saying why and what to use instead;
// used as a plain iter.Seq (slices.Collect) it panics the same way.
func TestAllPanicsOutsideRewrittenCode(t *testing.T) {
	check := func(how string, f func()) {
		t.Helper()
		defer func() {
			msg := fmt.Sprint(recover())
			for _, want := range []string{"lwtgen", "slices.Collect(s.All())", "s.ToSlice()", "lwtstream.Iter", "s.Get()"} {
				if !strings.Contains(msg, want) {
					t.Errorf("%s: panic %q does not mention %q", how, msg, want)
				}
			}
		}()
		f()
	}
	check("range", func() {
		for range OfSlice([]int{1}).All() {
			t.Error("ranged")
		}
	})
	check("slices.Collect", func() {
		t.Errorf("collected %v", slices.Collect(OfSlice([]int{1}).All()))
	})
}

// A body that pushes into the stream it reads sees its own pushes in order.
func TestPushFromReader(t *testing.T) {
	s, p := Create[int]()
	var seen []int
	done := Iter(s, func(x int) {
		seen = append(seen, x)
		if x < 5 {
			p.Push(x + 1)
		} else {
			p.Close()
		}
	})
	p.Push(1)
	must(t, done)
	if !slices.Equal(seen, []int{1, 2, 3, 4, 5}) {
		t.Error(seen)
	}
}

// The pusher does not keep alive the elements every reader has consumed,
// nor the stream (Lwt's "push and GC").
func TestPushAndGC(t *testing.T) {
	type box struct{ n [64]byte }
	var ptrs []weak.Pointer[box]
	alive := func() (n int) {
		runtime.GC()
		for _, w := range ptrs {
			if w.Value() != nil {
				n++
			}
		}
		return n
	}
	p := func() *Pusher[*box] {
		s, p := Create[*box]()
		for range 3 {
			b := new(box)
			ptrs = append(ptrs, weak.Make(b))
			p.Push(b)
		}
		if n := alive(); n != 3 {
			t.Errorf("%d alive before reading", n)
		}
		must(t, s.Next())
		if n := alive(); n != 2 {
			t.Errorf("%d alive after reading one", n)
		}
		runtime.KeepAlive(s)
		return p
	}()
	if n := alive(); n != 0 {
		t.Errorf("%d alive once the stream is gone", n)
	}
	p.Push(new(box))
}
