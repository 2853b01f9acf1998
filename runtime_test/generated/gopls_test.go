package generated

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The generated file passes gopls check in the default build, the annotated
// one with -tags=lwtsource (the one setting the README gives editors).
// CI installs gopls; elsewhere the test is skipped without it.
func TestGoplsCheck(t *testing.T) {
	gopls, err := exec.LookPath("gopls")
	if err != nil {
		home, _ := os.UserHomeDir()
		gopls = filepath.Join(home, "go", "bin", "gopls")
		if _, err := os.Stat(gopls); err != nil {
			t.Skip("gopls is not installed (go install golang.org/x/tools/gopls@v0.23.0)")
		}
	}
	for _, c := range []struct{ file, flags string }{
		{"generated_lwt.go", ""},
		{"generated.go", "-tags=lwtsource"},
	} {
		cmd := exec.Command(gopls, "check", c.file)
		cmd.Env = append(os.Environ(), "GOFLAGS="+c.flags)
		out, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "" {
			t.Errorf("gopls check %s (GOFLAGS=%s): %v\n%s", c.file, c.flags, err, out)
		}
	}
}
