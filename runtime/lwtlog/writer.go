package lwtlog

import (
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// WriterOptions configures [Writer]. The zero value gives the defaults.
type WriterOptions struct {
	// Template lays out each line; the default is
	// "$(name): $(section): $(message)".
	Template string
	// Clock gives the time of $(date) and $(milliseconds); the default is
	// time.Now.
	Clock func() time.Time
}

// Writer returns a logger that writes each message to w: its lines, laid
// out by the template and each ended by a newline, in a single Write. Closing
// the logger does not close w. The error is that of an invalid template.
//
// The write is synchronous: it blocks the lwt loop until w returns, so w
// should be fast (a terminal, a buffer, a regular file). The channel logger
// of lwtio is the one that writes without blocking.
func Writer(w io.Writer, opts *WriterOptions) (*Logger, error) {
	if opts == nil {
		opts = &WriterOptions{}
	}
	lw, err := newLineWriter(w, opts.Template, "$(name): $(section): $(message)", opts.Clock)
	if err != nil {
		return nil, err
	}
	return Make(lw.output, nil), nil
}

// FileOptions configures [File]. The zero value gives the defaults.
type FileOptions struct {
	// Template lays out each line; the default is
	// "$(date): $(section): $(message)".
	Template string
	// Perm is the permission of a file File creates, before the umask; the
	// default is 0640.
	Perm fs.FileMode
	// Truncate empties the file when it is opened; by default messages are
	// appended to what it holds.
	Truncate bool
	// Clock gives the time of $(date) and $(milliseconds); the default is
	// time.Now.
	Clock func() time.Time
}

// File returns a logger that appends messages to the file at path, creating
// it if needed: Lwt_log's file. Each message is written with one write
// system call in append mode, so that several processes can share the
// file. Closing the logger closes the file.
//
// For now the writes are plain os.File writes, which block the lwt loop
// until the kernel has taken the data; they will go through lwtunix's jobs
// once that package exists.
func File(path string, opts *FileOptions) (*Logger, error) {
	if opts == nil {
		opts = &FileOptions{}
	}
	perm := opts.Perm
	if perm == 0 {
		perm = 0o640
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_APPEND
	if opts.Truncate {
		flags |= os.O_TRUNC
	}
	lw, err := newLineWriter(nil, opts.Template, "$(date): $(section): $(message)", opts.Clock)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, flags, perm)
	if err != nil {
		return nil, err
	}
	lw.w = f
	return Make(lw.output, func() lwt.Promise[lwt.Unit] {
		return lwt.OfResult(lwt.Unit{}, f.Close())
	}), nil
}

// lineWriter renders messages and writes them to w.
type lineWriter struct {
	w        io.Writer
	template Template
	clock    func() time.Time
	buf      []byte // reused between messages
}

func newLineWriter(w io.Writer, template, defaultTemplate string, clock func() time.Time) (*lineWriter, error) {
	if template == "" {
		template = defaultTemplate
	}
	t, err := ParseTemplate(template)
	if err != nil {
		return nil, err
	}
	if clock == nil {
		clock = time.Now
	}
	return &lineWriter{w: w, template: t, clock: clock}, nil
}

func (lw *lineWriter) output(s *Section, level Level, lines []string) lwt.Promise[lwt.Unit] {
	e := Entry{Time: lw.clock(), Section: s, Level: level, Loc: CurrentLocation()}
	buf := lw.buf[:0]
	lw.buf = nil // a Write that logs to this logger again gets its own buffer
	for _, line := range lines {
		e.Message = line
		buf = lw.template.Render(buf, e)
		buf = append(buf, '\n')
	}
	_, err := lw.w.Write(buf)
	if cap(buf) <= 64<<10 {
		lw.buf = buf
	}
	return lwt.OfResult(lwt.Unit{}, err)
}
