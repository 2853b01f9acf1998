package lwtlog

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fixedTime is the clock of the tests: 2 January 2024, 15:04:05.007, UTC.
var fixedTime = time.Date(2024, time.January, 2, 15, 4, 5, 7_890_000, time.UTC)

func fixedClock() time.Time { return fixedTime }

func TestRender(t *testing.T) {
	s := NewSection("render")
	name, pid := filepath.Base(os.Args[0]), strconv.Itoa(os.Getpid())
	e := Entry{Time: fixedTime, Section: s, Level: LevelWarning, Message: "hello", Loc: Location{"main.go", 12, 5}}
	for _, tc := range []struct{ template, want string }{
		{"$(date).$(milliseconds) $(name)[$(pid)]: $(section): $(message)", "Jan  2 15:04:05.007 " + name + "[" + pid + "]: render: hello"},
		{"[$(level)] $(loc-file):$(loc-line):$(loc-column) $(message)", "[warning] main.go:12:5 hello"},
		{"${level}/$level/$(level)", "warning/warning/warning"},
		{"$level_x", ""}, // checked below: unknown variable level_x
		{`cost: \$5 for $(message)\n`, `cost: $5 for hello\n`},
		{`\\$(message)`, `\$(message)`}, // a backslash, then an escaped dollar
		{"no variables", "no variables"},
		{"", ""},
	} {
		tmpl, err := ParseTemplate(tc.template)
		if tc.template == "$level_x" {
			if err == nil {
				t.Errorf("ParseTemplate(%q) accepted an unknown variable", tc.template)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseTemplate(%q): %v", tc.template, err)
			continue
		}
		if got := string(tmpl.Render(nil, e)); got != tc.want {
			t.Errorf("%q renders %q, want %q", tc.template, got, tc.want)
		}
		if tmpl.String() != tc.template {
			t.Errorf("String() = %q, want %q", tmpl.String(), tc.template)
		}
	}
}

func TestRenderUnknownLocationAndMilliseconds(t *testing.T) {
	tmpl, err := ParseTemplate("$(loc-file) $(loc-line) $(loc-column) $(milliseconds)")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ns   int
		want string
	}{{0, "000"}, {999_999, "000"}, {1_000_000, "001"}, {42_000_000, "042"}, {999_999_999, "999"}} {
		e := Entry{Time: time.Date(2024, 1, 1, 0, 0, 0, tc.ns, time.UTC)}
		if got := string(tmpl.Render([]byte("> "), e)); got != "> <unknown> -1 -1 "+tc.want {
			t.Errorf("%d ns: %q", tc.ns, got)
		}
	}
}

func TestRenderDateIsInTheTimesLocation(t *testing.T) {
	tmpl, _ := ParseTemplate("$(date)")
	paris := time.FixedZone("CET", 3600)
	e := Entry{Time: time.Date(2024, time.November, 30, 23, 30, 0, 0, time.UTC).In(paris)}
	if got := string(tmpl.Render(nil, e)); got != "Dec  1 00:30:00" {
		t.Errorf("date = %q", got)
	}
}

func TestParseTemplateErrors(t *testing.T) {
	for _, tc := range []struct{ template, want string }{
		{"$(nope)", `unknown variable "nope"`},
		{"$()", `unknown variable ""`},
		{"price $", "$ at the end"},
		{"$ x", "$ not followed by a variable"},
		{"$(message", "unclosed ( after $"},
		{"${message)", "unclosed { after $"},
	} {
		_, err := ParseTemplate(tc.template)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "lwtlog: template ") {
			t.Errorf("ParseTemplate(%q) error = %v, want %q", tc.template, err, tc.want)
		}
	}
}
