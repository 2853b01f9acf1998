package lwtlog

import (
	"io"
	"testing"
)

var sink bool

// BenchmarkDisabled measures a log call below its section's level: the
// guard the log syntax emits alone, then calls without it. The unguarded
// Infof must box its arguments for the variadic ...any before it can see
// that the section is disabled: that is what the guard saves.
func BenchmarkDisabled(b *testing.B) {
	s := NewSection("bench.disabled")
	s.SetLevel(LevelWarning)
	n, name := 1000, "request"
	b.Run("guard", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if s.Enabled(LevelInfo) {
				Infof(s, "%s %d", name, n)
			}
		}
	})
	b.Run("Info", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Info(s, "a constant message")
		}
	})
	b.Run("Infof", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Infof(s, "%s %d", name, n)
			n++
		}
	})
	b.Run("At.Infof", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			At("server.go", 42, 3).Infof(s, "%s %d", name, n)
			n++
		}
	})
}

// BenchmarkEnabled measures an enabled call to Null, and to a Writer that
// renders a template.
func BenchmarkEnabled(b *testing.B) {
	s := NewSection("bench.enabled")
	s.SetLevel(LevelDebug)
	b.Run("Null", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			To(Null).Infof(s, "%s %d", "request", i)
		}
	})
	b.Run("Writer", func(b *testing.B) {
		l, _ := Writer(io.Discard, &WriterOptions{Template: "$(date).$(milliseconds) $(name)[$(pid)] $(section) $(level): $(message)"})
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			At("server.go", 42, 3).To(l).Infof(s, "%s %d", "request", i)
		}
	})
}

func BenchmarkSectionEnabled(b *testing.B) {
	s := NewSection("bench.guard")
	for b.Loop() {
		sink = s.Enabled(LevelDebug)
	}
}
