//go:build lwtsource

// Log calls are guarded by their section's level, so their arguments are
// not evaluated when it is off; debug calls are dropped from default builds;
// each call carries its source location.
package main

import (
	"fmt"
	"os"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtlog"
)

var section = lwtlog.NewSection("demo")

func expensive(s string) string {
	fmt.Println("evaluated", s)
	return s
}

//lwt:async
func work(n int) lwt.Promise[int] {
	lwtlog.Infof(section, "starting with %s", expensive("info argument"))
	lwtlog.Debugf(section, "a secret debug format %s", expensive("debug argument"))
	v := lwt.Await(lwt.Return(n)) * 2
	lwt.Await(lwtlog.Warning(section, "warning "+expensive("warning argument")))
	return lwt.Return(v)
}

// Not annotated, but in an annotated file: its log calls are guarded too.
func plain() {
	lwtlog.Error(section, expensive("error argument"))
}

func main() {
	lwtlog.Default, _ = lwtlog.Writer(os.Stdout, &lwtlog.WriterOptions{Template: "$(level) $(loc-file):$(loc-line): $(message)"})
	section.SetLevel(lwtlog.LevelWarning)
	fmt.Println(work(1))
	plain()
	section.SetLevel(lwtlog.LevelDebug)
	fmt.Println(work(2))
}
