package lwtlog

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// listenSyslog stands for a syslog daemon: a datagram socket at path.
func listenSyslog(t *testing.T, path string) *net.UnixConn {
	t.Helper()
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// receive returns the next datagram c receives.
func receive(t *testing.T, c *net.UnixConn) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	return string(buf[:n])
}

func TestSyslogDatagram(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "log")
	daemon := listenSyslog(t, path)
	l, err := Syslog(&SyslogOptions{
		Facility: FacilityLocal3,
		Tag:      "myapp",
		Template: "$(section) $(loc-file):$(loc-line): $(message)",
		Paths:    []string{filepath.Join(dir, "missing"), path},
		Clock:    fixedClock,
	})
	if err != nil {
		t.Fatal(err)
	}
	s := NewSection("syslog")
	if err := run(t, At("main.go", 9, 2).To(l).Warning(s, "disk\nfull")); err != nil {
		t.Fatal(err)
	}
	head := "<156>Jan  2 15:04:05 myapp[" + strconv.Itoa(os.Getpid()) + "]: " // local3 (19) * 8 + warning (4)
	for _, want := range []string{head + "syslog main.go:9: disk", head + "syslog main.go:9: full"} {
		if got := receive(t, daemon); got != want {
			t.Errorf("received %q\nwant     %q", got, want)
		}
	}
	if err := run(t, l.Close()); err != nil {
		t.Error(err)
	}
}

func TestSyslogDefaultsAndSeverities(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	daemon := listenSyslog(t, path)
	l, err := Syslog(&SyslogOptions{Paths: []string{path}, Clock: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s := NewSection("syslog.levels")
	s.SetLevel(LevelDebug)
	head := "Jan  2 15:04:05 " + filepath.Base(os.Args[0]) + "[" + strconv.Itoa(os.Getpid()) + "]: syslog.levels: "
	// user (1) * 8 + debug 7, info 6, notice 5, warning 4, err 3, crit 2.
	for level, pri := range []string{"<15>", "<14>", "<13>", "<12>", "<11>", "<10>"} {
		if err := run(t, To(l).Log(s, Level(level), "m")); err != nil {
			t.Fatal(err)
		}
		if got, want := receive(t, daemon), pri+head+"m"; got != want {
			t.Errorf("level %v: received %q, want %q", Level(level), got, want)
		}
	}
}

func TestSyslogStream(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	received := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			received <- err.Error()
			return
		}
		defer c.Close()
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		var got []byte
		buf := make([]byte, 4096)
		for bytes.Count(got, []byte{0}) < 2 {
			n, err := c.Read(buf)
			got = append(got, buf[:n]...)
			if err != nil {
				break
			}
		}
		received <- string(got)
	}()
	l, err := Syslog(&SyslogOptions{Paths: []string{path}, Tag: "t", Template: "$(message)", Clock: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := run(t, To(l).Notice(NewSection("syslog.stream"), "a\nb")); err != nil {
		t.Fatal(err)
	}
	head := "<13>Jan  2 15:04:05 t[" + strconv.Itoa(os.Getpid()) + "]: "
	if got, want := <-received, head+"a\x00"+head+"b\x00"; got != want {
		t.Errorf("received %q\nwant     %q", got, want)
	}
}

func TestSyslogTruncates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	daemon := listenSyslog(t, path)
	l, _ := Syslog(&SyslogOptions{Paths: []string{path}, Template: "$(message)"})
	defer l.Close()
	s := NewSection("syslog.long")
	for _, msg := range []string{strings.Repeat("x", 2000), strings.Repeat("é", 1000)} {
		run(t, To(l).Notice(s, msg))
		got := receive(t, daemon)
		if len(got) > syslogMax || !strings.HasSuffix(got, "<truncated>") || !utf8.ValidString(got) || len(got) < syslogMax-1 {
			t.Errorf("truncated to %d bytes, valid UTF-8 %v: ...%q", len(got), utf8.ValidString(got), got[len(got)-20:])
		}
	}
	run(t, To(l).Notice(s, "short"))
	if got := receive(t, daemon); !strings.HasSuffix(got, "]: short") {
		t.Errorf("short message: %q", got)
	}
}

func TestSyslogReconnects(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	daemon := listenSyslog(t, path)
	l, _ := Syslog(&SyslogOptions{Paths: []string{path}, Template: "$(message)"})
	defer l.Close()
	s := NewSection("syslog.restart")
	run(t, To(l).Notice(s, "before"))
	if got := receive(t, daemon); !strings.HasSuffix(got, "before") {
		t.Fatalf("received %q", got)
	}
	// The daemon restarts: a new socket at the same path.
	daemon.Close()
	os.Remove(path)
	daemon = listenSyslog(t, path)
	if err := run(t, To(l).Notice(s, "after")); err != nil {
		t.Fatal(err)
	}
	if got := receive(t, daemon); !strings.HasSuffix(got, "after") {
		t.Errorf("received %q", got)
	}
}

func TestSyslogNoSocket(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o600)
	l, _ := Syslog(&SyslogOptions{Paths: []string{filepath.Join(dir, "missing"), file}})
	err := run(t, To(l).Error(NewSection("syslog.none"), "lost"))
	if err == nil || !strings.Contains(err.Error(), "no syslog socket among") || !strings.Contains(err.Error(), file+" is not a socket") {
		t.Errorf("error = %v", err)
	}
	if _, err := Syslog(&SyslogOptions{Template: "$(nope)"}); err == nil {
		t.Error("Syslog accepted an invalid template")
	}
}

