// Package debugtrace gives async backtraces to code lwtgen generates: Lwt's
// -lwt-debug, for Go.
//
// A failure that travels through awaits loses its Go stack: each await
// resumes from the scheduler, not from its caller. In a debug build — the
// lwtdebug build tag, with the same generated files — the generated code
// records where a failure was raised (a return of lwt.Fail, a panic) and
// every await that passed it on, as annotated source sites. The error a
// promise fails with is then an [*Error] that prints them like a Go
// traceback with %+v, and that errors.Is and errors.As see through.
//
// Debug builds also keep a table of the calls that are waiting and where;
// [Dump] prints it, and SIGQUIT prints it before Go's own goroutine dump.
//
// A failure can also start in the runtime: a system call of lwtunix that
// fails (a read, a connect, an open run as a job ...). In a debug build its
// backtrace then starts where the annotated code called the runtime, as if
// the failure had been raised there:
//
//	read /etc/app.conf: is a directory
//
//	async backtrace:
//	main.readConfig
//		main.go:14 (read failed)
//	main.start
//		main.go:27 (awaited)
//
// The runtime records that site with [Raise], or with [Here] and
// [CallSite.Raise] for an operation that waits first. The error itself is
// not wrapped: it is the *os.SyscallError or *os.PathError of a default
// build, so that == and os.IsExist still work on it; the site joins its
// backtrace at its first await in generated code, and [Backtrace] finds it
// before that.
//
// In a default build [Enabled] is false: the generated code and the runtime
// test it before anything they record, so the compiler removes the
// recording, site strings included, and tracing costs nothing.
package debugtrace

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"unicode"
)

// A Site is a place in annotated source.
type Site struct {
	Func string // package-qualified function name
	Pos  string // file:line
	What string // "raised", "panicked", "awaited"; "read failed" ... for a runtime call

	// goFunc is set on the site where a runtime operation was called,
	// found in the Go stack: the Go name of the caller, which in
	// generated code is a method of the frame of an annotated function.
	// The first await of the failure then gives Func the name of that
	// function (see addSite).
	goFunc string
}

// Error is a failure with its async backtrace, newest site last.
type Error struct {
	Err   error
	Sites []Site
}

func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the failure itself.
func (e *Error) Unwrap() error { return e.Err }

// Format prints the backtrace with %+v, like a Go traceback: innermost
// first.
func (e *Error) Format(f fmt.State, verb rune) {
	if verb != 'v' || !f.Flag('+') {
		io.WriteString(f, e.Error())
		return
	}
	fmt.Fprintf(f, "%v\n\nasync backtrace:\n", e.Err)
	for _, s := range e.Sites {
		fmt.Fprintf(f, "%s\n\t%s (%s)\n", s.Func, s.Pos, s.What)
	}
}

// Note returns err with site added to its backtrace. The error is not
// changed: a failure awaited in two places gets two backtraces.
func Note(err error, fn, pos, what string) error {
	if err == nil {
		return nil
	}
	return addSite(err, Site{Func: fn, Pos: pos, What: what})
}

// addSite returns err with site added to its backtrace.
//
// The first await of a failure that a runtime call raised names the
// annotated function that made the call, where the call's site has the Go
// name of generated code: the await gives the call's site that name. If it
// is at the very place of the call, it is the call's own await and adds no
// site of its own.
func addSite(err error, site Site) error {
	var e *Error
	if errors.As(err, &e) && err == error(e) {
		n := len(e.Sites)
		if n > 0 && e.Sites[n-1].goFunc != "" && site.What == "awaited" {
			last := e.Sites[n-1]
			sites := append(make([]Site, 0, n+1), e.Sites...)
			sites[n-1].goFunc = ""
			if pkgName(last.Func) == pkgName(site.Func) {
				if last.Pos == site.Pos {
					sites[n-1].Func = site.Func
					return &Error{Err: e.Err, Sites: sites}
				}
				if frameOwner(last.goFunc) == funcKey(site.Func) {
					sites[n-1].Func = site.Func
				}
			}
			return &Error{Err: e.Err, Sites: append(sites, site)}
		}
		sites := append(append(make([]Site, 0, n+1), e.Sites...), site)
		return &Error{Err: e.Err, Sites: sites}
	}
	if origin, ok := originOf(err); ok {
		return addSite(&Error{Err: err, Sites: []Site{origin}}, site)
	}
	return &Error{Err: err, Sites: []Site{site}}
}

// pkgName returns the package part of a function name as sites spell it:
// "main" for "main.(*T).m".
func pkgName(fn string) string {
	pkg, _, _ := strings.Cut(fn, ".")
	return pkg
}

