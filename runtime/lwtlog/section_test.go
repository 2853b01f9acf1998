package lwtlog

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestNewSectionIsUnique(t *testing.T) {
	a := NewSection("unique")
	if b := NewSection("unique"); a != b {
		t.Error("two sections named unique")
	}
	if a.Name() != "unique" || a.String() != "unique" {
		t.Errorf("name = %q", a.Name())
	}
	if Main.Name() != "main" || NewSection("main") != Main {
		t.Error("Main is not the section named main")
	}
}

func TestSectionLevelFromRules(t *testing.T) {
	useRules(t)
	http := NewSection("rules.http")
	db := NewSection("rules.db")
	if http.Level() != LevelNotice {
		t.Errorf("without rules, level = %v, want notice", http.Level())
	}
	AddRule("rules.*", LevelWarning)
	AddRule("rules.http", LevelDebug) // before the other: it wins
	if http.Level() != LevelDebug || db.Level() != LevelWarning {
		t.Errorf("after AddRule: http %v, db %v", http.Level(), db.Level())
	}
	AppendRule("*", LevelError) // after the others: only for the rest
	if db.Level() != LevelWarning || NewSection("rules-other").Level() != LevelError {
		t.Errorf("after AppendRule: db %v, other %v", db.Level(), NewSection("rules-other").Level())
	}
	if err := LoadRules("rules.d* -> info; fatal"); err != nil {
		t.Fatal(err)
	}
	if http.Level() != LevelFatal || db.Level() != LevelInfo {
		t.Errorf("after LoadRules: http %v, db %v", http.Level(), db.Level())
	}
	want := []Rule{{"rules.d*", LevelInfo}, {"*", LevelFatal}}
	if got := Rules(); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Rules() = %v, want %v", got, want)
	}
	if err := LoadRules("* -> debug; x -> nosuchlevel"); err == nil {
		t.Error("LoadRules accepted a bad rule")
	}
	if db.Level() != LevelInfo || len(Rules()) != 2 {
		t.Error("a failed LoadRules changed the rules")
	}
	ResetRules()
	if http.Level() != LevelNotice || len(Rules()) != 0 {
		t.Errorf("after ResetRules: %v, %v", http.Level(), Rules())
	}
}

func TestSetLevelSticks(t *testing.T) {
	useRules(t)
	s := NewSection("sticky")
	s.SetLevel(LevelError)
	AddRule("sticky", LevelDebug)
	if s.Level() != LevelError {
		t.Errorf("a rule changed a level set by SetLevel: %v", s.Level())
	}
	s.ResetLevel()
	if s.Level() != LevelDebug {
		t.Errorf("after ResetLevel: %v, want debug", s.Level())
	}
	AddRule("sticky", LevelInfo)
	if s.Level() != LevelInfo {
		t.Errorf("rules do not reach a reset section: %v", s.Level())
	}
}

func TestEnabled(t *testing.T) {
	s := NewSection("enabled")
	s.SetLevel(LevelWarning)
	for l := LevelDebug; l <= LevelFatal; l++ {
		if got, want := s.Enabled(l), l >= LevelWarning; got != want {
			t.Errorf("Enabled(%v) = %v", l, got)
		}
	}
}

func TestNewRegistryReportsBadRules(t *testing.T) {
	var w bytes.Buffer
	r := newRegistry("a -> info; b -> loud;; c d -> error; warning", &w)
	want := `lwtlog: LWT_LOG: ignoring invalid rule "b -> loud": unknown level "loud"
lwtlog: LWT_LOG: ignoring invalid rule "c d -> error": space in pattern "c d"
`
	if w.String() != want {
		t.Errorf("report:\n%s\nwant:\n%s", w.String(), want)
	}
	if len(r.rules) != 2 || r.rules[0].Rule != (Rule{"a", LevelInfo}) || r.rules[1].Rule != (Rule{"*", LevelWarning}) {
		t.Errorf("rules = %v", r.rules)
	}
}

// TestEnvironment runs the test binary again with LWT_LOG set, to check
// the rules it reads at start and what it says about the bad ones.
func TestEnvironment(t *testing.T) {
	if os.Getenv("LWTLOG_PRINT_LEVELS") != "" {
		for _, name := range []string{"main", "http", "http.server", "db"} {
			os.Stdout.WriteString(name + "=" + NewSection(name).Level().String() + "\n")
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestEnvironment$")
	cmd.Env = append(os.Environ(), "LWTLOG_PRINT_LEVELS=1", "LWT_LOG=http* -> debug; db -> verbose; error")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s%s", err, stdout.String(), stderr.String())
	}
	for _, want := range []string{"main=error\n", "http=debug\n", "http.server=debug\n", "db=error\n"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	want := `lwtlog: LWT_LOG: ignoring invalid rule "db -> verbose": unknown level "verbose"` + "\n"
	if stderr.String() != want {
		t.Errorf("stderr = %q, want %q", stderr.String(), want)
	}
}

// Sections and rules may be used from several goroutines at once; run with
// -race.
func TestSectionsConcurrently(t *testing.T) {
	useRules(t)
	done := make(chan bool)
	for g := range 4 {
		go func() {
			for i := range 200 {
				s := NewSection("concurrent." + string(rune('a'+i%5)))
				switch g {
				case 0:
					AddRule("concurrent.*", Level(i%6))
				case 1:
					s.SetLevel(LevelError)
					s.ResetLevel()
				case 2:
					_ = Rules()
				}
				_ = s.Enabled(LevelInfo)
				_ = s.Level()
			}
			done <- true
		}()
	}
	for range 4 {
		<-done
	}
	ResetRules()
	if l := NewSection("concurrent.a").Level(); l != LevelNotice {
		t.Errorf("after ResetRules, level %v", l)
	}
}
