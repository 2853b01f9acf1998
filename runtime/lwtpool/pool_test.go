package lwtpool

import (
	"errors"
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
)

type unit = lwt.Unit

var errDummy = errors.New("dummy")

// members are counters, made fresh at 0 unless said otherwise.
func newCounter() lwt.Promise[*int] { return lwt.Return(new(int)) }

func counterFrom(v int) func() lwt.Promise[*int] {
	return func() lwt.Promise[*int] { n := v; return lwt.Return(&n) }
}

func read(n *int) lwt.Promise[int] { return lwt.Return(*n) }

// hold lends a member to a user that sets it to v and then sleeps until the
// returned resolver is woken.
func hold(p *Pool[*int], v int) (lwt.Promise[int], lwt.Resolver[int]) {
	wait, r := lwt.Wait[int]()
	return Use(p, func(n *int) lwt.Promise[int] { *n = v; return wait }), r
}

func wantState[T any](t *testing.T, what string, p lwt.Promise[T], want string) {
	t.Helper()
	if got := p.String(); got != want {
		t.Errorf("%s: %s, want %s", what, got, want)
	}
}

func TestCreateUse(t *testing.T) {
	p := New(1, lwt.ReturnUnit)
	wantState(t, "Use", Use(p, lwt.Return[unit]), "Return ()")
}

func TestCreatorFailure(t *testing.T) {
	p := New(1, func() lwt.Promise[int] { panic(errDummy) })
	u := Use(p, lwt.Return[int])
	if _, err := u.Result(); !errors.Is(err, errDummy) {
		t.Fatalf("Use with a panicking creator: %v", u)
	}
	p = New(1, func() lwt.Promise[int] { return lwt.Fail[int](errDummy) })
	if _, err := Use(p, lwt.Return[int]).Result(); err != errDummy {
		t.Fatalf("Use with a failing creator: %v", err)
	}
	// The place is not lost: a later Use tries again.
	made := false
	p.create = func() lwt.Promise[int] { made = true; return lwt.Return(1) }
	wantState(t, "Use after a failed creation", Use(p, lwt.Return[int]), "Return 1")
	if !made {
		t.Error("no new member")
	}
}

func TestMembersAreReused(t *testing.T) {
	p := New(1, newCounter)
	Use(p, func(n *int) lwt.Promise[int] { *n = 1; return lwt.Return(*n) })
	wantState(t, "second Use", Use(p, read), "Return 1")
}

func TestMembersAreValidated(t *testing.T) {
	p := New(1, newCounter, WithValidate(func(n *int) lwt.Promise[bool] { return lwt.Return(*n == 0) }))
	Use(p, func(n *int) lwt.Promise[int] { *n = 1; return lwt.Return(*n) })
	wantState(t, "Use after the member became invalid", Use(p, read), "Return 0")
}

func TestValidationFailureReachesUser(t *testing.T) {
	validate := func(n *int) lwt.Promise[bool] {
		if *n != 0 {
			panic(errDummy)
		}
		return lwt.Return(true)
	}
	p := New(1, newCounter, WithValidate(validate))
	u1, r1 := hold(p, 1)
	u2 := Use(p, read)
	lwt.Wakeup(r1, 10)
	wantState(t, "first user", u1, "Return 10")
	if _, err := u2.Result(); !errors.Is(err, errDummy) {
		t.Fatalf("second user: %v, want the validation panic", u2)
	}
	p = New(1, newCounter, WithValidate(func(*int) lwt.Promise[bool] { return lwt.Fail[bool](errDummy) }))
	Use(p, read)
	if _, err := Use(p, read).Result(); err != errDummy {
		t.Fatalf("failing validation: %v", err)
	}
}

func TestMultipleCreation(t *testing.T) {
	p := New(2, newCounter)
	hold(p, 1)
	wantState(t, "Use while the first member is lent", Use(p, read), "Return 0")
}

func TestUsersOfAFullPoolWait(t *testing.T) {
	p := New(1, newCounter)
	_, r := hold(p, 1)
	u2 := Use(p, read)
	wantState(t, "second user", u2, "Sleep")
	if n := p.WaitQueueLength(); n != 1 {
		t.Errorf("WaitQueueLength %d, want 1", n)
	}
	lwt.Wakeup(r, 0)
	wantState(t, "second user once the member is back", u2, "Return 1")
	if n := p.WaitQueueLength(); n != 0 {
		t.Errorf("WaitQueueLength %d, want 0", n)
	}
}

