//go:build linux

package engine

import (
	"testing"

	"golang.org/x/sys/unix"
)

// raiseNofile makes room for n more descriptors, raising the hard limit too
// when the process may (CAP_SYS_RESOURCE), and restores the limits after t.
func raiseNofile(t *testing.T, n int) {
	t.Helper()
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	need := uint64(fdCount(t) + n + 100)
	if lim.Cur >= need {
		return
	}
	want := unix.Rlimit{Cur: need, Max: max(lim.Max, need)}
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &want); err != nil {
		t.Skipf("cannot raise RLIMIT_NOFILE to %d (soft %d, hard %d): %v", need, lim.Cur, lim.Max, err)
	}
	t.Cleanup(func() {
		if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
			t.Errorf("restoring RLIMIT_NOFILE: %v", err)
		}
	})
}

// Lwt_engine's libev (here: epoll) has no limit on descriptors: watch
// 100,000 sockets and see exactly those that get data fire.
func TestEpollWatches100kDescriptors(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	watchMany(t, 100_000)
}

// The same within the limits of an ordinary account, so that it runs even
// where the 100k test must skip.
func TestEpollWatches10kDescriptors(t *testing.T) {
	watchMany(t, 10_000)
}

// The same with as many descriptors as the hard RLIMIT_NOFILE allows, less a
// margin for the test binary's own: where the 100k test skips (a hard limit
// this process may not raise), this is the largest figure that runs here.
// Where the limit is 100k or more, the 100k test covers it.
func TestEpollWatchesAsManyAsTheLimitAllows(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	const margin = 200
	hard := lim.Max
	if hard > 1<<20 { // RLIM_INFINITY, or more than anyone needs here
		hard = 1 << 20
	}
	n := int(hard) - fdCount(t) - margin
	n -= n % 2 // socket pairs
	if n >= 100_000 {
		t.Skipf("hard limit %d: TestEpollWatches100kDescriptors covers it", lim.Max)
	}
	if n < 1000 {
		t.Skipf("hard limit %d leaves room for %d descriptors only", lim.Max, n)
	}
	t.Logf("watching %d descriptors (hard RLIMIT_NOFILE %d)", n, lim.Max)
	watchMany(t, n)
}

func watchMany(t *testing.T, n int) {
	raiseNofile(t, n)
	e := mustNew(t, NewEpoll)
	fds := make([]int, 0, n)
	t.Cleanup(func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	})
	for len(fds) < n {
		p, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
		if err != nil {
			t.Fatalf("socketpair %d: %v", len(fds)/2, err)
		}
		fds = append(fds, p[0], p[1])
	}
	fired := make([]int, n)
	for i, fd := range fds {
		must(t)(e.OnReadable(fd, func(*Event) { fired[i]++ }))
	}
	if e.ReadableCount() != n {
		t.Fatalf("ReadableCount = %d", e.ReadableCount())
	}
	e.Iter(false)
	for i, c := range fired {
		if c != 0 {
			t.Fatalf("descriptor %d fired with nothing to read", fds[i])
		}
	}

	// Write to every 997th pair, and to the last one: the peers fire.
	want := map[int]bool{}
	for i := 1; i < n; i += 2 * 997 {
		write(t, fds[i], "x")
		want[i-1] = true
	}
	write(t, fds[n-2], "x")
	want[n-1] = true
	iterUntil(t, e, func() bool {
		for i := range want {
			if fired[i] == 0 {
				return false
			}
		}
		return true
	})
	for i, c := range fired {
		if c != 0 && !want[i] {
			t.Fatalf("descriptor %d fired with nothing to read", fds[i])
		}
	}
}
