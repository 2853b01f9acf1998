package lwtunix

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// File-system calls block in the kernel (a disk, a network file system)
// whatever the descriptor's mode, so each runs as a job, off the loop.
// Their errors wrap the errno: *os.PathError naming the call and the path,
// *os.LinkError for calls on two paths, *os.SyscallError for calls on a
// descriptor; errors.Is(err, unix.ENOENT) (or fs.ErrNotExist) sees through
// them. System calls interrupted by a signal (EINTR) are retried.

// mkdirJob is Mkdir as the manual's "Writing stubs using Lwt" builds it: the
// arguments and the outcome of the call, a Work that makes the blocking call
// and a Result that turns its outcome into the promise's.
type mkdirJob struct {
	path string
	mode uint32
	err  error // the errno mkdir(2) set
}

func (j *mkdirJob) Work() {
	j.err = ignoringEINTR(func() error { return unix.Mkdir(j.path, j.mode) })
}

func (j *mkdirJob) Result() (lwt.Unit, error) {
	if j.err != nil {
		return lwt.Unit{}, &os.PathError{Op: "mkdir", Path: j.path, Err: j.err}
	}
	return lwt.Unit{}, nil
}

// Mkdir makes the directory path with permissions perm (before the umask):
// Lwt_unix.mkdir, built as the manual builds it.
func Mkdir(path string, perm fs.FileMode) lwt.Promise[lwt.Unit] {
	return RunJob[lwt.Unit](&mkdirJob{path: path, mode: unixMode(perm)})
}

// funcJob is the job of a call made of one function.
type funcJob[T any] struct {
	f       func() (T, error)
	discard func(T) // releases the value when the job is canceled
	v       T
	err     error
}

func (j *funcJob[T]) Work()              { j.v, j.err = j.f() }
func (j *funcJob[T]) Result() (T, error) { return j.v, j.err }

func (j *funcJob[T]) Discard() {
	if j.discard != nil && j.err == nil {
		j.discard(j.v)
	}
}

func runCall[T any](f func() (T, error)) lwt.Promise[T] {
	return RunJob[T](&funcJob[T]{f: f})
}

// runPathCall runs f as a job; its error becomes an *os.PathError of op on
// path.
func runPathCall(op, path string, f func() error) lwt.Promise[lwt.Unit] {
	return runCall(func() (lwt.Unit, error) {
		if err := ignoringEINTR(f); err != nil {
			return lwt.Unit{}, &os.PathError{Op: op, Path: path, Err: err}
		}
		return lwt.Unit{}, nil
	})
}

// runFDCall runs f as a job; its error becomes an *os.SyscallError of op.
func runFDCall(op string, f func() error) lwt.Promise[lwt.Unit] {
	return runCall(func() (lwt.Unit, error) {
		if err := ignoringEINTR(f); err != nil {
			return lwt.Unit{}, os.NewSyscallError(op, err)
		}
		return lwt.Unit{}, nil
	})
}

func ignoringEINTR(f func() error) error {
	for {
		if err := f(); err != unix.EINTR {
			return err
		}
	}
}

// unixMode converts the permission and special bits of a fs.FileMode to
// those of the system calls.
func unixMode(m fs.FileMode) uint32 {
	u := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		u |= unix.S_ISUID
	}
	if m&fs.ModeSetgid != 0 {
		u |= unix.S_ISGID
	}
	if m&fs.ModeSticky != 0 {
		u |= unix.S_ISVTX
	}
	return u
}

// OpenFile opens path with the flags of open(2) (unix.O_RDONLY,
// unix.O_CREAT ...) and, for a file it creates, permissions perm (before the
// umask), and gives the new descriptor: Lwt_unix.openfile. O_CLOEXEC is always
// added, as the os package does. The descriptor is in the mode the flags
// ask for (blocking unless unix.O_NONBLOCK); wrap it with OfFDWithMode for
// cooperative reads and writes, or close it with [Close]. If the promise is
// canceled while the file is being opened, the descriptor is closed.
func OpenFile(path string, flag int, perm fs.FileMode) lwt.Promise[int] {
	return RunJob[int](&funcJob[int]{
		f: func() (int, error) {
			var fd int
			err := ignoringEINTR(func() (err error) {
				fd, err = unix.Open(path, flag|unix.O_CLOEXEC, unixMode(perm))
				return err
			})
			if err != nil {
				return -1, &os.PathError{Op: "open", Path: path, Err: err}
			}
			return fd, nil
		},
		discard: func(fd int) { unix.Close(fd) },
	})
}