func TestCheckRetainsGoodMembers(t *testing.T) {
	p := New(1, counterFrom(1), WithCheck(func(n *int) bool { return *n > 0 }))
	Use(p, func(n *int) lwt.Promise[int] { *n = 2; return lwt.Fail[int](errDummy) })
	wantState(t, "Use after a failed user", Use(p, read), "Return 2")
}

func TestCheckDisposesOfBadMembers(t *testing.T) {
	disposed := false
	p := New(1, counterFrom(1),
		WithCheck(func(n *int) bool { return *n > 0 }),
		WithDispose(func(*int) lwt.Promise[unit] { disposed = true; return lwt.ReturnUnit() }))
	u1 := Use(p, func(n *int) lwt.Promise[int] { *n = 0; return lwt.Fail[int](errDummy) })
	if _, err := u1.Result(); err != errDummy {
		t.Fatalf("failing user: %v", u1)
	}
	u2 := Use(p, func(n *int) lwt.Promise[int] { *n++; return lwt.Return(*n) })
	wantState(t, "Use after a bad member was dropped", u2, "Return 2")
	if !disposed {
		t.Error("the bad member was not disposed of")
	}
}

// A member that check rejects while a thread waits is replaced for that
// thread (Lwt leaves the thread waiting).
func TestBadMemberReplacedForWaiter(t *testing.T) {
	p := New(1, counterFrom(1), WithCheck(func(n *int) bool { return *n > 0 }))
	wait, r := lwt.Wait[int]()
	u1 := Use(p, func(n *int) lwt.Promise[int] { *n = 0; return wait })
	u2 := Use(p, read)
	lwt.WakeupExn(r, errDummy)
	if _, err := u1.Result(); err != errDummy {
		t.Fatalf("first user: %v", u1)
	}
	wantState(t, "waiting user", u2, "Return 1")
}

func TestDefaultCheckKeepsMembers(t *testing.T) {
	p := New(1, newCounter)
	u1 := Use(p, func(n *int) lwt.Promise[int] { *n = 1; panic(errDummy) })
	if _, err := u1.Result(); !errors.Is(err, errDummy) {
		t.Fatalf("panicking user: %v", u1)
	}
	wantState(t, "Use after a panicking user", Use(p, read), "Return 1")
}

func TestCheckAndValidateTogether(t *testing.T) {
	p := New(1, newCounter,
		WithValidate(func(n *int) lwt.Promise[bool] { return lwt.Return(*n > 0) }),
		WithCheck(func(n *int) bool { return *n > 1 }))
	_, r := hold(p, 1)
	Use(p, func(n *int) lwt.Promise[int] { *n = 2; panic(errDummy) })
	u3 := Use(p, read)
	lwt.Wakeup(r, 0)
	wantState(t, "third user", u3, "Return 2")
}

func TestClearDisposesOfAll(t *testing.T) {
	disposed := 0
	p := New(2, newCounter, WithDispose(func(*int) lwt.Promise[unit] { disposed++; return lwt.ReturnUnit() }))
	u, r := hold(p, 1)
	Use(p, read)
	wantState(t, "Clear", p.Clear(), "Return ()")
	if disposed != 1 {
		t.Fatalf("%d disposed of by Clear, want the free one", disposed)
	}
	lwt.Wakeup(r, 0)
	wantState(t, "user", u, "Return 0")
	if disposed != 2 {
		t.Fatalf("%d disposed of, want 2 once the lent member is back", disposed)
	}
	var fresh bool
	Use(p, func(n *int) lwt.Promise[int] { fresh = *n == 0; return read(n) })
	if !fresh {
		t.Error("the Use after Clear did not get a new member")
	}
}

func TestWaiterNotifiedOnReplacement(t *testing.T) {
	validate := func(n *int) lwt.Promise[bool] {
		if *n != 0 {
			panic(errDummy)
		}
		return lwt.Return(true)
	}
	p := New(1, newCounter, WithValidate(validate))
	u1, r1 := hold(p, 1)
	u2 := Use(p, read)
	u3 := Use(p, read)
	lwt.Wakeup(r1, 5)
	wantState(t, "first user", u1, "Return 5")
	if _, err := u2.Result(); !errors.Is(err, errDummy) {
		t.Fatalf("second user: %v, want the validation panic", u2)
	}
	wantState(t, "third user, served with a new member", u3, "Return 0")
}

