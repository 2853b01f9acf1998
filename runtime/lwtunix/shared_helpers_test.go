package lwtunix_test

import (
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

// Test helpers shared by the tests of the package (in package lwtunix_test).

// runLoop runs the loop until p is resolved and returns its value, failing
// the test if p fails.
func runLoop[T any](t testing.TB, p lwt.Promise[T]) T {
	t.Helper()
	v, err := lwtmain.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// runErr runs the loop until p is resolved and returns its error, failing
// the test if p is fulfilled.
func runErr[T any](t testing.TB, p lwt.Promise[T]) error {
	t.Helper()
	v, err := lwtmain.Run(p)
	if err == nil {
		t.Fatalf("fulfilled with %v, want a failure", v)
	}
	return err
}

// openFDs returns the number of descriptors the process has open.
func openFDs(t testing.TB) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd:", err)
	}
	return len(ents)
}

// waitGoroutines waits up to 5 s for the number of goroutines to come down
// to n, and returns the number left.
func waitGoroutines(n int) int {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > n && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	return runtime.NumGoroutine()
}
