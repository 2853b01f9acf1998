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

// DebugtracePath is the import path of the async backtraces' runtime side.
const DebugtracePath = "github.com/lwtgo/lwt/debugtrace"

// StreamPath is the import path of lwt's streams, which annotated code can
// range over with for x := range s.All().
const StreamPath = "github.com/lwtgo/lwt/runtime/lwtstream"

// streamRange returns s if x is s.All() for an *lwtstream.Stream s.
func streamRange(info *types.Info, x ast.Expr) (ast.Expr, bool) {
	call, ok := ast.Unparen(x).(*ast.CallExpr)
	if !ok || len(call.Args) != 0 {
		return nil, false
	}
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || fn.Name() != "All" || fn.Pkg() == nil || fn.Pkg().Path() != StreamPath {
		return nil, false
	}
	recv := fn.Signature().Recv()
	if recv == nil {
		return nil, false
	}
	if n := recvNamed(recv.Type()); n == nil || n.Obj().Name() != "Stream" {
		return nil, false
	}
	return call.Fun.(*ast.SelectorExpr).X, true
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

// fnode is a function lwtgen rewrites: an annotated declaration or an
// async func literal.
type fnode struct {
	decl *ast.FuncDecl // or
	lit  *ast.FuncLit
}

func (f fnode) Type() *ast.FuncType {
	if f.decl != nil {
		return f.decl.Type
	}
	return f.lit.Type
}

func (f fnode) Body() *ast.BlockStmt {
	if f.decl != nil {
		return f.decl.Body
	}
	return f.lit.Body
}

func (f fnode) Pos() token.Pos {
	if f.decl != nil {
		return f.decl.Pos()
	}
	return f.lit.Pos()
}

func (f fnode) End() token.Pos {
	if f.decl != nil {
		return f.decl.End()
	}
	return f.lit.End()
}

// analysis is what the rewrite of one function needs to know about it.
type analysis struct {
	awaits   map[ast.Node]bool           // nodes with a marker call, a stream range or a defer inside, not counting func literals: lowered
	suspends map[ast.Node]bool           // nodes with a marker call or a stream range inside: they may wait
	hoisted  map[*types.Var]bool         // variables kept in the frame
	boxed    map[*types.Var]bool         // hoisted variables kept in a heap cell of their own
	inLit    map[*ast.Ident]*ast.FuncLit // identifiers used inside a func literal
	defers   []*ast.DeferStmt            // in order of appearance
	inline   map[*ast.FuncLit]bool       // deferred func literals, lowered in place
	lits     map[*ast.FuncLit]bool       // async func literals directly inside: rewritten on their own
	order    map[*types.Var]token.Pos    // type switch variables: their clause
	streams  map[*ast.RangeStmt]bool     // ranges over a stream's All, which wait for each element
}

// analyze finds the awaits of fd, which variables live in the frame and which
// of those need a cell, and reports constructs lwtgen cannot keep exact.
func (g *fileGen) analyze(fd fnode) *analysis {
	info := g.pkg.TypesInfo
	a := &analysis{
		awaits:   map[ast.Node]bool{},
		suspends: map[ast.Node]bool{},
		hoisted:  map[*types.Var]bool{},
		boxed:    map[*types.Var]bool{},
		inLit:    map[*ast.Ident]*ast.FuncLit{},
		inline:   map[*ast.FuncLit]bool{},
		lits:     map[*ast.FuncLit]bool{},
		order:    map[*types.Var]token.Pos{},
		streams:  map[*ast.RangeStmt]bool{},
	}
	// Mark every ancestor of a marker call, and find what is not allowed.
	// A defer is lowered like an await (it runs when the call's promise is
	// resolved, not when a step returns), and the body of a deferred func
	// literal is lowered in place, as part of the function.
	var stack []ast.Node
	var lits []*ast.FuncLit
	// Func literals deferred directly in a literal: their body is part of
	// that literal's (lowered in place when the literal is rewritten).
	deferred := map[*ast.FuncLit]bool{}
	mark := func() {
		for _, s := range stack {
			a.awaits[s] = true
		}
	}
	// waitsHere handles a suspension point (what, at pos): in the function
	// itself it marks its ancestors, and reports true; inside a func
	// literal, it makes the outermost async literal around it one that is
	// rewritten on its own (which rewrites what it contains), or reports a
	// literal that cannot wait.
	waitsHere := func(pos token.Pos, what string) bool {
		if len(lits) == 0 {
			mark()
			for _, s := range stack {
				a.suspends[s] = true
			}
			return true
		}
		// The function it waits in: a deferred literal waits in the
		// function that defers it.
		owner := len(lits) - 1
		for owner > 0 && deferred[lits[owner]] {
			owner--
		}
		if !isAsyncLit(info, lits[owner]) {
			g.errorf(pos, "%s inside a func literal that is not async: only a function returning lwt.Promise can wait", what)
			return false
		}
		for _, lit := range lits {
			if isAsyncLit(info, lit) {
				a.lits[lit] = true
				break
			}
		}
		return false
	}
	ast.Inspect(fd.Body(), func(n ast.Node) bool {
		if n == nil {
			if lit, ok := stack[len(stack)-1].(*ast.FuncLit); ok && !a.inline[lit] {
				lits = lits[:len(lits)-1]
			}
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		switch n := n.(type) {
		case *ast.DeferStmt:
			if len(lits) > 0 {
				if lit, ok := n.Call.Fun.(*ast.FuncLit); ok {
					deferred[lit] = true
				}
				// A defer makes a literal that returns a promise async,
				// as an await does: its deferred calls run once the
				// promise is resolved (try_lwt ... finally), not when it
				// returns the promise.
				owner := len(lits) - 1
				for owner > 0 && deferred[lits[owner]] {
					owner--
				}
				if isAsyncLit(info, lits[owner]) {
					for _, lit := range lits {
						if isAsyncLit(info, lit) {
							a.lits[lit] = true
							break
						}
					}
				}
				break
			}
			a.defers = append(a.defers, n)
			mark()
			g.checkDeferredRecover(n)
			if lit, ok := n.Call.Fun.(*ast.FuncLit); ok {
				a.inline[lit] = true
				a.awaits[lit] = true
				a.awaits[lit.Body] = true
				a.awaits[lit.Type] = true
			}
			for _, s := range stack {
				switch s.(type) {
				case *ast.ForStmt, *ast.RangeStmt:
					g.errorf(n.Pos(), "defer inside a loop of an async function is not supported: move the loop body into an %s function", Directive)
				}
			}
		case *ast.FuncLit:
			if a.inline[n] {
				break
			}
			lits = append(lits, n)
		case *ast.Ident:
			if len(lits) > 0 {
				a.inLit[n] = lits[len(lits)-1]
			}
		case *ast.RangeStmt:
			// A range over a stream waits for each element.
			if _, ok := streamRange(info, n.X); ok {
				if waitsHere(n.Pos(), "a range over a stream's All") {
					a.streams[n] = true
				}
			}
		case *ast.CallExpr:
			name := markerName(info, n)
			if name == "" {
				if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok && id.Name == "recover" && len(lits) == 0 {
					if _, ok := info.Uses[id].(*types.Builtin); ok {
						g.errorf(n.Pos(), "recover() cannot be used in an async function or its deferred functions: a panic there becomes the failure of its promise; catch it with lwt.Try")
					}
				}
				break
			}
			waitsHere(n.Pos(), "lwt."+name)
		}
		return true
	})
	// A marker used other than by calling it cannot be rewritten.
	callees := map[*ast.Ident]bool{}
	ast.Inspect(fd.Body(), func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && markerName(info, call) != "" {
			ast.Inspect(call.Fun, func(m ast.Node) bool {
				if id, ok := m.(*ast.Ident); ok {
					callees[id] = true
				}
				return true
			})
		}
		return true
	})
	ast.Inspect(fd.Body(), func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && !callees[id] {
			if fn, ok := info.Uses[id].(*types.Func); ok && fn.Pkg() != nil && fn.Pkg().Path() == LwtPath {
				switch fn.Name() {
				case "Await", "Await2", "Await3", "AwaitAll", "Try", "Assert":
					g.errorf(id.Pos(), "lwt.%s must be called directly, not used as a value", fn.Name())
				}
			}
		}
		return true
	})
	// A type switch whose clauses wait is lowered to a chain of type
	// assertions: the variable of every clause then lives in the frame.
	ast.Inspect(fd.Body(), func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSwitchStmt); ok {
			for _, c := range ts.Body.List {
				if a.awaits[c] {
					for _, c := range ts.Body.List {
						a.awaits[c] = true
					}
					break
				}
			}
		}
		_, lit := n.(*ast.FuncLit)
		return !lit || a.inline[n.(*ast.FuncLit)]
	})
	if a.awaits[fd.Body()] {
		g.checkConstructs(fd, a)
	}
	a.findVars(info, fd)
	return a
}

