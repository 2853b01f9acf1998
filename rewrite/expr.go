package rewrite

import (
	"go/ast"
	"go/token"
	"go/types"
)

// expr lowers an expression that may await. It emits what has to run first
// (the awaits inside, and the calls Go orders before them) and returns the
// text of the rest. With now, the value is computed now, into a temporary,
// if computing it calls anything: a later operand awaits, and Go evaluates
// calls left to right.
func (fg *funcGen) expr(e ast.Expr, now bool) string {
	if !fg.a.awaits[e] {
		text := fg.render(e, nil)
		if now && hasCall(e) {
			return fg.spill(text, fg.info.TypeOf(e), e.Pos())
		}
		return text
	}
	switch e := e.(type) {
	case *ast.ParenExpr:
		return "(" + fg.expr(e.X, now) + ")"
	case *ast.CallExpr:
		switch markerName(fg.info, e) {
		case "Await":
			p := fg.expr(e.Args[0], false)
			tmp := fg.temp("v", fg.typeText(fg.info.TypeOf(e), e.Pos()))
			fg.await(e, p, e.Args[0], []string{tmp}, false)
			return tmp
		case "AwaitAll":
			args := fg.exprs(e.Args)
			p := fg.lwt + ".All(" + joinArgs(args, e.Ellipsis.IsValid()) + ")"
			tmp := fg.temp("vs", fg.typeText(fg.info.TypeOf(e), e.Pos()))
			fg.awaitAll(e, p, tmp)
			return tmp
		case "Await2", "Await3", "Try":
			fg.g.errorf(e.Pos(), "lwt.%s gives several values: use it as the right side of an assignment", markerName(fg.info, e))
			return "nil"
		case "Assert":
			fg.g.errorf(e.Pos(), "lwt.Assert has no value: use it as a statement")
			return "nil"
		}
		ops := []ast.Expr{}
		if sel, ok := e.Fun.(*ast.SelectorExpr); ok && fg.info.Selections[sel] != nil && fg.info.Selections[sel].Kind() == types.MethodVal {
			if needsAddr(fg.info, sel) && anyAwait(fg.a, e.Args) {
				// A pointer method on an addressable receiver: keep the
				// receiver's address, not a copy, across the awaits.
				recv := fg.addr(sel.X)
				args := fg.exprs(e.Args)
				subst := map[ast.Node]string{sel.X: recv}
				for i, a := range e.Args {
					subst[a] = args[i]
				}
				return fg.render(e, subst)
			}
			ops = append(ops, sel.X)
		} else if tv, ok := fg.info.Types[e.Fun]; !ok || !tv.IsType() {
			ops = append(ops, e.Fun)
		}
		ops = append(ops, e.Args...)
		return fg.operands(e, ops, now)
	case *ast.BinaryExpr:
		if (e.Op == token.LAND || e.Op == token.LOR) && fg.a.awaits[e.Y] {
			return fg.shortCircuit(e)
		}
		return fg.operands(e, []ast.Expr{e.X, e.Y}, now)
	case *ast.UnaryExpr:
		return fg.operands(e, []ast.Expr{e.X}, now)
	case *ast.StarExpr:
		return fg.operands(e, []ast.Expr{e.X}, now)
	case *ast.SelectorExpr:
		return fg.operands(e, []ast.Expr{e.X}, now)
	case *ast.IndexExpr:
		return fg.operands(e, []ast.Expr{e.X, e.Index}, now)
	case *ast.IndexListExpr:
		return fg.operands(e, append([]ast.Expr{e.X}, e.Indices...), now)
	case *ast.SliceExpr:
		return fg.operands(e, []ast.Expr{e.X, e.Low, e.High, e.Max}, now)
	case *ast.TypeAssertExpr:
		return fg.operands(e, []ast.Expr{e.X}, now)
	case *ast.CompositeLit:
		var ops []ast.Expr
		_, isStruct := fg.info.TypeOf(e).Underlying().(*types.Struct)
		for _, el := range e.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if !isStruct {
					ops = append(ops, kv.Key)
				}
				ops = append(ops, kv.Value)
			} else {
				ops = append(ops, el)
			}
		}
		return fg.operands(e, ops, now)
	}
	fg.g.errorf(e.Pos(), "lwt.Await in a %T is not supported by this version of lwtgen", e)
	return "nil"
}

