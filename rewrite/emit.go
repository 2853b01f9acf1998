package rewrite

import (
	"bytes"
	"fmt"
	"go/types"
	"strings"

	"github.com/dave/jennifer/jen"
)

// The emit pass prints a rewritten function. Its fixed glue — the entry
// function's body, the frame type, Resume, step's prologue, the methods for
// lwt.Try — is built as code with jennifer; text spliced from the source
// (signatures, types, the lowered body) goes in as it is, so that it keeps
// its comments and line directives. Invariant: every declaration printed
// here is well-formed Go on its own (jennifer formats it), whatever the
// spliced text.

// field is a field of a frame: an embedded type if name is "".
type field struct {
	name, typ, comment string
}

// typeParam is a type parameter of a frame: those of the function (and of
// its receiver's type) an async function or literal is in.
type typeParam struct {
	name, constraint string
}

// code renders c as formatted Go source. c is glue lwtgen builds; a
// failure is its bug.
func code(c jen.Code) string {
	var b bytes.Buffer
	if err := jen.Add(c).Render(&b); err != nil {
		panic(fmt.Sprintf("%v: glue does not format: %v", ErrBug, err))
	}
	return b.String()
}

// raw is text spliced in as it is: source text, or text lowered from it.
func raw(text string) *jen.Statement { return jen.Op(text) }

// typeArgs are the frame's type arguments where it is used: [T, K].
func (fg *funcGen) typeArgs() []jen.Code {
	var out []jen.Code
	for _, tp := range fg.tparams {
		out = append(out, jen.Id(tp.name))
	}
	return out
}

// frameType is *F[T, K], the type of the receiver of the frame's methods.
func (fg *funcGen) frameType() *jen.Statement {
	return jen.Op("*").Id(fg.frame).Types(fg.typeArgs()...)
}

// entryBody is the body of an entry — an annotated function, or the
// closure an async literal becomes: make the frame on the stack, run it.
// captures names the pointers an async literal is given to the variables
// it captures.
func (fg *funcGen) entryBody(sig *types.Signature, captures map[*types.Var]string) string {
	var inits, stmts []jen.Code
	addParam := func(v *types.Var) {
		if v.Name() == "" || v.Name() == "_" || !fg.a.hoisted[v] {
			return
		}
		if fg.a.boxed[v] {
			// The parameter itself becomes the cell.
			stmts = append(stmts, jen.Id(fg.fr).Dot(fg.vars[v]).Op("=").Op("&").Id(v.Name()))
			return
		}
		inits = append(inits, jen.Id(fg.vars[v]).Op(":").Id(v.Name()))
	}
	if r := sig.Recv(); r != nil {
		addParam(r)
	}
	for i := 0; i < sig.Params().Len(); i++ {
		addParam(sig.Params().At(i))
	}
	if fg.fn.lit != nil {
		for _, v := range fg.capturedVars() {
			inits = append(inits, jen.Id(fg.vars[v]).Op(":").Id(captures[v]))
		}
	}
	body := []jen.Code{jen.Id(fg.fr).Op(":=").Id(fg.frame).Types(fg.typeArgs()...).Values(inits...)}
	body = append(body, stmts...)
	if fg.result != nil && fg.a.boxed[fg.result] {
		pos := fg.fn.Body().Lbrace
		if _, obj := fg.g.pkg.Types.Scope().Innermost(pos).LookupParent("new", pos); obj != types.Universe.Lookup("new") {
			fg.g.errorf(obj.Pos(), "new shadows Go's built-in new, which the code lwtgen generates for this function uses: rename it")
		}
		body = append(body, jen.Id(fg.fr).Dot(fg.vars[fg.result]).Op("=").New(raw(fg.lwt+".Promise").Types(raw(fg.res))))
	}
	body = append(body, jen.Return(jen.Id(fg.fr).Dot("step").Call()))
	return code(jen.Block(body...))
}

