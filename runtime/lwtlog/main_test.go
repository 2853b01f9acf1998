package lwtlog

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	// The tests must not depend on the LWT_LOG of whoever runs them, except
	// TestEnvironment's child, which checks it.
	if os.Getenv("LWTLOG_PRINT_LEVELS") == "" {
		ResetRules()
	}
	os.Exit(m.Run())
}
