package lwtio

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtstream"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// FileOptions configure the channels the file functions open. The zero
// FileOptions are the defaults.
type FileOptions struct {
	// Flags are open(2)'s flags (unix.O_RDONLY, unix.O_APPEND ...), used
	// exactly as given. 0 means unix.O_RDONLY for an input channel,
	// unix.O_WRONLY|unix.O_CREAT|unix.O_TRUNC for an output channel and
	// unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL for a temporary file.
	// Without unix.O_NONBLOCK the channel reads and writes off the loop, as
	// jobs (right for regular files, which are never "not ready"); with it,
	// on the loop when the descriptor is ready (for FIFOs and devices).
	Flags int
	// Perm are the permissions of a file the call creates, before the
	// umask. 0 means 0o666, and 0o600 for a temporary file.
	Perm fs.FileMode
	// BufferSize is the size of the channel's buffer; 0 means
	// DefaultBufferSize.
	BufferSize int
}

func (o FileOptions) flags(def int) int {
	if o.Flags == 0 {
		return def
	}
	return o.Flags
}

func (o FileOptions) perm(def fs.FileMode) fs.FileMode {
	if o.Perm == 0 {
		return def
	}
	return o.Perm
}

func (o FileOptions) check() error { return checkBufferSize(o.BufferSize) }

// openFD opens path as lwtunix.OpenFile does, as an FD in the mode flags
// ask for.
func openFD(path string, flags int, perm fs.FileMode) lwt.Promise[*lwtunix.FD] {
	return lwt.Map(lwtunix.OpenFile(path, flags, perm), func(fd int) *lwtunix.FD {
		return lwtunix.OfFDWithMode(fd, flags&unix.O_NONBLOCK == 0)
	})
}

// OpenInputFile opens path for reading and gives a channel that reads it:
// Lwt_io.open_file ~mode:Input. Closing the channel closes the file.
func OpenInputFile(path string, opts FileOptions) lwt.Promise[*InputChannel] {
	if err := opts.check(); err != nil {
		return lwt.Fail[*InputChannel](err)
	}
	return lwt.Map(openFD(path, opts.flags(unix.O_RDONLY), opts.perm(0o666)), func(fd *lwtunix.FD) *InputChannel {
		return NewInput(fd, Options{BufferSize: opts.BufferSize})
	})
}

// OpenOutputFile opens path for writing, by default creating it or
// truncating it, and gives a channel that writes it: Lwt_io.open_file
// ~mode:Output. Closing the channel flushes it and closes the file.
func OpenOutputFile(path string, opts FileOptions) lwt.Promise[*OutputChannel] {
	if err := opts.check(); err != nil {
		return lwt.Fail[*OutputChannel](err)
	}
	flags := opts.flags(unix.O_WRONLY | unix.O_CREAT | unix.O_TRUNC)
	return lwt.Map(openFD(path, flags, opts.perm(0o666)), func(fd *lwtunix.FD) *OutputChannel {
		return NewOutput(fd, Options{BufferSize: opts.BufferSize})
	})
}

// withClose calls f and then close, whether f succeeds, fails or panics.
// A failure of f wins over one of close.
func withClose[T any](f func() lwt.Promise[T], close func() lwt.Promise[lwt.Unit]) lwt.Promise[T] {
	return lwt.TryBind(f,
		func(v T) lwt.Promise[T] {
			return lwt.Map(close(), func(lwt.Unit) T { return v })
		},
		func(err error) lwt.Promise[T] {
			return lwt.TryBind(close,
				func(lwt.Unit) lwt.Promise[T] { return lwt.Fail[T](err) },
				func(error) lwt.Promise[T] { return lwt.Fail[T](err) })
		})
}

// WithInputFile opens path as OpenInputFile does, calls f with the channel
// and closes it once f's promise is resolved, or if f panics:
// Lwt_io.with_file ~mode:Input. The result is f's; if f succeeds but
// closing fails, the result is that failure.
func WithInputFile[T any](path string, opts FileOptions, f func(*InputChannel) lwt.Promise[T]) lwt.Promise[T] {
	return lwt.Bind(OpenInputFile(path, opts), func(ic *InputChannel) lwt.Promise[T] {
		return withClose(func() lwt.Promise[T] { return f(ic) }, ic.Close)
	})
}

// WithOutputFile opens path as OpenOutputFile does, calls f with the
// channel and closes it (flushing it) once f's promise is resolved, or if f
// panics: Lwt_io.with_file ~mode:Output. The result is f's; if f succeeds
// but the final flush or close fails, the result is that failure.
func WithOutputFile[T any](path string, opts FileOptions, f func(*OutputChannel) lwt.Promise[T]) lwt.Promise[T] {
	return lwt.Bind(OpenOutputFile(path, opts), func(oc *OutputChannel) lwt.Promise[T] {
		return withClose(func() lwt.Promise[T] { return f(oc) }, oc.Close)
	})
}

