//go:build !lwtdebug

package debugtrace_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// In a default build a failing system call gives its error as it is: no
// backtrace, nothing recorded.
func TestSyscallFailureUntracedByDefault(t *testing.T) {
	_, err := lwtmain.Run(lwtunix.OpenFile(filepath.Join(t.TempDir(), "missing"), unix.O_RDONLY, 0))
	if _, ok := err.(*os.PathError); !ok {
		t.Fatalf("failure %T %v, want a bare *os.PathError", err, err)
	}
}

// TestSyscallBacktrace (syscall_test.go) runs in a debug build only, as
// does lwtlog's TestChannelFailureBacktrace: a failed write under a log call.
func TestSyscallBacktraceInDebugBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds tests with -tags lwtdebug")
	}
	out, err := exec.Command("go", "test", "-tags=lwtdebug", "-count=1",
		"-run=^(TestSyscallBacktrace|TestChannelFailureBacktrace|TestPanicSite)$", ".", "../runtime/lwtlog").CombinedOutput()
	if err != nil {
		t.Fatalf("go test -tags=lwtdebug: %v\n%s", err, out)
	}
}
