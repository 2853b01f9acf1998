package logstrip_test

import (
	"fmt"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"log"
	"strings"

	"github.com/lwtgo/lwt/logstrip"
)

// The pass as lwtgen runs it on a file: type-check, recognize the log
// calls of runtime/lwtlog, and replace each one with the text Rewrite
// gives.
func Example() {
	const src = `package server

import "github.com/lwtgo/lwt/runtime/lwtlog"

var section = lwtlog.NewSection("server")

func served(n int, peer string) {
	lwtlog.Infof(section, "got %d bytes from %s", n, peer)
	lwtlog.Debugf(section, "buffer: %q", make([]byte, n))
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "server.go", src, 0)
	if err != nil {
		log.Fatal(err)
	}
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}, Types: map[ast.Expr]types.TypeAndValue{}}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	if _, err := conf.Check("server", fset, []*ast.File{f}, info); err != nil {
		log.Fatal(err)
	}

	text := func(n ast.Node) string { return src[fset.Position(n.Pos()).Offset:fset.Position(n.End()).Offset] }
	var b strings.Builder
	at := 0
	ast.Inspect(f, func(n ast.Node) bool {
		stmt, ok := n.(*ast.ExprStmt)
		if !ok {
			return true
		}
		call, ok := stmt.X.(*ast.CallExpr)
		if !ok {
			return true
		}
		c, ok := logstrip.Recognize(info, call)
		if !ok {
			return true
		}
		var args []string
		for _, a := range call.Args[1:] {
			args = append(args, text(a))
		}
		start := fset.Position(call.Pos()).Offset
		b.WriteString(src[at:start])
		b.WriteString(logstrip.Rewrite(c, "lwtlog", "lwt", text(call.Args[0]), args, fset.Position(call.Pos()), "s", true))
		at = fset.Position(call.End()).Offset
		return false
	})
	b.WriteString(src[at:])

	out, err := format.Source([]byte(b.String()))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(out[strings.Index(string(out), "func served"):]))
	// Output:
	// func served(n int, peer string) {
	// 	if s := section; s.Enabled(lwtlog.LevelInfo) {
	// 		lwtlog.At("server.go", 8, 2).Infof(s, "got %d bytes from %s", n, peer)
	// 	}
	// 	if lwtlog.DebugBuild {
	// 		if s := section; s.Enabled(lwtlog.LevelDebug) {
	// 			lwtlog.At("server.go", 9, 2).Debugf(s, "buffer: %q", make([]byte, n))
	// 		}
	// 	}
	// }
}
