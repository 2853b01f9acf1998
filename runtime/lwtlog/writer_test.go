package lwtlog

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/lwtgo/lwt/runtime/lwt"
)

func TestWriter(t *testing.T) {
	var buf bytes.Buffer
	l, err := Writer(&buf, &WriterOptions{Template: "$(date) [$(level)] $(section): $(message) ($(loc-file):$(loc-line))", Clock: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	s := NewSection("writer")
	At("w.go", 3, 1).To(l).Warning(s, "first\nsecond")
	To(l).Errorf(s, "n=%d", 42)
	want := "Jan  2 15:04:05 [warning] writer: first (w.go:3)\n" +
		"Jan  2 15:04:05 [warning] writer: second (w.go:3)\n" +
		"Jan  2 15:04:05 [error] writer: n=42 (<unknown>:-1)\n"
	if buf.String() != want {
		t.Errorf("wrote:\n%s\nwant:\n%s", buf.String(), want)
	}
	if err := mustResult(t, l.Close()); err != nil {
		t.Error(err)
	}
}

func TestWriterDefaults(t *testing.T) {
	var buf bytes.Buffer
	l, err := Writer(&buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	To(l).Notice(NewSection("writer.defaults"), "hi")
	if want := filepath.Base(os.Args[0]) + ": writer.defaults: hi\n"; buf.String() != want {
		t.Errorf("wrote %q, want %q", buf.String(), want)
	}
	if _, err := Writer(&buf, &WriterOptions{Template: "$(oops)"}); err == nil {
		t.Error("Writer accepted an invalid template")
	}
}

// Each message is one Write, so that its lines stay together.
func TestWriterWritesMessageAtOnce(t *testing.T) {
	var w countingWriter
	l, _ := Writer(&w, nil)
	To(l).Notice(NewSection("writer.once"), "a\nb\nc")
	if w.writes != 1 {
		t.Errorf("%d writes for one message", w.writes)
	}
}

type countingWriter struct{ writes int }

func (w *countingWriter) Write(p []byte) (int, error) { w.writes++; return len(p), nil }

type failingWriter struct{}

var errWrite = errors.New("write failed")

func (failingWriter) Write(p []byte) (int, error) { return 0, errWrite }

func TestWriterFailure(t *testing.T) {
	l, _ := Writer(failingWriter{}, nil)
	if err := mustResult(t, To(l).Notice(NewSection("writer.fail"), "x")); err != errWrite {
		t.Errorf("failure = %v, want %v", err, errWrite)
	}
}

func TestFile(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "app.log")
	s := NewSection("file")

	l := mustRun(t, File(path, &FileOptions{Clock: fixedClock}))
	p := To(l).Notice(s, "one")
	if !p.IsSleeping() {
		t.Error("the write of a message to a file did not wait for its job")
	}
	if err := run(t, p); err != nil {
		t.Fatal(err)
	}
	checkFile(t, path, "Jan  2 15:04:05: file: one\n") // written when the promise resolves
	if err := run(t, l.Close()); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o640 {
		t.Errorf("mode = %o, want 640", perm)
	}
	if err := run(t, To(l).Notice(s, "closed")); !errors.Is(err, ErrLoggerClosed) {
		t.Errorf("logging after Close: %v", err)
	}

	// A second logger appends.
	l = mustRun(t, File(path, &FileOptions{Template: "$(level): $(message)"}))
	To(l).Warning(s, "two")
	run(t, l.Close()) // flushes what is pending
	checkFile(t, path, "Jan  2 15:04:05: file: one\nwarning: two\n")

	// Truncate empties it.
	l = mustRun(t, File(path, &FileOptions{Template: "$(message)", Truncate: true}))
	if err := run(t, To(l).Warning(s, "three\nfour")); err != nil {
		t.Fatal(err)
	}
	run(t, l.Close())
	checkFile(t, path, "three\nfour\n")

	other := filepath.Join(t.TempDir(), "private.log")
	l = mustRun(t, File(other, &FileOptions{Perm: 0o600}))
	run(t, l.Close())
	if fi, err := os.Stat(other); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("Perm 0600: %v, %v", fi.Mode(), err)
	}
}

// Messages logged at once are written in order, each whole, and each log
// call resolves once its message is in the file.
func TestFileConcurrentMessages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "many.log")
	l := mustRun(t, File(path, &FileOptions{Template: "$(message)"}))
	defer func() { run(t, l.Close()) }()
	s := NewSection("file.many")
	var want strings.Builder
	ps := make([]lwt.Promise[lwt.Unit], 50)
	for i := range ps {
		msg := fmt.Sprintf("message %d\n%s", i, strings.Repeat("x", 1+200*i))
		ps[i] = To(l).Notice(s, msg)
		want.WriteString(msg + "\n")
	}
	if err := run(t, lwt.Join(ps...)); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want.String() {
		i := 0
		for i < len(got) && i < want.Len() && got[i] == want.String()[i] {
			i++
		}
		t.Errorf("%d bytes written, want %d; they differ from byte %d: %.40q", len(got), want.Len(), i, got[i:])
	}
}

func TestFileErrors(t *testing.T) {
	dir := t.TempDir()
	if err := run(t, File(filepath.Join(dir, "no", "such", "dir.log"), nil)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("File in a missing directory: %v", err)
	}
	path := filepath.Join(dir, "bad-template.log")
	if err := run(t, File(path, &FileOptions{Template: "$"})); err == nil {
		t.Error("File accepted an invalid template")
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Error("File with an invalid template created the file")
	}
}

func checkFile(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s holds:\n%s\nwant:\n%s", path, got, want)
	}
}
