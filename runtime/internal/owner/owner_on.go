//go:build lwtdebug

package owner

import (
	"fmt"
	"runtime"
	"sync/atomic"
)

// Enabled is true in debug builds (the lwtdebug tag), where [Check]
// compares goroutines.
const Enabled = true

// loop is the goroutine running lwtmain.Run, 0 while none does.
var loop atomic.Int64

func enter() { loop.Store(goid()) }
func leave() { loop.Store(0) }

func check(api string) {
	if l := loop.Load(); l != 0 {
		if g := goid(); g != l {
			panic(message(api, fmt.Sprintf("goroutine %d, while lwtmain.Run runs on goroutine %d", g, l)))
		}
	}
}

// goid returns the calling goroutine's number, read from the first line of
// its stack trace: "goroutine 18 [running]:".
func goid() int64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	const prefix = "goroutine "
	var id int64
	if len(b) > len(prefix) && string(b[:len(prefix)]) == prefix {
		for _, c := range b[len(prefix):] {
			if c < '0' || c > '9' {
				break
			}
			id = id*10 + int64(c-'0')
		}
	}
	if id == 0 {
		panic("owner: unexpected stack trace header: " + string(b))
	}
	return id
}
