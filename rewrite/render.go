package rewrite

import (
	"github.com/lwtgo/lwt/logstrip"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"
)

// Source text is carried over by splicing: a node's text, with the spans of
// some sub-nodes replaced. That keeps the user's formatting, comments and
// line structure, so that a //line directive before it maps every line.

type edit struct {
	from, to int
	text     string
}

// render returns the text of n with:
//   - hoisted variables replaced by their frame fields (or cells);
//   - nodes in subst replaced by the given text;
//   - return, break and continue statements that leave the rendered code
//     rewritten into the state machine's protocol (in statements);
//   - func literals that capture cells wrapped so that they capture the cell
//     of the moment, as Go closures capture variables.
func (fg *funcGen) render(n ast.Node, subst map[ast.Node]string) string {
	r := renderer{fg: fg, subst: subst}
	r.walk(n)
	return fg.splice(n, r.edits)
}

// renderClauses renders the body of a switch or type switch that is kept
// as a Go switch: a break in its clauses leaves sw, not a lowered
// statement around it.
func (fg *funcGen) renderClauses(sw ast.Stmt, body *ast.BlockStmt) string {
	r := renderer{fg: fg, loops: []ast.Node{sw}}
	r.walk(body)
	return fg.splice(body, r.edits)
}

// splice is the source text of n with the edits made. Line directives
// before it and after each edit followed by more of the line keep every
// token's position that of the source, whatever comes before it in the
// generated code (fixDirectives drops those that change nothing).
func (fg *funcGen) splice(n ast.Node, edits []edit) string {
	base := fg.g.offset(n.Pos())
	src := fg.g.src[base:fg.g.offset(n.End())]
	sort.Slice(edits, func(i, j int) bool { return edits[i].from < edits[j].from })
	var b strings.Builder
	b.WriteString(fg.g.lineDirectiveInline(n.Pos()))
	at := 0
	for _, e := range edits {
		b.Write(src[at : e.from-base])
		b.WriteString(e.text)
		at = e.to - base
		// The next token of the line, if any, keeps its position.
		next := at
		for next < len(src) && (src[next] == ' ' || src[next] == '\t') {
			next++
		}
		if next < len(src) && src[next] != '\n' && src[next] != '\r' {
			b.WriteString(fg.g.lineDirectiveInline(fg.g.pos(base + next)))
		}
	}
	b.Write(src[at:])
	return b.String()
}

type renderer struct {
	fg    *funcGen
	subst map[ast.Node]string
	edits []edit
	lit   map[*types.Var]string // inside a wrapped func literal: cell parameter names
	inLit int                   // func literal depth
	loops []ast.Node            // plain breakable statements entered
}

func (r *renderer) add(n ast.Node, text string) {
	r.edits = append(r.edits, edit{r.fg.g.offset(n.Pos()), r.fg.g.offset(n.End()), text})
}

func (r *renderer) walk(n ast.Node) {
	ast.Inspect(n, func(n ast.Node) bool {
		if n == nil {
			return true
		}
		if text, ok := r.subst[n]; ok {
			r.add(n, text)
			return false
		}
		fg := r.fg
		switch n := n.(type) {
		case *ast.ExprStmt:
			if call, ok := n.X.(*ast.CallExpr); ok {
				if text, ok := r.logCall(call, true); ok {
					r.add(n, text)
					return false
				}
			}
		case *ast.CallExpr:
			if text, ok := r.logCall(n, false); ok {
				r.add(n, text)
				return false
			}
		case *ast.Ident:
			if v := fg.varOf(n); v != nil {
				r.add(n, r.varText(v))
			} else if name := fg.labelName(n); name != n.Name {
				r.add(n, name)
			}
		case *ast.UnaryExpr:
			if text, ok := r.cellAddr(n); ok {
				r.add(n, text)
				return false
			}
		case *ast.FuncLit:
			if fg.a.lits[n] {
				r.add(n, fg.litEntry(n, r.pointer))
				return false
			}
			if r.inLit == 0 {
				if cells := fg.cellsUsedIn(n); len(cells) > 0 {
					r.add(n, r.wrapLit(n, cells))
					return false
				}
			}
			r.inLit++
			ast.Inspect(n.Body, func(m ast.Node) bool {
				if m == n.Body {
					return true
				}
				if m != nil {
					r.walkInLit(m)
				}
				return false
			})
			r.inLit--
			return false
		case *ast.ReturnStmt:
			if fg.noFrame {
				return true
			}
			r.add(n, fg.returnText(n))
			return false
		case *ast.BranchStmt:
			if fg.noFrame {
				return true
			}
			if text, ok := fg.branchText(n, r.loops); ok {
				r.add(n, text)
				return false
			}
		case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
			r.loops = append(r.loops, n)
			r.walkChildren(n)
			r.loops = r.loops[:len(r.loops)-1]
			return false
		case *ast.LabeledStmt:
			r.loops = append(r.loops, n)
			r.walkChildren(n)
			r.loops = r.loops[:len(r.loops)-1]
			return false
		}
		return true
	})
}

