package lwtlog

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"

	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtmutex"
	"github.com/lwtgo/lwt/runtime/lwtunix"
)

// Facility is the kind of program a syslog message comes from (see
// syslog(3)). Its value is the facility code of RFC 3164. The zero Facility
// stands for [FacilityUser], as in glibc's syslog: only the kernel logs as
// "kern".
type Facility uint8

// The facilities of RFC 3164, as Lwt_log names them.
const (
	FacilityUser     Facility = 1
	FacilityMail     Facility = 2
	FacilityDaemon   Facility = 3
	FacilityAuth     Facility = 4
	FacilitySyslog   Facility = 5
	FacilityLPR      Facility = 6
	FacilityNews     Facility = 7
	FacilityUUCP     Facility = 8
	FacilityCron     Facility = 9
	FacilityAuthpriv Facility = 10
	FacilityFTP      Facility = 11
	FacilityNTP      Facility = 12
	FacilitySecurity Facility = 13 // log audit
	FacilityConsole  Facility = 14 // log alert
	FacilityLocal0   Facility = 16
	FacilityLocal1   Facility = 17
	FacilityLocal2   Facility = 18
	FacilityLocal3   Facility = 19
	FacilityLocal4   Facility = 20
	FacilityLocal5   Facility = 21
	FacilityLocal6   Facility = 22
	FacilityLocal7   Facility = 23
)

// severity is the RFC 3164 severity of a level. Lwt maps Fatal to 0
// (emergency), which common syslog configurations print on every user's
// terminal; a program's fatal error is "critical" (2) here.
func severity(l Level) int {
	switch {
	case l <= LevelDebug:
		return 7
	case l == LevelInfo:
		return 6
	case l == LevelNotice:
		return 5
	case l == LevelWarning:
		return 4
	case l == LevelError:
		return 3
	}
	return 2
}

// SyslogOptions configures [Syslog]. The zero value gives the defaults.
type SyslogOptions struct {
	// Facility is the facility of every message; the default is
	// FacilityUser.
	Facility Facility
	// Tag names the program in each message; the default is the program
	// name, $(name).
	Tag string
	// Template lays out the text of each line, after the header; the
	// default is "$(section): $(message)".
	Template string
	// Paths are the sockets to try, in order; the default is /dev/log,
	// /var/run/log, /var/run/syslog.
	Paths []string
	// Clock gives the time of the header, and of $(date) and
	// $(milliseconds); the default is time.Now.
	Clock func() time.Time
}

// syslogMax is the longest message RFC 3164 allows.
const syslogMax = 1024

// Syslog returns a logger that sends messages to the local syslog daemon:
// Lwt_log.syslog. Each line of a message is one RFC 3164 message,
//
//	<PRI>TIMESTAMP TAG[PID]: TEXT
//
// where PRI is the facility times 8 plus the severity of the level, TIMESTAMP
// is like "Jan  2 15:04:05" and TEXT is the line laid out by the template;
// like the C library, it leaves out the host name, which the daemon adds.
// Messages longer than 1024 bytes are cut and end with "<truncated>".
//
// The logger connects on its first message, to the first of the paths that
// is a socket, as a datagram socket or else as a stream socket (where each
// message ends with a NUL byte). The socket is an lwtunix descriptor in
// non-blocking mode: a daemon that does not keep up makes the log calls
// wait, not the loop. Messages are sent one at a time, in the order of the
// log calls. If a send fails, the logger closes the socket, connects again
// and sends once more, as Lwt does: the daemon may have restarted; a second
// failure is the failure of the log call. Closing the logger closes the
// connection. The error is that of an invalid template.
//
// Unlike Lwt, the header is not part of the template, so that every message
// is valid RFC 3164 whatever the template; and a fatal message has the
// severity "critical", not "emergency".
func Syslog(opts *SyslogOptions) (*Logger, error) {
	if opts == nil {
		opts = &SyslogOptions{}
	}
	text := opts.Template
	if text == "" {
		text = "$(section): $(message)"
	}
	t, err := ParseTemplate(text)
	if err != nil {
		return nil, err
	}
	sl := &syslogger{
		facility: opts.Facility,
		tag:      opts.Tag,
		template: t,
		paths:    opts.Paths,
		clock:    opts.Clock,
	}
	if sl.facility == 0 {
		sl.facility = FacilityUser
	}
	if sl.tag == "" {
		sl.tag = programName
	}
	if len(sl.paths) == 0 {
		sl.paths = []string{"/dev/log", "/var/run/log", "/var/run/syslog"}
	}
	if sl.clock == nil {
		sl.clock = time.Now
	}
	return Make(sl.output, sl.close), nil
}

