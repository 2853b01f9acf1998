package rewrite

import (
	"fmt"
	"go/ast"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// A function with defer statements keeps a stack of the deferred calls it
// has registered (by site: a defer cannot be in a loop, so each site is
// registered at most once). Every way out — a return, a failed await, an
// assertion, a panic — records the outcome in the frame and jumps to the
// unwinding code, which pops the sites one by one and runs their bodies,
// awaits included, as Lwt's finalize does. A failure in a deferred call
// replaces the outcome. Then the call resolves with what is recorded.
//
//	ret:     await fr.ret (the promise returned) into fr.retv, fr.rerr
//	unwind:  pop a site and jump to its body, or go to finish
//	deferK:  ...the body of site K...; goto unwind
//	finish:  resolve with fr.retv or fr.rerr

// failText is how lowered code fails the call with err (a variable, or an
// expression if what is "raised"); site is where, for async backtraces.
func (fg *funcGen) failText(err string, site ast.Node, what string) string {
	helper := "Awaited"
	if what == "raised" {
		helper = "Raised"
	}
	err = fmt.Sprintf("%s.%s(%s, %s, %s)", fg.debugtrace(), helper, err, strconv.Quote(fg.funcName), strconv.Quote(fg.site(site)))
	if fg.deferSites == nil {
		return "return " + fg.fr + ".Fail(" + err + ")"
	}
	return fg.fr + ".rerr = " + err + "\n" + fg.gotoText(fg.unwind)
}

// debugtrace is what the generated file calls package debugtrace.
func (fg *funcGen) debugtrace() string { return fg.g.importName(DebugtracePath, "debugtrace") }

// site is a node's position for backtraces: file:line.
func (fg *funcGen) site(n ast.Node) string {
	p := fg.g.pkg.Fset.Position(n.Pos())
	return fmt.Sprintf("%s:%d", baseName(p.Filename), p.Line)
}

// suspendText is how lowered code waits for the promise a (text) at state k.
func (fg *funcGen) suspendText(k int, a string, site ast.Node) string {
	return fmt.Sprintf("if !%s.Ready() {\n%s.state = %d\nreturn %s.Waiting(%s.Suspend[%s](%s, %s), %s, %s)\n}",
		a, fg.fr, k, fg.debugtrace(), fg.lwt, fg.res, fg.fr, a, strconv.Quote(fg.funcName), strconv.Quote(fg.site(site)))
}

// raised returns, for a returned expression that is a call of lwt.Fail
// without awaits in it, the same call with the error noted for backtraces.
func (fg *funcGen) raised(e ast.Expr) (string, bool) {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(call.Args) != 1 || fg.a.awaits[call] {
		return "", false
	}
	fn, ok := typeutil.Callee(fg.info, call).(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != LwtPath || fn.Name() != "Fail" {
		return "", false
	}
	note := fmt.Sprintf("%s.Raised(%s, %s, %s)", fg.debugtrace(), fg.render(call.Args[0], nil),
		strconv.Quote(fg.funcName), strconv.Quote(fg.site(call)))
	return fg.render(e, map[ast.Node]string{call.Args[0]: note}), true
}

// returnFlow is how lowered code returns the promise x (text). For a
// return of lwt.Fail, traced is the same with the raise site noted, which
// is what is returned.
func (fg *funcGen) returnFlow(x string, traced ...string) string {
	if len(traced) == 1 && fg.deferEnd == "" {
		x = traced[0]
	}
	switch {
	case fg.deferEnd != "":
		// A return in a deferred func literal ends that function only.
		return fg.gotoText(fg.deferEnd)
	case fg.deferSites != nil:
		return fg.fr + ".ret = " + x + "\n" + fg.gotoText(fg.retLabel)
	}
	return "return " + fg.fr + ".Become(" + x + ")"
}

// deferStmt registers a deferred call: its function value and arguments are
// evaluated now, as Go does.
func (fg *funcGen) deferStmt(d *ast.DeferStmt) {
	k := fg.deferSites[d]
	call := d.Call
	if len(call.Args) == 1 && isTuple(fg.info.TypeOf(call.Args[0])) {
		fg.g.errorf(call.Pos(), "a deferred call whose argument gives several values is not supported: assign them to variables first")
		return
	}
	// Go evaluates the function value (a method value's receiver) before
	// the arguments.
	var fnText string
	_, isLit := call.Fun.(*ast.FuncLit)
	_, builtin := fg.info.Uses[calleeIdent(call.Fun)].(*types.Builtin)
	if !isLit && !builtin {
		fnText = fg.expr(call.Fun, anyAwait(fg.a, call.Args))
	}
	args := fg.exprs(call.Args)
	var store []string
	if lit, ok := call.Fun.(*ast.FuncLit); ok {
		// The parameters of a deferred literal are frame variables.
		sig := fg.info.TypeOf(lit).(*types.Signature)
		n := sig.Params().Len()
		if sig.Variadic() && !call.Ellipsis.IsValid() {
			// The extra arguments make the variadic parameter's slice.
			last := sig.Params().At(n - 1)
			var extra []string
			if len(args) >= n {
				extra = args[n-1:]
			}
			slice := "nil" // as Go passes when there is no extra argument
			if len(extra) > 0 {
				slice = fg.typeText(last.Type(), call.Pos()) + "{" + strings.Join(extra, ", ") + "}"
			}
			args = append(args[:n-1:n-1], slice)
		}
		for i := 0; i < n && i < len(args); i++ {
			v := sig.Params().At(i)
			switch {
			case fg.a.boxed[v]:
				store = append(store, fmt.Sprintf("%s.%s = new(%s)", fg.fr, fg.vars[v], fg.typeText(v.Type(), call.Pos())), fg.fieldRef(v)+" = "+args[i])
			case fg.a.hoisted[v]:
				store = append(store, fg.fieldRef(v)+" = "+args[i])
			default:
				// A blank or unnamed parameter: the argument is still
				// evaluated.
				store = append(store, "_ = "+args[i])
			}
		}
	} else {
		// Keep the function value (unless it is a builtin) and the
		// arguments, converted to the parameter types.
		var fields []string
		if !builtin {
			fn := fg.temp(fmt.Sprintf("defer%dFunc", k), fg.typeText(fg.info.TypeOf(call.Fun), call.Fun.Pos()))
			store = append(store, fn+" = "+fnText)
			fields = append(fields, fn)
		}
		sig, _ := fg.info.TypeOf(call.Fun).Underlying().(*types.Signature)
		for i, a := range args {
			t := fg.info.TypeOf(call.Args[i])
			if sig != nil {
				t = paramType(sig, i, call.Ellipsis.IsValid())
			}
			f := fg.temp(fmt.Sprintf("defer%dArg%d", k, i), fg.typeText(t, call.Args[i].Pos()))
			store = append(store, f+" = "+a)
			fields = append(fields, f)
		}
		fg.deferArgs[k] = fields
	}
	fg.at(d)
	for _, s := range store {
		fg.emit("%s", s)
	}
	fg.emit("%s.defers[%s.ndefers] = %d\n%s.ndefers++", fg.fr, fg.fr, k, fg.fr)
}

func isTuple(t types.Type) bool {
	_, ok := t.(*types.Tuple)
	return ok
}

func calleeIdent(fun ast.Expr) *ast.Ident {
	switch f := ast.Unparen(fun).(type) {
	case *ast.Ident:
		return f
	case *ast.SelectorExpr:
		return f.Sel
	}
	return nil
}

// paramType is the type of the i-th argument of a call of sig.
func paramType(sig *types.Signature, i int, ellipsis bool) types.Type {
	n := sig.Params().Len()
	if sig.Variadic() && i >= n-1 && !ellipsis {
		return sig.Params().At(n - 1).Type().(*types.Slice).Elem()
	}
	return sig.Params().At(i).Type()
}

// deferEpilogue emits the return, unwinding and finishing code.
func (fg *funcGen) deferEpilogue() {
	fr := fg.fr
	// ret: the returned promise is awaited first.
	fg.label(fg.retLabel)
	fg.states++
	k := fg.states
	fg.stateLabel(k)
	fg.emit("%s", fg.suspendText(k, fr+".ret", fg.fn.Body()))
	fg.emit("%s.retv, %s.rerr = %s.ret.Result()", fr, fr, fr)
	// unwind: pop the deferred calls, newest first.
	fg.states++
	fg.unwindState = fg.states
	fg.label(fg.unwind)
	fg.stateLabel(fg.unwindState)
	finish := fg.newLabel("finish")
	var cases []string
	bodies := make([]string, len(fg.a.defers)+1)
	for i := range fg.a.defers {
		bodies[i+1] = fg.newLabel("deferred")
		cases = append(cases, fmt.Sprintf("case %d:\n%s", i+1, fg.gotoText(bodies[i+1])))
	}
	fg.emit("if %s.ndefers == 0 {\n%s\n}\n%s.ndefers--\nswitch %s.defers[%s.ndefers] {\n%s\n}", fr, fg.gotoText(finish), fr, fr, fr, strings.Join(cases, "\n"))
	fg.emit("panic(\"unreachable\")")
	fg.dead = true
	for i, d := range fg.a.defers {
		fg.label(bodies[i+1])
		fg.deferredBody(d, i+1)
		fg.goTo(fg.unwind)
	}
	fg.label(finish)
	fg.emit("if %s.rerr != nil {\nreturn %s.Fail(%s.rerr)\n}\nreturn %s.Return(%s.retv)", fr, fr, fr, fr, fr)
	fg.dead = true
}

// deferredBody emits the deferred call of site k.
func (fg *funcGen) deferredBody(d *ast.DeferStmt, k int) {
	call := d.Call
	if lit, ok := call.Fun.(*ast.FuncLit); ok {
		res := fg.info.TypeOf(lit).(*types.Signature).Results()
		end := fg.newLabel("enddefer")
		fg.deferEnd = end
		fg.deferResults = res.Len()
		if res.Len() == 1 {
			if _, isPromise := promiseElem(res.At(0).Type()); isPromise {
				// A deferred literal that returns a promise is awaited, as
				// a deferred call of a function is: its returns keep the
				// promise and go to the wait.
				ptype := fg.typeText(res.At(0).Type(), lit.Pos())
				fg.deferPromise = fg.temp("deferred", ptype)
				fg.deferEnd = fg.newLabel("awaitdefer")
				fg.block(lit.Body.List)
				fg.label(fg.deferEnd)
				fg.awaitTyped(lit, fg.deferPromise, ptype, []string{"_"}, false)
				fg.deferEnd, fg.deferPromise = "", ""
				fg.label(end)
				return
			}
		}
		fg.block(lit.Body.List)
		fg.deferEnd = ""
		fg.label(end)
		return
	}
	fields := fg.deferArgs[k]
	var fn string
	if _, builtin := fg.info.Uses[calleeIdent(call.Fun)].(*types.Builtin); builtin {
		fn = fg.g.text(call.Fun.Pos(), call.Fun.End())
	} else {
		fn, fields = fields[0], fields[1:]
	}
	text := fn + "(" + joinArgs(fields, call.Ellipsis.IsValid()) + ")"
	fg.at(d)
	res := fg.info.TypeOf(call)
	if _, isPromise := promiseElem(res); isPromise {
		// A deferred call that returns a promise is awaited; its failure
		// replaces the outcome.
		fg.await(call, text, call, []string{"_"}, false)
		return
	}
	fg.emit("%s", text)
}
