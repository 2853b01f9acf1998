// Package logstrip is lwtgen's log pass, Lwt's lwt.syntax.log for Go.
//
// In the files lwtgen processes, a log call of runtime/lwtlog such as
//
//	lwtlog.Infof(section, "got %d bytes from %s", n, peer)
//
// becomes a call guarded by the section's level, with its source location:
//
//	if s := section; s.Enabled(lwtlog.LevelInfo) {
//		lwtlog.At("server.go", 42, 2).Infof(s, "got %d bytes from %s", n, peer)
//	}
//
// so that its arguments are not evaluated when the level is off. Debug calls
// are also put under `if lwtlog.DebugBuild { ... }`: that constant is false
// unless the build has the lwtdebug tag, so default builds drop them, format
// strings included, while debug builds keep them without regenerating.
//
// The pass recognizes calls of the package-level functions Debug, Info,
// Notice, Warning, Error, Fatal and their f variants. A call used as a
// statement becomes an if statement; a call whose promise is used becomes an
// expression that yields an already-resolved promise when the level is off.
package logstrip

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// LwtlogPath is the import path of the logging package.
const LwtlogPath = "github.com/lwtgo/lwt/runtime/lwtlog"

// Call is a log call the pass rewrites.
type Call struct {
	Expr  *ast.CallExpr
	Func  string // Info, Infof, Debug...
	Level string // Debug, Info, Notice, Warning, Error, Fatal
}

// Recognize reports whether call is a log call the pass rewrites.
func Recognize(info *types.Info, call *ast.CallExpr) (Call, bool) {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != LwtlogPath || fn.Signature().Recv() != nil {
		return Call{}, false
	}
	level := strings.TrimSuffix(fn.Name(), "f")
	switch level {
	case "Debug", "Info", "Notice", "Warning", "Error", "Fatal":
	default:
		return Call{}, false
	}
	if call.Ellipsis.IsValid() && len(call.Args) < 2 {
		return Call{}, false
	}
	return Call{Expr: call, Func: fn.Name(), Level: level}, true
}

// Rewrite returns the text that replaces the call. pkg is what the file calls
// lwtlog, lwt what it calls runtime/lwt; section and args are the texts of
// the call's arguments (args without the section); pos is the call's source
// position; name is a local name free for the section. With stmt the call is
// a statement, otherwise its promise is used.
func Rewrite(c Call, pkg, lwt string, section string, args []string, pos token.Position, name string, stmt bool) string {
	file := pos.Filename[strings.LastIndexAny(pos.Filename, `/\`)+1:]
	call := pkg + ".At(" + strconv.Quote(file) + ", " + strconv.Itoa(pos.Line) + ", " + strconv.Itoa(pos.Column) + ")." +
		c.Func + "(" + strings.Join(append([]string{name}, args...), ", ")
	if c.Expr.Ellipsis.IsValid() {
		call += "..."
	}
	call += ")"
	guard := name + " := " + section + "; " + name + ".Enabled(" + pkg + ".Level" + c.Level + ")"
	var text string
	if stmt {
		text = "if " + guard + " {\n" + call + "\n}"
		if c.Level == "Debug" {
			text = "if " + pkg + ".DebugBuild {\n" + text + "\n}"
		}
		return text
	}
	unit := lwt + ".Promise[" + lwt + ".Unit]"
	body := "if " + guard + " {\nreturn " + call + "\n}\n"
	if c.Level == "Debug" {
		body = "if " + pkg + ".DebugBuild {\n" + body + "}\n"
	}
	return "func() " + unit + " {\n" + body + "return " + lwt + ".ReturnUnit()\n}()"
}
