package lwtunix_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// A tour of the file-system calls on a temporary directory.
func TestFileSystemCalls(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	runLoop(t, lwtunix.Mkdir(sub, 0o750))
	fi := runLoop(t, lwtunix.Stat(sub))
	if !fi.IsDir() || fi.Name() != "sub" || fi.Mode().Perm()&0o700 != 0o700 {
		t.Fatalf("Stat(sub) = %v %v %v", fi.Name(), fi.IsDir(), fi.Mode())
	}
	if _, ok := fi.Sys().(*unix.Stat_t); !ok {
		t.Fatalf("Sys() is a %T", fi.Sys())
	}

	// A file: created, written, synced, truncated, renamed.
	file := filepath.Join(sub, "a.txt")
	fd := runLoop(t, lwtunix.OpenFile(file, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL, 0o640))
	if flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil || flags&unix.FD_CLOEXEC == 0 {
		t.Fatalf("descriptor flags %#x, %v: want close-on-exec", flags, err)
	}
	if _, err := unix.Write(fd, []byte("hello, world")); err != nil {
		t.Fatal(err)
	}
	runLoop(t, lwtunix.Fsync(fd))
	runLoop(t, lwtunix.Fdatasync(fd))
	if fi := runLoop(t, lwtunix.Fstat(fd)); fi.Size() != 12 || !fi.Mode().IsRegular() || fi.Name() != "" {
		t.Fatalf("Fstat: size %d, mode %v, name %q", fi.Size(), fi.Mode(), fi.Name())
	}
	runLoop(t, lwtunix.Ftruncate(fd, 5))
	runLoop(t, lwtunix.Close(fd))
	if err := runErr(t, lwtunix.Close(fd)); !errors.Is(err, unix.EBADF) {
		t.Fatalf("second Close: %v", err)
	}
	runLoop(t, lwtunix.Truncate(file, 4))
	if b, _ := os.ReadFile(file); string(b) != "hell" {
		t.Fatalf("file holds %q", b)
	}
	moved := filepath.Join(dir, "b.txt")
	runLoop(t, lwtunix.Rename(file, moved))
	runLoop(t, lwtunix.Chmod(moved, 0o600))
	if fi := runLoop(t, lwtunix.Lstat(moved)); fi.Mode() != 0o600 || fi.Size() != 4 {
		t.Fatalf("after Chmod: %v, size %d", fi.Mode(), fi.Size())
	}
	runLoop(t, lwtunix.Chown(moved, -1, -1))
	runLoop(t, lwtunix.Access(moved, unix.R_OK|unix.W_OK))

	// Links.
	link := filepath.Join(dir, "link")
	runLoop(t, lwtunix.Symlink("b.txt", link))
	if target := runLoop(t, lwtunix.Readlink(link)); target != "b.txt" {
		t.Fatalf("Readlink = %q", target)
	}
	if fi := runLoop(t, lwtunix.Lstat(link)); fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("Lstat(link) mode %v", fi.Mode())
	}
	if fi := runLoop(t, lwtunix.Stat(link)); !fi.Mode().IsRegular() {
		t.Fatalf("Stat(link) mode %v", fi.Mode())
	}
	long := strings.Repeat("x/", 300) + "end"
	runLoop(t, lwtunix.Symlink(long, filepath.Join(dir, "long")))
	if target := runLoop(t, lwtunix.Readlink(filepath.Join(dir, "long"))); target != long {
		t.Fatalf("Readlink of a long link: %d bytes, want %d", len(target), len(long))
	}
	runLoop(t, lwtunix.Link(moved, filepath.Join(dir, "hard")))

	names := runLoop(t, lwtunix.Readdir(dir))
	if want := []string{"b.txt", "hard", "link", "long", "sub"}; !slices.Equal(names, want) {
		t.Fatalf("Readdir = %q, want %q", names, want)
	}
	if names := runLoop(t, lwtunix.Readdir(sub)); names == nil || len(names) != 0 {
		t.Fatalf("Readdir of an empty directory = %#v", names)
	}

	for _, name := range []string{"b.txt", "hard", "link", "long"} {
		runLoop(t, lwtunix.Unlink(filepath.Join(dir, name)))
	}
	runLoop(t, lwtunix.Rmdir(sub))
	if names := runLoop(t, lwtunix.Readdir(dir)); len(names) != 0 {
		t.Fatalf("left %q", names)
	}
}

