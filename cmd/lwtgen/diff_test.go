package main

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// unifiedDiff's output, applied to the old text by patch, gives the new
// one, for random edits of a text.
func TestUnifiedDiffApplies(t *testing.T) {
	patchCmd, err := exec.LookPath("patch")
	if err != nil {
		t.Skip("no patch command")
	}
	r := rand.New(rand.NewPCG(1, 2))
	dir := t.TempDir()
	for round := range 200 {
		var a []string
		for range r.IntN(40) {
			a = append(a, string(rune('a'+r.IntN(6))))
		}
		b := append([]string(nil), a...)
		for range r.IntN(6) {
			switch i := r.IntN(len(b) + 1); r.IntN(3) {
			case 0:
				b = append(b[:i], append([]string{string(rune('A' + r.IntN(3)))}, b[i:]...)...)
			case 1:
				if i < len(b) {
					b = append(b[:i], b[i+1:]...)
				}
			case 2:
				if i < len(b) {
					b[i] = "x"
				}
			}
		}
		old, new := strings.Join(a, "\n"), strings.Join(b, "\n")
		if len(a) > 0 {
			old += "\n"
		}
		if len(b) > 0 {
			new += "\n"
		}
		pa, pb := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		os.WriteFile(pa, []byte(old), 0o644)
		os.WriteFile(pb, []byte(new), 0o644)
		got := unifiedDiff("f", []byte(old), []byte(new))
		if old == new {
			if strings.Contains(string(got), "@@") {
				t.Fatalf("round %d: a diff of equal texts:\n%s", round, got)
			}
			continue
		}
		os.WriteFile(filepath.Join(dir, "p.diff"), got, 0o644)
		cmd := exec.Command(patchCmd, "-s", "-o", filepath.Join(dir, "out"), pa, filepath.Join(dir, "p.diff"))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("round %d: patch: %v\n%s\ndiff:\n%s", round, err, out, got)
		}
		if patched, _ := os.ReadFile(filepath.Join(dir, "out")); string(patched) != new {
			t.Fatalf("round %d: patched:\n%s\nwant:\n%s\ndiff:\n%s", round, patched, new, got)
		}
	}
}

// The edit script spells both texts and is as short as the longest
// common subsequence allows.
func TestLineEditsShortest(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := range 500 {
		var a, b []string
		for range r.IntN(30) {
			a = append(a, string(rune('a'+r.IntN(4))))
		}
		for range r.IntN(30) {
			b = append(b, string(rune('a'+r.IntN(4))))
		}
		var gotA, gotB []string
		changes := 0
		for _, e := range lineEdits(a, b) {
			if e.op != '+' {
				gotA = append(gotA, e.text)
			}
			if e.op != '-' {
				gotB = append(gotB, e.text)
			}
			if e.op != ' ' {
				changes++
			}
		}
		if strings.Join(gotA, "") != strings.Join(a, "") || strings.Join(gotB, "") != strings.Join(b, "") {
			t.Fatalf("round %d: the script does not spell the texts", round)
		}
		// Longest common subsequence, by dynamic programming.
		lcs := make([][]int, len(a)+1)
		for i := range lcs {
			lcs[i] = make([]int, len(b)+1)
		}
		for i := len(a) - 1; i >= 0; i-- {
			for j := len(b) - 1; j >= 0; j-- {
				if a[i] == b[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		if want := len(a) + len(b) - 2*lcs[0][0]; changes != want {
			t.Fatalf("round %d: %d changes, the shortest has %d", round, changes, want)
		}
	}
}
