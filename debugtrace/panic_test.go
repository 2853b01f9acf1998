//go:build lwtsource

package debugtrace_test

import (
	"strings"
	"testing"

	"github.com/lwtgo/lwt/debugtrace"
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

// Annotated functions that panic after an await: in a debug build the
// backtrace names the line that panicked. Line numbers matter below.

//lwt:async
func explode(xs []int, n int) lwt.Promise[int] {
	lwt.Await(lwt.Pause())
	v := xs[n] // line 20
	return lwt.Return(v)
}

//lwt:async
func explodeWithDefer(xs []int, n int) lwt.Promise[int] {
	defer func() {}()
	lwt.Await(lwt.Pause())
	return lwt.Return(xs[n]) // line 28
}

func TestPanicSite(t *testing.T) {
	if !debugtrace.Enabled {
		t.Skip("debug builds only (TestSyscallBacktraceInDebugBuild runs it)")
	}
	for _, c := range []struct {
		p    lwt.Promise[int]
		site string
	}{
		{explode(nil, 3), "debugtrace_test.explode panic_test.go:20 (panicked)"},
		{explodeWithDefer(nil, 3), "debugtrace_test.explodeWithDefer panic_test.go:28 (panicked)"},
	} {
		_, err := lwtmain.Run(c.p)
		sites := debugtrace.Backtrace(err)
		if len(sites) == 0 || sites[0].String() != c.site {
			var got []string
			for _, s := range sites {
				got = append(got, s.String())
			}
			t.Errorf("backtrace %q, want it to start with %q", strings.Join(got, " | "), c.site)
		}
	}
}