// operands lowers e whose operands, in Go's evaluation order, are ops (nil
// entries are skipped). Operands before the last one that awaits are
// computed now if they call anything.
func (fg *funcGen) operands(e ast.Expr, ops []ast.Expr, now bool) string {
	last := -1
	for i, op := range ops {
		if op != nil && fg.a.awaits[op] {
			last = i
		}
	}
	subst := map[ast.Node]string{}
	for i, op := range ops {
		if op == nil || i > last {
			continue
		}
		subst[op] = fg.expr(op, i < last)
	}
	text := fg.render(e, subst)
	if now && hasCall(e) {
		return fg.spill(text, fg.info.TypeOf(e), e.Pos())
	}
	return text
}

// needsAddr reports whether a method call takes its receiver's address: a
// pointer method called on an addressable value.
func needsAddr(info *types.Info, sel *ast.SelectorExpr) bool {
	fn, ok := info.Selections[sel].Obj().(*types.Func)
	if !ok {
		return false
	}
	recv := fn.Signature().Recv()
	if recv == nil {
		return false
	}
	_, ptrMethod := recv.Type().(*types.Pointer)
	_, ptrRecv := info.TypeOf(sel.X).Underlying().(*types.Pointer)
	return ptrMethod && !ptrRecv
}

// addr lowers an addressable expression whose storage is used after later
// awaits: its address is taken now, and the result refers through it.
func (fg *funcGen) addr(e ast.Expr) string {
	text := fg.expr(e, false)
	if !fg.a.awaits[e] && !hasCall(e) {
		return text // a variable: its address does not change
	}
	tmp := fg.temp("addr", "*"+fg.typeText(fg.info.TypeOf(e), e.Pos()))
	fg.emit("%s = &%s", tmp, text)
	return "(*" + tmp + ")"
}

// exprs lowers a list evaluated left to right (arguments, right sides).
func (fg *funcGen) exprs(list []ast.Expr) []string {
	last := -1
	for i, e := range list {
		if fg.a.awaits[e] {
			last = i
		}
	}
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = fg.expr(e, i < last)
	}
	return out
}

// shortCircuit lowers x && y (x || y) where y awaits: y runs only when
// needed.
func (fg *funcGen) shortCircuit(e *ast.BinaryExpr) string {
	tmp := fg.temp("cond", fg.typeText(fg.info.TypeOf(e), e.Pos()))
	x := fg.expr(e.X, false)
	fg.at(e)
	fg.emit("%s = %s", tmp, x)
	skip := fg.newLabel("skip")
	if e.Op == token.LAND {
		fg.emit("if !%s {\n%s\n}", tmp, fg.gotoText(skip))
	} else {
		fg.emit("if %s {\n%s\n}", tmp, fg.gotoText(skip))
	}
	y := fg.expr(e.Y, false)
	fg.emit("%s = %s", tmp, y)
	fg.label(skip)
	return tmp
}

// spill computes text now into a temporary of type t.
func (fg *funcGen) spill(text string, t types.Type, pos token.Pos) string {
	if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
		t = types.Default(t)
	}
	tmp := fg.temp("t", fg.typeText(t, pos))
	fg.emit("%s = %s", tmp, text)
	return tmp
}