// funcKey reduces the name of an annotated function, "main.(*T).serve" or
// "main.run.func1", to what frameOwner finds in the name of the code lwtgen
// generates for it: its letters and digits, lower-cased, "main.tserve".
func funcKey(fn string) string {
	pkg, rest, _ := strings.Cut(fn, ".")
	var b strings.Builder
	b.WriteString(pkg)
	b.WriteByte('.')
	for _, r := range stripTypeArgs(rest) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// displayName is how a call site names a Go function: the frame methods of
// generated code by the function the frame is for, as well as their names
// tell ("main.(*tServeFrame).step" is "main.tServe", for main.(*T).serve),
// until an await of the failure in that function gives its exact name.
func displayName(fn string) string {
	if typ := frameType(fn); typ != "" {
		return pkgName(fn) + "." + typ
	}
	return fn
}

// frameOwner returns the funcKey of the annotated function whose frame
// type's method fn is, as lwtgen names them ("main.(*tServeFrame).step" for
// main.(*T).serve), or "" if fn is not such a method.
func frameOwner(fn string) string {
	if typ := frameType(fn); typ != "" {
		return funcKey(pkgName(fn) + "." + typ)
	}
	return ""
}

// frameType returns, for a method of a frame type lwtgen generates,
// "(*loadFrame).step", the name of that type without "Frame": "load".
func frameType(fn string) string {
	_, rest, _ := strings.Cut(stripTypeArgs(fn), ".")
	typ, ok := strings.CutPrefix(rest, "(*")
	if !ok {
		return ""
	}
	typ, method, ok := strings.Cut(typ, ").")
	if !ok || (method != "step" && method != "Resume") {
		return ""
	}
	typ = strings.TrimRight(typ, "0123456789") // lwtgen's fresh names: fFrame2
	typ, ok = strings.CutSuffix(typ, "Frame")
	if !ok {
		return ""
	}
	return typ
}

// stripTypeArgs removes the bracketed type arguments of a name.
func stripTypeArgs(s string) string {
	if !strings.Contains(s, "[") {
		return s
	}
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '[':
			depth++
		case r == ']':
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// runtimePrefix starts the names of the functions of lwt's runtime
// packages, whose frames a call site skips.
const runtimePrefix = "github.com/lwtgo/lwt/runtime/"

// callerSite returns the site of the first frame that is not in lwt's
// runtime packages nor in this one: where the runtime was called. It finds
// none if the frames reach the loop (lwtmain, the engine) or Go's runtime
// first: the operation was started by the loop, not by a caller.
func callerSite(frames *runtime.Frames) (Site, bool) {
	for {
		f, more := frames.Next()
		fn := f.Function
		switch {
		case fn == "":
		case strings.HasPrefix(fn, "github.com/lwtgo/lwt/debugtrace."):
		case strings.HasPrefix(fn, runtimePrefix+"lwtmain."), strings.HasPrefix(fn, runtimePrefix+"engine."):
			return Site{}, false
		case strings.HasPrefix(fn, runtimePrefix) && !isTestPackage(fn):
		case strings.HasPrefix(fn, "runtime."), strings.HasPrefix(fn, "testing."):
			return Site{}, false
		default:
			short := shortFuncName(fn)
			return Site{Func: displayName(short), Pos: filepath.Base(f.File) + ":" + strconv.Itoa(f.Line), goFunc: short}, true
		}
		if !more {
			return Site{}, false
		}
	}
}

// isTestPackage reports whether the function fn is in an external test
// package, such as the tests of the runtime's own packages.
func isTestPackage(fn string) bool {
	fn = stripTypeArgs(fn)
	pkg, _, _ := strings.Cut(fn[strings.LastIndexByte(fn, '/')+1:], ".")
	return strings.HasSuffix(pkg, "_test")
}

// shortFuncName drops the directories of the package path of a Go function
// name, as sites and Go tracebacks do: "example.com/app/main.f" is "main.f".
func shortFuncName(fn string) string {
	end := len(fn)
	if i := strings.IndexByte(fn, '['); i >= 0 {
		end = i // type arguments may hold paths too
	}
	if i := strings.LastIndexByte(fn[:end], '/'); i >= 0 {
		return fn[i+1:]
	}
	return fn
}

// Backtrace returns the sites err went through, if it has any: for the
// error of a failed system call that no await noted yet, the site of the
// call.
func Backtrace(err error) []Site {
	var e *Error
	if errors.As(err, &e) {
		return e.Sites
	}
	if origin, ok := originOf(err); ok {
		return []Site{origin}
	}
	return nil
}

// String prints a site as in a traceback.
func (s Site) String() string { return s.Func + " " + s.Pos + " (" + s.What + ")" }

// PanicSite returns where a panic that is being recovered happened in the
// step method of the frame type named frame (generated code calls it from
// its deferred recover): the annotated line that panicked, or fallback
// (the function's) if that frame is not on the stack.
func PanicSite(frame, fallback string) string {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	want := ".(*" + frame + ").step"
	panicking := false
	for {
		f, more := frames.Next()
		switch {
		case f.Function == "runtime.gopanic":
			panicking = true
		case panicking && strings.HasSuffix(stripTypeArgs(f.Function), want):
			return filepath.Base(f.File) + ":" + strconv.Itoa(f.Line)
		}
		if !more {
			return fallback
		}
	}
}
