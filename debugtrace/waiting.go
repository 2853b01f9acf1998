package debugtrace

import (
	"fmt"
	"io"
	"sort"
	"sync"
)

// The table of waiting calls, kept in debug builds only. A mutex guards it
// because Dump may run from the SIGQUIT goroutine.
var (
	mu      sync.Mutex
	waiting = map[any]Site{}
	order   = map[any]uint64{}
	serial  uint64
)

// Wait records that the call whose frame is f waits at site.
func Wait(f any, fn, pos string) {
	mu.Lock()
	serial++
	waiting[f] = Site{Func: fn, Pos: pos, What: "waiting"}
	order[f] = serial
	mu.Unlock()
}

// Resume records that the call whose frame is f runs again.
func Resume(f any) {
	mu.Lock()
	delete(waiting, f)
	delete(order, f)
	mu.Unlock()
}

// Dump prints every call that is waiting and where, oldest first.
func Dump(w io.Writer) {
	mu.Lock()
	type entry struct {
		n    uint64
		site Site
	}
	var es []entry
	for f, s := range waiting {
		es = append(es, entry{order[f], s})
	}
	mu.Unlock()
	sort.Slice(es, func(i, j int) bool { return es[i].n < es[j].n })
	fmt.Fprintf(w, "lwt: %d calls waiting\n", len(es))
	for _, e := range es {
		fmt.Fprintf(w, "%s\n\t%s\n", e.site.Func, e.site.Pos)
	}
}

func init() {
	if !Enabled {
		return
	}
	dumpOnSIGQUIT()
}