func (fg *funcGen) awaitAll(site ast.Node, p, target string) {
	fg.states++
	k := fg.states
	a := fg.awaitField(fg.lwt + ".Promise[" + fg.typeText(fg.info.TypeOf(site.(ast.Expr)), site.Pos()) + "]")
	fg.at(site)
	fg.emit("%s = %s", a, p)
	fg.stateLabel(k)
	fg.emit("%s", fg.suspendText(k, a, site))
	v, e := fg.glueNames([]string{target})
	fg.emit("if %s, %s := %s.Result(); %s != nil {\n%s\n} else {\n%s = %s\n}", v, e, a, e, fg.failText(e, site, "awaited"), target, v)
}

func joinArgs(args []string, ellipsis bool) string {
	s := ""
	for i, a := range args {
		if i > 0 {
			s += ", "
		}
		s += a
	}
	if ellipsis {
		s += "..."
	}
	return s
}

// hasCall reports whether evaluating e calls a function or receives.
func hasCall(e ast.Node) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			found = true
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				found = true
			}
		}
		return !found
	})
	return found
}

func anyAwait(a *analysis, list []ast.Expr) bool {
	for _, e := range list {
		if a.awaits[e] {
			return true
		}
	}
	return false
}

// terminates reports whether control cannot fall off the end of s, as Go's
// terminating statements define it, where that matters here. It errs
// towards false: code after s is then kept.
func (fg *funcGen) terminates(s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BranchStmt:
		// At the level lowered code works on, break and continue become
		// gotos.
		return s.Tok != token.FALLTHROUGH
	case *ast.ExprStmt:
		if call, ok := s.X.(*ast.CallExpr); ok {
			if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok && id.Name == "panic" {
				_, builtin := fg.info.Uses[id].(*types.Builtin)
				return builtin
			}
		}
	case *ast.BlockStmt:
		return len(s.List) > 0 && fg.terminates(s.List[len(s.List)-1])
	case *ast.IfStmt:
		return s.Else != nil && fg.terminates(s.Body) && fg.terminates(s.Else)
	case *ast.LabeledStmt:
		if f, ok := s.Stmt.(*ast.ForStmt); ok {
			return f.Cond == nil && !breaks(f.Body, s.Label.Name)
		}
		return fg.terminates(s.Stmt)
	case *ast.ForStmt:
		return s.Cond == nil && !breaks(s.Body, "")
	case *ast.SwitchStmt:
		return fg.clausesTerminate(s.Body, s)
	case *ast.TypeSwitchStmt:
		return fg.clausesTerminate(s.Body, s)
	}
	return false
}

// clausesTerminate: a switch with a default whose every clause ends in a
// terminating statement (or falls through), with no break out of it.
func (fg *funcGen) clausesTerminate(body *ast.BlockStmt, sw ast.Node) bool {
	dflt := false
	for _, c := range body.List {
		cc := c.(*ast.CaseClause)
		if cc.List == nil {
			dflt = true
		}
		n := len(cc.Body)
		if n == 0 {
			return false
		}
		last := cc.Body[n-1]
		if b, ok := last.(*ast.BranchStmt); ok && b.Tok == token.FALLTHROUGH {
			continue
		}
		if b, ok := last.(*ast.BranchStmt); ok && b.Tok == token.BREAK {
			return false
		}
		if !fg.terminates(last) {
			return false
		}
		for _, st := range cc.Body {
			if breaks(st, "") {
				return false
			}
		}
	}
	return dflt
}

// breaks reports whether body has a break that leaves the loop it belongs
// to (unlabeled at that level, or labeled with label).
func breaks(body ast.Node, label string) bool {
	found := false
	var walk func(n ast.Node, nested bool)
	walk = func(n ast.Node, nested bool) {
		ast.Inspect(n, func(m ast.Node) bool {
			if found || m == nil {
				return false
			}
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.BranchStmt:
				if m.Tok == token.BREAK && (m.Label == nil && !nested || m.Label != nil && m.Label.Name == label) {
					found = true
				}
			case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				if m != n {
					walk(m, true)
					return false
				}
			}
			return true
		})
	}
	walk(body, false)
	return found
}