type syslogger struct {
	facility Facility
	tag      string
	template Template
	paths    []string
	clock    func() time.Time
	mu       lwtmutex.Mutex // one message at a time, in order
	fd       *lwtunix.FD    // nil until the first message
	stream   bool           // fd is a stream socket
	closed   bool
}

func (sl *syslogger) output(s *Section, level Level, lines []string) lwt.Promise[lwt.Unit] {
	e := Entry{Time: sl.clock(), Section: s, Level: level, Loc: CurrentLocation()}
	pri := int(sl.facility)<<3 | severity(level)
	// Each line is rendered now, while CurrentLocation is that of the call.
	msgs := make([][]byte, len(lines))
	for i, line := range lines {
		e.Message = line
		msg := append(make([]byte, 0, 64+len(line)), '<')
		msg = strconv.AppendInt(msg, int64(pri), 10)
		msg = append(msg, '>')
		msg = e.Time.AppendFormat(msg, time.Stamp)
		msg = append(msg, ' ')
		msg = append(msg, sl.tag...)
		msg = append(msg, '[')
		msg = append(msg, pid...)
		msg = append(msg, "]: "...)
		msgs[i] = truncate(sl.template.Render(msg, e))
	}
	return lwtmutex.WithLock(&sl.mu, func() lwt.Promise[lwt.Unit] { return sl.sendAll(msgs) })
}

func (sl *syslogger) sendAll(msgs [][]byte) lwt.Promise[lwt.Unit] {
	for len(msgs) > 0 {
		p := sl.send(msgs[0])
		msgs = msgs[1:]
		if p.IsSleeping() {
			return lwt.Bind(p, func(lwt.Unit) lwt.Promise[lwt.Unit] { return sl.sendAll(msgs) })
		}
		if _, err := p.Result(); err != nil {
			return p
		}
	}
	return lwt.ReturnUnit()
}

// truncate cuts msg to syslogMax bytes, at a character boundary.
func truncate(msg []byte) []byte {
	const mark = "<truncated>"
	if len(msg) <= syslogMax {
		return msg
	}
	n := syslogMax - len(mark)
	for n > 0 && !utf8.RuneStart(msg[n]) {
		n--
	}
	return append(msg[:n], mark...)
}

// send sends one message, connecting first if needed, and reconnecting once
// if the send fails: the daemon may have restarted.
func (sl *syslogger) send(msg []byte) lwt.Promise[lwt.Unit] {
	return lwt.Bind(sl.connect(), func(lwt.Unit) lwt.Promise[lwt.Unit] {
		fd := sl.fd
		return lwt.Catch(func() lwt.Promise[lwt.Unit] { return sl.write(msg) }, func(err error) lwt.Promise[lwt.Unit] {
			if sl.closed {
				return lwt.Fail[lwt.Unit](err) // the logger was closed meanwhile
			}
			if sl.fd == fd {
				sl.disconnect()
			}
			return lwt.Bind(sl.connect(), func(lwt.Unit) lwt.Promise[lwt.Unit] { return sl.write(msg) })
		})
	})
}

// write writes msg to the socket, ending it with a NUL on a stream socket.
func (sl *syslogger) write(msg []byte) lwt.Promise[lwt.Unit] {
	if sl.stream {
		msg = append(msg[:len(msg):len(msg)], 0)
	}
	return writeAll(sl.fd, msg)
}

// writeAll writes all of buf to fd (Lwt's write_string: it stops if a write
// takes nothing).
func writeAll(fd *lwtunix.FD, buf []byte) lwt.Promise[lwt.Unit] {
	for len(buf) > 0 {
		p := fd.Write(buf)
		if p.IsSleeping() {
			return lwt.Bind(p, func(n int) lwt.Promise[lwt.Unit] {
				if n == 0 {
					return lwt.ReturnUnit()
				}
				return writeAll(fd, buf[n:])
			})
		}
		n, err := p.Result()
		if err != nil {
			return lwt.Fail[lwt.Unit](err)
		}
		if n == 0 {
			break
		}
		buf = buf[n:]
	}
	return lwt.ReturnUnit()
}

