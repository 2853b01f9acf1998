//go:build !race

package lwtunix_test

// raceEnabled tells the tests that the race detector is on: it changes
// allocation counts.
const raceEnabled = false