// TestSyslogRsyslog sends messages to a real rsyslogd, started on a socket
// in a temporary directory and writing to a file there.
func TestSyslogRsyslog(t *testing.T) {
	rsyslogd, err := exec.LookPath("rsyslogd")
	if err != nil {
		if rsyslogd, err = exec.LookPath("/usr/sbin/rsyslogd"); err != nil {
			t.Skip("rsyslogd is not installed (Debian package rsyslog): skipping the test against a real syslog daemon")
		}
	}
	dir := t.TempDir()
	sock, out, conf := filepath.Join(dir, "log"), filepath.Join(dir, "messages"), filepath.Join(dir, "rsyslog.conf")
	// UseSpecialParser="off" and IgnoreTimestamp="off" make rsyslog read the
	// messages with its RFC 3164 parser and keep their timestamp, which the
	// output shows: the test sees that each part parsed.
	config := `global(workDirectory="` + dir + `")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="` + sock + `" IgnoreTimestamp="off" UseSpecialParser="off")
template(name="test" type="string" string="%syslogfacility-text%.%syslogseverity-text% %timereported:::date-rfc3164% %syslogtag%%msg%\n")
*.* action(type="omfile" file="` + out + `" template="test")
`
	if err := os.WriteFile(conf, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	var output bytes.Buffer
	cmd := exec.Command(rsyslogd, "-n", "-f", conf, "-i", filepath.Join(dir, "rsyslogd.pid"))
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		if t.Failed() {
			t.Logf("rsyslogd output:\n%s", output.String())
		}
	}()
	waitFor(t, "rsyslogd's socket", func() bool { _, err := os.Stat(sock); return err == nil })

	l, err := Syslog(&SyslogOptions{Paths: []string{sock}, Facility: FacilityLocal3, Tag: "lwttest", Clock: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s := NewSection("rsyslog")
	if err := run(t, To(l).Warning(s, "hello from lwtlog")); err != nil {
		t.Fatal(err)
	}
	if err := run(t, To(l).Fatal(s, "two\nlines")); err != nil {
		t.Fatal(err)
	}
	tag := "lwttest[" + strconv.Itoa(os.Getpid()) + "]:"
	want := "local3.warning Jan  2 15:04:05 " + tag + " rsyslog: hello from lwtlog\n" +
		"local3.crit Jan  2 15:04:05 " + tag + " rsyslog: two\n" +
		"local3.crit Jan  2 15:04:05 " + tag + " rsyslog: lines\n"
	var got []byte
	waitFor(t, "the messages in rsyslog's output", func() bool {
		got, _ = os.ReadFile(out)
		return len(got) >= len(want)
	})
	if string(got) != want {
		t.Errorf("rsyslog wrote:\n%s\nwant:\n%s", got, want)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// A daemon that does not keep up makes log calls wait, not the loop; they
// complete in order once it reads.
func TestSyslogDoesNotBlockTheLoop(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	daemon := listenSyslog(t, path)
	l, _ := Syslog(&SyslogOptions{Paths: []string{path}, Template: "$(message)"})
	defer l.Close()
	s := NewSection("syslog.slow")
	const n = 3000 // more datagrams than a socket queues
	var ps []lwt.Promise[lwt.Unit]
	for i := range n {
		ps = append(ps, To(l).Notice(s, strconv.Itoa(i)))
	}
	all := lwt.Join(ps...)
	if err := run(t, lwtunix.Sleep(10*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if !all.IsSleeping() {
		t.Fatal("all messages sent with nobody reading")
	}
	errs := make(chan error, 1)
	go func() {
		buf := make([]byte, 4096)
		daemon.SetReadDeadline(time.Now().Add(10 * time.Second))
		for i := range n {
			k, err := daemon.Read(buf)
			if err != nil {
				errs <- err
				return
			}
			if got := string(buf[:k]); !strings.HasSuffix(got, "]: "+strconv.Itoa(i)) {
				errs <- fmt.Errorf("message %d: received %q", i, got)
				return
			}
		}
		errs <- nil
	}()
	if err := run(t, all); err != nil {
		t.Fatal(err)
	}
	if err := <-errs; err != nil {
		t.Error(err)
	}
}

// If the daemon is gone for good, the reconnection fails too, and so does
// the log call; the next one tries again.
func TestSyslogReconnectFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	daemon := listenSyslog(t, path)
	l, _ := Syslog(&SyslogOptions{Paths: []string{path}, Template: "$(message)"})
	defer l.Close()
	s := NewSection("syslog.gone")
	if err := run(t, To(l).Notice(s, "before")); err != nil {
		t.Fatal(err)
	}
	receive(t, daemon)
	daemon.Close()
	os.Remove(path)
	if err := run(t, To(l).Notice(s, "lost")); err == nil || !strings.Contains(err.Error(), "no syslog socket among "+path) {
		t.Errorf("error = %v", err)
	}
	daemon = listenSyslog(t, path)
	if err := run(t, To(l).Notice(s, "back")); err != nil {
		t.Fatal(err)
	}
	if got := receive(t, daemon); !strings.HasSuffix(got, "]: back") {
		t.Errorf("received %q", got)
	}
}

// Closing the logger closes its socket: the daemon of a stream socket sees
// the end of the connection.
func TestSyslogCloseClosesTheSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	l, _ := Syslog(&SyslogOptions{Paths: []string{path}, Template: "$(message)"})
	if err := run(t, To(l).Notice(NewSection("syslog.close"), "hi")); err != nil {
		t.Fatal(err)
	}
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := run(t, l.Close()); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	data, err := io.ReadAll(c)
	if err != nil || !strings.HasSuffix(string(data), "]: hi\x00") {
		t.Errorf("read %q, %v; want the message then the end", data, err)
	}
}