// connect connects to the daemon, unless the logger is connected.
func (sl *syslogger) connect() lwt.Promise[lwt.Unit] {
	if sl.fd != nil {
		return lwt.ReturnUnit()
	}
	return lwt.Bind(dialSyslog(sl.paths, 0, nil), func(c syslogConn) lwt.Promise[lwt.Unit] {
		if sl.closed {
			c.fd.Close()
			return lwt.Fail[lwt.Unit](ErrLoggerClosed)
		}
		sl.fd, sl.stream = c.fd, c.stream
		return lwt.ReturnUnit()
	})
}

// disconnect shuts the connection down and closes it (Lwt's shutdown).
func (sl *syslogger) disconnect() error {
	fd := sl.fd
	sl.fd = nil
	fd.Shutdown(unix.SHUT_RDWR) // fails on a datagram socket whose peer is gone: no matter
	return fd.Close()
}

func (sl *syslogger) close() lwt.Promise[lwt.Unit] {
	sl.closed = true
	if sl.fd == nil {
		return lwt.ReturnUnit()
	}
	return lwt.OfResult(lwt.Unit{}, sl.disconnect())
}

type syslogConn struct {
	fd     *lwtunix.FD
	stream bool
}

// dialSyslog connects to the first of paths[i:] that is a socket that
// accepts a connection, as a datagram socket or else as a stream socket.
// problems are what went wrong with paths[:i].
func dialSyslog(paths []string, i int, problems []string) lwt.Promise[syslogConn] {
	if i == len(paths) {
		msg := "no syslog socket among " + strings.Join(paths, ", ")
		if len(problems) > 0 {
			msg += " (" + strings.Join(problems, "; ") + ")"
		}
		return lwt.Fail[syslogConn](errors.New("lwtlog: syslog: " + msg))
	}
	path := paths[i]
	next := func(problem string) lwt.Promise[syslogConn] {
		if problem != "" {
			problems = append(problems, problem)
		}
		return dialSyslog(paths, i+1, problems)
	}
	stat := lwt.Catch(func() lwt.Promise[fs.FileInfo] { return lwtunix.Stat(path) }, func(err error) lwt.Promise[fs.FileInfo] {
		if errors.Is(err, fs.ErrNotExist) {
			return lwt.Return[fs.FileInfo](nil)
		}
		return lwt.Fail[fs.FileInfo](err)
	})
	return lwt.TryBind(func() lwt.Promise[fs.FileInfo] { return stat }, func(fi fs.FileInfo) lwt.Promise[syslogConn] {
		switch {
		case fi == nil:
			return next("")
		case fi.Mode()&fs.ModeSocket == 0:
			return next(path + " is not a socket")
		}
		return lwt.TryBind(func() lwt.Promise[syslogConn] { return dialUnix(path, unix.SOCK_DGRAM) }, lwt.Return[syslogConn], func(err error) lwt.Promise[syslogConn] {
			if !errors.Is(err, unix.EPROTOTYPE) {
				return next(err.Error())
			}
			return lwt.TryBind(func() lwt.Promise[syslogConn] { return dialUnix(path, unix.SOCK_STREAM) }, lwt.Return[syslogConn], func(err error) lwt.Promise[syslogConn] {
				return next(err.Error())
			})
		})
	}, func(err error) lwt.Promise[syslogConn] { return next(err.Error()) })
}

// dialUnix connects a new Unix-domain socket of type typ to path.
func dialUnix(path string, typ int) lwt.Promise[syslogConn] {
	fd, err := lwtunix.Socket(unix.AF_UNIX, typ, 0)
	if err != nil {
		return lwt.Fail[syslogConn](err)
	}
	return lwt.TryBind(func() lwt.Promise[lwt.Unit] { return fd.Connect(&unix.SockaddrUnix{Name: path}) }, func(lwt.Unit) lwt.Promise[syslogConn] {
		return lwt.Return(syslogConn{fd: fd, stream: typ == unix.SOCK_STREAM})
	}, func(err error) lwt.Promise[syslogConn] {
		fd.Close()
		return lwt.Fail[syslogConn](fmt.Errorf("connect %s: %w", path, err))
	})
}
