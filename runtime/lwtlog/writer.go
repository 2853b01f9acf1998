package lwtlog

import (
	"io"
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
// should be fast (a terminal, a buffer). [Channel] and [File] are the
// loggers that write without blocking the loop.
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

// render appends the lines of a message to buf, laid out and each ended by
// a newline.
func (lw *lineWriter) render(buf []byte, s *Section, level Level, lines []string) []byte {
	e := Entry{Time: lw.clock(), Section: s, Level: level, Loc: CurrentLocation()}
	for _, line := range lines {
		e.Message = line
		buf = lw.template.Render(buf, e)
		buf = append(buf, '\n')
	}
	return buf
}

func (lw *lineWriter) output(s *Section, level Level, lines []string) lwt.Promise[lwt.Unit] {
	buf := lw.render(lw.buf[:0], s, level, lines)
	lw.buf = nil // a Write that logs to this logger again gets its own buffer
	_, err := lw.w.Write(buf)
	if cap(buf) <= 64<<10 {
		lw.buf = buf
	}
	return lwt.OfResult(lwt.Unit{}, err)
}
