package lwtlog

import (
	"errors"
	"fmt"
	"strings"
)

// Rule gives the default level of the sections whose names match Pattern.
// In the pattern, * stands for any run of characters (possibly empty); every
// other character stands for itself.
type Rule struct {
	Pattern string
	Level   Level
}

// String returns the rule in the syntax [ParseRules] reads: "pattern -> level".
func (r Rule) String() string { return r.Pattern + " -> " + r.Level.String() }

// ParseRules reads rules in the syntax of the LWT_LOG environment variable:
// rules separated by semicolons, each either "pattern -> level" or a bare
// level, which stands for "* -> level". Space around the parts is ignored,
// as are empty rules; level names are case-insensitive; a pattern is a run of
// characters other than space and semicolon. For example:
//
//	access -> warning; http.* -> info; error
//
// ParseRules returns the rules it could read, in order, and an error that
// lists the others when there are any. It never panics, whatever s holds.
func ParseRules(s string) ([]Rule, error) {
	rules, problems := parseRules(s)
	if len(problems) == 0 {
		return rules, nil
	}
	errs := make([]error, len(problems))
	for i, p := range problems {
		errs[i] = errors.New("lwtlog: " + p)
	}
	return rules, errors.Join(errs...)
}

// parseRules returns the good rules of s and a sentence for each bad one.
func parseRules(s string) (rules []Rule, problems []string) {
	for item := range strings.SplitSeq(s, ";") {
		text := strings.TrimSpace(item)
		if text == "" {
			continue
		}
		pattern, levelText := "*", text
		if i := strings.LastIndex(text, "->"); i >= 0 {
			pattern, levelText = strings.TrimSpace(text[:i]), strings.TrimSpace(text[i+2:])
			switch {
			case pattern == "":
				problems = append(problems, fmt.Sprintf("invalid rule %q: no pattern before ->", text))
				continue
			case strings.ContainsFunc(pattern, isSpace):
				problems = append(problems, fmt.Sprintf("invalid rule %q: space in pattern %q", text, pattern))
				continue
			}
		}
		level, err := ParseLevel(levelText)
		if err != nil {
			problems = append(problems, fmt.Sprintf("invalid rule %q: unknown level %q", text, levelText))
			continue
		}
		rules = append(rules, Rule{pattern, level})
	}
	return rules, problems
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f'
}

// pattern is a compiled Rule.Pattern: the literal pieces between the stars.
type pattern []string

func compile(s string) pattern { return strings.Split(s, "*") }

// match reports whether name matches p. Matching the middle pieces leftmost
// is enough: a star before a piece can always absorb more characters.
func (p pattern) match(name string) bool {
	if len(p) == 1 {
		return name == p[0]
	}
	if !strings.HasPrefix(name, p[0]) {
		return false
	}
	name = name[len(p[0]):]
	for _, piece := range p[1 : len(p)-1] {
		i := strings.Index(name, piece)
		if i < 0 {
			return false
		}
		name = name[i+len(piece):]
	}
	return strings.HasSuffix(name, p[len(p)-1])
}
