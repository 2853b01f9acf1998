package lwtlog

import (
	"fmt"
	"strconv"
	"strings"
)

// Level is the importance of a message. Levels are ordered: a section logs
// the messages whose level is at least its own.
type Level int8

// The levels, least important first.
const (
	LevelDebug   Level = iota // debugging; the log syntax (logstrip) removes these calls from default builds
	LevelInfo                 // informational, shown in verbose mode
	LevelNotice               // like Info but shown by default: the default level of a section
	LevelWarning              // something strange happened
	LevelError                // an error the program survives
	LevelFatal                // an error after which the program usually ends
)

var levelNames = [...]string{"debug", "info", "notice", "warning", "error", "fatal"}

// String returns the name of l in lower case, as Lwt prints it: "debug",
// "info", "notice", "warning", "error" or "fatal".
func (l Level) String() string {
	if l >= LevelDebug && l <= LevelFatal {
		return levelNames[l]
	}
	return "Level(" + strconv.Itoa(int(l)) + ")"
}

// ParseLevel returns the level named s, ignoring case.
func ParseLevel(s string) (Level, error) {
	for i, name := range levelNames {
		if strings.EqualFold(s, name) {
			return Level(i), nil
		}
	}
	return 0, fmt.Errorf("lwtlog: unknown level %q", s)
}

// MarshalText returns the name of l, so that a Level can be a flag
// (flag.TextVar) or a field of a configuration file.
func (l Level) MarshalText() ([]byte, error) {
	if l < LevelDebug || l > LevelFatal {
		return nil, fmt.Errorf("lwtlog: invalid level %d", int8(l))
	}
	return []byte(levelNames[l]), nil
}

// UnmarshalText sets l to the level named by text, as [ParseLevel] does.
func (l *Level) UnmarshalText(text []byte) error {
	v, err := ParseLevel(string(text))
	if err != nil {
		return err
	}
	*l = v
	return nil
}
