package lwtlog

import (
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"sync/atomic"
)

// Section is a named part of a program's logs: Lwt_log's Section.t. Each
// log call names a section, and each section has a level below which its
// messages are dropped. Loggers see the section and may route on it
// ([Dispatch]).
//
// A section's level comes from the rules (LWT_LOG, [LoadRules], [AddRule]
// ...) until [Section.SetLevel] fixes it. Log calls need a section: [Main]
// when there is no other. Sections are safe to use from any goroutine.
type Section struct {
	level    atomic.Int32 // first: Enabled is cheapest at offset 0, see logDefault
	name     string
	modified bool // level set by SetLevel; guarded by registry.mu
}

// registry holds the rules and every section ever made. Sections live for
// the whole program: they are usually package-level variables, and keeping
// them lets a rule added later reach them all.
type registry struct {
	mu       sync.Mutex
	rules    []compiledRule
	sections map[string]*Section
}

type compiledRule struct {
	Rule
	pattern pattern
}

// reg starts with the rules of LWT_LOG, before any section exists.
var reg = newRegistry(os.Getenv("LWT_LOG"), os.Stderr)

// Main is the section used when a program has no other: Lwt's Section.main,
// named "main".
var Main = NewSection("main")

// newRegistry loads the rules of env. A bad rule must not stop the program
// (LWT_LOG is typed by hand): it is ignored, with one line on w saying why.
func newRegistry(env string, w io.Writer) *registry {
	rules, problems := parseRules(env)
	for _, p := range problems {
		fmt.Fprintf(w, "lwtlog: LWT_LOG: ignoring %s\n", p)
	}
	r := &registry{sections: make(map[string]*Section)}
	r.rules = compileRules(rules)
	return r
}

func compileRules(rules []Rule) []compiledRule {
	out := make([]compiledRule, len(rules))
	for i, r := range rules {
		out[i] = compiledRule{r, compile(r.Pattern)}
	}
	return out
}

// NewSection returns the section named name, making it if needed: two calls
// with the same name return the same section (Lwt's Section.make). Its level
// is that of the first rule whose pattern matches name, or [LevelNotice] if
// none does.
func NewSection(name string) *Section {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	if s, ok := reg.sections[name]; ok {
		return s
	}
	s := &Section{name: name}
	s.level.Store(int32(reg.levelFor(name)))
	reg.sections[name] = s
	return s
}

// levelFor is called with mu held.
func (r *registry) levelFor(name string) Level {
	for _, rule := range r.rules {
		if rule.pattern.match(name) {
			return rule.Level
		}
	}
	return LevelNotice
}

// setRules replaces the rules and recomputes the level of every section
// whose level was not set by SetLevel.
func (r *registry) setRules(f func([]compiledRule) []compiledRule) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rules = f(r.rules)
	for _, s := range r.sections {
		if !s.modified {
			s.level.Store(int32(r.levelFor(s.name)))
		}
	}
}

// Name returns the name of s.
func (s *Section) Name() string { return s.name }

// String returns the name of s.
func (s *Section) String() string { return s.name }

// Level returns the level of s: messages below it are dropped.
func (s *Section) Level() Level { return Level(s.level.Load()) }

// Enabled reports whether s logs messages of the given level, that is
// whether level is at least s's level. It costs a load and a comparison:
// the guard the log syntax (logstrip) puts around each log call, so that a
// disabled call does not even evaluate its arguments.
func (s *Section) Enabled(level Level) bool { return int32(level) >= s.level.Load() }

// SetLevel sets the level of s. Rules made later no longer change it, until
// [Section.ResetLevel].
func (s *Section) SetLevel(level Level) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	s.level.Store(int32(level))
	s.modified = true
}

// ResetLevel gives s back the level the rules give it, undoing
// [Section.SetLevel].
func (s *Section) ResetLevel() {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	s.modified = false
	s.level.Store(int32(reg.levelFor(s.name)))
}

// LoadRules replaces the rules with those of s, in the syntax of LWT_LOG
// (see [ParseRules]), and recomputes the level of every section not set by
// [Section.SetLevel]. If s holds an invalid rule, LoadRules changes nothing
// and returns the error.
func LoadRules(s string) error {
	rules, err := ParseRules(s)
	if err != nil {
		return err
	}
	reg.setRules(func([]compiledRule) []compiledRule { return compileRules(rules) })
	return nil
}

// AddRule adds a rule before all the others, so that it wins over them:
// for example AddRule("http.*", LevelInfo). The pattern may hold any
// character; * stands for any run of them.
func AddRule(pattern string, level Level) {
	reg.setRules(func(rules []compiledRule) []compiledRule {
		return slices.Insert(rules, 0, compiledRule{Rule{pattern, level}, compile(pattern)})
	})
}

// AppendRule adds a rule after all the others: AppendRule("*", LevelInfo)
// sets the level of the sections no other rule matches.
func AppendRule(pattern string, level Level) {
	reg.setRules(func(rules []compiledRule) []compiledRule {
		return append(rules, compiledRule{Rule{pattern, level}, compile(pattern)})
	})
}

// ResetRules removes every rule, so that sections not set by
// [Section.SetLevel] are at [LevelNotice].
func ResetRules() {
	reg.setRules(func([]compiledRule) []compiledRule { return nil })
}

// Rules returns the rules in force, first match first.
func Rules() []Rule {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	out := make([]Rule, len(reg.rules))
	for i, r := range reg.rules {
		out[i] = r.Rule
	}
	return out
}
