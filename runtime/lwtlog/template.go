package lwtlog

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Template says how a logger lays out each line of a message. It is made by
// [ParseTemplate] from a text in which these variables stand for parts of the
// line, as in Lwt_log:
//
//	$(date)          the time, as "Jan  2 15:04:05" (the local time for the default clock)
//	$(milliseconds)  the milliseconds of the time, three digits
//	$(name)          the program name: the last element of os.Args[0]
//	$(pid)           the process id
//	$(section)       the section name
//	$(level)         the level: debug, info, notice, warning, error or fatal
//	$(message)       the line of the message
//	$(loc-file)      the source file of the log call, or <unknown>
//	$(loc-line)      its line, or -1
//	$(loc-column)    its column, or -1
//
// ${name} and $name (a run of letters, digits and _) are the same as $(name);
// \$ is a dollar sign. Everything else stands for itself.
type Template struct {
	text  string
	parts []part
}

type part struct {
	lit string
	v   variable // noVar for a literal
}

type variable uint8

const (
	noVar variable = iota
	varDate
	varMilliseconds
	varName
	varPid
	varSection
	varLevel
	varMessage
	varLocFile
	varLocLine
	varLocColumn
)

var variables = map[string]variable{
	"date":         varDate,
	"milliseconds": varMilliseconds,
	"name":         varName,
	"pid":          varPid,
	"section":      varSection,
	"level":        varLevel,
	"message":      varMessage,
	"loc-file":     varLocFile,
	"loc-line":     varLocLine,
	"loc-column":   varLocColumn,
}

// The process does not change name or id while it runs.
var (
	programName = progName()
	pid         = strconv.Itoa(os.Getpid())
)

func progName() string {
	if len(os.Args) == 0 || os.Args[0] == "" {
		return "lwt"
	}
	return filepath.Base(os.Args[0])
}

// ParseTemplate reads a template; see [Template]. Unlike Lwt, which fails
// when it renders a line, it rejects an unknown variable or a lone $ here.
func ParseTemplate(text string) (Template, error) {
	t := Template{text: text}
	var lit strings.Builder
	for i := 0; i < len(text); {
		c := text[i]
		if c == '\\' && i+1 < len(text) && text[i+1] == '$' {
			lit.WriteByte('$')
			i += 2
			continue
		}
		if c != '$' {
			lit.WriteByte(c)
			i++
			continue
		}
		name, next, err := readVar(text, i+1)
		if err != nil {
			return Template{}, fmt.Errorf("lwtlog: template %q: %v", text, err)
		}
		v, ok := variables[name]
		if !ok {
			return Template{}, fmt.Errorf("lwtlog: template %q: unknown variable %q", text, name)
		}
		if lit.Len() > 0 {
			t.parts = append(t.parts, part{lit: lit.String()})
			lit.Reset()
		}
		t.parts = append(t.parts, part{v: v})
		i = next
	}
	if lit.Len() > 0 {
		t.parts = append(t.parts, part{lit: lit.String()})
	}
	return t, nil
}

// readVar reads the variable name that starts at text[i], just after a $,
// and returns it with the index that follows it.
func readVar(text string, i int) (name string, next int, err error) {
	if i == len(text) {
		return "", 0, fmt.Errorf(`$ at the end (write \$ for a dollar sign)`)
	}
	if c := text[i]; c == '(' || c == '{' {
		closing := byte(')')
		if c == '{' {
			closing = '}'
		}
		n := strings.IndexByte(text[i+1:], closing)
		if n < 0 {
			return "", 0, fmt.Errorf("unclosed %c after $", c)
		}
		return text[i+1 : i+1+n], i + n + 2, nil
	}
	j := i
	for j < len(text) && isIdentByte(text[j]) {
		j++
	}
	if j == i {
		return "", 0, fmt.Errorf(`$ not followed by a variable (write \$ for a dollar sign)`)
	}
	return text[i:j], j, nil
}

func isIdentByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// String returns the text t was parsed from.
func (t Template) String() string { return t.text }

// Entry is what a template shows of one line of a message.
type Entry struct {
	Time    time.Time // shown by $(date) and $(milliseconds), in its own location
	Section *Section
	Level   Level
	Message string   // one line
	Loc     Location // the zero Location shows as <unknown>, -1, -1
}

// Render appends the line of e laid out by t to buf and returns the
// extended buffer: Lwt_log's render. It adds no newline.
func (t Template) Render(buf []byte, e Entry) []byte {
	for _, p := range t.parts {
		switch p.v {
		case noVar:
			buf = append(buf, p.lit...)
		case varDate:
			buf = e.Time.AppendFormat(buf, time.Stamp)
		case varMilliseconds:
			ms := e.Time.Nanosecond() / int(time.Millisecond)
			buf = append(buf, byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
		case varName:
			buf = append(buf, programName...)
		case varPid:
			buf = append(buf, pid...)
		case varSection:
			if e.Section != nil {
				buf = append(buf, e.Section.name...)
			}
		case varLevel:
			buf = append(buf, e.Level.String()...)
		case varMessage:
			buf = append(buf, e.Message...)
		case varLocFile:
			if e.Loc == (Location{}) {
				buf = append(buf, "<unknown>"...)
			} else {
				buf = append(buf, e.Loc.File...)
			}
		case varLocLine:
			buf = strconv.AppendInt(buf, int64(e.locLine()), 10)
		case varLocColumn:
			buf = strconv.AppendInt(buf, int64(e.locColumn()), 10)
		}
	}
	return buf
}

func (e *Entry) locLine() int {
	if e.Loc == (Location{}) {
		return -1
	}
	return e.Loc.Line
}

func (e *Entry) locColumn() int {
	if e.Loc == (Location{}) {
		return -1
	}
	return e.Loc.Column
}