// Errors wrap the errno, with the call and the path in the message.
func TestFileSystemErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing")
	cases := []struct {
		name string
		err  error
		op   string
		want error
	}{
		{"Stat", runErr(t, lwtunix.Stat(missing)), "stat", unix.ENOENT},
		{"Lstat", runErr(t, lwtunix.Lstat(missing)), "lstat", unix.ENOENT},
		{"OpenFile", runErr(t, lwtunix.OpenFile(missing, unix.O_RDONLY, 0)), "open", unix.ENOENT},
		{"Mkdir", runErr(t, lwtunix.Mkdir(dir, 0o777)), "mkdir", unix.EEXIST},
		{"Rmdir", runErr(t, lwtunix.Rmdir(missing)), "rmdir", unix.ENOENT},
		{"Unlink", runErr(t, lwtunix.Unlink(missing)), "unlink", unix.ENOENT},
		{"Readdir", runErr(t, lwtunix.Readdir(missing)), "open", unix.ENOENT},
		{"Readlink", runErr(t, lwtunix.Readlink(dir)), "readlink", unix.EINVAL},
		{"Chmod", runErr(t, lwtunix.Chmod(missing, 0o600)), "chmod", unix.ENOENT},
		{"Truncate", runErr(t, lwtunix.Truncate(missing, 0)), "truncate", unix.ENOENT},
		{"Access", runErr(t, lwtunix.Access(missing, unix.F_OK)), "access", unix.ENOENT},
		{"Rename", runErr(t, lwtunix.Rename(missing, dir+"/x")), "rename", unix.ENOENT},
	}
	for _, c := range cases {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: %v does not match %v", c.name, c.err, c.want)
		}
		if msg := c.err.Error(); !strings.HasPrefix(msg, c.op+" ") || !strings.Contains(msg, dir) {
			t.Errorf("%s: message %q lacks the call %q or the path", c.name, msg, c.op)
		}
	}
	var pe *fs.PathError
	if err := cases[0].err; !errors.As(err, &pe) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat error %T %v is not a *fs.PathError matching fs.ErrNotExist", err, err)
	}
	var le *os.LinkError
	if !errors.As(cases[len(cases)-1].err, &le) {
		t.Errorf("Rename error is a %T", cases[len(cases)-1].err)
	}
	err := runErr(t, lwtunix.Fstat(-1))
	var se *os.SyscallError
	if !errors.As(err, &se) || se.Syscall != "fstat" || !errors.Is(err, unix.EBADF) {
		t.Errorf("Fstat(-1): %v", err)
	}
}

// Canceling OpenFile while the file is being opened closes the descriptor
// it got.
func TestOpenFileCanceled(t *testing.T) {
	// A FIFO blocks open(O_RDONLY) until a writer opens it.
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// Warm up: the engine and the notification eventfd live for the
	// process, and must not count as leaks.
	runLoop(t, lwtunix.Stat(fifo))
	before := openFDs(t)
	p := lwtunix.OpenFile(fifo, unix.O_RDONLY, 0)
	runLoop(t, lwtunix.Sleep(10e6)) // let the job start and block
	lwt.Cancel(p)
	if _, err := p.Result(); !errors.Is(err, lwt.ErrCanceled) {
		t.Fatalf("canceled OpenFile: %v", err)
	}
	// Unblock the open if it started; if the cancel dropped it before it
	// ran, there is no reader and the non-blocking open says so (ENXIO)
	// instead of hanging.
	if w, err := unix.Open(fifo, unix.O_WRONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0); err == nil {
		unix.Close(w)
	} else if !errors.Is(err, unix.ENXIO) {
		t.Fatal(err)
	}
	for lwtunix.JobCount() > 0 {
		runLoop(t, lwtunix.Sleep(1e6))
	}
	if n := openFDs(t); n != before {
		t.Fatalf("%d descriptors open, %d before: the canceled open leaked one", n, before)
	}
}