// writeFrame prints the frame type, its methods, and step around the
// lowered body.
func (fg *funcGen) writeFrame(out *bytes.Buffer) {
	what := "an async func literal"
	if fg.fn.decl != nil {
		what = fg.fn.decl.Name.Name
	}
	var fields []jen.Code
	for _, f := range fg.fields {
		var c *jen.Statement
		if f.name == "" {
			c = raw(f.typ)
		} else {
			c = jen.Id(f.name).Add(raw(f.typ))
		}
		if f.comment != "" {
			c.Comment(f.comment)
		}
		fields = append(fields, c)
	}
	var tparams []jen.Code
	for _, tp := range fg.tparams {
		tparams = append(tparams, jen.Id(tp.name).Add(raw(tp.constraint)))
	}
	dt := jen.Id(fg.debugtrace())
	fr := func() *jen.Statement { return jen.Id(fg.fr) }
	recv := jen.Id(fg.fr).Add(fg.frameType())
	// Each declaration is the function's, for positions: //line before it.
	line := fg.g.lineDirective(fg.fn.Pos())
	out.WriteString(line)
	out.WriteString(code(jen.Commentf("%s is the state of a call of %s while it waits.", fg.frame, what).Line().
		Type().Id(fg.frame).Types(tparams...).Struct(fields...)))
	out.WriteString("\n\n" + line)
	out.WriteString(code(jen.Func().Params(recv).Id("Resume").Params().Block(
		jen.If(dt.Clone().Dot("Enabled")).Block(dt.Clone().Dot("Resume").Call(fr().Dot("Key").Call())),
		fr().Dot("step").Call(),
	)))

	// step: a panic fails the call (after the deferred calls, if any);
	// then the jump to where the call stopped; then the body.
	var prologue []jen.Code
	site := dt.Clone().Dot("PanicSite").Call(jen.Lit(fg.frame), jen.Lit(fg.site(fg.fn.Body())))
	failure := jen.Id(fg.lwt).Dot("PanicFailure").Call(jen.Id("x"))
	recovered := jen.If(jen.Id("x").Op(":=").Id("recover").Call(), jen.Id("x").Op("!=").Nil())
	if fg.deferSites != nil {
		prologue = append(prologue, jen.Defer().Func().Params().Block(recovered.Block(
			fr().Dot("rerr").Op("=").Add(failure),
			jen.If(dt.Clone().Dot("Enabled")).Block(
				fr().Dot("rerr").Op("=").Add(dt.Clone().Dot("Note").Call(fr().Dot("rerr"), jen.Lit(fg.funcName), site, jen.Lit("panicked")))),
			fr().Dot("state").Op("=").Lit(fg.unwindState),
			jen.Id(fg.retName).Op("=").Add(fr().Dot("step").Call()),
		)).Call())
	} else {
		prologue = append(prologue, jen.If(dt.Clone().Dot("Enabled")).Block(
			jen.Defer().Func().Params().Block(recovered.Block(
				jen.Id(fg.retName).Op("=").Add(fr().Dot("Fail").Call(dt.Clone().Dot("Note").Call(failure, jen.Lit(fg.funcName), site, jen.Lit("panicked")))),
			)).Call(),
		).Else().Block(jen.Defer().Add(fr().Dot("Recover").Call(jen.Op("&").Id(fg.retName)))))
	}
	if fg.states > 0 {
		var cases []jen.Code
		for i := 1; i <= fg.states; i++ {
			cases = append(cases, jen.Case(jen.Lit(i)).Goto().Id(fg.stateName(i)))
		}
		prologue = append(prologue, jen.Switch(fr().Dot("state")).Block(cases...))
	}
	// The lowered body is long: it is put in after formatting, in the
	// place of a statement that holds it.
	hole := fg.fresh("lwtgenBody")
	prologue = append(prologue, jen.Id(hole))
	step := code(jen.Func().Params(recv).Id("step").Params().
		Params(jen.Id(fg.retName).Add(raw(fg.lwt + ".Promise")).Types(raw(fg.res))).Block(prologue...))
	out.WriteString("\n\n" + line)
	out.WriteString(strings.Replace(step, hole, strings.TrimRight(fg.dropUnusedLabels(fg.body.String()), "\n"), 1))
	out.WriteString("\n\n")
	out.WriteString(fg.methods.String())
}

// tryMethodDecl adds the method name of the frame that evaluates x (text,
// from the source at its line directive) with panics caught: the operand
// of an lwt.Try.
func (fg *funcGen) tryMethodDecl(name, result, line, x string) {
	p := fg.fresh("p")
	fg.methods.WriteString(code(jen.Func().Params(jen.Id(fg.fr).Add(fg.frameType())).Id(name).Params().
		Params(jen.Id(p).Add(raw(result))).Block(
		jen.Defer().Id(fg.lwt).Dot("Recovered").Call(jen.Op("&").Id(p)),
		raw(line).Return(raw(x)),
	)))
	fg.methods.WriteString("\n\n")
}

// litClosure is the expression an async literal becomes: a closure that
// starts a call on the literal's frame (ftype is the literal's type, as
// the source spells it; body the entry's). The variables it captures are
// passed in as pointers (params and args), taken when the literal is
// evaluated.
func litClosure(ftype, body string, params, args []string) string {
	return closureOver(ftype, ftype+" "+body, params, args)
}

// closureOver is fn (a func literal of type ftype) made inside a closure
// called at once with args for params: func(params) ftype { return fn
// }(args), so that fn captures the values of args of the moment.
func closureOver(ftype, fn string, params, args []string) string {
	if len(params) == 0 {
		return fn
	}
	var ps, as []jen.Code
	for i := range params {
		ps = append(ps, raw(params[i]))
		as = append(as, raw(args[i]))
	}
	// (Formatted as the value of a declaration: on its own, a func
	// literal would read as a declaration.)
	text := code(jen.Var().Id("_").Op("=").Func().Params(ps...).Add(raw(ftype)).Block(jen.Return(raw(fn))).Call(as...))
	return strings.TrimSpace(strings.TrimPrefix(text, "var _ = "))
}
