package inbox

import (
	"sync"
	"testing"
	"time"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

func run[T any](t *testing.T, p lwt.Promise[T]) (T, error) {
	t.Helper()
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() { v, err := lwtmain.Run(p); done <- result{v, err} }()
	select {
	case r := <-done:
		return r.v, r.err
	case <-time.After(10 * time.Second):
		t.Fatal("lwtmain.Run did not return")
		panic("unreachable")
	}
}

// First in the file: a Post made before any engine exists, whose
// engine.Wakeup therefore wakes nothing, still reaches a Run that then
// blocks in the engine.
func TestPostBeforeEngine(t *testing.T) {
	p, r := lwt.Wait[string]()
	posted := make(chan struct{})
	go func() {
		Post(func() { lwt.Wakeup(r, "posted") })
		close(posted)
	}()
	<-posted
	if v, err := run(t, p); v != "posted" || err != nil {
		t.Fatalf("%v, %v", v, err)
	}
}

// Functions posted by one goroutine run in order, on the loop.
func TestOrder(t *testing.T) {
	const goroutines, posts = 10, 1000
	got := make([][]int, goroutines)
	done, r := lwt.Wait[lwt.Unit]()
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range posts {
				Post(func() { got[g] = append(got[g], i) })
			}
		})
	}
	go func() { wg.Wait(); Post(func() { lwt.Wakeup(r, lwt.Unit{}) }) }()
	if _, err := run(t, done); err != nil {
		t.Fatal(err)
	}
	for g, s := range got {
		if len(s) != posts {
			t.Fatalf("goroutine %d: %d of %d ran", g, len(s), posts)
		}
		for i, v := range s {
			if v != i {
				t.Fatalf("goroutine %d: post %d ran in place %d", g, v, i)
			}
		}
	}
}

// A panicking function leaves Run; those posted after it stay queued for
// the next Run.
func TestPanicKeepsTheRest(t *testing.T) {
	var ran []string
	Post(func() { ran = append(ran, "first") })
	Post(func() { panic("posted") })
	Post(func() { ran = append(ran, "third") })
	p, r := lwt.Wait[lwt.Unit]()
	func() {
		defer func() {
			if x := recover(); x != "posted" {
				t.Fatalf("recovered %v", x)
			}
		}()
		lwtmain.Run(p)
	}()
	if len(ran) != 1 {
		t.Fatalf("ran %q before the panic", ran)
	}
	Post(func() { lwt.Wakeup(r, lwt.Unit{}) })
	if _, err := run(t, p); err != nil {
		t.Fatal(err)
	}
	if len(ran) != 2 || ran[1] != "third" {
		t.Fatalf("ran %q", ran)
	}
}

// Drain runs what is queued at once, outside the loop's rounds.
func TestDrain(t *testing.T) {
	n := 0
	Post(func() { n++ })
	Post(func() { n++ })
	Drain()
	if n != 2 {
		t.Fatalf("Drain ran %d functions", n)
	}
	Drain()
}

// Post from the loop runs at the end of the round.
func TestPostFromLoop(t *testing.T) {
	var order []string
	p := lwt.Bind(lwt.Pause(), func(lwt.Unit) lwt.Promise[lwt.Unit] {
		q, r := lwt.Wait[lwt.Unit]()
		Post(func() { order = append(order, "posted"); lwt.Wakeup(r, lwt.Unit{}) })
		order = append(order, "callback")
		return q
	})
	if _, err := run(t, p); err != nil {
		t.Fatal(err)
	}
	if len(order) != 2 || order[0] != "callback" {
		t.Fatalf("%q", order)
	}
}

// Ping-pong between the loop and goroutines, with and without Handoff, in
// every timing: no Post is ever lost (a lost wakeup would leave Run blocked
// in the engine).
func TestPingPong(t *testing.T) {
	const goroutines, rounds = 3, 3000
	done, r := lwt.Wait[lwt.Unit]()
	left := goroutines
	for g := range goroutines {
		go func() {
			reply := make(chan int, 1)
			for i := range rounds {
				Post(func() {
					reply <- i
					if (i+g)%3 != 0 {
						Handoff()
					}
				})
				if v := <-reply; v != i {
					t.Errorf("reply %d to %d", v, i)
				}
			}
			Post(func() {
				if left--; left == 0 {
					lwt.Wakeup(r, lwt.Unit{})
				}
			})
		}()
	}
	if _, err := run(t, done); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkPostDrain(b *testing.B) {
	b.ReportAllocs()
	f := func() {}
	for b.Loop() {
		Post(f)
		Drain()
	}
}

// lwtmain's pause round trip with the inbox's hooks registered: compare
// with lwtmain's BenchmarkPauseRoundTrip for what the hooks cost a round.
func BenchmarkPauseRoundTrip(b *testing.B) {
	b.ReportAllocs()
	n := b.N
	var step func(lwt.Unit) lwt.Promise[lwt.Unit]
	step = func(lwt.Unit) lwt.Promise[lwt.Unit] {
		if n--; n <= 0 {
			return lwt.ReturnUnit()
		}
		return lwt.Bind(lwt.Pause(), step)
	}
	if _, err := lwtmain.Run(lwt.Bind(lwt.Pause(), step)); err != nil {
		b.Fatal(err)
	}
}
