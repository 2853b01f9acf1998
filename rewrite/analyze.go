package rewrite

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// LwtPath is the import path of the runtime the generated code calls.
const LwtPath = "github.com/lwtgo/lwt/runtime/lwt"

// Directive marks an async function in its doc comment.
const Directive = "//lwt:async"

func isAnnotated(fd *ast.FuncDecl) bool {
	if fd.Doc == nil {
		return false
	}
	for _, c := range fd.Doc.List {
		if strings.TrimSpace(c.Text) == Directive {
			return true
		}
	}
	return false
}

// markerName returns the name of the lwt marker call is a call of (Await,
// Await2, Await3, AwaitAll, Try, Assert), or "".
func markerName(info *types.Info, call *ast.CallExpr) string {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != LwtPath {
		return ""
	}
	switch fn.Name() {
	case "Await", "Await2", "Await3", "AwaitAll", "Try", "Assert":
		return fn.Name()
	}
	return ""
}

// promiseElem returns T if t is lwt.Promise[T].
func promiseElem(t types.Type) (types.Type, bool) {
	named, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return nil, false
	}
	obj := named.Obj()
	if obj.Pkg() == nil || obj.Pkg().Path() != LwtPath || obj.Name() != "Promise" {
		return nil, false
	}
	return named.TypeArgs().At(0), true
}

func isAsyncLit(info *types.Info, lit *ast.FuncLit) bool {
	res := info.TypeOf(lit).(*types.Signature).Results()
	if res.Len() != 1 {
		return false
	}
	_, ok := promiseElem(res.At(0).Type())
	return ok
}

// analysis is what the rewrite of one function needs to know about it.
type analysis struct {
	awaits  map[ast.Node]bool           // nodes with a marker call inside, not counting func literals
	hoisted map[*types.Var]bool         // variables kept in the frame
	boxed   map[*types.Var]bool         // hoisted variables kept in a heap cell of their own
	inLit   map[*ast.Ident]*ast.FuncLit // identifiers used inside a func literal
}

// analyze finds the awaits of fd, which variables live in the frame and which
// of those need a cell, and reports constructs lwtgen cannot keep exact.
func (g *fileGen) analyze(fd *ast.FuncDecl) *analysis {
	info := g.pkg.TypesInfo
	a := &analysis{
		awaits:  map[ast.Node]bool{},
		hoisted: map[*types.Var]bool{},
		boxed:   map[*types.Var]bool{},
		inLit:   map[*ast.Ident]*ast.FuncLit{},
	}
	// Mark every ancestor of a marker call, and find what is not allowed.
	var stack []ast.Node
	var lits []*ast.FuncLit
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if n == nil {
			if _, ok := stack[len(stack)-1].(*ast.FuncLit); ok {
				lits = lits[:len(lits)-1]
			}
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		switch n := n.(type) {
		case *ast.FuncLit:
			lits = append(lits, n)
		case *ast.Ident:
			if len(lits) > 0 {
				a.inLit[n] = lits[len(lits)-1]
			}
		case *ast.CallExpr:
			name := markerName(info, n)
			if name == "" {
				if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok && id.Name == "recover" && len(lits) == 0 {
					if _, ok := info.Uses[id].(*types.Builtin); ok {
						g.errorf(n.Pos(), "recover() cannot be used in an async function: a panic there becomes the failure of its promise; catch it with lwt.Try")
					}
				}
				break
			}
			if len(lits) > 0 {
				lit := lits[len(lits)-1]
				if isAsyncLit(info, lit) {
					g.errorf(n.Pos(), "lwt.%s inside a func literal: async func literals are not supported by this version of lwtgen; move the code into an %s function", name, Directive)
				} else {
					g.errorf(n.Pos(), "lwt.%s inside a func literal that is not async: only a function returning lwt.Promise can wait", name)
				}
				return true
			}
			for _, s := range stack {
				a.awaits[s] = true
			}
		}
		return true
	})
	if a.awaits[fd.Body] {
		g.checkConstructs(fd, a)
	}
	a.findVars(info, fd)
	return a
}

