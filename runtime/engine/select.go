//go:build linux

package engine

import (
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// NewSelect returns an engine on select(2). It cannot watch descriptors of
// 1024 (FD_SETSIZE) or more: registering one returns an error wrapping
// [ErrFdTooLarge]. Its own wakeup descriptor must be below that limit too.
func NewSelect() (Engine, error) {
	l, err := newLoop("select", &selectBackend{maxfd: -1})
	if err != nil {
		return nil, err
	}
	return l, nil
}

type selectBackend struct {
	rset, wset unix.FdSet // what is watched
	r, w       unix.FdSet // what select reports
	maxfd      int
	ts         unix.Timespec
}

// wordBits is the number of descriptors in a word of unix.FdSet.Bits.
const wordBits = 8 * int(unsafe.Sizeof(unix.FdSet{}.Bits[0]))

func (b *selectBackend) check(fd int) error {
	if fd >= unix.FD_SETSIZE {
		return fmt.Errorf("%w: %d is not below FD_SETSIZE (%d); use the epoll or poll engine",
			ErrFdTooLarge, fd, unix.FD_SETSIZE)
	}
	return nil
}

func (b *selectBackend) update(fd int, old, new uint8) error {
	if new&uint8(kindRead) != 0 {
		b.rset.Set(fd)
	} else {
		b.rset.Clear(fd)
	}
	if new&uint8(kindWrite) != 0 {
		b.wset.Set(fd)
	} else {
		b.wset.Clear(fd)
	}
	switch {
	case new != 0 && fd > b.maxfd:
		b.maxfd = fd
	case new == 0 && fd == b.maxfd:
		for b.maxfd >= 0 && !b.rset.IsSet(b.maxfd) && !b.wset.IsSet(b.maxfd) {
			b.maxfd--
		}
	}
	return nil
}

func (b *selectBackend) wait(timeout int, r []ready) ([]ready, error) {
	b.r, b.w = b.rset, b.wset
	var ts *unix.Timespec
	if timeout >= 0 {
		b.ts = unix.NsecToTimespec(int64(timeout) * 1e6)
		ts = &b.ts
	}
	_, err := unix.Pselect(b.maxfd+1, &b.r, &b.w, nil, ts, nil)
	switch err {
	case nil:
	case unix.EINTR:
		return r, nil
	case unix.EBADF:
		// A watched descriptor was closed. Report those that are not open
		// as ready, so that their callbacks meet the error (Lwt does so).
		b.r, b.w = unix.FdSet{}, unix.FdSet{}
		for fd := 0; fd <= b.maxfd; fd++ {
			if !b.rset.IsSet(fd) && !b.wset.IsSet(fd) {
				continue
			}
			if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != unix.EBADF {
				continue
			}
			if b.rset.IsSet(fd) {
				b.r.Set(fd)
			}
			if b.wset.IsSet(fd) {
				b.w.Set(fd)
			}
		}
	default:
		return r, os.NewSyscallError("select", err)
	}
	for i := 0; i <= b.maxfd/wordBits; i++ {
		if b.r.Bits[i]|b.w.Bits[i] == 0 {
			continue
		}
		for fd := i * wordBits; fd < (i+1)*wordBits && fd <= b.maxfd; fd++ {
			var m uint8
			if b.r.IsSet(fd) {
				m |= uint8(kindRead)
			}
			if b.w.IsSet(fd) {
				m |= uint8(kindWrite)
			}
			if m != 0 {
				r = append(r, ready{int32(fd), m})
			}
		}
	}
	return r, nil
}

func (b *selectBackend) mustNotBlock() bool { return false }

func (b *selectBackend) pollFds(buf []unix.PollFd) []unix.PollFd {
	for fd := 0; fd <= b.maxfd; fd++ {
		var e int16
		if b.rset.IsSet(fd) {
			e |= unix.POLLIN
		}
		if b.wset.IsSet(fd) {
			e |= unix.POLLOUT
		}
		if e != 0 {
			buf = append(buf, unix.PollFd{Fd: int32(fd), Events: e})
		}
	}
	return buf
}

func (b *selectBackend) close() {}
