package debugtrace_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// In a debug build, SIGQUIT prints the waiting calls before Go's goroutine
// dump.
func TestSigquitDumpsWaitingCalls(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(file))
	dir := t.TempDir()
	prog := `package main

import (
	"fmt"

	"github.com/lwtgo/lwt/debugtrace"
)

func main() {
	debugtrace.Wait(1, "main.serve", "server.go:12")
	fmt.Println("ready")
	select {}
}
`
	os.WriteFile(filepath.Join(dir, "main.go"), []byte(prog), 0o644)
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module m\n\ngo 1.26\n\nrequire github.com/lwtgo/lwt v0.0.0\n\nreplace github.com/lwtgo/lwt => "+root+"\n"), 0o644)
	sum, _ := os.ReadFile(filepath.Join(root, "go.sum"))
	os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644)
	for _, args := range [][]string{{"mod", "tidy"}, {"build", "-tags=lwtdebug", "-o", "prog", "."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatal(err, string(out))
		}
	}
	cmd := exec.Command(filepath.Join(dir, "prog"))
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "ready\n" {
		t.Fatalf("got %q", line)
	}
	time.Sleep(50 * time.Millisecond) // let the signal handler goroutine start
	cmd.Process.Signal(syscall.SIGQUIT)
	cmd.Wait()
	out := stderr.String()
	if !strings.HasPrefix(out, "lwt: 1 calls waiting\nmain.serve\n\tserver.go:12\n") {
		t.Fatalf("no dump of the waiting calls:\n%.500s", out)
	}
	if !strings.Contains(out, "goroutine ") {
		t.Fatalf("Go's own dump is missing:\n%.500s", out)
	}
}