// checkConstructs rejects what cannot be kept exact across an await.
func (g *fileGen) checkConstructs(fd fnode, a *analysis) {
	// A goto is kept only within a block without awaits, which is copied
	// as it is: the block that declares its label.
	labelBlock := map[types.Object]ast.Node{}
	var stack []ast.Node
	ast.Inspect(fd.Body(), func(n ast.Node) bool {
		switch n := n.(type) {
		case nil:
			stack = stack[:len(stack)-1]
			return true
		case *ast.LabeledStmt:
			labelBlock[g.pkg.TypesInfo.Defs[n.Label]] = stack[len(stack)-1]
		}
		stack = append(stack, n)
		return true
	})
	ast.Inspect(fd.Body(), func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return a.inline[n]
		case *ast.GoStmt:
			if a.awaits[n] {
				g.errorf(n.Pos(), "lwt.Await in a go statement: await first, then start the goroutine")
			}
		case *ast.SelectStmt:
			switch {
			case a.suspends[n]:
				g.errorf(n.Pos(), "select cannot contain lwt.Await: a select blocks the whole thread; use lwt.Choose or lwt.Pick")
			case a.awaits[n]:
				// Only defers: they are registered in lowered code, which a
				// select cannot be.
				g.errorf(n.Pos(), "defer inside a select of an async function is not supported: lwtgen registers deferred calls in code it lowers, and cannot lower a select; defer outside the select")
			}
		case *ast.BranchStmt:
			if b := labelBlock[g.pkg.TypesInfo.Uses[n.Label]]; n.Tok == token.GOTO && (b == nil || a.listAwaits(b)) {
				g.errorf(n.Pos(), "goto to a label in a block that awaits: lwtgen cannot keep it exact; use a loop with break or continue (a goto within a block without awaits is kept)")
			}
		case *ast.RangeStmt:
			if _, stream := streamRange(g.pkg.TypesInfo, n.X); a.rangeBodyAwaits(n) && !stream {
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

// listAwaits reports whether a statement of block b (a block or a case
// clause) awaits. (The body of a deferred literal is lowered like code
// that awaits even if it does not: its statements tell.)
func (a *analysis) listAwaits(b ast.Node) bool {
	var list []ast.Stmt
	switch b := b.(type) {
	case *ast.BlockStmt:
		list = b.List
	case *ast.CaseClause:
		list = b.Body
	case *ast.CommClause:
		list = b.Body
	default:
		return a.awaits[b]
	}
	for _, s := range list {
		if a.awaits[s] {
			return true
		}
	}
	return false
}

// rangeBodyAwaits reports whether a range statement awaits in its
// iterations. One whose expression alone awaits is a plain range once
// that expression has been computed.
func (a *analysis) rangeBodyAwaits(r *ast.RangeStmt) bool {
	return a.streams[r] || a.awaits[r.Body] || r.Key != nil && a.awaits[r.Key] || r.Value != nil && a.awaits[r.Value]
}

// findVars decides which variables live in the frame: the receiver,
// parameters and results, and every variable declared in a scope that
// contains an await (its value may be needed after the function suspends).
// A hoisted variable that a func literal captures or whose address is taken
// gets a cell of its own, allocated where it is declared, so that each
// declaration — each loop iteration — has a distinct variable, as in Go.
func (a *analysis) findVars(info *types.Info, fd fnode) {
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
		if r, ok := n.(*ast.RangeStmt); ok && !a.rangeBodyAwaits(r) {
			continue // a plain range (its expression is computed before)
		}
		if ft, ok := n.(*ast.FuncType); ok && (ft == fd.Type() || a.awaits[ft]) || a.awaits[n] {
			a.hoisted[v] = true
		}
	}
	// The variable a type switch binds is declared by each clause.
	for n, obj := range info.Implicits {
		cc, ok := n.(*ast.CaseClause)
		v, isVar := obj.(*types.Var)
		if ok && isVar && cc.Pos() >= fd.Pos() && cc.End() <= fd.End() && a.awaits[cc] {
			a.hoisted[v] = true
			a.order[v] = cc.Pos()
		}
	}
	// Cells: captured by a func literal, or address taken.
	for id, lit := range a.inLit {
		if v, ok := info.Uses[id].(*types.Var); ok && a.hoisted[v] && !(v.Pos() >= lit.Pos() && v.Pos() < lit.End()) {
			a.boxed[v] = true
		}
	}
	ast.Inspect(fd.Body(), func(n ast.Node) bool {
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

// checkDeferredRecover rejects defer f() of a function of this package
// that calls recover() itself: Go would stop a panic there, but the
// deferred calls of an async function run after the panic has become the
// outcome, so recover() would return nil. (Functions of other packages and
// function values cannot be seen; recover() in a deferred literal is
// reported where it is.)
func (g *fileGen) checkDeferredRecover(d *ast.DeferStmt) {
	fn, ok := typeutil.Callee(g.pkg.TypesInfo, d.Call).(*types.Func)
	if !ok || fn.Pkg() != g.pkg.Types {
		return
	}
	fn = fn.Origin()
	if g.funcDecls == nil {
		g.funcDecls = map[*types.Func]*ast.FuncDecl{}
		for _, f := range g.pkg.Syntax {
			for _, decl := range f.Decls {
				if fd, ok := decl.(*ast.FuncDecl); ok {
					if obj, ok := g.pkg.TypesInfo.Defs[fd.Name].(*types.Func); ok {
						g.funcDecls[obj] = fd
					}
				}
			}
		}
	}
	fd := g.funcDecls[fn]
	if fd == nil || fd.Body == nil || isAnnotated(fd) {
		return
	}
	found := false
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok && id.Name == "recover" && !found {
				if _, ok := g.pkg.TypesInfo.Uses[id].(*types.Builtin); ok {
					p := g.pkg.Fset.Position(n.Pos())
					found = true
					g.errorf(d.Pos(), "deferred %s calls recover() (%s:%d), which would return nil: the deferred calls of an async function run after a panic has become the failure of its promise; catch the panic with lwt.Try instead", fn.Name(), baseName(p.Filename), p.Line)
					return false
				}
			}
		}
		return true
	})
}
