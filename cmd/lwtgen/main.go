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
// With -check it writes nothing and lists each generated file that is not
// what it would write, and why: missing, stale (its source or lwtgen
// changed), edited by hand (changed since lwtgen wrote it: an editor's
// rename in the default build does this, and the next run will undo it),
// or orphan (its annotated source was renamed or deleted; a run removes
// it). -diff also prints the differences as a unified diff.
//
// Exit status: 0 when all went well; 1 when the annotated source has errors
// (printed as file:line:col: message); 2 for a bad command line or
// environment (no module, a pattern that matches nothing, a package that
// cannot be loaded, a file that cannot be written or that lwtgen will not
// overwrite); 3 when -check or -diff finds generated files that are not up
// to date; 4 when lwtgen itself failed (a bug: please report it).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
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
	check := fs.Bool("check", false, "write nothing; list generated files that are missing, stale, edited by hand or orphaned, and exit 3 if there are any")
	diff := fs.Bool("diff", false, "like -check, and print the differences as a unified diff")
	tags := fs.String("tags", "", "comma-separated build tags to load the packages with, besides lwtsource")
	verbose := fs.Bool("v", false, "list the files written and removed")
	tests := fs.Bool("tests", true, "rewrite _test.go files too (-tests=false leaves them out)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: lwtgen [-check | -diff] [-tags list] [-tests=false] [-v] [packages]\n\n")
		fmt.Fprintf(stderr, "Rewrites the //lwt:async functions of files built with the lwtsource tag into\n")
		fmt.Fprintf(stderr, "generated _lwt.go files. Without packages, rewrites the current directory's.\n\n")
		fs.PrintDefaults()
		fmt.Fprintf(stderr, "\nExit status: 0 ok, 1 errors in the source, 2 usage or environment, 3 files not up to date (-check, -diff), 4 lwtgen failed.\n")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	cfg := rewrite.Config{Check: *check || *diff, Tests: *tests}
	if *tags != "" {
		cfg.Tags = strings.Split(*tags, ",")
	}
	if *verbose {
		cfg.Log = stderr
	}
	rel := cfg.Rel
	res, err := rewrite.Run(cfg, fs.Args()...)
	var srcErrs rewrite.Errors
	switch {
	case errors.As(err, &srcErrs):
		for _, e := range srcErrs {
			e.Pos.Filename = rel(e.Pos.Filename)
			fmt.Fprintln(stderr, e.Error())
		}
		return exitSource
	case errors.Is(err, rewrite.ErrBug):
		fmt.Fprintf(stderr, "lwtgen: %v\n", err)
		return exitBug
	case err != nil:
		// The environment: say it as the go command (or the system) does.
		fmt.Fprintf(stderr, "lwtgen: %v\n", err)
		return exitUsage
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(stderr, "lwtgen: not rewritten: %s\n", s)
	}
	missing := false
	for _, c := range res.Changes {
		missing = missing || c.NoGenerateLine
		switch {
		case cfg.Check:
			fmt.Fprintf(stdout, "%s: %s%s\n", rel(c.Path), c.Why, advice(c, rel))
			if *diff {
				stdout.Write(unifiedDiff(rel(c.Path), c.Old, c.New))
			}
		case c.Why == rewrite.EditedByHand:
			fmt.Fprintf(stderr, "lwtgen: %s had been edited by hand; those changes are replaced (make them in %s)\n", rel(c.Path), rel(c.Source))
		}
	}
	if missing {
		fmt.Fprintf(stderr, "lwtgen: note: a package whose files are all annotated has no //go:generate line in the default build\n"+
			"until its generated files exist, so go generate cannot recreate them: run go tool lwtgen (or go generate -tags %s) there.\n", rewrite.Tag)
	}
	if cfg.Check && len(res.Changes) > 0 {
		return exitStale
	}
	return exitOK
}

// advice says what to do about a file -check reports.
func advice(c rewrite.Change, rel func(string) string) string {
	switch c.Why {
	case rewrite.Missing:
		return " (for " + rel(c.Source) + "), run lwtgen"
	case rewrite.Stale:
		return ", run lwtgen"
	case rewrite.EditedByHand:
		return ": lwtgen would undo the change; make it in " + rel(c.Source) + " and run lwtgen"
	case rewrite.Orphan:
		return ": its annotated source is gone; lwtgen removes it"
	}
	return ""
}
