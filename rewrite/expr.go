package rewrite

import (
	"go/ast"
	"go/token"
	"go/types"
)

// expr lowers an expression that may await. It emits what has to run first
// (the awaits inside, and the calls Go orders before them) and returns the
// text of the rest. With now, the value is computed now, into a temporary,
// if computing it does something Go orders (see ordered): a later operand
// awaits, and Go evaluates calls and logical operations left to right.
func (fg *funcGen) expr(e ast.Expr, now bool) string {
	if !fg.a.awaits[e] {
		text := fg.render(e, nil)
		if now && ordered(e) {
			return fg.spillExpr(e, text)
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
			// All[T], as the marker's type argument may be needed to
			// infer T (lwt.AwaitAll[int]()).
			elem := fg.typeText(fg.info.TypeOf(e).Underlying().(*types.Slice).Elem(), e.Pos())
			p := fg.lwt + ".All[" + elem + "](" + joinArgs(args, e.Ellipsis.IsValid()) + ")"
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
		var ops []ast.Expr
		if sel, ok := e.Fun.(*ast.SelectorExpr); ok && fg.info.Selections[sel] != nil && fg.info.Selections[sel].Kind() == types.MethodVal {
			ops = append(ops, sel.X) // the receiver (its storage, for a pointer method: see operand)
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
		subst[op] = fg.operand(e, op, i < last)
	}
	text := fg.render(e, subst)
	if now && ordered(e) {
		return fg.spillExpr(e, text)
	}
	return text
}

// operand lowers op, an operand of e. Where e uses op's storage rather
// than its value — the operand of &, an array indexed or sliced, a struct
// whose field is selected, the receiver of a pointer method — an
// addressable op is lowered as a place, never copied: the code after an
// await must see (and change) the variable itself.
func (fg *funcGen) operand(e, op ast.Expr, now bool) string {
	if usesStorage(fg.info, e, op) && fg.info.Types[op].Addressable() {
		return fg.place(op, now)
	}
	return fg.expr(op, now)
}

// usesStorage reports whether e uses the storage of its operand op.
func usesStorage(info *types.Info, e, op ast.Expr) bool {
	isArray := func(x ast.Expr) bool {
		_, ok := info.TypeOf(x).Underlying().(*types.Array)
		return ok
	}
	switch e := e.(type) {
	case *ast.UnaryExpr:
		return e.Op == token.AND
	case *ast.IndexExpr:
		return op == e.X && isArray(op)
	case *ast.SliceExpr:
		return op == e.X && isArray(op)
	case *ast.SelectorExpr:
		sel := info.Selections[e]
		if sel == nil {
			return false
		}
		if sel.Kind() == types.FieldVal {
			return !sel.Indirect()
		}
		return takesAddr(info, sel)
	case *ast.CallExpr:
		if sel, ok := e.Fun.(*ast.SelectorExpr); ok && op == sel.X && info.Selections[sel] != nil {
			return takesAddr(info, info.Selections[sel])
		}
	}
	return false
}

// takesAddr reports whether a method selection takes its receiver's
// address: a pointer method selected on a value.
func takesAddr(info *types.Info, sel *types.Selection) bool {
	fn, ok := sel.Obj().(*types.Func)
	if !ok || sel.Kind() == types.MethodExpr {
		return false
	}
	recv := fn.Signature().Recv()
	if recv == nil {
		return false
	}
	_, ptrMethod := recv.Type().(*types.Pointer)
	_, ptrRecv := sel.Recv().Underlying().(*types.Pointer)
	return ptrMethod && !ptrRecv && !sel.Indirect()
}

// place lowers an expression that denotes a variable (or a map element,
// as the target of an assignment). What must run now — the awaits inside,
// and with now whatever calls something — goes into temporaries, but the
// storage is never copied: an array is indexed where it lives, a field
// selected in its struct, so that the place denotes the same variable
// after any await. Only pointers and slices are kept by value, which
// reach the same storage.
func (fg *funcGen) place(e ast.Expr, now bool) string {
	if !now && !fg.a.awaits[e] {
		return fg.render(e, nil)
	}
	addressable := func(x ast.Expr) bool { return fg.info.Types[x].Addressable() }
	switch x := e.(type) {
	case *ast.ParenExpr:
		return "(" + fg.place(x.X, now) + ")"
	case *ast.IndexExpr:
		later := now || fg.a.awaits[x.Index]
		var base string
		if _, isArray := fg.info.TypeOf(x.X).Underlying().(*types.Array); isArray && addressable(x.X) {
			base = fg.place(x.X, later)
		} else {
			base = fg.expr(x.X, later)
		}
		return fg.render(x, map[ast.Node]string{x.X: base, x.Index: fg.expr(x.Index, now)})
	case *ast.StarExpr:
		return fg.render(x, map[ast.Node]string{x.X: fg.expr(x.X, now)})
	case *ast.SelectorExpr:
		sel := fg.info.Selections[x]
		if sel == nil || sel.Kind() != types.FieldVal {
			break // a qualified identifier: a package's variable
		}
		if !sel.Indirect() && addressable(x.X) {
			return fg.render(x, map[ast.Node]string{x.X: fg.place(x.X, now)})
		}
		return fg.render(x, map[ast.Node]string{x.X: fg.expr(x.X, now)})
	}
	return fg.expr(e, now)
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

// spillExpr computes e (lowered to text) now into a temporary. A
// composite literal whose type its enclosing literal elides gets it
// spelled out: {1, 2} becomes T{1, 2}, or &T{1, 2} for an element of
// pointer type.
func (fg *funcGen) spillExpr(e ast.Expr, text string) string {
	t := fg.info.TypeOf(e)
	if lit, ok := e.(*ast.CompositeLit); ok && lit.Type == nil {
		if p, ok := t.Underlying().(*types.Pointer); ok {
			text = "&" + fg.typeText(p.Elem(), e.Pos()) + text
		} else {
			text = fg.typeText(t, e.Pos()) + text
		}
	}
	return fg.spill(text, t, e.Pos())
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

// ordered reports whether evaluating e does something Go orders with the
// calls around it: a call, a receive or a logical operation (the spec's
// "function calls, method calls, receive operations, and binary logical
// operations are evaluated in lexical left-to-right order"). Such an
// operand left of an await is computed before it. Plain reads of
// variables may happen later: the spec leaves their order open.
func ordered(e ast.Node) bool {
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
		case *ast.BinaryExpr:
			if n.Op == token.LAND || n.Op == token.LOR {
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
		switch t := s.Stmt.(type) {
		case *ast.ForStmt:
			return t.Cond == nil && !breaks(t.Body, s.Label.Name)
		case *ast.SwitchStmt:
			return fg.clausesTerminate(t.Body, s.Label.Name)
		case *ast.TypeSwitchStmt:
			return fg.clausesTerminate(t.Body, s.Label.Name)
		case *ast.RangeStmt, *ast.SelectStmt:
			return false
		}
		return fg.terminates(s.Stmt)
	case *ast.ForStmt:
		return s.Cond == nil && !breaks(s.Body, "")
	case *ast.SwitchStmt:
		return fg.clausesTerminate(s.Body, "")
	case *ast.TypeSwitchStmt:
		return fg.clausesTerminate(s.Body, "")
	}
	return false
}

// clausesTerminate: a switch with a default whose every clause ends in a
// terminating statement (or falls through), with no break out of it:
// neither an unlabeled one at its level nor one naming its label.
func (fg *funcGen) clausesTerminate(body *ast.BlockStmt, label string) bool {
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
			if breaks(st, label) {
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
