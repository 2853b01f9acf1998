package lwtresult

import (
	"errors"
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
)

var (
	errA = errors.New("a")
	errB = errors.New("b")
)

func wantState[T any](t *testing.T, what string, p lwt.Promise[T], want string) {
	t.Helper()
	if got := p.String(); got != want {
		t.Errorf("%s: %s, want %s", what, got, want)
	}
}

func inc(x int) int { return x + 1 }

func wrapA(err error) error { return errors.Join(errA, err) }

func TestResult(t *testing.T) {
	if r := Ok(1); !r.IsOk() || r.String() != "Ok 1" {
		t.Errorf("Ok(1): %v", r)
	}
	if v, err := Error[int](errA).Get(); v != 0 || err != errA {
		t.Errorf("Error(a).Get() = %v, %v", v, err)
	}
	if r := Error[int](errA); r.IsOk() || r.String() != "Error a" {
		t.Errorf("Error(a): %v", r)
	}
	defer func() {
		if recover() == nil {
			t.Error("Error(nil) did not panic")
		}
	}()
	Error[int](nil)
}

func TestMap(t *testing.T) {
	wantState(t, "Map of Ok", Map(Return(0), inc), "Return Ok 1")
	wantState(t, "Map of Error", Map(Fail[int](errA), inc), "Return Error a")
	wantState(t, "MapError of Ok", MapError(Return(0), wrapA), "Return Ok 0")
	if r, _ := MapError(Fail[int](errB), wrapA).Result(); !errors.Is(r.Err, errA) || !errors.Is(r.Err, errB) {
		t.Errorf("MapError of Error: %v", r)
	}
}

func TestBind(t *testing.T) {
	next := func(y int) Promise[int] { return Return(y + 1) }
	wantState(t, "Bind of Ok", Bind(Return(0), next), "Return Ok 1")
	wantState(t, "Bind of Error", Bind(Fail[int](errA), next), "Return Error a")
	fix := func(error) Promise[int] { return Return(1) }
	wantState(t, "BindError of Ok", BindError(Return(0), fix), "Return Ok 0")
	wantState(t, "BindError of Error", BindError(Fail[int](errA), fix), "Return Ok 1")
}

// A failure of the promise is not an Error: it goes through untouched.
func TestFailureIsNotAnError(t *testing.T) {
	failed := lwt.Fail[Result[int]](errA)
	called := false
	p := BindError(Map(failed, inc), func(error) Promise[int] { called = true; return Return(0) })
	if _, err := p.Result(); err != errA || called {
		t.Errorf("a failed promise went through Map and BindError as %v (handler called %v)", p, called)
	}
}

func TestCatch(t *testing.T) {
	wantState(t, "Catch of a value", Catch(func() lwt.Promise[int] { return lwt.Return(0) }), "Return Ok 0")
	wantState(t, "Catch of a failure", Catch(func() lwt.Promise[int] { return lwt.Fail[int](errA) }), "Return Error a")
	bound := Catch(func() lwt.Promise[int] {
		return lwt.Bind(lwt.ReturnUnit(), func(lwt.Unit) lwt.Promise[int] { panic(errA) })
	})
	if r, _ := bound.Result(); !errors.Is(r.Err, errA) {
		t.Errorf("Catch of a bound panic: %v", bound)
	}
	immediate := Catch(func() lwt.Promise[int] { panic(errA) })
	if r, _ := immediate.Result(); !errors.Is(r.Err, errA) {
		t.Errorf("Catch of an immediate panic: %v", immediate)
	}
	wait, r := lwt.Wait[int]()
	later := Catch(func() lwt.Promise[int] { return wait })
	lwt.WakeupExn(r, errB)
	wantState(t, "Catch of a later failure", later, "Return Error b")
}

func TestGetExn(t *testing.T) {
	wantState(t, "GetExn of Ok", GetExn(Return(0)), "Return 0")
	wantState(t, "GetExn of Error", GetExn(Fail[int](errA)), "Fail a")
}

func TestBoth(t *testing.T) {
	wantState(t, "Both Ok", Both(Return(0), Return("x")), "Return Ok {0 x}")
	wantState(t, "Both, first Error", Both(Fail[int](errA), Return(1)), "Return Error a")
	wantState(t, "Both, second Error", Both(Return(0), Fail[int](errB)), "Return Error b")
	wantState(t, "Both Errors, resolved", Both(Fail[int](errA), Fail[int](errB)), "Return Error a")

	// With both pending, the Error that comes first wins, not the first
	// argument's.
	a, ra := lwt.Wait[Result[int]]()
	b, rb := lwt.Wait[Result[int]]()
	p := Both(a, b)
	lwt.Wakeup(rb, Error[int](errB))
	wantState(t, "Both after one Error", p, "Sleep")
	lwt.Wakeup(ra, Error[int](errA))
	wantState(t, "Both after two Errors", p, "Return Error b")
}
