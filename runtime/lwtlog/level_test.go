package lwtlog

import (
	"flag"
	"io"
	"testing"
)

func TestLevelString(t *testing.T) {
	want := []string{"debug", "info", "notice", "warning", "error", "fatal"}
	for l := LevelDebug; l <= LevelFatal; l++ {
		if got := l.String(); got != want[l] {
			t.Errorf("Level(%d).String() = %q, want %q", l, got, want[l])
		}
	}
	if got := Level(9).String(); got != "Level(9)" {
		t.Errorf("Level(9).String() = %q", got)
	}
}

func TestParseLevel(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Level
	}{{"debug", LevelDebug}, {"INFO", LevelInfo}, {"Notice", LevelNotice}, {"warning", LevelWarning}, {"error", LevelError}, {"fAtAl", LevelFatal}} {
		got, err := ParseLevel(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "warn", "info ", "crit"} {
		if _, err := ParseLevel(bad); err == nil {
			t.Errorf("ParseLevel(%q) succeeded", bad)
		}
	}
}

func TestLevelFlag(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var l Level
	fs.TextVar(&l, "level", LevelNotice, "log level")
	if err := fs.Parse([]string{"-level=Warning"}); err != nil {
		t.Fatal(err)
	}
	if l != LevelWarning {
		t.Errorf("level = %v, want warning", l)
	}
	if err := fs.Parse([]string{"-level=loud"}); err == nil {
		t.Error("bad level accepted")
	}
	if _, err := Level(-1).MarshalText(); err == nil {
		t.Error("Level(-1) marshaled")
	}
}