// Close closes the descriptor fd as a job: Lwt_unix.close for a raw
// descriptor (an FD has its own Close). Closing may block, for instance on a
// network file system. The promise cannot be canceled: a close that was
// asked for always happens. EINTR is not retried: on Linux the descriptor is
// released even then.
func Close(fd int) lwt.Promise[lwt.Unit] {
	return lwt.NoCancel(runCall(func() (lwt.Unit, error) {
		if err := unix.Close(fd); err != nil && err != unix.EINTR {
			return lwt.Unit{}, os.NewSyscallError("close", err)
		}
		return lwt.Unit{}, nil
	}))
}

// Stat gives information on the file path, following symbolic links:
// Lwt_unix.stat. The fs.FileInfo is that of os.Stat; its Sys method returns
// the *unix.Stat_t.
func Stat(path string) lwt.Promise[fs.FileInfo] {
	return statCall("stat", path, unix.Stat)
}

// Lstat is [Stat] for the link itself when path is a symbolic link:
// Lwt_unix.lstat.
func Lstat(path string) lwt.Promise[fs.FileInfo] {
	return statCall("lstat", path, unix.Lstat)
}

func statCall(op, path string, stat func(string, *unix.Stat_t) error) lwt.Promise[fs.FileInfo] {
	return runCall(func() (fs.FileInfo, error) {
		fi := &fileInfo{name: filepath.Base(path)}
		if err := ignoringEINTR(func() error { return stat(path, &fi.st) }); err != nil {
			return nil, &os.PathError{Op: op, Path: path, Err: err}
		}
		return fi, nil
	})
}

// Fstat gives information on the file open as fd: Lwt_unix.fstat. The
// name of the fs.FileInfo is empty.
func Fstat(fd int) lwt.Promise[fs.FileInfo] {
	return runCall(func() (fs.FileInfo, error) {
		fi := &fileInfo{}
		if err := ignoringEINTR(func() error { return unix.Fstat(fd, &fi.st) }); err != nil {
			return nil, os.NewSyscallError("fstat", err)
		}
		return fi, nil
	})
}

// fileInfo is the fs.FileInfo of a stat(2).
type fileInfo struct {
	name string
	st   unix.Stat_t
}

func (fi *fileInfo) Name() string       { return fi.name }
func (fi *fileInfo) Size() int64        { return fi.st.Size }
func (fi *fileInfo) IsDir() bool        { return fi.Mode().IsDir() }
func (fi *fileInfo) Sys() any           { return &fi.st }
func (fi *fileInfo) ModTime() time.Time { return time.Unix(fi.st.Mtim.Unix()) }

func (fi *fileInfo) Mode() fs.FileMode {
	m := fs.FileMode(fi.st.Mode & 0o777)
	switch fi.st.Mode & unix.S_IFMT {
	case unix.S_IFBLK:
		m |= fs.ModeDevice
	case unix.S_IFCHR:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFDIR:
		m |= fs.ModeDir
	case unix.S_IFIFO:
		m |= fs.ModeNamedPipe
	case unix.S_IFLNK:
		m |= fs.ModeSymlink
	case unix.S_IFSOCK:
		m |= fs.ModeSocket
	}
	if fi.st.Mode&unix.S_ISUID != 0 {
		m |= fs.ModeSetuid
	}
	if fi.st.Mode&unix.S_ISGID != 0 {
		m |= fs.ModeSetgid
	}
	if fi.st.Mode&unix.S_ISVTX != 0 {
		m |= fs.ModeSticky
	}
	return m
}

// Rmdir removes the empty directory path: Lwt_unix.rmdir.
func Rmdir(path string) lwt.Promise[lwt.Unit] {
	return runPathCall("rmdir", path, func() error { return unix.Rmdir(path) })
}

// Unlink removes the name path from the file system (not a directory):
// Lwt_unix.unlink.
func Unlink(path string) lwt.Promise[lwt.Unit] {
	return runPathCall("unlink", path, func() error { return unix.Unlink(path) })
}

// Rename renames oldpath to newpath, replacing newpath if it exists:
// Lwt_unix.rename.
func Rename(oldpath, newpath string) lwt.Promise[lwt.Unit] {
	return runLinkCall("rename", oldpath, newpath, func() error { return unix.Rename(oldpath, newpath) })
}

