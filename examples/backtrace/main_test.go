package main

import (
	"os/exec"
	"testing"
)

// The example prints a backtrace through three annotated functions in a
// debug build, and the failure alone in a default one.
func TestBacktrace(t *testing.T) {
	for _, c := range []struct{ tags, want string }{
		{"", "lwt: 0 calls waiting\nbad config\nis errBadConfig: true\n"},
		{"lwtdebug", `lwt: 2 calls waiting
main.load
	main.go:41
main.start
	main.go:48
bad config

async backtrace:
main.parse
	main.go:32 (raised)
main.load
	main.go:41 (awaited)
main.start
	main.go:48 (awaited)

is errBadConfig: true
`},
	} {
		out, err := exec.Command("go", "run", "-tags="+c.tags, ".").CombinedOutput()
		if err != nil {
			t.Fatalf("tags %q: %v\n%s", c.tags, err, out)
		}
		if string(out) != c.want {
			t.Errorf("tags %q: got\n%s\nwant\n%s", c.tags, out, c.want)
		}
	}
}
