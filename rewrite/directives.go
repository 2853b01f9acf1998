package rewrite

import (
	"bytes"
	"fmt"
	"go/format"
	"go/scanner"
	"go/token"
	"strconv"
	"strings"
)

// The generated code carries the source's positions in line directives:
// //line at the start of declarations, /*line file:line:col*/ before the
// user's text in statements and after each edit of it (splice). A
// directive gives the position of the byte right after it; subsequent
// bytes count on from there (columns restart at 1 on each new line).

// fixDirectives makes the /*line*/ directives of a formatted file exact
// and few. First, those that give a byte the position it would have
// anyway are dropped (with the space gofmt puts beside them). Then, since
// gofmt separates a comment from the next token by a space, each
// directive's column is moved back by the spaces after it, so that the
// token gets the source's column.
func fixDirectives(src []byte) ([]byte, error) {
	pruned := prune(src)
	formatted, err := format.Source(pruned)
	if err != nil {
		return nil, err
	}
	return shiftColumns(formatted), nil
}

type directive struct {
	from, to  int // the comment's bytes
	line      bool
	file      string
	lnum, col int
}

// directives finds the line directives of a Go file, in order.
func directives(src []byte) []directive {
	var ds []directive
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, scanner.ScanComments)
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return ds
		}
		if tok != token.COMMENT {
			continue
		}
		var spec string
		d := directive{from: file.Offset(pos)}
		switch {
		case strings.HasPrefix(lit, "/*line "):
			spec = strings.TrimSuffix(lit[len("/*line "):], "*/")
		case strings.HasPrefix(lit, "//line ") && (d.from == 0 || src[d.from-1] == '\n'):
			spec, d.line = strings.TrimSpace(lit[len("//line "):]), true
		default:
			continue
		}
		d.to = d.from + len(lit)
		i := strings.LastIndexByte(spec, ':')
		j := strings.LastIndexByte(spec[:max(i, 0)], ':')
		if i <= 0 || j <= 0 {
			continue
		}
		var err1, err2 error
		d.file = spec[:j]
		d.lnum, err1 = strconv.Atoi(spec[j+1 : i])
		d.col, err2 = strconv.Atoi(spec[i+1:])
		if err1 == nil && err2 == nil {
			ds = append(ds, d)
		}
	}
}

// position is where a byte of the generated file is in the source.
type position struct {
	file      string
	line, col int
}

// prune drops the /*line*/ directives that change nothing: a directive
// is for the next token, and is redundant if the token would have that
// position anyway, or if another directive follows it for the same token.
func prune(src []byte) []byte {
	var out bytes.Buffer
	var cur position // of the next byte written to out
	known := false
	copyText := func(text []byte) {
		for _, c := range text {
			out.WriteByte(c)
			if c == '\n' {
				cur.line, cur.col = cur.line+1, 1
			} else {
				cur.col++
			}
		}
	}
	at := 0
	for _, d := range directives(src) {
		copyText(src[at:d.from])
		at = d.to
		if d.line {
			// Applies to the byte after the comment's newline.
			out.Write(src[d.from:d.to])
			cur, known = position{d.file, d.lnum - 1, 0}, true
			continue
		}
		tok := d.to
		for tok < len(src) && (src[tok] == ' ' || src[tok] == '\t') {
			tok++
		}
		if bytes.HasPrefix(src[tok:], []byte("/*line ")) {
			// The next directive is for the same token.
			if out.Len() > 0 && out.Bytes()[out.Len()-1] == ' ' && at < tok {
				at++
			}
			continue
		}
		spaces := tok - d.to
		dropSpace := out.Len() > 0 && out.Bytes()[out.Len()-1] == ' ' && spaces > 0
		implied := cur
		implied.col += spaces
		if dropSpace {
			implied.col--
		}
		if known && implied == (position{d.file, d.lnum, d.col}) {
			if dropSpace {
				at++
			}
			continue
		}
		out.Write(src[d.from:d.to])
		cur, known = position{d.file, d.lnum, d.col - spaces}, true
	}
	copyText(src[at:])
	return out.Bytes()
}

// shiftColumns moves each /*line*/ directive's column back by the spaces
// that follow it, so that it is the next token's.
func shiftColumns(src []byte) []byte {
	var out bytes.Buffer
	at := 0
	for _, d := range directives(src) {
		if d.line {
			continue
		}
		spaces := 0
		for d.to+spaces < len(src) && src[d.to+spaces] == ' ' {
			spaces++
		}
		if spaces == 0 || d.to+spaces < len(src) && src[d.to+spaces] == '\n' {
			continue
		}
		out.Write(src[at:d.from])
		fmt.Fprintf(&out, "/*line %s:%d:%d*/", d.file, d.lnum, max(d.col-spaces, 1))
		at = d.to
	}
	out.Write(src[at:])
	return out.Bytes()
}
