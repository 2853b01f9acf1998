package main

import (
	"bytes"
	"fmt"
	"strings"
)

// unifiedDiff returns the changes from old to new as a unified diff with
// three lines of context, as diff -u prints it. A nil old or new is a file
// that does not exist.
func unifiedDiff(path string, old, new []byte) []byte {
	a, b := lines(old), lines(new)
	edits := lineEdits(a, b)
	var out bytes.Buffer
	from, to := "a/"+path, "b/"+path
	if old == nil {
		from = "/dev/null"
	}
	if new == nil {
		to = "/dev/null"
	}
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", from, to)
	const context = 3
	for i := 0; i < len(edits); {
		if edits[i].op == ' ' {
			i++
			continue
		}
		// A hunk: from context lines before this change to context lines
		// after the last change closer than 2*context to the next.
		start := max(i-context, 0)
		end := i
		for j := i; j < len(edits); j++ {
			if edits[j].op != ' ' {
				end = j
			} else if j-end > 2*context {
				break
			}
		}
		end = min(end+context+1, len(edits))
		ai, bi := edits[start].a, edits[start].b
		na, nb := 0, 0
		for _, e := range edits[start:end] {
			if e.op != '+' {
				na++
			}
			if e.op != '-' {
				nb++
			}
		}
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", hunkRange(ai, na), hunkRange(bi, nb))
		for _, e := range edits[start:end] {
			out.WriteByte(e.op)
			out.WriteString(e.text)
			if !strings.HasSuffix(e.text, "\n") {
				out.WriteString("\n\\ No newline at end of file\n")
			}
		}
		i = end
	}
	return out.Bytes()
}

func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if n == 1 {
		return fmt.Sprint(start + 1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

func lines(data []byte) []string {
	var out []string
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return append(out, string(data))
		}
		out, data = append(out, string(data[:i+1])), data[i+1:]
	}
	return out
}

// edit is one line of a diff: kept (' '), removed ('-') or added ('+');
// a and b are the line's (or the next line's) index in the old and new text.
type edit struct {
	op   byte
	text string
	a, b int
}

// maxEdits bounds the work of lineEdits: files further apart than that
// are shown as all removed, then all added.
const maxEdits = 4000

// lineEdits is the shortest edit script from a to b (Myers' algorithm).
func lineEdits(a, b []string) []edit {
	n, m := len(a), len(b)
	max := n + m
	v := make([]int, 2*max+2)
	var trace [][]int
	for d := 0; d <= max; d++ {
		if d > maxEdits {
			var all []edit
			for i, l := range a {
				all = append(all, edit{'-', l, i, 0})
			}
			for j, l := range b {
				all = append(all, edit{'+', l, n, j})
			}
			return all
		}
		trace = append(trace, append([]int(nil), v...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[max+k-1] < v[max+k+1] {
				x = v[max+k+1]
			} else {
				x = v[max+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[max+k] = x
			if x >= n && y >= m {
				return backtrack(a, b, trace, d, max)
			}
		}
	}
	return nil
}

func backtrack(a, b []string, trace [][]int, d, max int) []edit {
	var rev []edit
	x, y := len(a), len(b)
	for ; d > 0; d-- {
		v := trace[d]
		k := x - y
		var pk int
		if k == -d || k != d && v[max+k-1] < v[max+k+1] {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := v[max+pk]
		py := px - pk
		for x > px && y > py {
			x, y = x-1, y-1
			rev = append(rev, edit{' ', a[x], x, y})
		}
		if x == px {
			y--
			rev = append(rev, edit{'+', b[y], x, y})
		} else {
			x--
			rev = append(rev, edit{'-', a[x], x, y})
		}
	}
	for x > 0 && y > 0 {
		x, y = x-1, y-1
		rev = append(rev, edit{' ', a[x], x, y})
	}
	out := make([]edit, len(rev))
	for i, e := range rev {
		out[len(rev)-1-i] = e
	}
	return out
}