// Link makes newpath a hard link to oldpath: Lwt_unix.link.
func Link(oldpath, newpath string) lwt.Promise[lwt.Unit] {
	return runLinkCall("link", oldpath, newpath, func() error { return unix.Link(oldpath, newpath) })
}

// Symlink makes newpath a symbolic link to oldpath: Lwt_unix.symlink.
func Symlink(oldpath, newpath string) lwt.Promise[lwt.Unit] {
	return runLinkCall("symlink", oldpath, newpath, func() error { return unix.Symlink(oldpath, newpath) })
}

func runLinkCall(op, oldpath, newpath string, f func() error) lwt.Promise[lwt.Unit] {
	return runCall(func() (lwt.Unit, error) {
		if err := ignoringEINTR(f); err != nil {
			return lwt.Unit{}, &os.LinkError{Op: op, Old: oldpath, New: newpath, Err: err}
		}
		return lwt.Unit{}, nil
	})
}

// Readlink gives the target of the symbolic link path: Lwt_unix.readlink.
func Readlink(path string) lwt.Promise[string] {
	return runCall(func() (string, error) {
		for size := 256; ; size *= 2 {
			buf := make([]byte, size)
			var n int
			err := ignoringEINTR(func() (err error) {
				n, err = unix.Readlink(path, buf)
				return err
			})
			if err != nil {
				return "", &os.PathError{Op: "readlink", Path: path, Err: err}
			}
			if n < size {
				return string(buf[:n]), nil
			}
		}
	})
}

// Readdir gives the names of the entries of the directory path, sorted, "."
// and ".." left out: the names Lwt_unix.opendir, readdir and closedir give,
// in one call.
func Readdir(path string) lwt.Promise[[]string] {
	return runCall(func() ([]string, error) {
		var fd int
		err := ignoringEINTR(func() (err error) {
			fd, err = unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
			return err
		})
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
		defer unix.Close(fd)
		names := []string{}
		buf := make([]byte, 8192)
		for {
			var n int
			err := ignoringEINTR(func() (err error) {
				n, err = unix.ReadDirent(fd, buf)
				return err
			})
			if err != nil {
				return nil, &os.PathError{Op: "readdirent", Path: path, Err: err}
			}
			if n <= 0 {
				break
			}
			_, _, names = unix.ParseDirent(buf[:n], -1, names)
		}
		slices.Sort(names)
		return names, nil
	})
}

// Chmod changes the permissions of path to those of mode (its permission,
// setuid, setgid and sticky bits): Lwt_unix.chmod.
func Chmod(path string, mode fs.FileMode) lwt.Promise[lwt.Unit] {
	return runPathCall("chmod", path, func() error { return unix.Chmod(path, unixMode(mode)) })
}

// Chown changes the owner and group of path (-1 keeps one): Lwt_unix.chown.
func Chown(path string, uid, gid int) lwt.Promise[lwt.Unit] {
	return runPathCall("chown", path, func() error { return unix.Chown(path, uid, gid) })
}

// Truncate sets the size of the file path: Lwt_unix.truncate.
func Truncate(path string, size int64) lwt.Promise[lwt.Unit] {
	return runPathCall("truncate", path, func() error { return unix.Truncate(path, size) })
}

// Ftruncate sets the size of the file open as fd: Lwt_unix.ftruncate.
func Ftruncate(fd int, size int64) lwt.Promise[lwt.Unit] {
	return runFDCall("ftruncate", func() error { return unix.Ftruncate(fd, size) })
}

// Fsync writes the data and metadata of the file open as fd to its device:
// Lwt_unix.fsync.
func Fsync(fd int) lwt.Promise[lwt.Unit] {
	return runFDCall("fsync", func() error { return unix.Fsync(fd) })
}

// Fdatasync writes the data of the file open as fd to its device, and only
// the metadata needed to read it back: Lwt_unix.fdatasync.
func Fdatasync(fd int) lwt.Promise[lwt.Unit] {
	return runFDCall("fdatasync", func() error { return unix.Fdatasync(fd) })
}

// Access checks that the process may access path as mode asks (unix.R_OK,
// unix.W_OK, unix.X_OK or unix.F_OK), with its real user and group ids:
// Lwt_unix.access.
func Access(path string, mode uint32) lwt.Promise[lwt.Unit] {
	return runPathCall("access", path, func() error { return unix.Access(path, mode) })
}