// streamOfFile is the stream of what read gives from the file path, opened
// at the first read and closed at the end or at the first failure.
func streamOfFile[T any](path string, read func(*InputChannel) lwt.Promise[Opt[T]]) *lwtstream.Stream[T] {
	var open lwt.Promise[*InputChannel]
	opened := false
	return lwtstream.From(func() lwt.Promise[Opt[T]] {
		if !opened {
			open, opened = OpenInputFile(path, FileOptions{}), true
		}
		return lwt.Bind(open, func(ic *InputChannel) lwt.Promise[Opt[T]] {
			return lwt.TryBind(func() lwt.Promise[Opt[T]] { return read(ic) },
				func(o Opt[T]) lwt.Promise[Opt[T]] {
					if o.OK {
						return lwt.Return(o)
					}
					return lwt.Map(ic.Close(), func(lwt.Unit) Opt[T] { return o })
				},
				func(err error) lwt.Promise[Opt[T]] {
					ic.Close()
					return lwt.Fail[Opt[T]](err)
				})
		})
	})
}

// LinesOfFile returns the stream of the lines of the file path:
// Lwt_io.lines_of_file. The file is opened at the first read and closed
// when the stream ends or a read fails; a stream left before its end keeps
// the file open.
func LinesOfFile(path string) *lwtstream.Stream[string] {
	return streamOfFile(path, (*InputChannel).ReadLineOpt)
}

// CharsOfFile returns the stream of the bytes of the file path:
// Lwt_io.chars_of_file. The file is opened and closed as by LinesOfFile.
func CharsOfFile(path string) *lwtstream.Stream[byte] {
	return streamOfFile(path, (*InputChannel).ReadCharOpt)
}

// LinesToFile writes the strings of lines to the file path, each followed
// by "\n", creating or truncating it: Lwt_io.lines_to_file.
func LinesToFile(path string, lines *lwtstream.Stream[string]) lwt.Promise[lwt.Unit] {
	return WithOutputFile(path, FileOptions{}, func(oc *OutputChannel) lwt.Promise[lwt.Unit] {
		return oc.WriteLines(lines)
	})
}

// CharsToFile writes the bytes of chars to the file path, creating or
// truncating it: Lwt_io.chars_to_file.
func CharsToFile(path string, chars *lwtstream.Stream[byte]) lwt.Promise[lwt.Unit] {
	return WithOutputFile(path, FileOptions{}, func(oc *OutputChannel) lwt.Promise[lwt.Unit] {
		return oc.WriteChars(chars)
	})
}

// FileLength gives the length of the file path: Lwt_io.file_length. For a
// directory it fails with an *fs.PathError matching unix.EISDIR.
func FileLength(path string) lwt.Promise[int64] {
	return lwt.Bind(lwtunix.Stat(path), func(fi fs.FileInfo) lwt.Promise[int64] {
		switch {
		case fi.IsDir():
			return lwt.Fail[int64](&fs.PathError{Op: "FileLength", Path: path, Err: unix.EISDIR})
		case fi.Mode().IsRegular():
			return lwt.Return(fi.Size())
		}
		// A device: its size is where lseek(2) ends.
		return WithInputFile(path, FileOptions{Flags: unix.O_RDONLY | unix.O_NONBLOCK}, (*InputChannel).Length)
	})
}

// A TempFile is a temporary file made by CreateTempFile: its path, and an
// output channel writing it.
type TempFile struct {
	Path string
	Out  *OutputChannel
}

// ErrPatternHasSeparator is the error of a temporary name pattern holding a
// path separator.
var ErrPatternHasSeparator = errors.New("lwtio: pattern contains path separator")

// tempName makes a name in dir from pattern, as os.CreateTemp does: the
// last "*" is replaced by a random string, or it is appended.
func tempName(dir, pattern string) (func() string, error) {
	if strings.ContainsRune(pattern, os.PathSeparator) {
		return nil, &fs.PathError{Op: "createtemp", Path: pattern, Err: ErrPatternHasSeparator}
	}
	if dir == "" {
		dir = os.TempDir()
	}
	if pattern == "" {
		pattern = "lwtio-*"
	}
	prefix, suffix := pattern, ""
	if i := strings.LastIndexByte(pattern, '*'); i >= 0 {
		prefix, suffix = pattern[:i], pattern[i+1:]
	}
	return func() string {
		return filepath.Join(dir, prefix+strconv.FormatUint(uint64(rand.Uint32()), 10)+suffix)
	}, nil
}

