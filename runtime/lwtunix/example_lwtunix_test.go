package lwtunix_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmain"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// Two threads sleep at once on one goroutine; the shorter sleep ends first.
func Example() {
	say := func(d time.Duration, msg string) lwt.Promise[lwt.Unit] {
		return lwt.Map(lwtunix.Sleep(d), func(lwt.Unit) lwt.Unit { fmt.Println(msg); return lwt.Unit{} })
	}
	start := time.Now()
	lwtmain.Run(lwt.Join(say(20*time.Millisecond, "world"), say(10*time.Millisecond, "hello")))
	fmt.Println(time.Since(start) < 200*time.Millisecond)
	// Output:
	// hello
	// world
	// true
}

func ExampleWithTimeout() {
	slow := func() lwt.Promise[string] {
		return lwt.Map(lwtunix.Sleep(time.Hour), func(lwt.Unit) string { return "too late" })
	}
	_, err := lwtmain.Run(lwtunix.WithTimeout(10*time.Millisecond, slow))
	fmt.Println(err)
	// Output: lwtunix: timeout
}

// unameJob is a job as the manual's "Writing stubs using Lwt" describes
// them: the call's arguments and outcome, a Work that makes the blocking
// call off the loop, and a Result that reads the outcome on the loop.
type unameJob struct {
	uts unix.Utsname
	err error
}

func (j *unameJob) Work() { j.err = unix.Uname(&j.uts) }

func (j *unameJob) Result() (string, error) {
	if j.err != nil {
		return "", os.NewSyscallError("uname", j.err)
	}
	return unix.ByteSliceToString(j.uts.Sysname[:]), nil
}

func ExampleRunJob() {
	fmt.Println(lwtmain.Run(lwtunix.RunJob[string](&unameJob{})))
	// Output: Linux <nil>
}

// Another goroutine reaches the loop with a notification.
func ExampleMakeNotification() {
	done, r := lwt.Wait[string]()
	id := lwtunix.MakeNotification(func() { lwt.Wakeup(r, "notified") }, true)
	go func() {
		time.Sleep(time.Millisecond) // some work off the loop
		lwtunix.SendNotification(id)
	}()
	fmt.Println(lwtmain.Run(done))
	// Output: notified <nil>
}

func ExampleMkdir() {
	dir, _ := os.MkdirTemp("", "lwtunix")
	defer os.RemoveAll(dir)
	p := lwt.Bind(lwtunix.Mkdir(filepath.Join(dir, "b"), 0o755), func(lwt.Unit) lwt.Promise[lwt.Unit] {
		return lwtunix.Mkdir(filepath.Join(dir, "a"), 0o755)
	})
	names := lwt.Bind(p, func(lwt.Unit) lwt.Promise[[]string] { return lwtunix.Readdir(dir) })
	fmt.Println(lwtmain.Run(names))
	_, err := lwtmain.Run(lwtunix.Mkdir(filepath.Join(dir, "a"), 0o755))
	fmt.Println(err == nil, os.IsExist(err))
	// Output:
	// [a b] <nil>
	// false true
}

func ExampleWaitpid() {
	cmd := exec.Command("/bin/sh", "-c", "exit 3")
	if err := cmd.Start(); err != nil {
		fmt.Println(err)
		return
	}
	defer cmd.Process.Release() // not cmd.Wait: Waitpid reaps the child
	st, err := lwtmain.Run(lwtunix.Waitpid(cmd.Process.Pid))
	fmt.Println(st.Status.Exited(), st.Status.ExitStatus(), err)
	// Output: true 3 <nil>
}

func ExampleOnSignal() {
	got, r := lwt.Wait[unix.Signal]()
	var h *lwtunix.SignalHandler
	h = lwtunix.OnSignal(unix.SIGUSR1, func(sig unix.Signal) {
		lwtunix.DisableSignalHandler(h)
		lwt.Wakeup(r, sig)
	})
	unix.Kill(unix.Getpid(), unix.SIGUSR1)
	fmt.Println(lwtmain.Run(got))
	// Output: user defined signal 1 <nil>
}

func ExampleWithContext() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := lwtmain.Run(lwtunix.WithContext(ctx, lwtunix.Sleep(time.Hour)))
	fmt.Println(err)
	// Output: context deadline exceeded
}
