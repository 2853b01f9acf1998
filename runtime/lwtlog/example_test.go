package lwtlog_test

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtio"
	"github.com/lwtgo/lwt/runtime/lwtlog"
	"github.com/lwtgo/lwt/runtime/lwtmain"
)

// A program sends its logs to standard output, shows the info messages of
// its http section, and logs in it. Debug messages are below the section's
// level: those calls do nothing.
func Example() {
	out, err := lwtlog.Writer(os.Stdout, &lwtlog.WriterOptions{Template: "$(section) [$(level)] $(message)"})
	if err != nil {
		panic(err)
	}
	lwtlog.Default = out

	http := lwtlog.NewSection("example.http")
	http.SetLevel(lwtlog.LevelInfo)

	lwtlog.Infof(http, "GET %s", "/index.html")
	lwtlog.Debugf(http, "headers: %v", []string{"Accept: */*"})
	lwtlog.Err(errors.New("connection reset")).Warning(http, "client gone")
	lwtlog.Notice(lwtlog.Main, "two\nlines")
	// Output:
	// example.http [info] GET /index.html
	// example.http [warning] client gone: connection reset
	// main [notice] two
	// main [notice] lines
}

// Rules give sections their levels, first match first, as LWT_LOG does
// when the program starts. Sections no rule matches are at notice.
func ExampleLoadRules() {
	db := lwtlog.NewSection("example.db")
	cache := lwtlog.NewSection("example.db.cache")
	other := lwtlog.NewSection("other")
	if err := lwtlog.LoadRules("example.db.* -> debug; example.* -> warning"); err != nil {
		panic(err)
	}
	fmt.Println(db.Level(), cache.Level(), other.Level())

	fmt.Println(lwtlog.LoadRules("example.* -> verbose"))
	lwtlog.ResetRules()
	// Output:
	// warning debug notice
	// lwtlog: invalid rule "example.* -> verbose": unknown level "verbose"
}

func ExampleTemplate_Render() {
	t, err := lwtlog.ParseTemplate("$(date).$(milliseconds) $(section) $(level) $(loc-file):$(loc-line): $(message)")
	if err != nil {
		panic(err)
	}
	line := t.Render(nil, lwtlog.Entry{
		Time:    time.Date(2024, time.March, 5, 9, 30, 0, 250e6, time.UTC),
		Section: lwtlog.Main,
		Level:   lwtlog.LevelError,
		Message: "out of memory",
		Loc:     lwtlog.Location{File: "alloc.go", Line: 17, Column: 2},
	})
	fmt.Println(string(line))
	// Output:
	// Mar  5 09:30:00.250 main error alloc.go:17: out of memory
}

// Dispatch sends the access log to one logger and the errors of every
// other section to another.
func ExampleDispatch() {
	access, _ := lwtlog.Writer(os.Stdout, &lwtlog.WriterOptions{Template: "access: $(message)"})
	errs, _ := lwtlog.Writer(os.Stdout, &lwtlog.WriterOptions{Template: "ERROR $(section): $(message)"})
	logger := lwtlog.Dispatch(func(s *lwtlog.Section, level lwtlog.Level) *lwtlog.Logger {
		switch {
		case s.Name() == "access":
			return access
		case level >= lwtlog.LevelError:
			return errs
		}
		return nil
	})
	log := lwtlog.To(logger)
	log.Notice(lwtlog.NewSection("access"), "GET / 200")
	log.Error(lwtlog.NewSection("db"), "connection lost")
	log.Warning(lwtlog.NewSection("db"), "slow query")
	// Output:
	// access: GET / 200
	// ERROR db: connection lost
}

// Make makes a logger from an output function; here one that keeps the
// messages in memory.
func ExampleMake() {
	var kept []string
	memory := lwtlog.Make(func(s *lwtlog.Section, level lwtlog.Level, lines []string) lwt.Promise[lwt.Unit] {
		kept = append(kept, fmt.Sprintf("%s/%s: %s", s.Name(), level, strings.Join(lines, " | ")))
		return lwt.ReturnUnit()
	}, nil)
	lwtlog.At("main.go", 10, 2).To(memory).Warningf(lwtlog.Main, "disk %d%% full\nclean up", 95)
	fmt.Println(kept)
	fmt.Println(memory.Close(), lwtlog.To(memory).Error(lwtlog.Main, "late"))
	// Output:
	// [main/warning: disk 95% full | clean up]
	// Return () Fail lwtlog: logger closed
}

// A logger writes to a buffered channel of lwtio, here one whose backend
// writes to os.Stdout; each log call resolves once its message is flushed.
func ExampleChannel() {
	oc := lwtio.MakeOutput(func(b []byte) lwt.Promise[int] {
		n, err := os.Stdout.Write(b)
		return lwt.OfResult(n, err)
	}, lwtio.Options{})
	logger, err := lwtlog.Channel(oc, &lwtlog.ChannelOptions{Template: "[$(level)] $(message)", Close: true})
	if err != nil {
		panic(err)
	}
	_, err = lwtmain.Run(lwtlog.To(logger).Warning(lwtlog.Main, "disk full\nclean up"))
	fmt.Println(err)
	lwtmain.Run(logger.Close())
	fmt.Println(oc.IsClosed())
	// Output:
	// [warning] disk full
	// [warning] clean up
	// <nil>
	// true
}

func ExampleFile() {
	dir, err := os.MkdirTemp("", "lwtlog-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "app.log")

	for _, msg := range []string{"first run", "second run"} {
		logger, err := lwtmain.Run(lwtlog.File(path, &lwtlog.FileOptions{Template: "$(level): $(message)"}))
		if err != nil {
			panic(err)
		}
		lwtmain.Run(lwtlog.To(logger).Notice(lwtlog.Main, msg))
		lwtmain.Run(logger.Close())
	}
	data, _ := os.ReadFile(path)
	fmt.Print(string(data))
	// Output:
	// notice: first run
	// notice: second run
}

// Code written for log/slog logs through lwtlog's sections and loggers.
func ExampleSlogHandler() {
	out, _ := lwtlog.Writer(os.Stdout, &lwtlog.WriterOptions{Template: "$(section) [$(level)] $(message)"})
	section := lwtlog.NewSection("example.slog")
	section.SetLevel(lwtlog.LevelInfo)
	logger := slog.New(lwtlog.SlogHandler(out, section))

	logger.Info("user logged in", "user", "ada", "tries", 2)
	logger.Debug("dropped: below the level of the section")
	logger.WithGroup("req").Error("failed", "path", "/a b")
	// Output:
	// example.slog [info] user logged in user=ada tries=2
	// example.slog [error] failed req.path="/a b"
}

// FromSlog makes any slog.Handler an lwtlog logger.
func ExampleFromSlog() {
	h := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // for a stable output
			}
			return a
		},
	})
	lwtlog.At("main.go", 4, 2).To(lwtlog.FromSlog(h)).Warning(lwtlog.Main, "low on disk")
	// Output:
	// level=WARN msg="low on disk" section=main source=main.go:4:2
}
