// Command lwtgen rewrites direct-style Go into lwt promises.
//
// It finds the functions marked //lwt:async in files built with the
// lwtsource tag, and writes next to each such file foo.go a generated
// foo_lwt.go where every lwt.Await, loop and return of those functions has
// become a state machine over runtime/lwt. The generated files are checked
// in; the default build compiles them and needs no tool.
//
// Usage:
//
//	lwtgen [-check] [-tags list] [-v] [packages]
//
// With no packages it rewrites the one in the current directory, which is
// what a //go:generate lwtgen line (or go tool lwtgen) does. Packages are
// named as the go command takes them: ./... rewrites a whole tree.
//
// Annotated files for other platforms (foo_windows.go, or a constraint like
// lwtsource && darwin) are rewritten too, whatever the machine: lwtgen
// loads their package again for a GOOS/GOARCH that builds them, so -check
// on Linux also checks foo_lwt_windows.go. A file no known platform builds
// with the given tags (a custom tag) is reported as not rewritten, on
// stderr; pass the tag with -tags.
//
// Exit status: 0 when all went well; 1 when the annotated source has errors
// (printed as file:line:col: message); 2 for a bad command line; 3 when
// -check finds generated files that are missing or stale; 4 when lwtgen
// itself failed (a bug, or a file it could not read or write).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/lwtgo/lwt/rewrite"
)

const (
	exitOK     = 0
	exitSource = 1
	exitUsage  = 2
	exitStale  = 3
	exitBug    = 4
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if x := recover(); x != nil {
			fmt.Fprintf(stderr, "lwtgen: internal error, please report it: %v\n", x)
			code = exitBug
		}
	}()
	fs := flag.NewFlagSet("lwtgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	check := fs.Bool("check", false, "write nothing; list generated files that are missing or stale, and exit 3 if there are any")
	tags := fs.String("tags", "", "comma-separated build tags to load the packages with, besides lwtsource")
	verbose := fs.Bool("v", false, "list the files written")
	tests := fs.Bool("tests", true, "rewrite _test.go files too")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: lwtgen [-check] [-tags list] [-v] [packages]\n\n")
		fmt.Fprintf(stderr, "Rewrites the //lwt:async functions of files built with the lwtsource tag into\n")
		fmt.Fprintf(stderr, "generated _lwt.go files. Without packages, rewrites the current directory's.\n\n")
		fs.PrintDefaults()
		fmt.Fprintf(stderr, "\nExit status: 0 ok, 1 errors in the source, 2 usage, 3 stale files (-check), 4 lwtgen failed.\n")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	cfg := rewrite.Config{Check: *check, Tests: *tests}
	if *tags != "" {
		cfg.Tags = strings.Split(*tags, ",")
	}
	if *verbose {
		cfg.Log = stderr
	}
	res, err := rewrite.Run(cfg, fs.Args()...)
	var srcErrs rewrite.Errors
	switch {
	case errors.As(err, &srcErrs):
		wd, _ := os.Getwd()
		for _, e := range srcErrs {
			if rel, err := filepath.Rel(wd, e.Pos.Filename); err == nil && !strings.HasPrefix(rel, "..") {
				e.Pos.Filename = rel
			}
			fmt.Fprintln(stderr, e.Error())
		}
		return exitSource
	case err != nil:
		fmt.Fprintf(stderr, "lwtgen: %v\n", err)
		return exitBug
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(stderr, "lwtgen: not rewritten: %s\n", s)
	}
	if *check && len(res.Written) > 0 {
		for _, f := range res.Written {
			fmt.Fprintf(stdout, "%s: stale, run lwtgen\n", f)
		}
		return exitStale
	}
	return exitOK
}
