//go:build linux

package engine

import (
	"os"
	"slices"

	"golang.org/x/sys/unix"
)

// NewPoll returns an engine on poll(2): any descriptor number, at a cost per
// Iter that grows with the number of descriptors watched.
func NewPoll() (Engine, error) {
	l, err := newLoop("poll", &pollBackend{})
	if err != nil {
		return nil, err
	}
	return l, nil
}

type pollBackend struct {
	fds []unix.PollFd
	pos []int32 // by descriptor: its index in fds plus one, 0 if absent
}

func (b *pollBackend) check(int) error { return nil }

func pollEvents(m uint8) int16 {
	var e int16
	if m&uint8(kindRead) != 0 {
		e |= unix.POLLIN
	}
	if m&uint8(kindWrite) != 0 {
		e |= unix.POLLOUT
	}
	return e
}

func (b *pollBackend) update(fd int, old, new uint8) error {
	switch {
	case new == 0:
		i, last := b.pos[fd]-1, int32(len(b.fds)-1)
		b.fds[i] = b.fds[last]
		b.pos[b.fds[i].Fd] = i + 1
		b.fds = b.fds[:last]
		b.pos[fd] = 0
	case old == 0:
		if fd >= len(b.pos) {
			b.pos = slices.Grow(b.pos, fd+1-len(b.pos))
			b.pos = b.pos[:cap(b.pos)]
		}
		b.fds = append(b.fds, unix.PollFd{Fd: int32(fd), Events: pollEvents(new)})
		b.pos[fd] = int32(len(b.fds))
	default:
		b.fds[b.pos[fd]-1].Events = pollEvents(new)
	}
	return nil
}

func (b *pollBackend) wait(timeout int, r []ready) ([]ready, error) {
	n, err := unix.Poll(b.fds, timeout)
	if err == unix.EINTR {
		return r, nil
	} else if err != nil {
		return r, os.NewSyscallError("poll", err)
	}
	for i := 0; n > 0 && i < len(b.fds); i++ {
		p := &b.fds[i]
		if p.Revents == 0 {
			continue
		}
		n--
		var m uint8
		if p.Revents&(unix.POLLIN|unix.POLLPRI|unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0 {
			m |= uint8(kindRead)
		}
		if p.Revents&(unix.POLLOUT|unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0 {
			m |= uint8(kindWrite)
		}
		r = append(r, ready{p.Fd, m})
	}
	return r, nil
}

func (b *pollBackend) mustNotBlock() bool { return false }

func (b *pollBackend) pollFds(buf []unix.PollFd) []unix.PollFd {
	for _, p := range b.fds {
		buf = append(buf, unix.PollFd{Fd: p.Fd, Events: p.Events})
	}
	return buf
}

func (b *pollBackend) close() {}
