//go:build !lwtdebug

package owner

// Enabled is true in debug builds (the lwtdebug tag), where [Check]
// compares goroutines.
const Enabled = false

func enter()           {}
func leave()           {}
func check(api string) {}