// createTemp calls try with new names until it does not fail with EEXIST.
func createTemp[T any](dir, pattern string, try func(name string) lwt.Promise[T]) lwt.Promise[T] {
	next, err := tempName(dir, pattern)
	if err != nil {
		return lwt.Fail[T](err)
	}
	var attempt func(n int) lwt.Promise[T]
	attempt = func(n int) lwt.Promise[T] {
		return lwt.Catch(func() lwt.Promise[T] { return try(next()) }, func(err error) lwt.Promise[T] {
			if errors.Is(err, unix.EEXIST) && n < 10000 {
				return attempt(n + 1)
			}
			return lwt.Fail[T](err)
		})
	}
	return attempt(1)
}

// CreateTempFile creates a new file in dir, whose name is made from pattern
// as os.CreateTemp makes it (the last "*" is replaced by a random string,
// or it is appended; "" means "lwtio-*"), and gives its path and an output
// channel writing it: Lwt_io.open_temp_file. dir "" means os.TempDir().
// The file is created with permissions 0o600 and flags
// O_WRONLY|O_CREAT|O_EXCL unless opts say otherwise; removing it is up to
// the caller (see WithTempFile).
func CreateTempFile(dir, pattern string, opts FileOptions) lwt.Promise[TempFile] {
	if err := opts.check(); err != nil {
		return lwt.Fail[TempFile](err)
	}
	opts.Flags = opts.flags(unix.O_WRONLY | unix.O_CREAT | unix.O_EXCL)
	opts.Perm = opts.perm(0o600)
	return createTemp(dir, pattern, func(name string) lwt.Promise[TempFile] {
		return lwt.Map(OpenOutputFile(name, opts), func(oc *OutputChannel) TempFile {
			return TempFile{Path: name, Out: oc}
		})
	})
}

// WithTempFile creates a temporary file as CreateTempFile does and calls f
// with its path and channel; once f's promise is resolved, or if f panics,
// it closes the channel and removes the file: Lwt_io.with_temp_file. The
// result is f's, or the failure of the clean-up if f succeeded.
func WithTempFile[T any](dir, pattern string, opts FileOptions, f func(path string, oc *OutputChannel) lwt.Promise[T]) lwt.Promise[T] {
	return lwt.Bind(CreateTempFile(dir, pattern, opts), func(tf TempFile) lwt.Promise[T] {
		return withClose(func() lwt.Promise[T] { return f(tf.Path, tf.Out) }, func() lwt.Promise[lwt.Unit] {
			return withClose(tf.Out.Close, func() lwt.Promise[lwt.Unit] { return lwtunix.Unlink(tf.Path) })
		})
	})
}

// CreateTempDir creates a new directory in dir, whose name is made from
// pattern as by CreateTempFile ("" means "lwtio-*"), with permissions perm
// (0 means 0o700, as os.MkdirTemp; Lwt's default is 0o755), and gives its
// path: Lwt_io.create_temp_dir. Removing it is up to the caller (see
// WithTempDir and DeleteRecursively).
func CreateTempDir(dir, pattern string, perm fs.FileMode) lwt.Promise[string] {
	if perm == 0 {
		perm = 0o700
	}
	return createTemp(dir, pattern, func(name string) lwt.Promise[string] {
		return lwt.Map(lwtunix.Mkdir(name, perm), func(lwt.Unit) string { return name })
	})
}

// WithTempDir creates a temporary directory as CreateTempDir does (with
// permissions 0o700) and calls f with its path; once f's promise is
// resolved, or if f panics, it removes the directory and all it holds:
// Lwt_io.with_temp_dir. The result is f's, or the failure of the removal if
// f succeeded.
func WithTempDir[T any](dir, pattern string, f func(path string) lwt.Promise[T]) lwt.Promise[T] {
	return lwt.Bind(CreateTempDir(dir, pattern, 0), func(path string) lwt.Promise[T] {
		return withClose(func() lwt.Promise[T] { return f(path) }, func() lwt.Promise[lwt.Unit] {
			return DeleteRecursively(path)
		})
	})
}

// DeleteRecursively removes path and, if it is a directory, everything in
// it, as os.RemoveAll does, off the loop (as a job): Lwt_io.delete_recursively.
// Unlike Lwt's, it succeeds if path does not exist.
func DeleteRecursively(path string) lwt.Promise[lwt.Unit] {
	return lwtunix.RunJob[lwt.Unit](&removeAllJob{path: path})
}

type removeAllJob struct {
	path string
	err  error
}

func (j *removeAllJob) Work()                     { j.err = os.RemoveAll(j.path) }
func (j *removeAllJob) Result() (lwt.Unit, error) { return lwt.Unit{}, j.err }
