//go:build lwtdebug

package debugtrace

// Enabled is true in debug builds (the lwtdebug tag) only.
const Enabled = true
