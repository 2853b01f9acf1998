//go:build linux

package engine

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Building lwt for another system fails with one error that says why, in
// the engine, rather than with the undefined epoll calls of x/sys/unix; a
// package that uses the engine gives the same single error.
func TestOtherSystemsFailWithOneMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles the package")
	}
	for _, goos := range []string{"darwin", "freebsd", "windows"} {
		cmd := exec.Command("go", "build", "-o", os.DevNull, ".", "../lwtunix")
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Errorf("GOOS=%s: the build succeeded", goos)
			continue
		}
		var errs []string
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if !strings.HasPrefix(line, "#") {
				errs = append(errs, line)
			}
		}
		if len(errs) != 1 || !strings.HasSuffix(errs[0], "undefined: lwt_for_Go_supports_only_Linux_for_now") {
			t.Errorf("GOOS=%s: the build says\n%s\nwant the one error naming lwt_for_Go_supports_only_Linux_for_now", goos, out)
		}
	}
}
