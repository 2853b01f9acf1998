package lwtlog

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseRules(t *testing.T) {
	for _, tc := range []struct {
		in       string
		want     []Rule
		problems []string // substrings of the error, one per bad rule
	}{
		{in: "", want: nil},
		{in: "  ;; ", want: nil},
		{in: "debug", want: []Rule{{"*", LevelDebug}}},
		{in: "access -> warning;\n foo[*] -> error", want: []Rule{{"access", LevelWarning}, {"foo[*]", LevelError}}},
		{in: "a->info;b->DEBUG;", want: []Rule{{"a", LevelInfo}, {"b", LevelDebug}}},
		{in: "a->b -> info", want: []Rule{{"a->b", LevelInfo}}},
		{in: "\tx.*\t->\tfatal\t", want: []Rule{{"x.*", LevelFatal}}},
		{
			in:       "a -> info; b -> loud; -> debug; c d -> info; bogus; e -> error",
			want:     []Rule{{"a", LevelInfo}, {"e", LevelError}},
			problems: []string{`"b -> loud": unknown level "loud"`, `"-> debug": no pattern`, `"c d -> info": space in pattern`, `"bogus": unknown level "bogus"`},
		},
		{in: "a -> info -> debug", problems: []string{`space in pattern "a -> info"`}},
	} {
		got, err := ParseRules(tc.in)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseRules(%q) rules = %v, want %v", tc.in, got, tc.want)
		}
		if len(tc.problems) == 0 {
			if err != nil {
				t.Errorf("ParseRules(%q) error: %v", tc.in, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("ParseRules(%q) gave no error", tc.in)
			continue
		}
		lines := strings.Split(err.Error(), "\n")
		if len(lines) != len(tc.problems) {
			t.Errorf("ParseRules(%q) error has %d lines, want %d:\n%v", tc.in, len(lines), len(tc.problems), err)
			continue
		}
		for i, p := range tc.problems {
			if !strings.Contains(lines[i], p) || !strings.HasPrefix(lines[i], "lwtlog: invalid rule ") {
				t.Errorf("ParseRules(%q) error line %q does not contain %q", tc.in, lines[i], p)
			}
		}
	}
}

func TestPatternMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, name string
		want          bool
	}{
		{"", "", true},
		{"", "a", false},
		{"main", "main", true},
		{"main", "mainx", false},
		{"*", "", true},
		{"*", "anything", true},
		{"lwt*", "lwt", true},
		{"lwt*", "lwt.unix", true},
		{"lwt*", "xlwt", false},
		{"*.unix", "lwt.unix", true},
		{"*.unix", "lwt.unixx", false},
		{"a*b*c", "abc", true},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "acb", false},
		{"a*a", "a", false},
		{"a*a", "aa", true},
		{"*ab*ab*", "abab", true},
		{"*ab*ab*", "aba", false},
		{"foo[*]", "foo[3]", true},
		{"foo[*]", "foo3", false},
		{"**", "x", true},
	} {
		if got := compile(tc.pattern).match(tc.name); got != tc.want {
			t.Errorf("pattern %q on %q = %v, want %v", tc.pattern, tc.name, got, tc.want)
		}
	}
}

// FuzzParseRules checks that the parser never panics, that what it accepts
// is well formed, and that printing the rules and parsing them again gives
// the same rules.
func FuzzParseRules(f *testing.F) {
	for _, s := range []string{
		"", "debug", "* -> info", "access -> warning; foo[*] -> error", "a->b->info",
		"a -> info; b -> loud; -> debug; c d -> info", ";;;", "->", "x ->", "-> ->",
		"lwt* -> Debug;\nhttp.* -> NOTICE;\terror;", "é -> info", "a\x00b -> info",
		"a -> info -> debug", "\xff -> fatal",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rules, err := ParseRules(s)
		var text []string
		for _, r := range rules {
			if r.Level < LevelDebug || r.Level > LevelFatal {
				t.Fatalf("rule %v has an invalid level", r)
			}
			if r.Pattern == "" || strings.ContainsAny(r.Pattern, "; \t\n\r\v\f") {
				t.Fatalf("rule has an invalid pattern %q", r.Pattern)
			}
			text = append(text, r.String())
		}
		again, err2 := ParseRules(strings.Join(text, "; "))
		if err2 != nil || !reflect.DeepEqual(again, rules) {
			t.Fatalf("reparsing %q: %v, %v; want %v", text, again, err2, rules)
		}
		if err == nil && strings.TrimSpace(strings.ReplaceAll(s, ";", "")) != "" && len(rules) == 0 {
			t.Fatalf("%q: no rule and no error", s)
		}
	})
}

// FuzzPatternMatch compares match with the regular expression a pattern
// stands for.
func FuzzPatternMatch(f *testing.F) {
	f.Add("a*b*c", "aXbYbZc")
	f.Add("*ab*ab*", "abab")
	f.Add("a*a", "a")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, pattern, name string) {
		pieces := strings.Split(pattern, "*")
		for i, p := range pieces {
			pieces[i] = regexp.QuoteMeta(p)
		}
		if !utf8.ValidString(pattern) || !utf8.ValidString(name) {
			t.Skip() // regexp matches runes, not bytes
		}
		re := regexp.MustCompile(`^(?s:` + strings.Join(pieces, ".*") + `)$`)
		if got, want := compile(pattern).match(name), re.MatchString(name); got != want {
			t.Fatalf("pattern %q on %q = %v, regexp says %v", pattern, name, got, want)
		}
	})
}