func TestWaiterNotifiedOnReplacementFailure(t *testing.T) {
	k := true
	create := func() lwt.Promise[*int] {
		if !k {
			panic(errDummy)
		}
		return newCounter()
	}
	validate := func(n *int) lwt.Promise[bool] {
		if *n != 0 {
			panic(errDummy)
		}
		return lwt.Return(true)
	}
	p := New(1, create, WithValidate(validate))
	wait, r1 := lwt.Wait[int]()
	u1 := Use(p, func(n *int) lwt.Promise[int] { *n = 1; k = false; return wait })
	u2, u3 := Use(p, read), Use(p, read)
	lwt.Wakeup(r1, 5)
	wantState(t, "first user", u1, "Return 5")
	for _, u := range []lwt.Promise[int]{u2, u3} {
		if _, err := u.Result(); !errors.Is(err, errDummy) {
			t.Fatalf("waiting user: %v, want the creation panic", u)
		}
	}
	if p.count != 0 {
		t.Fatalf("%d places counted with no member", p.count)
	}
}

func TestCancelWaitingUse(t *testing.T) {
	p := New(1, newCounter)
	_, r := hold(p, 1)
	ran := false
	u2 := Use(p, func(n *int) lwt.Promise[int] { ran = true; return read(n) })
	u3 := Use(p, read)
	lwt.Cancel(u2)
	if _, err := u2.Result(); !errors.Is(err, lwt.ErrCanceled) {
		t.Fatalf("canceled user: %v", u2)
	}
	if n := p.WaitQueueLength(); n != 1 {
		t.Fatalf("WaitQueueLength %d after a cancel, want 1", n)
	}
	lwt.Wakeup(r, 0)
	wantState(t, "the user after the canceled one", u3, "Return 1")
	if ran {
		t.Error("the canceled user ran")
	}
}

// A member made for a waiter that is canceled meanwhile goes back to the
// pool instead of being lost.
func TestMemberForCanceledWaiterIsKept(t *testing.T) {
	made := 0
	var pending lwt.Resolver[*int]
	create := func() lwt.Promise[*int] {
		made++
		if made == 1 {
			return newCounter()
		}
		p, r := lwt.Wait[*int]()
		pending = r
		return p
	}
	p := New(1, create, WithCheck(func(*int) bool { return false }))
	wait, r1 := lwt.Wait[int]()
	Use(p, func(*int) lwt.Promise[int] { return wait })
	u2 := Use(p, read)
	lwt.WakeupExn(r1, errDummy) // the member is dropped; one is being made for u2
	lwt.Cancel(u2)
	n := 7
	lwt.Wakeup(pending, &n)
	wantState(t, "a later user", Use(p, read), "Return 7")
	if made != 2 || p.count != 1 {
		t.Fatalf("%d members made, %d counted; want 2, 1", made, p.count)
	}
}

// Dropping a member whose disposal fails still frees its place.
func TestDisposeFailureFreesPlace(t *testing.T) {
	p := New(1, newCounter,
		WithCheck(func(*int) bool { return false }),
		WithDispose(func(*int) lwt.Promise[unit] { return lwt.Fail[unit](errDummy) }))
	Use(p, func(*int) lwt.Promise[int] { return lwt.Fail[int](errors.New("user")) })
	if p.count != 0 {
		t.Fatalf("%d places counted after the only member was dropped", p.count)
	}
	wantState(t, "a later user", Use(p, read), "Return 0")
}

// However members are dropped and replaced, no more than the maximum exist.
func TestNeverMoreThanMax(t *testing.T) {
	live, most, made := 0, 0, 0
	create := func() lwt.Promise[*int] {
		made++
		live++
		most = max(most, live)
		return newCounter()
	}
	dispose := func(*int) lwt.Promise[unit] { live--; return lwt.ReturnUnit() }
	p := New(2, create, WithDispose(dispose),
		WithValidate(func(n *int) lwt.Promise[bool] { return lwt.Return(*n%2 == 0) }),
		WithCheck(func(n *int) bool { return *n%3 != 0 }))
	var rs []lwt.Resolver[int]
	for i := range 20 {
		wait, r := lwt.Wait[int]()
		rs = append(rs, r)
		Use(p, func(n *int) lwt.Promise[int] { *n = i; return wait })
	}
	for i, r := range rs {
		if i%4 == 0 {
			lwt.WakeupExn(r, errDummy)
		} else {
			lwt.Wakeup(r, i)
		}
	}
	p.Clear()
	if made <= 2 {
		t.Fatal("no member was replaced: the scenario tests nothing")
	}
	if most > 2 || live != 0 || p.count != 0 {
		t.Fatalf("at most %d live members (max 2); %d live, %d counted after Clear", most, live, p.count)
	}
}

func TestNewPanicsOnZeroSize(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("New(0, ...) did not panic")
		}
	}()
	New(0, newCounter)
}