// walkChildren walks the children of n (not n itself).
func (r *renderer) walkChildren(n ast.Node) {
	first := true
	ast.Inspect(n, func(m ast.Node) bool {
		if first {
			first = false
			return true
		}
		if m != nil {
			r.walk(m)
		}
		return false
	})
}

// walkInLit walks code inside a func literal: only variable references
// change there; returns and branches belong to the literal.
func (r *renderer) walkInLit(n ast.Node) {
	ast.Inspect(n, func(n ast.Node) bool {
		if n == nil {
			return true
		}
		switch n := n.(type) {
		case *ast.Ident:
			if v := r.fg.varOf(n); v != nil {
				r.add(n, r.varText(v))
			}
		case *ast.UnaryExpr:
			if text, ok := r.cellAddr(n); ok {
				r.add(n, text)
				return false
			}
		case *ast.FuncLit:
			if r.fg.a.lits[n] {
				r.add(n, r.fg.litEntry(n, r.pointer))
				return false
			}
		case *ast.ExprStmt:
			if call, ok := n.X.(*ast.CallExpr); ok {
				if text, ok := r.logCall(call, true); ok {
					r.add(n, text)
					return false
				}
			}
		case *ast.CallExpr:
			if text, ok := r.logCall(n, false); ok {
				r.add(n, text)
				return false
			}
		}
		return true
	})
}

// sub renders a node inside the one being rendered, in the same context.
func (r *renderer) sub(n ast.Node) string {
	c := renderer{fg: r.fg, subst: r.subst, lit: r.lit, inLit: r.inLit, loops: r.loops}
	if r.inLit > 0 {
		c.walkInLit(n)
	} else {
		c.walk(n)
	}
	return r.fg.splice(n, c.edits)
}

// logCall rewrites a log call into its level-guarded form (package
// logstrip).
func (r *renderer) logCall(call *ast.CallExpr, stmt bool) (string, bool) {
	fg := r.fg
	c, ok := logstrip.Recognize(fg.info, call)
	if !ok {
		return "", false
	}
	var args []string
	for _, a := range call.Args[1:] {
		args = append(args, r.sub(a))
	}
	pos := fg.g.pkg.Fset.Position(call.Pos())
	return logstrip.Rewrite(c, fg.g.importName(logstrip.LwtlogPath, "lwtlog"), fg.g.importName(LwtPath, "lwt"),
		r.sub(call.Args[0]), args, pos, fg.fresh("s"), stmt), true
}

// pointer is how the rendered code points to variable v, for an async
// literal that captures it.
func (r *renderer) pointer(v *types.Var) string {
	if name, ok := r.lit[v]; ok {
		return name
	}
	if r.fg.a.boxed[v] || r.fg.captured[v] {
		return r.fg.fr + "." + r.fg.vars[v]
	}
	return "&" + v.Name()
}

// cellAddr renders &x of a variable kept in a cell as the cell's pointer,
// not &*cell (which gopls and gofmt -s would simplify).
func (r *renderer) cellAddr(u *ast.UnaryExpr) (string, bool) {
	id, ok := ast.Unparen(u.X).(*ast.Ident)
	if u.Op != token.AND || !ok {
		return "", false
	}
	v := r.fg.varOf(id)
	if v == nil {
		return "", false
	}
	if _, inLit := r.lit[v]; !inLit && !r.fg.a.boxed[v] && !r.fg.captured[v] {
		return "", false
	}
	return r.pointer(v), true
}

func (r *renderer) varText(v *types.Var) string {
	if name, ok := r.lit[v]; ok {
		return "(*" + name + ")"
	}
	return r.fg.fieldRef(v)
}

// wrapLit makes a func literal that captures cells capture them as they are
// now: func(c *T) F { return <lit> }(fr.c).
func (r *renderer) wrapLit(lit *ast.FuncLit, cells []*types.Var) string {
	fg := r.fg
	inner := renderer{fg: fg, lit: map[*types.Var]string{}, inLit: 1}
	var params, args []string
	for _, v := range cells {
		name := fg.fresh(v.Name() + "Cell")
		inner.lit[v] = name
		params = append(params, name+" *"+fg.typeText(v.Type(), lit.Pos()))
		args = append(args, fg.fr+"."+fg.vars[v])
	}
	inner.walkInLit(lit)
	return closureOver(fg.g.text(lit.Type.Pos(), lit.Type.End()), fg.splice(lit, inner.edits), params, args)
}

