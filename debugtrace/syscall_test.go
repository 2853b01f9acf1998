//go:build lwtsource

package debugtrace_test

//go:generate go tool lwtgen

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/debugtrace"
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtio"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// Annotated functions whose system calls fail: in a debug build the
// backtrace starts at the call that failed. Line numbers matter below.

//lwt:async
func readHeader(fd *lwtunix.FD) lwt.Promise[string] {
	buf := make([]byte, 16)
	n := lwt.Await(fd.Read(buf))
	return lwt.Return(string(buf[:n]))
}

//lwt:async
func loadConfig(path string) lwt.Promise[string] {
	raw := lwt.Await(lwtunix.OpenFile(path, unix.O_RDONLY, 0))
	fd := lwtunix.OfFDWithMode(raw, true)
	header := lwt.Await(readHeader(fd))
	fd.Close()
	return lwt.Return(header)
}

//lwt:async
func start(path string) lwt.Promise[int] {
	header := lwt.Await(loadConfig(path))
	return lwt.Return(len(header))
}

// waitAndRead reads a pipe that has nothing yet: the read waits, then fails
// when the descriptor is closed under it.
//
//lwt:async
func waitAndRead(fd *lwtunix.FD) lwt.Promise[int] {
	p := fd.Read(make([]byte, 1))
	lwt.Await(lwt.Pause())
	fd.Close()
	return lwt.Return(lwt.Await(p))
}

// report writes through a buffered channel whose pipe has no reader: the
// write(2) under Flush fails, with the flush as its site.
//
//lwt:async
func report(oc *lwtio.OutputChannel) lwt.Promise[lwt.Unit] {
	lwt.Await(oc.WriteLine("status: ok"))
	return oc.Flush()
}

func backtrace(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		t.Fatal("no failure")
	}
	var e *debugtrace.Error
	if !errors.As(err, &e) {
		// Not awaited in annotated code: the error is the system call's,
		// and Backtrace finds its site.
		e = &debugtrace.Error{Err: err, Sites: debugtrace.Backtrace(err)}
		if len(e.Sites) == 0 {
			t.Fatalf("%v: no backtrace", err)
		}
	}
	return fmt.Sprintf("%+v", e)
}

func TestSyscallBacktrace(t *testing.T) {
	if !debugtrace.Enabled {
		t.Skip("a debug build's test: TestSyscallBacktraceInDebugBuild runs it")
	}
	dir := t.TempDir()

	// A job (open) fails: the backtrace starts in loadConfig.
	_, err := lwtmain.Run(start(filepath.Join(dir, "missing.conf")))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("failure %v, want ErrNotExist", err)
	}
	want := "open " + filepath.Join(dir, "missing.conf") + `: no such file or directory

async backtrace:
debugtrace_test.loadConfig
	syscall_test.go:36 (open failed)
debugtrace_test.start
	syscall_test.go:45 (awaited)
`
	if got := backtrace(t, err); got != want {
		t.Errorf("open: got\n%s\nwant\n%s", got, want)
	}

	// A read fails (a directory, read in blocking mode, off the loop): two
	// annotated functions deep.
	_, err = lwtmain.Run(start(dir))
	if !errors.Is(err, unix.EISDIR) {
		t.Fatalf("failure %v, want EISDIR", err)
	}
	want = `read: is a directory

async backtrace:
debugtrace_test.readHeader
	syscall_test.go:30 (read failed)
debugtrace_test.loadConfig
	syscall_test.go:38 (awaited)
debugtrace_test.start
	syscall_test.go:45 (awaited)
`
	if got := backtrace(t, err); got != want {
		t.Errorf("read: got\n%s\nwant\n%s", got, want)
	}

	// A read that waited fails: the site is where it was started, not
	// where it was awaited.
	r, w, err := lwtunix.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	_, err = lwtmain.Run(waitAndRead(r))
	if !errors.Is(err, lwtunix.ErrClosed) {
		t.Fatalf("failure %v, want ErrClosed", err)
	}
	want = `read: use of closed file descriptor

async backtrace:
debugtrace_test.waitAndRead
	syscall_test.go:54 (read failed)
debugtrace_test.waitAndRead
	syscall_test.go:57 (awaited)
`
	if got := backtrace(t, err); got != want {
		t.Errorf("waited read: got\n%s\nwant\n%s", got, want)
	}

	// Through lwtio: the write fails under Flush, which report returns
	// rather than awaits.
	r, w, err = lwtunix.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	oc := lwtio.NewOutput(w, lwtio.Options{})
	defer oc.Close()
	_, err = lwtmain.Run(report(oc))
	if !errors.Is(err, unix.EPIPE) {
		t.Fatalf("failure %v, want EPIPE", err)
	}
	want = `write: broken pipe

async backtrace:
debugtrace_test.report
	syscall_test.go:66 (write failed)
`
	if got := backtrace(t, err); got != want {
		t.Errorf("flush: got\n%s\nwant\n%s", got, want)
	}

	// A system call made by plain Go code, not annotated: the site names
	// the Go function.
	_, err = lwtmain.Run(plainOpen(filepath.Join(dir, "nope")))
	if _, ok := err.(*os.PathError); !ok {
		t.Errorf("the error of a call no await noted is %T, want the bare *os.PathError", err)
	}
	if sites := debugtrace.Backtrace(err); len(sites) != 1 || sites[0].Func != "debugtrace_test.plainOpen" || sites[0].What != "open failed" {
		t.Errorf("plain Go caller: sites %v", sites)
	}
}

func plainOpen(path string) lwt.Promise[int] {
	return lwtunix.OpenFile(path, unix.O_RDONLY, 0)
}
