//go:build linux

package engine

import (
	"os"
	"slices"

	"golang.org/x/sys/unix"
)

// NewEpoll returns an engine on epoll(7): it watches any number of
// descriptors and its cost does not grow with the number watched. Its
// PollFds exposes one descriptor, the epoll instance.
func NewEpoll() (Engine, error) {
	fd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("epoll_create1", err)
	}
	l, err := newLoop("epoll", &epollBackend{fd: fd, events: make([]unix.EpollEvent, 64)})
	if err != nil {
		return nil, err
	}
	return l, nil
}

type epollBackend struct {
	fd     int
	events []unix.EpollEvent
	// always holds the descriptors epoll refuses (EPERM: regular files and
	// the like), which are always ready, as poll(2) reports them.
	always []ready
}

// maxEvents bounds the buffer epoll_wait fills; it doubles from 64 while
// epoll keeps filling it.
const maxEvents = 4096

func (b *epollBackend) check(int) error { return nil }

func (b *epollBackend) update(fd int, old, new uint8) error {
	if i := slices.IndexFunc(b.always, func(r ready) bool { return int(r.fd) == fd }); i >= 0 {
		if new == 0 {
			b.always = slices.Delete(b.always, i, i+1)
		} else {
			b.always[i].mask = new
		}
		return nil
	}
	ev := unix.EpollEvent{Fd: int32(fd)}
	if new&uint8(kindRead) != 0 {
		ev.Events |= unix.EPOLLIN
	}
	if new&uint8(kindWrite) != 0 {
		ev.Events |= unix.EPOLLOUT
	}
	var err error
	switch {
	case new == 0:
		unix.EpollCtl(b.fd, unix.EPOLL_CTL_DEL, fd, &ev) // fails if fd was closed: fine
		return nil
	case old == 0:
		err = unix.EpollCtl(b.fd, unix.EPOLL_CTL_ADD, fd, &ev)
		if err == unix.EEXIST {
			err = unix.EpollCtl(b.fd, unix.EPOLL_CTL_MOD, fd, &ev)
		}
		if err == unix.EPERM {
			b.always = append(b.always, ready{int32(fd), new})
			return nil
		}
	default:
		err = unix.EpollCtl(b.fd, unix.EPOLL_CTL_MOD, fd, &ev)
		if err == unix.ENOENT { // closed and reopened since: the kernel forgot it
			err = unix.EpollCtl(b.fd, unix.EPOLL_CTL_ADD, fd, &ev)
		}
	}
	if err != nil {
		return os.NewSyscallError("epoll_ctl", err)
	}
	return nil
}

func (b *epollBackend) wait(timeout int, r []ready) ([]ready, error) {
	if len(b.always) > 0 {
		timeout = 0
	}
	n, err := unix.EpollWait(b.fd, b.events, timeout)
	if err == unix.EINTR {
		n = 0
	} else if err != nil {
		return r, os.NewSyscallError("epoll_wait", err)
	}
	for _, e := range b.events[:n] {
		var m uint8
		if e.Events&(unix.EPOLLIN|unix.EPOLLPRI|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
			m |= uint8(kindRead)
		}
		if e.Events&(unix.EPOLLOUT|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
			m |= uint8(kindWrite)
		}
		r = append(r, ready{e.Fd, m})
	}
	if n == len(b.events) && n < maxEvents {
		b.events = make([]unix.EpollEvent, 2*n)
	}
	return append(r, b.always...), nil
}

func (b *epollBackend) mustNotBlock() bool { return len(b.always) > 0 }

func (b *epollBackend) pollFds(buf []unix.PollFd) []unix.PollFd {
	return append(buf, unix.PollFd{Fd: int32(b.fd), Events: unix.POLLIN})
}

func (b *epollBackend) close() { unix.Close(b.fd) }
