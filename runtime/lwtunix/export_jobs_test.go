package lwtunix

import "time"

// SetIdleTimeout changes how long an idle thread of the job pool waits for
// a job before it exits, stops the threads idle now, and returns a function
// that restores the default.
func SetIdleTimeout(d time.Duration) (restore func()) {
	pool.mu.Lock()
	pool.idleTimeout = d
	for len(pool.idle) > 0 {
		pool.threads--
		pool.popIdle().hand(nil)
	}
	pool.mu.Unlock()
	return func() {
		pool.mu.Lock()
		pool.idleTimeout = defaultIdleTimeout
		pool.mu.Unlock()
	}
}
