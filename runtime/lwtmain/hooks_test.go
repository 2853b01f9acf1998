package lwtmain

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// As in Lwt_main: exit hooks run in order, each waited for, and their
// failures are ignored.
func TestExitHooks(t *testing.T) {
	var log []string
	hook := func(name string, p func() lwt.Promise[lwt.Unit]) func() lwt.Promise[lwt.Unit] {
		return func() lwt.Promise[lwt.Unit] {
			log = append(log, name)
			return p()
		}
	}
	ok := lwt.ReturnUnit
	ExitHooks.AddLast(hook("last", ok))
	AtExit(hook("fails", func() lwt.Promise[lwt.Unit] { return lwt.Fail[lwt.Unit](errBoom) }))
	AtExit(hook("panics", func() lwt.Promise[lwt.Unit] { panic("in a hook") }))
	AtExit(hook("sleeps", func() lwt.Promise[lwt.Unit] {
		return lwt.Map(after(10*time.Millisecond, 0), func(int) lwt.Unit {
			log = append(log, "slept")
			return lwt.Unit{}
		})
	}))
	removed := AtExit(hook("removed", ok))
	AtExit(hook("adds", func() lwt.Promise[lwt.Unit] {
		AtExit(hook("added", ok))
		return ok()
	}))
	removed.Remove()
	if err := RunExitHooks(); err != nil {
		t.Fatal(err)
	}
	want := []string{"adds", "added", "sleeps", "slept", "panics", "fails", "last"}
	if !slices.Equal(log, want) {
		t.Fatalf("exit hooks ran\n%q\nwant\n%q", log, want)
	}
	if ExitHooks.Len() != 0 {
		t.Fatalf("%d exit hooks left", ExitHooks.Len())
	}
	log = nil
	if err := RunExitHooks(); err != nil || len(log) != 0 {
		t.Fatalf("second RunExitHooks: %v, ran %q", err, log)
	}
}

func TestRunExitHooksInsideRun(t *testing.T) {
	ran := false
	h := AtExit(func() lwt.Promise[lwt.Unit] { ran = true; return lwt.ReturnUnit() })
	defer h.Remove()
	var err error
	Run(lwt.Map(Yield(), func(lwt.Unit) lwt.Unit { err = RunExitHooks(); return lwt.Unit{} }))
	if !errors.Is(err, ErrNested) || ran {
		t.Fatalf("RunExitHooks inside Run: %v, hook ran: %v", err, ran)
	}
}

// Exit, even from inside Run, runs the exit hooks and ends the program with
// its code. The program is this test binary, run again.
func TestExit(t *testing.T) {
	if os.Getenv("LWTMAIN_EXIT_CHILD") == "1" {
		AtExit(func() lwt.Promise[lwt.Unit] { fmt.Println("first added"); return lwt.ReturnUnit() })
		AtExit(func() lwt.Promise[lwt.Unit] {
			return lwt.Map(Yield(), func(lwt.Unit) lwt.Unit { fmt.Println("last added"); return lwt.Unit{} })
		})
		Run(lwt.Map(Yield(), func(lwt.Unit) lwt.Unit { Exit(3); return lwt.Unit{} }))
		fmt.Println("Exit returned")
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestExit$")
	cmd.Env = append(os.Environ(), "LWTMAIN_EXIT_CHILD=1")
	out, err := cmd.Output()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("child: %v, output %q", err, out)
	}
	if string(out) != "last added\nfirst added\n" {
		t.Fatalf("child printed %q", out)
	}
}
