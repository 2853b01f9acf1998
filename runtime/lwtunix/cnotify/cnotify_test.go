//go:build cgo

package cnotify_test

import (
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtunix"
	"github.com/lwtgo/lwt/runtime/lwtunix/cnotify/internal/cnotifytest"
)

// C threads that the Go runtime does not know send notifications with
// lwt_unix_send_notification; each arrives on the loop: every send of a
// repeating notification, and a once notification exactly once.
func TestSendFromCThreads(t *testing.T) {
	const threads, sends = 8, 1000
	done, r := lwt.Wait[lwt.Unit]()
	counts := make([]int, threads)
	onceCalls := 0
	var ids []int
	total := 0
	for i := range threads {
		ids = append(ids, lwtunix.MakeNotification(func() {
			counts[i]++
			if total++; total == threads*sends {
				lwt.Wakeup(r, lwt.Unit{})
			}
		}, false))
	}
	once := lwtunix.MakeNotification(func() { onceCalls++ }, true)
	errc := make(chan error, 1)
	go func() { errc <- cnotifytest.SendFromCThreads(append(ids, once, once, once), sends) }()
	if _, err := lwtmain.Run(done); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	for i, n := range counts {
		if n != sends {
			t.Errorf("notification %d delivered %d times, want %d", i, n, sends)
		}
	}
	// The once notification may still be on its way: one more round.
	lwtmain.Run(lwt.Bind(lwtunix.Sleep(0), func(lwt.Unit) lwt.Promise[lwt.Unit] { return lwt.ReturnUnit() }))
	if onceCalls != 1 {
		t.Errorf("once notification delivered %d times, want 1", onceCalls)
	}
	for _, id := range ids {
		lwtunix.StopNotification(id)
	}
	if n := lwtunix.NotificationCount(); n != 0 {
		t.Errorf("%d notifications live", n)
	}
}