// checkConstructs rejects what cannot be kept exact across an await.
func (g *fileGen) checkConstructs(fd *ast.FuncDecl, a *analysis) {
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			g.errorf(n.Pos(), "defer in an async function is not supported by this version of lwtgen")
		case *ast.GoStmt:
			if a.awaits[n] {
				g.errorf(n.Pos(), "lwt.Await in a go statement: await first, then start the goroutine")
			}
		case *ast.SelectStmt:
			if a.awaits[n] {
				g.errorf(n.Pos(), "select cannot contain lwt.Await: a select blocks the whole thread; use lwt.Choose or lwt.Pick")
			}
		case *ast.BranchStmt:
			if n.Tok == token.GOTO {
				g.errorf(n.Pos(), "goto in a function that awaits: lwtgen cannot keep it exact; use a loop with break or continue")
			}
		case *ast.TypeSwitchStmt:
			for _, c := range n.Body.List {
				if a.awaits[c] {
					g.errorf(c.Pos(), "lwt.Await in the clauses of a type switch is not supported by this version of lwtgen: use if v, ok := x.(T); ok")
				}
			}
		case *ast.RangeStmt:
			if a.awaits[n] {
				t := g.pkg.TypesInfo.TypeOf(n.X)
				switch u := t.Underlying().(type) {
				case *types.Chan:
					g.errorf(n.Pos(), "range over a channel in an async function: a receive blocks the whole thread; use lwtstream or lwtmvar")
				case *types.Signature:
					g.errorf(n.Pos(), "range over a function cannot await in its body: the iterator runs synchronously; collect the values first (slices.Collect)")
				case *types.Basic, *types.Slice, *types.Array, *types.Map, *types.Pointer:
					_ = u
				default:
					g.errorf(n.Pos(), "range over %s with lwt.Await inside is not supported", t)
				}
			}
		}
		return true
	})
}

// findVars decides which variables live in the frame: the receiver,
// parameters and results, and every variable declared in a scope that
// contains an await (its value may be needed after the function suspends).
// A hoisted variable that a func literal captures or whose address is taken
// gets a cell of its own, allocated where it is declared, so that each
// declaration — each loop iteration — has a distinct variable, as in Go.
func (a *analysis) findVars(info *types.Info, fd *ast.FuncDecl) {
	scopeNode := map[*types.Scope]ast.Node{}
	for n, s := range info.Scopes {
		if n.Pos() >= fd.Pos() && n.End() <= fd.End() {
			scopeNode[s] = n
		}
	}
	for id, obj := range info.Defs {
		v, ok := obj.(*types.Var)
		if !ok || id.Pos() < fd.Pos() || id.Pos() >= fd.End() || v.IsField() {
			continue
		}
		if _, inLit := a.inLit[id]; inLit {
			continue
		}
		n := scopeNode[v.Parent()]
		if _, ok := n.(*ast.FuncType); ok || a.awaits[n] {
			a.hoisted[v] = true
		}
	}
	// Cells: captured by a func literal, or address taken.
	for id, lit := range a.inLit {
		if v, ok := info.Uses[id].(*types.Var); ok && a.hoisted[v] && !(v.Pos() >= lit.Pos() && v.Pos() < lit.End()) {
			a.boxed[v] = true
		}
	}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				a.boxRoot(info, n.X)
			}
		case *ast.SliceExpr:
			if _, ok := info.TypeOf(n.X).Underlying().(*types.Array); ok {
				a.boxRoot(info, n.X)
			}
		case *ast.SelectorExpr:
			if sel := info.Selections[n]; sel != nil && sel.Kind() != types.FieldVal {
				if fn, ok := sel.Obj().(*types.Func); ok {
					if recv := fn.Signature().Recv(); recv != nil {
						if _, ptr := recv.Type().(*types.Pointer); ptr {
							if _, isPtr := sel.Recv().Underlying().(*types.Pointer); !isPtr {
								a.boxRoot(info, n.X)
							}
						}
					}
				}
			}
		}
		return true
	})
}

// boxRoot gives a cell to the variable whose storage x denotes (x, x.f,
// x[i] of an array x).
func (a *analysis) boxRoot(info *types.Info, x ast.Expr) {
	for {
		switch e := ast.Unparen(x).(type) {
		case *ast.Ident:
			if v, ok := info.Uses[e].(*types.Var); ok && a.hoisted[v] {
				a.boxed[v] = true
			}
			return
		case *ast.SelectorExpr:
			if sel := info.Selections[e]; sel != nil && sel.Kind() == types.FieldVal && !sel.Indirect() {
				x = e.X
				continue
			}
			return
		case *ast.IndexExpr:
			if _, ok := info.TypeOf(e.X).Underlying().(*types.Array); ok {
				x = e.X
				continue
			}
			return
		case *ast.CompositeLit:
			return
		default:
			return
		}
	}
}