// cellsUsedIn lists the cells a func literal captures, in order of use.
func (fg *funcGen) cellsUsedIn(lit *ast.FuncLit) []*types.Var {
	var out []*types.Var
	seen := map[*types.Var]bool{}
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if v := fg.varOf(id); v != nil && (fg.a.boxed[v] || fg.captured[v]) && !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
		return true
	})
	return out
}

// varOf returns the hoisted variable an identifier denotes, or nil.
func (fg *funcGen) varOf(id *ast.Ident) *types.Var {
	obj := fg.info.Uses[id]
	if obj == nil {
		obj = fg.info.Defs[id]
	}
	v, ok := obj.(*types.Var)
	if !ok || !fg.a.hoisted[v] && !fg.captured[v] {
		return nil
	}
	return v
}

// fieldRef is how the state machine refers to a hoisted variable.
func (fg *funcGen) fieldRef(v *types.Var) string {
	ref := fg.fr + "." + fg.vars[v]
	if fg.a.boxed[v] || fg.captured[v] {
		return "(*" + ref + ")"
	}
	return ref
}

// branchText rewrites break and continue statements that leave the plain
// code they are in for a lowered loop or switch. loops are the plain
// breakable statements (and labeled statements) between the branch and the
// start of the rendered code.
func (fg *funcGen) branchText(b *ast.BranchStmt, loops []ast.Node) (string, bool) {
	if b.Tok != token.BREAK && b.Tok != token.CONTINUE {
		return "", false
	}
	if b.Label != nil {
		for _, n := range loops {
			if l, ok := n.(*ast.LabeledStmt); ok && l.Label.Name == b.Label.Name && fg.labelName(l.Label) == fg.labelName(b.Label) {
				return "", false
			}
		}
		for i := len(fg.targets) - 1; i >= 0; i-- {
			if t := fg.targets[i]; t.label == fg.labelName(b.Label) {
				return fg.jump(t, b.Tok), true
			}
		}
		return "", false
	}
	for _, n := range loops {
		switch n.(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			return "", false
		case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
			if b.Tok == token.BREAK {
				return "", false
			}
		}
	}
	for i := len(fg.targets) - 1; i >= 0; i-- {
		t := fg.targets[i]
		if b.Tok == token.CONTINUE && t.cont == "" {
			continue
		}
		return fg.jump(t, b.Tok), true
	}
	return "", false
}

func (fg *funcGen) jump(t *target, tok token.Token) string {
	if tok == token.CONTINUE {
		return fg.gotoText(t.cont)
	}
	return fg.gotoText(t.brk)
}

// gotoText is a jump to label; the label counts as used once the jump is
// emitted (emit marks it), not before: a jump in dead code is dropped.
func (fg *funcGen) gotoText(label string) string {
	return "goto " + label
}

// returnText is a return statement of the async function in the state
// machine: the call ends with the outcome of the returned promise.
func (fg *funcGen) returnText(ret *ast.ReturnStmt) string {
	var x string
	switch {
	case fg.deferEnd != "":
		// A return in a deferred literal: its values are evaluated and
		// dropped, as Go drops a deferred call's results.
		if len(ret.Results) > 0 {
			var vals []string
			for _, e := range ret.Results {
				vals = append(vals, fg.render(e, nil))
			}
			return "{\n" + fg.discard(ret.Results, vals) + fg.returnFlow("") + "\n}"
		}
	case len(ret.Results) == 0:
		x = fg.fieldRef(fg.result)
	default:
		x = fg.render(ret.Results[0], nil)
	}
	var traced []string
	if len(ret.Results) == 1 {
		if t, ok := fg.raised(ret.Results[0]); ok {
			traced = append(traced, t)
		}
	}
	text := fg.returnFlow(x, traced...)
	if strings.Contains(text, "\n") {
		return "{\n" + text + "\n}"
	}
	return text
}

// discard evaluates the results of a return in a deferred literal (texts
// vals, of the expressions results) and drops them. An untyped nil has no
// effect and cannot be assigned to _; it is left out.
func (fg *funcGen) discard(results []ast.Expr, vals []string) string {
	if fg.deferPromise != "" {
		return fg.deferPromise + " = " + vals[0] + "\n" // awaited at the end of the literal
	}
	if len(results) == 1 && fg.deferResults > 1 {
		// return f() of a call with several results.
		return strings.TrimSuffix(strings.Repeat("_, ", fg.deferResults), ", ") + " = " + vals[0] + "\n"
	}
	var b strings.Builder
	for i, e := range results {
		if fg.info.Types[e].IsNil() {
			continue
		}
		b.WriteString("_ = " + vals[i] + "\n")
	}
	return b.String()
}
