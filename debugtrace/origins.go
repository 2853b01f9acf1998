package debugtrace

import (
	"errors"
	"os"
	"runtime"
	"sync"
	"weak"
)

// The raise sites of the errors of failed system calls are kept aside, not
// in a wrapper: the error a runtime call gives stays the *os.SyscallError or
// *os.PathError it would be in a default build (== still holds, and so does
// os.IsExist, which does not look through wrappers). The site joins the
// error's backtrace when generated code first notes an await of it, and
// [Backtrace] finds it before that.
//
// The table holds weak pointers, and an entry goes with its error.
var origins struct {
	sync.Mutex
	m map[any]Site // weak.Pointer[os.SyscallError] or [os.PathError]
}

// setOrigin records site as where err, a system call's error, was raised.
// It reports false if err is not of a type the table keeps.
func setOrigin(err error, site Site) bool {
	switch e := err.(type) {
	case *os.SyscallError:
		addOrigin(e, site)
	case *os.PathError:
		addOrigin(e, site)
	default:
		return false
	}
	return true
}

func addOrigin[T any](p *T, site Site) {
	key := weak.Make(p)
	origins.Lock()
	if origins.m == nil {
		origins.m = map[any]Site{}
	}
	origins.m[key] = site
	origins.Unlock()
	runtime.AddCleanup(p, dropOrigin, any(key))
}

func dropOrigin(key any) {
	origins.Lock()
	delete(origins.m, key)
	origins.Unlock()
}

// originOf returns the raise site recorded for err or an error it wraps.
func originOf(err error) (Site, bool) {
	origins.Lock()
	empty := len(origins.m) == 0
	origins.Unlock()
	if empty {
		return Site{}, false
	}
	for ; err != nil; err = errors.Unwrap(err) {
		var key any
		switch e := err.(type) {
		case *os.SyscallError:
			key = weak.Make(e)
		case *os.PathError:
			key = weak.Make(e)
		default:
			continue
		}
		origins.Lock()
		site, ok := origins.m[key]
		origins.Unlock()
		if ok {
			return site, true
		}
	}
	return Site{}, false
}
