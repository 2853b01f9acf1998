package lwtlog

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
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

	l, err := File(path, &FileOptions{Clock: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	if err := mustResult(t, To(l).Notice(s, "one")); err != nil {
		t.Fatal(err)
	}
	if err := mustResult(t, l.Close()); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o640 {
		t.Errorf("mode = %o, want 640", perm)
	}
	if err := mustResult(t, To(l).Notice(s, "closed")); !errors.Is(err, ErrLoggerClosed) {
		t.Errorf("logging after Close: %v", err)
	}

	// A second logger appends.
	l, err = File(path, &FileOptions{Template: "$(level): $(message)"})
	if err != nil {
		t.Fatal(err)
	}
	To(l).Warning(s, "two")
	l.Close()
	checkFile(t, path, "Jan  2 15:04:05: file: one\nwarning: two\n")

	// Truncate empties it.
	l, err = File(path, &FileOptions{Template: "$(message)", Truncate: true})
	if err != nil {
		t.Fatal(err)
	}
	To(l).Warning(s, "three")
	l.Close()
	checkFile(t, path, "three\n")

	other := filepath.Join(t.TempDir(), "private.log")
	l, err = File(other, &FileOptions{Perm: 0o600})
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if fi, err := os.Stat(other); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("Perm 0600: %v, %v", fi.Mode(), err)
	}
}

func TestFileErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := File(filepath.Join(dir, "no", "such", "dir.log"), nil); err == nil {
		t.Error("File in a missing directory succeeded")
	}
	path := filepath.Join(dir, "bad-template.log")
	if _, err := File(path, &FileOptions{Template: "$"}); err == nil {
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
