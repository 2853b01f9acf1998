package lwtlog

import (
	"io/fs"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtio"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// ChannelOptions configures [Channel]. The zero value gives the defaults.
type ChannelOptions struct {
	// Template lays out each line; the default is
	// "$(name): $(section): $(message)".
	Template string
	// Close makes closing the logger close the channel (Lwt's
	// ~close_mode:`Close); by default the channel is kept open (`Keep).
	Close bool
	// Clock gives the time of $(date) and $(milliseconds); the default is
	// time.Now.
	Clock func() time.Time
}

// Channel returns a logger that writes messages to the buffered channel oc:
// Lwt_log.channel. The lines of a message, laid out by the template and each
// ended by a newline, are written and then flushed in one [lwtio.Atomic]
// section, so that they stay together and each message is flushed alone. The promise of a
// log call resolves once that flush is done, and fails if the write or the
// flush fails. Writing never blocks the loop: the channel's descriptor is
// written cooperatively, or off the loop for a regular file.
//
// For instance, logging to standard error through lwtio, as Lwt's default
// logger does:
//
//	lwtlog.Default, _ = lwtlog.Channel(lwtio.Stderr, nil)
//
// The error is that of an invalid template.
func Channel(oc *lwtio.OutputChannel, opts *ChannelOptions) (*Logger, error) {
	if opts == nil {
		opts = &ChannelOptions{}
	}
	lw, err := newLineWriter(nil, opts.Template, "$(name): $(section): $(message)", opts.Clock)
	if err != nil {
		return nil, err
	}
	return channelLogger(oc, lw, opts.Close), nil
}

func channelLogger(oc *lwtio.OutputChannel, lw *lineWriter, closeChannel bool) *Logger {
	var close func() lwt.Promise[lwt.Unit]
	if closeChannel {
		close = oc.Close
	}
	return Make(func(s *Section, level Level, lines []string) lwt.Promise[lwt.Unit] {
		buf := lw.render(lw.buf[:0], s, level, lines)
		msg := string(buf)
		if cap(buf) <= 64<<10 {
			lw.buf = buf
		}
		// Written and flushed in one Atomic section, as Lwt does: no other
		// message comes between this one and its flush.
		return lwtio.Atomic(oc, func(oc *lwtio.OutputChannel) lwt.Promise[lwt.Unit] {
			return lwt.Bind(oc.Write(msg), func(lwt.Unit) lwt.Promise[lwt.Unit] { return oc.Flush() })
		})
	}, close)
}

// FileOptions configures [File]. The zero value gives the defaults.
type FileOptions struct {
	// Template lays out each line; the default is
	// "$(date): $(section): $(message)".
	Template string
	// Perm is the permission of a file File creates, before the umask; the
	// default is 0640.
	Perm fs.FileMode
	// Truncate empties the file when it is opened (Lwt's ~mode:`Truncate);
	// by default messages are appended to what it holds (`Append).
	Truncate bool
	// Clock gives the time of $(date) and $(milliseconds); the default is
	// time.Now.
	Clock func() time.Time
}

// File opens the file at path, creating it if needed, and gives a logger
// that appends messages to it: Lwt_log.file. The file is opened as a job of
// lwtunix, in append mode and closed on exec, and written through a
// [Channel] whose writes run off the loop; closing the logger closes the
// file. The promise fails if the template is invalid (the file is then not
// created) or if the file cannot be opened.
//
// Each message is written with one write system call in append mode, so
// that several processes can share the file, unless it is longer than the
// channel's buffer (lwtio.DefaultBufferSize) or other messages are being
// written at the same time; its lines stay together in any case.
func File(path string, opts *FileOptions) lwt.Promise[*Logger] {
	if opts == nil {
		opts = &FileOptions{}
	}
	lw, err := newLineWriter(nil, opts.Template, "$(date): $(section): $(message)", opts.Clock)
	if err != nil {
		return lwt.Fail[*Logger](err)
	}
	perm := opts.Perm
	if perm == 0 {
		perm = 0o640
	}
	flags := unix.O_WRONLY | unix.O_CREAT | unix.O_APPEND
	if opts.Truncate {
		flags |= unix.O_TRUNC
	}
	return lwt.Map(lwtunix.OpenFile(path, flags, perm), func(fd int) *Logger {
		// A regular file: in blocking mode, its writes run as jobs.
		oc := lwtio.NewOutput(lwtunix.OfFDWithMode(fd, true), lwtio.Options{})
		return channelLogger(oc, lw, true)
	})
}
