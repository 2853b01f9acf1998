package lwtlog

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/lwtgo/lwt/runtime/lwt"
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
// Lwt_log's syslog. Each line of a message is one RFC 3164 message,
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
// message ends with a NUL byte). If a send fails it reconnects once and
// sends again. Closing the logger closes the connection. The error is that
// of an invalid template.
//
// Unlike Lwt, the header is not part of the template, so that every message
// is valid RFC 3164 whatever the template; and a fatal message has the
// severity "critical", not "emergency".
//
// For now it uses the net package, whose writes block the lwt loop while the
// daemon's socket buffer is full; it will move onto lwtunix's sockets once
// that package exists.
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
	conn     net.Conn // nil until the first message
	stream   bool     // conn is a stream socket
}

func (sl *syslogger) output(s *Section, level Level, lines []string) lwt.Promise[lwt.Unit] {
	e := Entry{Time: sl.clock(), Section: s, Level: level, Loc: CurrentLocation()}
	pri := int(sl.facility)<<3 | severity(level)
	var msg []byte
	for _, line := range lines {
		e.Message = line
		msg = append(msg[:0], '<')
		msg = strconv.AppendInt(msg, int64(pri), 10)
		msg = append(msg, '>')
		msg = e.Time.AppendFormat(msg, time.Stamp)
		msg = append(msg, ' ')
		msg = append(msg, sl.tag...)
		msg = append(msg, '[')
		msg = append(msg, pid...)
		msg = append(msg, "]: "...)
		msg = truncate(sl.template.Render(msg, e))
		if err := sl.send(msg); err != nil {
			return lwt.Fail[lwt.Unit](err)
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
// if the connection fails: the daemon may have restarted.
func (sl *syslogger) send(msg []byte) error {
	var err error
	for range 2 {
		if sl.conn == nil {
			if sl.conn, sl.stream, err = dialSyslog(sl.paths); err != nil {
				return err
			}
		}
		if sl.stream {
			msg = append(msg, 0)
		}
		if _, err = sl.conn.Write(msg); err == nil {
			return nil
		}
		if sl.stream {
			msg = msg[:len(msg)-1]
		}
		sl.conn.Close()
		sl.conn = nil
	}
	return fmt.Errorf("lwtlog: syslog: %w", err)
}

func (sl *syslogger) close() lwt.Promise[lwt.Unit] {
	if sl.conn == nil {
		return lwt.ReturnUnit()
	}
	err := sl.conn.Close()
	sl.conn = nil
	return lwt.OfResult(lwt.Unit{}, err)
}

// dialSyslog connects to the first of paths that is a socket that accepts
// a connection, as a datagram socket or else as a stream socket.
func dialSyslog(paths []string) (conn net.Conn, stream bool, err error) {
	var problems []string
	for _, path := range paths {
		fi, err := os.Stat(path)
		switch {
		case errors.Is(err, os.ErrNotExist):
			continue
		case err != nil:
			problems = append(problems, err.Error())
			continue
		case fi.Mode()&os.ModeSocket == 0:
			problems = append(problems, path+" is not a socket")
			continue
		}
		conn, err = net.Dial("unixgram", path)
		if err == nil {
			return conn, false, nil
		}
		if errors.Is(err, syscall.EPROTOTYPE) {
			if conn, err = net.Dial("unix", path); err == nil {
				return conn, true, nil
			}
		}
		problems = append(problems, err.Error())
	}
	msg := "no syslog socket among " + strings.Join(paths, ", ")
	if len(problems) > 0 {
		msg += " (" + strings.Join(problems, "; ") + ")"
	}
	return nil, false, errors.New("lwtlog: syslog: " + msg)
}
