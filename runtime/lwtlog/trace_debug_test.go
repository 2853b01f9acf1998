//go:build lwtdebug

package lwtlog_test

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/debugtrace"
	"github.com/lwtgo/lwt/runtime/lwtio"
	"github.com/lwtgo/lwt/runtime/lwtlog"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// In a debug build, a log call that fails because its write failed has a
// backtrace that starts at the log call.
func TestChannelFailureBacktrace(t *testing.T) {
	r, w, err := lwtunix.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	l, _ := lwtlog.Channel(lwtio.NewOutput(w, lwtio.Options{}), &lwtlog.ChannelOptions{Close: true})
	defer l.Close()
	_, err = lwtmain.Run(lwtlog.To(l).Notice(lwtlog.Main, "into a broken pipe")) // the site
	if !errors.Is(err, unix.EPIPE) {
		t.Fatalf("failure %v, want EPIPE", err)
	}
	sites := debugtrace.Backtrace(err)
	want := debugtrace.Site{Func: "lwtlog_test.TestChannelFailureBacktrace", Pos: "trace_debug_test.go:28", What: "write failed"}
	if len(sites) != 1 || sites[0].String() != want.String() {
		t.Errorf("backtrace %v, want [%v]", sites, want)
	}
}
