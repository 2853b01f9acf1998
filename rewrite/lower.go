package rewrite

import (
	"bytes"
	"fmt"
	"github.com/lwtgo/lwt/logstrip"
	"go/ast"
	"go/token"
	"go/types"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// An annotated function f becomes:
//
//	func f(params) lwt.Promise[T] {          // same signature and doc
//		fr := fFrame{params...}
//		return fr.step()
//	}
//	type fFrame struct {                       // its state
//		lwt.Frame[T]
//		state int
//		...variables live across awaits, promises awaited, temporaries
//	}
//	func (fr *fFrame) Resume() { fr.step() }
//	func (fr *fFrame) step() (r lwt.Promise[T]) {
//		defer fr.Recover(&r)
//		switch fr.state { case 1: goto s1 ... } // resume where it stopped
//		...the body, with every await split into
//		fr.a0 = <promise>
//	s1:
//		if !fr.a0.Ready() { fr.state = 1; return lwt.Suspend[T](fr, fr.a0) }
//		...use fr.a0.Result()
//	}
//
// The frame starts on the Go stack; lwt.Suspend copies it to the heap the
// first time the call really waits. Control flow that contains awaits is
// lowered to labels and gotos at the top level of step; code without awaits
// is copied as it is.

type funcGen struct {
	g           *fileGen
	fn          fnode
	info        *types.Info
	a           *analysis
	parent      *funcGen          // for an async literal, the function it is in
	local       map[string]bool   // names this function's code made up
	awaitFields map[string]string // promise type → the field awaited promises of that type wait in
	noFrame     bool              // a declaration that is not async: only its async literals change

	// An async literal's frame points to the variables it captures.
	captured   map[*types.Var]bool
	litCount   int          // async literals inside, for naming their frames
	frameDecls bytes.Buffer // the frame types and methods of this function and its literals

	lwt    string     // what the generated file calls runtime/lwt
	resT   types.Type // T of the result lwt.Promise[T]
	res    string     // its text
	result *types.Var // a named result, if any

	frame      string // frame type name
	stateNames []string
	funcName   string      // for backtraces: pkg.Func, pkg.(*T).Method, pkg.Func.func1
	tparams    []typeParam // of the frame: the function's
	fr         string      // the frame in step
	retName    string      // step's result
	vars       map[*types.Var]string
	fields     []field
	fieldNames map[string]bool

	body strings.Builder
	dead bool // the last statement emitted does not fall through

	// With defer: the outcome waits in the frame while deferred calls run.
	deferSites   map[*ast.DeferStmt]int // 1-based
	deferEnd     string                 // inside a deferred body: where its return goes
	deferPromise string                 // in a deferred literal returning a promise: the field its returns set
	retLabel     string                 // where a return goes (awaits the returned promise)
	unwind       string                 // where the deferred calls run from
	unwindState  int                    // the state that resumes there after a panic
	deferArgs    map[int][]string       // fields holding a deferred call's function and arguments
	deferResults int                    // results of the deferred literal being lowered
	states       int
	nlabels      int
	labels       map[types.Object]string // user labels renamed (see renameLabels)
	used         map[string]bool         // labels jumped to
	ours         map[string]bool         // labels lwtgen made
	forward      map[string]bool         // labels only jumped to from before them
	targets      []*target
	methods      strings.Builder // helper methods (lwt.Try)
}

// target is a lowered loop or switch that break and continue can leave.
type target struct {
	label     string // the user's label, if any
	brk, cont string // labels to jump to; cont is "" for a switch
}

func (g *fileGen) rewriteFunc(out *bytes.Buffer, fd *ast.FuncDecl) {
	sig := g.pkg.TypesInfo.Defs[fd.Name].Type().(*types.Signature)
	if sig.Results().Len() != 1 {
		g.errorf(fd.Name.Pos(), "an %s function must have a single result of type lwt.Promise[T]", Directive)
		return
	}
	if _, ok := promiseElem(sig.Results().At(0).Type()); !ok {
		g.errorf(fd.Type.Results.Pos(), "an %s function must return lwt.Promise[T], not %s", Directive, sig.Results().At(0).Type())
		return
	}
	if fd.Body == nil {
		g.errorf(fd.Name.Pos(), "an %s function needs a body", Directive)
		return
	}
	fg := g.newFuncGen(fnode{decl: fd}, sig, nil)
	if fg == nil {
		return
	}
	fg.writeDecl(out)
	out.WriteString(fg.frameDecls.String())
}

// newFuncGen lowers the body of fn, or returns nil after reporting errors.
// parent is the function an async literal is in.
func (g *fileGen) newFuncGen(fn fnode, sig *types.Signature, parent *funcGen) *funcGen {
	info := g.pkg.TypesInfo
	resT, _ := promiseElem(sig.Results().At(0).Type())
	nerr := len(g.errs)
	a := g.analyze(fn)
	if len(g.errs) > nerr {
		return nil
	}
	fg := &funcGen{g: g, fn: fn, info: info, a: a, resT: resT, parent: parent,
		vars: map[*types.Var]string{}, captured: map[*types.Var]bool{},
		fieldNames: map[string]bool{}, used: map[string]bool{}, ours: map[string]bool{}, forward: map[string]bool{}}
	if r := sig.Results().At(0); r.Name() != "" && r.Name() != "_" {
		fg.result = r
	}
	fg.lwt = g.importName(LwtPath, "lwt")
	fg.res = fg.typeText(resT, fn.Type().Results.Pos())
	fg.setup(sig)
	fg.renameLabels()
	fg.block(fn.Body().List)
	if fg.deferSites != nil {
		fg.deferEpilogue()
	}
	if !fg.dead {
		// Only reachable if the function can fall off its end, which Go
		// rejects for a function with a result; keep the compiler happy.
		fg.emit("panic(\"unreachable\")")
	}
	if len(g.errs) > nerr {
		return nil
	}
	fg.writeFrame(&fg.frameDecls)
	return fg
}

// setup names the frame and its fields.
func (fg *funcGen) setup(sig *types.Signature) {
	g, fd := fg.g, fg.fn
	if fg.parent != nil {
		fg.funcName = fmt.Sprintf("%s.func%d", fg.parent.funcName, fg.parent.litCount+1)
		fg.parent.litCount++
		fg.frame = g.freshTop(fmt.Sprintf("%sFunc%d", strings.TrimSuffix(fg.parent.frame, "Frame"), fg.parent.litCount) + "Frame")
		fg.tparams = fg.parent.tparams
		fg.setupFields()
		return
	}
	base := fd.decl.Name.Name
	fg.funcName = g.pkg.Types.Name() + "." + base
	if fd.decl.Recv != nil && len(fd.decl.Recv.List) == 1 {
		if named := recvNamed(sig.Recv().Type()); named != nil {
			recv := named.Obj().Name()
			if _, ptr := sig.Recv().Type().(*types.Pointer); ptr {
				recv = "(*" + recv + ")"
			}
			fg.funcName = g.pkg.Types.Name() + "." + recv + "." + fd.decl.Name.Name
			base = named.Obj().Name() + upperFirst(base)
		}
	}
	fg.frame = g.freshTop(lowerFirst(base) + "Frame")
	var tps []*types.TypeParam
	for i := 0; i < sig.RecvTypeParams().Len(); i++ {
		tps = append(tps, sig.RecvTypeParams().At(i))
	}
	for i := 0; i < sig.TypeParams().Len(); i++ {
		tps = append(tps, sig.TypeParams().At(i))
	}
	for _, tp := range tps {
		if tp.Obj().Name() == "_" {
			g.errorf(fd.decl.Recv.Pos(), "a type parameter named _ in an async method: give it a name, the frame refers to it")
		}
		fg.tparams = append(fg.tparams, typeParam{tp.Obj().Name(), fg.typeText(tp.Constraint(), fd.Pos())})
	}
	fg.setupFields()
}

func (fg *funcGen) setupFields() {
	fg.fr = fg.fresh("fr")
	fg.retName = fg.fresh("r")
	for _, name := range []string{"Frame", "Return", "Fail", "Become", "Recover", "OnHeap", "Resume", "Key", "step", "state"} {
		fg.fieldNames[name] = true
	}
	fg.fields = append(fg.fields, field{typ: fg.lwt + ".Frame[" + fg.res + "]"}, field{name: "state", typ: "int"})
	if n := len(fg.a.defers); n > 0 && fg.result != nil {
		fg.g.errorf(fg.a.defers[0].Pos(), "defer in an async function with a named result is not supported: a deferred call could not change the result as in Go; name no result")
	}
	if n := len(fg.a.defers); n > 0 {
		fg.deferSites = map[*ast.DeferStmt]int{}
		fg.deferArgs = map[int][]string{}
		for i, d := range fg.a.defers {
			fg.deferSites[d] = i + 1
		}
		fg.fieldNames["ret"], fg.fieldNames["retv"], fg.fieldNames["rerr"] = true, true, true
		fg.fieldNames["defers"], fg.fieldNames["ndefers"] = true, true
		fg.fields = append(fg.fields,
			field{"ret", fg.lwt + ".Promise[" + fg.res + "]", "the promise returned, awaited before the deferred calls"},
			field{"retv", fg.res, ""}, field{"rerr", "error", "the outcome, once known"},
			field{"defers", fmt.Sprintf("[%d]%s", n, siteType(n)), "the deferred calls registered, by site"},
			field{"ndefers", "int", ""})
		fg.retLabel, fg.unwind = fg.newLabel("ret"), fg.newLabel("unwind")
	}
	// Variables, in declaration order, so that the frame reads like the
	// function.
	var vs []*types.Var
	for v := range fg.a.hoisted {
		vs = append(vs, v)
	}
	sortVars(vs, fg.a.order)
	for _, v := range vs {
		name := fg.field(v.Name())
		fg.vars[v] = name
		t := fg.typeText(v.Type(), v.Pos())
		if fg.a.boxed[v] {
			t = "*" + t
		}
		fg.fields = append(fg.fields, field{name: name, typ: t})
	}
	// An async literal points to the variables it uses from around it.
	if fg.fn.lit != nil {
		for _, v := range fg.capturedVars() {
			name := fg.field(v.Name())
			fg.vars[v] = name
			fg.captured[v] = true
			fg.fields = append(fg.fields, field{name, "*" + fg.typeText(v.Type(), v.Pos()), "captured"})
		}
	}
}

// renameLabels gives the labels of deferred func literals, whose bodies
// are lowered into step with the function's own, names of their own:
// each literal is a function, with labels of its own in Go.
func (fg *funcGen) renameLabels() {
	for lit := range fg.a.inline {
		ast.Inspect(lit.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.LabeledStmt:
				if fg.labels == nil {
					fg.labels = map[types.Object]string{}
				}
				fg.labels[fg.info.Defs[n.Label]] = fg.fresh(n.Label.Name)
			}
			return true
		})
	}
}

// labelName is the name a user's label has in step.
func (fg *funcGen) labelName(id *ast.Ident) string {
	obj := fg.info.Defs[id]
	if obj == nil {
		obj = fg.info.Uses[id]
	}
	if name, ok := fg.labels[obj]; ok {
		return name
	}
	return id.Name
}

// siteType is the smallest integer type that numbers n defer sites.
func siteType(n int) string {
	switch {
	case n <= math.MaxInt8:
		return "int8"
	case n <= math.MaxInt16:
		return "int16"
	}
	return "int"
}

// capturedVars lists the local variables an async literal uses that are
// declared outside it, in order of declaration.
func (fg *funcGen) capturedVars() []*types.Var {
	lit := fg.fn.lit
	seen := map[*types.Var]bool{}
	var out []*types.Var
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		v, ok := fg.info.Uses[id].(*types.Var)
		if !ok || v.IsField() || seen[v] || v.Pos() >= lit.Pos() && v.Pos() < lit.End() {
			return true
		}
		if v.Parent() == nil || v.Parent() == v.Pkg().Scope() || v.Parent() == types.Universe {
			return true
		}
		seen[v] = true
		out = append(out, v)
		return true
	})
	sortVars(out, fg.a.order)
	return out
}

func recvNamed(t types.Type) *types.Named {
	t = types.Unalias(t)
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, _ := types.Unalias(t).(*types.Named)
	return n
}

// sortVars orders variables by declaration; the variables a type switch
// declares in each clause share a position, so their clause breaks the tie
// (order), keeping the output deterministic.
func sortVars(vs []*types.Var, order map[*types.Var]token.Pos) {
	sort.SliceStable(vs, func(i, j int) bool {
		if vs[i].Pos() != vs[j].Pos() {
			return vs[i].Pos() < vs[j].Pos()
		}
		return order[vs[i]] < order[vs[j]]
	})
}

// field adds a frame field name based on base.
func (fg *funcGen) field(base string) string {
	if base == "_" || base == "" {
		base = "v"
	}
	name := base
	for i := 1; fg.fieldNames[name]; i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	fg.fieldNames[name] = true
	return name
}

// temp adds a frame field of type t and returns how step refers to it.
func (fg *funcGen) temp(base string, t string) string {
	name := fg.field(base)
	fg.fields = append(fg.fields, field{name: name, typ: t})
	return fg.fr + "." + name
}

// fresh returns a local name that no identifier of the file uses.
// fresh returns a local name that no identifier of the file, no
// package-level name and no name this function (or the function around an
// async literal) already uses.
func (fg *funcGen) fresh(base string) string {
	name := base
	for i := 1; fg.nameTaken(name); i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	if fg.local == nil {
		fg.local = map[string]bool{}
	}
	fg.local[name] = true
	return name
}

func (fg *funcGen) nameTaken(name string) bool {
	if fg.g.taken()[name] || fg.g.names[name] {
		return true
	}
	for f := fg; f != nil; f = f.parent {
		if f.local[name] {
			return true
		}
	}
	return false
}

func (g *fileGen) taken() map[string]bool {
	if g.idents == nil {
		g.idents = map[string]bool{}
		ast.Inspect(g.file, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				g.idents[id.Name] = true
			}
			return true
		})
		for name := range g.names {
			g.idents[name] = true
		}
	}
	return g.idents
}

// freshTop returns a package-level name not taken yet.
func (g *fileGen) freshTop(base string) string {
	name := base
	for i := 2; g.names[name] || g.taken()[name]; i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	g.names[name] = true
	return name
}

// importable applies Go's rule for internal packages: path can be imported
// from importer if it has no internal element, or importer is inside the
// tree rooted at the internal element's parent.
func importable(path, importer string) bool {
	i := strings.LastIndex(path, "/internal/")
	switch {
	case strings.HasSuffix(path, "/internal"):
		i = len(path) - len("/internal")
	case strings.HasPrefix(path, "internal/") || path == "internal":
		return !strings.Contains(importer, ".") // the standard library's own
	case i < 0:
		return true
	}
	parent := path[:i]
	return importer == parent || strings.HasPrefix(importer, parent+"/")
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// typeText spells t for the generated file, importing what it needs. Types
// that cannot be named there are reported at pos.
func (fg *funcGen) typeText(t types.Type, pos token.Pos) string {
	g := fg.g
	t = types.Default(t)
	bad := ""
	qual := func(p *types.Package) string {
		if p == g.pkg.Types {
			return ""
		}
		return g.importName(p.Path(), p.Name())
	}
	var check func(t types.Type)
	seen := map[types.Type]bool{}
	check = func(t types.Type) {
		if seen[t] {
			return
		}
		seen[t] = true
		switch t := t.(type) {
		case *types.Named:
			obj := t.Obj()
			if obj.Pkg() != nil && obj.Pkg() != g.pkg.Types && !obj.Exported() {
				bad = fmt.Sprintf("its type %s is not exported by package %s", obj.Name(), obj.Pkg().Path())
			} else if obj.Pkg() != nil && !importable(obj.Pkg().Path(), g.pkg.PkgPath) {
				bad = fmt.Sprintf("its type %s is in %s, which this package cannot import", obj.Name(), obj.Pkg().Path())
			} else if obj.Pkg() != nil && obj.Parent() != obj.Pkg().Scope() {
				bad = fmt.Sprintf("its type %s is declared inside a function", obj.Name())
			}
			for i := 0; i < t.TypeArgs().Len(); i++ {
				check(t.TypeArgs().At(i))
			}
		case *types.Alias:
			check(types.Unalias(t))
		case *types.Pointer:
			check(t.Elem())
		case *types.Slice:
			check(t.Elem())
		case *types.Array:
			check(t.Elem())
		case *types.Map:
			check(t.Key())
			check(t.Elem())
		case *types.Chan:
			check(t.Elem())
		case *types.Signature:
			for i := 0; i < t.Params().Len(); i++ {
				check(t.Params().At(i).Type())
			}
			for i := 0; i < t.Results().Len(); i++ {
				check(t.Results().At(i).Type())
			}
		case *types.Struct:
			for i := 0; i < t.NumFields(); i++ {
				if f := t.Field(i); !f.Exported() && f.Pkg() != nil && f.Pkg() != g.pkg.Types {
					bad = fmt.Sprintf("its struct type has the unexported field %s of package %s", f.Name(), f.Pkg().Path())
				}
				check(t.Field(i).Type())
			}
		}
	}
	check(t)
	if bad != "" {
		g.errorf(pos, "this value must be kept across an await, but %s: give it a type lwtgen can name", bad)
		return "any"
	}
	return types.TypeString(t, qual)
}

// emit adds a line of step's body. Nothing after a return or goto is
// emitted until the next label: it could not run.
func (fg *funcGen) emit(format string, args ...any) {
	if fg.dead {
		return
	}
	text := fmt.Sprintf(format, args...)
	for _, m := range gotoRE.FindAllStringSubmatch(text, -1) {
		fg.used[m[1]] = true
	}
	fg.body.WriteString(text)
	fg.body.WriteByte('\n')
}

var gotoRE = regexp.MustCompile(`\bgoto ([\pL_][\pL\pN_]*)`)

// at emits a line directive for the source position of n.
func (fg *funcGen) at(n ast.Node) {
	if fg.dead {
		return
	}
	fg.body.WriteString(fg.g.lineDirectiveInline(n.Pos()))
}

func baseName(path string) string { return path[strings.LastIndexAny(path, `/\`)+1:] }

func (fg *funcGen) newLabel(kind string) string {
	fg.nlabels++
	name := fg.fresh(fmt.Sprintf("%s%d", kind, fg.nlabels))
	fg.ours[name] = true
	// Loop heads and the unwinding code are also reached by jumps back.
	if kind != "for" && kind != "range" && kind != "unwind" {
		fg.forward[name] = true
	}
	return name
}

// stateLabel places the label where state k resumes.
func (fg *funcGen) stateLabel(k int) {
	fg.label(fg.stateName(k))
}

// stateName is the label of state k: s1, s2..., unless the file uses those
// names.
func (fg *funcGen) stateName(k int) string {
	for len(fg.stateNames) <= k {
		fg.stateNames = append(fg.stateNames, fg.fresh(fmt.Sprintf("s%d", len(fg.stateNames))))
	}
	return fg.stateNames[k]
}

// label places a label at the top level of step. A label that only forward
// jumps reach, none of which was emitted, is left out when the code before
// it does not fall through: what follows is unreachable too.
func (fg *funcGen) label(name string) {
	if fg.dead && fg.forward[name] && !fg.used[name] {
		return
	}
	fmt.Fprintf(&fg.body, "%s:\n", name)
	fg.dead = false
}

func (fg *funcGen) goTo(label string) {
	fg.emit("%s", fg.gotoText(label))
	fg.dead = true
}

// writeDecl emits the entry function of an annotated declaration: the
// source's doc and signature, starting a call on a frame.
func (fg *funcGen) writeDecl(out *bytes.Buffer) {
	g, fd := fg.g, fg.fn.decl
	if fd.Doc != nil {
		for _, c := range fd.Doc.List {
			if strings.TrimSpace(c.Text) != Directive {
				out.WriteString(c.Text + "\n")
			}
		}
	}
	out.WriteString(g.lineDirective(fd.Pos()))
	out.WriteString(g.text(fd.Pos(), fd.Body.Lbrace))
	out.WriteString(fg.entryBody(fg.info.Defs[fd.Name].Type().(*types.Signature), nil))
	out.WriteString("\n\n")
}

// checkMovable reports local constants and types that code moved out of its
// function (an async literal's body, a Try's operand) refers to: they would
// not be in scope there.
func (fg *funcGen) checkMovable(n ast.Node, what string) bool {
	ok := true
	ast.Inspect(n, func(m ast.Node) bool {
		id, isID := m.(*ast.Ident)
		if !isID {
			return true
		}
		obj := fg.info.Uses[id]
		switch obj := obj.(type) {
		case *types.Const:
		case *types.TypeName:
			if _, tp := obj.Type().(*types.TypeParam); tp {
				return true // the literal's frame has the type parameters
			}
		default:
			return true
		}
		if obj.Pkg() == nil || obj.Parent() == obj.Pkg().Scope() || obj.Pos() >= n.Pos() && obj.Pos() < n.End() {
			return true
		}
		fg.g.errorf(id.Pos(), "%s uses %s, declared inside the function: declare it at package level (lwtgen moves %s out of the function)", what, id.Name, what)
		ok = false
		return true
	})
	return ok
}

// litEntry is the expression that replaces an async literal: a closure
// that starts a call on the literal's frame. The variables the literal
// captures are passed as pointers, taken when the literal is evaluated, as
// a Go closure captures them. ptr says how the enclosing code points to a
// variable.
func (fg *funcGen) litEntry(lit *ast.FuncLit, ptr func(v *types.Var) string) string {
	sig := fg.info.TypeOf(lit).(*types.Signature)
	if !fg.checkMovable(lit, "an async func literal") {
		return "nil"
	}
	cg := fg.g.newFuncGen(fnode{lit: lit}, sig, fg)
	if cg == nil {
		return "nil"
	}
	fg.frameDecls.Write(cg.frameDecls.Bytes())
	vs := cg.capturedVars()
	captures := map[*types.Var]string{}
	var params, args []string
	for _, v := range vs {
		name := fg.fresh(v.Name() + "Ptr")
		captures[v] = name
		params = append(params, name+" *"+fg.typeText(v.Type(), lit.Pos()))
		args = append(args, ptr(v))
	}
	ftype := fg.g.text(lit.Type.Pos(), lit.Type.End())
	return litClosure(ftype, cg.entryBody(sig, captures), params, args)
}

// dropUnusedLabels removes labels nothing jumps to (Go rejects them).
func (fg *funcGen) dropUnusedLabels(body string) string {
	lines := strings.Split(body, "\n")
	out := lines[:0]
	for _, l := range lines {
		if name, ok := strings.CutSuffix(l, ":"); ok && fg.ours[name] && !fg.used[name] {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// ---- statements ----

func (fg *funcGen) block(list []ast.Stmt) {
	for _, s := range list {
		fg.stmt(s, "")
	}
}

// body lowers the body of a construct lowered to labels: statements with
// awaits one by one; a body without awaits as one block, so that the
// variables it declares stay in its scope, not at the top level of step
// where gotos would jump over them.
func (fg *funcGen) lowerBody(list []ast.Stmt, owner ast.Node) {
	if fg.a.awaits[owner] {
		fg.block(list)
		return
	}
	if len(list) == 0 {
		return
	}
	var parts []string
	for _, s := range list {
		parts = append(parts, fg.render(s, nil))
	}
	fg.at(list[0])
	fg.emit("{\n%s\n}", strings.Join(parts, "\n"))
	if fg.terminates(list[len(list)-1]) {
		fg.dead = true
	}
}

// stmt lowers one statement. label is the user's label on it, if any.
func (fg *funcGen) stmt(s ast.Stmt, label string) {
	if _, ok := s.(*ast.LabeledStmt); ok {
		fg.dead = false // a goto may reach it
	}
	if !fg.a.awaits[s] {
		fg.plain(s)
		return
	}
	switch s := s.(type) {
	case *ast.BlockStmt:
		fg.block(s.List)
	case *ast.LabeledStmt:
		fg.stmt(s.Stmt, fg.labelName(s.Label))
	case *ast.ExprStmt:
		fg.exprStmt(s)
	case *ast.AssignStmt:
		fg.assign(s)
	case *ast.DeclStmt:
		fg.declStmt(s)
	case *ast.IncDecStmt:
		x := fg.expr(s.X, false)
		fg.at(s)
		fg.emit("%s%s", x, s.Tok)
	case *ast.SendStmt:
		ch := fg.expr(s.Chan, fg.a.awaits[s.Value])
		v := fg.expr(s.Value, false)
		fg.at(s)
		fg.emit("%s <- %s", ch, v)
	case *ast.ReturnStmt:
		var x string
		var traced []string
		if fg.deferEnd != "" {
			// A return in a deferred literal: its values are evaluated,
			// awaits and all, then dropped.
			vals := fg.exprs(s.Results)
			fg.at(s)
			fg.emit("%s%s", fg.discard(s.Results, vals), fg.returnFlow(""))
			fg.dead = true
			return
		}
		if len(s.Results) == 1 {
			x = fg.expr(s.Results[0], false)
			if t, ok := fg.raised(s.Results[0]); ok {
				traced = append(traced, t)
			}
		} else {
			x = fg.fieldRef(fg.result)
		}
		fg.at(s)
		fg.emit("%s", fg.returnFlow(x, traced...))
		fg.dead = true
	case *ast.IfStmt:
		fg.ifStmt(s)
	case *ast.ForStmt:
		fg.forStmt(s, label)
	case *ast.RangeStmt:
		fg.rangeStmt(s, label)
	case *ast.SwitchStmt:
		fg.switchStmt(s, label)
	case *ast.TypeSwitchStmt:
		fg.typeSwitch(s, label)
	case *ast.DeferStmt:
		fg.deferStmt(s)
	default:
		fg.g.errorf(s.Pos(), "lwt.Await in a %T is not supported by this version of lwtgen", s)
	}
}

// plain copies a statement without awaits, turning declarations of hoisted
// variables into assignments to the frame.
func (fg *funcGen) plain(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.EmptyStmt:
		return
	case *ast.AssignStmt:
		if s.Tok == token.DEFINE && fg.definesHoisted(s.Lhs) {
			fg.defineAssign(s.Lhs, s, func() []string {
				var rhs []string
				for _, e := range s.Rhs {
					rhs = append(rhs, fg.render(e, nil))
				}
				return rhs
			})
			return
		}
	case *ast.DeclStmt:
		if fg.declaresHoisted(s) {
			fg.declStmt(s)
			return
		}
		if gd, ok := s.Decl.(*ast.GenDecl); ok && (gd.Tok == token.CONST || gd.Tok == token.TYPE) {
			fg.g.errorf(s.Pos(), "a %s declared in a block that awaits: declare it outside the async function, or in a block without awaits (lwtgen moves the function's body and cannot keep its scope)", gd.Tok)
			return
		}
	}
	fg.at(s)
	fg.emit("%s", fg.render(s, nil))
	if fg.terminates(s) {
		fg.dead = true
	}
}

func (fg *funcGen) definesHoisted(lhs []ast.Expr) bool {
	for _, e := range lhs {
		if id, ok := e.(*ast.Ident); ok && fg.varOf(id) != nil {
			return true
		}
	}
	return false
}

func (fg *funcGen) declaresHoisted(d *ast.DeclStmt) bool {
	gd, ok := d.Decl.(*ast.GenDecl)
	if !ok || gd.Tok != token.VAR {
		return false
	}
	for _, spec := range gd.Specs {
		for _, id := range spec.(*ast.ValueSpec).Names {
			if fg.varOf(id) != nil {
				return true
			}
		}
	}
	return false
}

// defineAssign emits a := (or var) whose new variables live in the frame:
// cells are made first, then the values are assigned in one assignment.
// values is called after the cells exist; it may emit code of its own.
func (fg *funcGen) defineAssign(lhs []ast.Expr, at ast.Node, values func() []string) {
	rhs := values()
	var targets []string
	for _, e := range lhs {
		id := e.(*ast.Ident)
		v := fg.varOf(id)
		switch {
		case id.Name == "_":
			targets = append(targets, "_")
		case v == nil:
			targets = append(targets, id.Name)
		default:
			if fg.a.boxed[v] && fg.info.Defs[id] != nil {
				fg.emit("%s.%s = new(%s)", fg.fr, fg.vars[v], fg.typeText(v.Type(), id.Pos()))
			}
			targets = append(targets, fg.fieldRef(v))
		}
	}
	fg.at(at)
	fg.emit("%s = %s", strings.Join(targets, ", "), strings.Join(rhs, ", "))
}

func (fg *funcGen) declStmt(d *ast.DeclStmt) {
	gd, ok := d.Decl.(*ast.GenDecl)
	if !ok || gd.Tok != token.VAR {
		fg.at(d)
		fg.emit("%s", fg.render(d, nil))
		return
	}
	for _, spec := range gd.Specs {
		vs := spec.(*ast.ValueSpec)
		lhs := make([]ast.Expr, len(vs.Names))
		for i, id := range vs.Names {
			lhs[i] = id
		}
		fg.defineAssign(lhs, vs, func() []string {
			if len(vs.Values) == 0 {
				var zeros []string
				for _, id := range vs.Names {
					zeros = append(zeros, fg.zero(fg.info.Defs[id].Type(), id.Pos()))
				}
				return zeros
			}
			if len(vs.Values) == 1 && len(vs.Names) > 1 {
				return []string{fg.expr(vs.Values[0], false)}
			}
			return fg.exprs(vs.Values)
		})
	}
}

// zero is the text of the zero value of t.
func (fg *funcGen) zero(t types.Type, pos token.Pos) string {
	if _, ok := t.(*types.TypeParam); ok {
		return "*new(" + fg.typeText(t, pos) + ")"
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsBoolean != 0:
			return "false"
		case u.Info()&types.IsString != 0:
			return `""`
		case u.Info()&types.IsNumeric != 0:
			if _, named := t.(*types.Named); named {
				return fg.typeText(t, pos) + "(0)"
			}
			return "0"
		}
	case *types.Pointer, *types.Slice, *types.Map, *types.Chan, *types.Signature, *types.Interface:
		if _, named := t.(*types.Named); !named {
			return "nil"
		}
	}
	return "*new(" + fg.typeText(t, pos) + ")"
}

func (fg *funcGen) exprStmt(s *ast.ExprStmt) {
	call, ok := ast.Unparen(s.X).(*ast.CallExpr)
	if ok && isLogCall(fg.info, call) {
		fg.g.errorf(call.Pos(), "lwt.Await in the arguments of a log call: await into a variable first, so that the call can be skipped when its level is off")
		return
	}
	if ok {
		switch markerName(fg.info, call) {
		case "Assert":
			c := fg.expr(call.Args[0], false)
			p := fg.g.pkg.Fset.Position(call.Pos())
			site := fmt.Sprintf("%s:%d:%d", baseName(p.Filename), p.Line, p.Column)
			fg.at(s)
			fg.emit("if !(%s) {\n%s\n}", c, fg.failText(fg.lwt+".AssertionFailed("+strconv.Quote(site)+")", call, "raised"))
			return
		case "Await":
			p := fg.expr(call.Args[0], false)
			fg.await(call, p, call.Args[0], []string{"_"}, false)
			return
		}
	}
	x := fg.expr(s.X, false)
	fg.at(s)
	fg.emit("%s", x)
}

func isLogCall(info *types.Info, call *ast.CallExpr) bool {
	_, ok := logstrip.Recognize(info, call)
	return ok
}

// assign lowers an assignment or := with awaits.
func (fg *funcGen) assign(s *ast.AssignStmt) {
	if len(s.Rhs) == 1 {
		if call, ok := ast.Unparen(s.Rhs[0]).(*ast.CallExpr); ok {
			switch markerName(fg.info, call) {
			case "Await2", "Await3", "Try":
				fg.multiAwait(s, call)
				return
			}
		}
	}
	if s.Tok == token.DEFINE {
		fg.defineAssign(s.Lhs, s, func() []string {
			if len(s.Rhs) == 1 && len(s.Lhs) > 1 {
				return []string{fg.expr(s.Rhs[0], false)}
			}
			return fg.exprs(s.Rhs)
		})
		return
	}
	// Go evaluates the index operands on the left, then the right side, in
	// the usual order.
	var lhs []string
	for i, l := range s.Lhs {
		later := anyAwait(fg.a, s.Lhs[i+1:]) || anyAwait(fg.a, s.Rhs)
		lhs = append(lhs, fg.target(l, later))
	}
	var rhs []string
	if len(s.Rhs) == 1 && len(s.Lhs) > 1 {
		rhs = []string{fg.expr(s.Rhs[0], false)}
	} else {
		rhs = fg.exprs(s.Rhs)
	}
	fg.at(s)
	fg.emit("%s %s %s", strings.Join(lhs, ", "), s.Tok, strings.Join(rhs, ", "))
}

// target lowers the left side of an assignment: its operands are computed
// now if something after them awaits, and it stays the variable it names.
func (fg *funcGen) target(e ast.Expr, now bool) string {
	if isBlank(e) {
		return "_"
	}
	return fg.place(e, now)
}

// multiAwait lowers x, y := lwt.Await2(a, b) (Await3), and v, err := lwt.Try(p).
func (fg *funcGen) multiAwait(s *ast.AssignStmt, call *ast.CallExpr) {
	var targets []string
	for _, l := range s.Lhs {
		id, isID := l.(*ast.Ident)
		switch {
		case isID && id.Name == "_":
			targets = append(targets, "_")
		case isID && s.Tok == token.DEFINE && fg.varOf(id) != nil:
			v := fg.varOf(id)
			if fg.a.boxed[v] && fg.info.Defs[id] != nil {
				fg.emit("%s.%s = new(%s)", fg.fr, fg.vars[v], fg.typeText(v.Type(), id.Pos()))
			}
			targets = append(targets, fg.fieldRef(v))
		default:
			// Go evaluates the operands on the left first.
			targets = append(targets, fg.target(l, true))
		}
	}
	if markerName(fg.info, call) == "Try" {
		p := fg.tryMethod(call.Args[0])
		fg.await(call, p, call.Args[0], targets, true)
		return
	}
	// All promises are made before any is awaited: a parallel let.
	var ps []string
	for i, arg := range call.Args {
		p := fg.expr(arg, i < len(call.Args)-1 && anyAwait(fg.a, call.Args[i+1:]))
		ps = append(ps, fg.spill(p, fg.info.TypeOf(arg), arg.Pos()))
	}
	// Await all, then assign all at once, as Go's tuple assignment does.
	vals := make([]string, len(call.Args))
	for i, arg := range call.Args {
		if targets[i] == "_" {
			vals[i] = "_"
			fg.await(call, ps[i], arg, []string{"_"}, false)
			continue
		}
		t, _ := promiseElem(fg.info.TypeOf(arg))
		vals[i] = fg.temp("v", fg.typeText(t, arg.Pos()))
		fg.await(call, ps[i], arg, vals[i:i+1], false)
	}
	var lhs, rhs []string
	for i := range targets {
		if targets[i] != "_" {
			lhs, rhs = append(lhs, targets[i]), append(rhs, vals[i])
		}
	}
	if len(lhs) > 0 {
		fg.at(s)
		fg.emit("%s = %s", strings.Join(lhs, ", "), strings.Join(rhs, ", "))
	}
}

// tryMethod generates a method that evaluates x with panics caught, and
// returns the call of it.
func (fg *funcGen) tryMethod(x ast.Expr) string {
	if fg.a.awaits[x] {
		fg.g.errorf(x.Pos(), "lwt.Try of an expression that awaits: await inside a block instead")
		return "nil"
	}
	t := fg.typeText(fg.info.TypeOf(x), x.Pos())
	if !fg.checkMovable(x, "the operand of lwt.Try") {
		return "nil"
	}
	name := fg.field("try")
	fg.tryMethodDecl(name, t, fg.g.lineDirectiveInline(x.Pos()), fg.render(x, nil))
	return fg.fr + "." + name + "()"
}

func (g *fileGen) lineDirectiveInline(pos token.Pos) string {
	p := g.pkg.Fset.Position(pos)
	return fmt.Sprintf("/*line %s:%d:%d*/", baseName(p.Filename), p.Line, p.Column)
}

// await emits the wait for promise p (text; x is its source expression)
// and assigns its value (and, with capture, its error) to targets.
func (fg *funcGen) await(site ast.Node, p string, x ast.Expr, targets []string, capture bool) {
	fg.awaitTyped(site, p, fg.typeText(fg.info.TypeOf(x), x.Pos()), targets, capture)
}

// awaitTyped is await for a promise of type ptype (text).
func (fg *funcGen) awaitTyped(site ast.Node, p, ptype string, targets []string, capture bool) {
	fg.states++
	k := fg.states
	a := fg.awaitField(ptype)
	fg.at(site)
	fg.emit("%s = %s", a, p)
	fg.stateLabel(k)
	fg.emit("%s", fg.suspendText(k, a, site))
	v, e := fg.glueNames(targets)
	switch {
	case capture:
		fg.emit("%s, %s = %s.Result()", targets[0], targets[1], a)
	case targets[0] == "_":
		fg.emit("if _, %s := %s.Result(); %s != nil {\n%s\n}", e, a, e, fg.failText(e, site, "awaited"))
	default:
		fg.emit("if %s, %s := %s.Result(); %s != nil {\n%s\n} else {\n%s = %s\n}", v, e, a, e, fg.failText(e, site, "awaited"), targets[0], v)
	}
}

// awaitField returns the frame field that holds the promise being awaited,
// one per promise type: a call awaits one promise at a time, so the sites
// share it and the frame stays small.
func (fg *funcGen) awaitField(ptype string) string {
	if f, ok := fg.awaitFields[ptype]; ok {
		return f
	}
	if fg.awaitFields == nil {
		fg.awaitFields = map[string]string{}
	}
	f := fg.temp("await", ptype)
	fg.awaitFields[ptype] = f
	return f
}

// glueNames picks names for the value and error of an await that the
// targets do not mention.
func (fg *funcGen) glueNames(targets []string) (string, string) {
	all := strings.Join(targets, " ")
	pick := func(base string) string {
		name := base
		for i := 1; containsIdent(all, name); i++ {
			name = fmt.Sprintf("%s%d", base, i)
		}
		return name
	}
	return pick("v"), pick("err")
}

func containsIdent(text, name string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], name)
		if j < 0 {
			return false
		}
		j += i
		before := j == 0 || !isIdentByte(text[j-1])
		after := j+len(name) == len(text) || !isIdentByte(text[j+len(name)])
		if before && after {
			return true
		}
		i = j + 1
	}
}

func isIdentByte(b byte) bool {
	return b == '_' || b == '.' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80
}

// ---- control flow ----

func (fg *funcGen) ifStmt(s *ast.IfStmt) {
	if s.Init != nil {
		fg.stmt(s.Init, "")
	}
	c := fg.expr(s.Cond, false)
	if !fg.a.awaits[s.Body] && (s.Else == nil || !fg.a.awaits[s.Else]) {
		fg.at(s)
		text := "if " + c + " " + fg.render(s.Body, nil)
		if s.Else != nil {
			text += " else " + fg.render(s.Else, nil)
		}
		fg.emit("%s", text)
		if s.Else != nil && fg.terminates(s.Body) && fg.terminates(s.Else) {
			fg.dead = true
		}
		return
	}
	end := fg.newLabel("endif")
	next := end
	if s.Else != nil {
		next = fg.newLabel("else")
	}
	fg.at(s)
	fg.emit("if !(%s) {\n%s\n}", c, fg.gotoText(next))
	fg.lowerBody(s.Body.List, s.Body)
	if s.Else != nil {
		fg.goTo(end)
		fg.label(next)
		if b, ok := s.Else.(*ast.BlockStmt); ok {
			fg.lowerBody(b.List, b)
		} else {
			fg.stmt(s.Else, "")
		}
	}
	fg.label(end)
}

func (fg *funcGen) forStmt(s *ast.ForStmt, label string) {
	if s.Init != nil {
		fg.stmt(s.Init, "")
	}
	cond, post, end := fg.newLabel("for"), fg.newLabel("post"), fg.newLabel("endfor")
	fg.label(cond)
	if s.Cond != nil {
		c := fg.expr(s.Cond, false)
		fg.at(s.Cond)
		fg.emit("if !(%s) {\n%s\n}", c, fg.gotoText(end))
	}
	fg.targets = append(fg.targets, &target{label: label, brk: end, cont: post})
	fg.lowerBody(s.Body.List, s.Body)
	fg.targets = fg.targets[:len(fg.targets)-1]
	fg.label(post)
	// Go 1.22: each iteration has its own copy of the loop variables.
	if init, ok := s.Init.(*ast.AssignStmt); ok && init.Tok == token.DEFINE {
		for _, l := range init.Lhs {
			if v := fg.varOf(l.(*ast.Ident)); v != nil && fg.a.boxed[v] {
				cell := fg.fr + "." + fg.vars[v]
				fg.emit("%s = func(v %s) *%s { return &v }(*%s)", cell, fg.typeText(v.Type(), l.Pos()), fg.typeText(v.Type(), l.Pos()), cell)
			}
		}
	}
	if s.Post != nil {
		fg.stmt(s.Post, "")
	}
	fg.goTo(cond)
	fg.label(end)
}

func (fg *funcGen) rangeStmt(s *ast.RangeStmt, label string) {
	if stream, ok := streamRange(fg.info, s.X); ok {
		fg.rangeStream(s, stream, label)
		return
	}
	if !fg.a.rangeBodyAwaits(s) {
		// Only the range expression awaits: compute it, then range as Go
		// does.
		x := fg.expr(s.X, false)
		fg.at(s)
		fg.emit("%s%s", labelPrefix(label), fg.render(s, map[ast.Node]string{s.X: x}))
		return
	}
	t := fg.info.TypeOf(s.X)
	if arr, ok := arrayPtrDeref(t.Underlying()).(*types.Array); ok && s.Value == nil && !hasCallOrRecv(fg.info, s.X) {
		// With at most one iteration variable, len(x) is constant and Go
		// does not evaluate x: no copy of the array, no dereference of a
		// nil pointer.
		fg.rangeCount(s, arr.Len(), label)
		return
	}
	x := fg.expr(s.X, false)
	xt := t
	if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
		xt = types.Default(t)
	}
	coll := fg.temp("coll", fg.typeText(xt, s.X.Pos()))
	fg.at(s)
	fg.emit("%s = %s", coll, x)
	i := fg.temp("i", "int")
	fg.emit("%s = 0", i)
	cond, post, end := fg.newLabel("range"), fg.newLabel("next"), fg.newLabel("endrange")
	var key, val string // texts of the values of this iteration
	var step string
	switch u := xt.Underlying().(type) {
	case *types.Basic:
		if u.Info()&types.IsString != 0 {
			r, size := fg.temp("r", "rune"), fg.temp("size", "int")
			fg.label(cond)
			fg.emit("if %s >= len(%s) {\n%s\n}", i, coll, fg.gotoText(end))
			fg.emit("%s, %s = %s.DecodeRuneInString(string(%s[%s:]))", r, size, fg.g.importName("unicode/utf8", "utf8"), coll, i)
			key, val, step = i, r, i+" += "+size
		} else {
			// range over an integer: the counter has the integer's type.
			fg.fields[len(fg.fields)-1].typ = fg.typeText(xt, s.X.Pos())
			fg.label(cond)
			fg.emit("if %s >= %s {\n%s\n}", i, coll, fg.gotoText(end))
			key, step = i, i+"++"
		}
	case *types.Slice, *types.Array, *types.Pointer:
		fg.label(cond)
		fg.emit("if %s >= len(%s) {\n%s\n}", i, coll, fg.gotoText(end))
		key, val, step = i, coll+"["+i+"]", i+"++"
	case *types.Map:
		// Iterate over a snapshot of the keys; entries deleted meanwhile
		// are skipped, as Go's range skips entries deleted before they are
		// reached.
		keyT := "[]" + fg.typeText(u.Key(), s.X.Pos())
		keys := fg.temp("keys", keyT)
		k := fg.fresh("k")
		key, val, step = keys+"["+i+"]", coll+"["+keys+"["+i+"]]", i+"++"
		if !mayBeNaN(u.Key()) {
			fg.emit("%s = make(%s, 0, len(%s))\nfor %s := range %s {\n%s = append(%s, %s)\n}", keys, keyT, coll, k, coll, keys, keys, k)
			fg.label(cond)
			fg.emit("if %s >= len(%s) {\n%s\n}", i, keys, fg.gotoText(end))
			fg.emit("if _, ok := %s[%s]; !ok {\n%s++\n%s\n}", coll, key, i, fg.gotoText(cond))
			break
		}
		// A key that is not equal to itself (NaN) cannot be looked up, yet
		// range visits it: such an entry is taken from the snapshot (its
		// value cannot change: an assignment to m[NaN] adds an entry), unless
		// the map has been cleared since (delete cannot remove it).
		skip := fmt.Sprintf("%s++\n%s", i, fg.gotoText(cond))
		if s.Value == nil || isBlank(s.Value) {
			fg.emit("%s = make(%s, 0, len(%s))\nfor %s := range %s {\n%s = append(%s, %s)\n}", keys, keyT, coll, k, coll, keys, keys, k)
			fg.label(cond)
			fg.emit("if %s >= len(%s) {\n%s\n}", i, keys, fg.gotoText(end))
			fg.emit("if %s == %s {\nif _, ok := %s[%s]; !ok {\n%s\n}\n} else if len(%s) == 0 {\n%s\n}", key, key, coll, key, skip, coll, skip)
			break
		}
		valT := "[]" + fg.typeText(u.Elem(), s.X.Pos())
		vals := fg.temp("vals", valT)
		v := fg.fresh("v")
		fg.emit("%s, %s = make(%s, 0, len(%s)), make(%s, 0, len(%s))\nfor %s, %s := range %s {\n%s, %s = append(%s, %s), append(%s, %s)\n}",
			keys, vals, keyT, coll, valT, coll, k, v, coll, keys, vals, keys, k, vals, v)
		fg.label(cond)
		fg.emit("if %s >= len(%s) {\n%s\n}", i, keys, fg.gotoText(end))
		fg.emit("if %s == %s {\nif %s, ok := %s[%s]; ok {\n%s[%s] = %s\n} else {\n%s\n}\n} else if len(%s) == 0 {\n%s\n}", key, key, v, coll, key, vals, i, v, skip, coll, skip)
		val = vals + "[" + i + "]"
	default:
		fg.g.errorf(s.Pos(), "range over %s with lwt.Await inside is not supported", t)
		return
	}
	fg.rangeVars(s, key, val)
	fg.targets = append(fg.targets, &target{label: label, brk: end, cont: post})
	fg.lowerBody(s.Body.List, s.Body)
	fg.targets = fg.targets[:len(fg.targets)-1]
	fg.label(post)
	fg.emit("%s", step)
	fg.goTo(cond)
	fg.label(end)
}

// rangeCount lowers a range over an array (or a pointer to one) with at
// most one iteration variable: n iterations, x not evaluated.
func (fg *funcGen) rangeCount(s *ast.RangeStmt, n int64, label string) {
	i := fg.temp("i", "int")
	fg.at(s)
	fg.emit("%s = 0", i)
	cond, post, end := fg.newLabel("range"), fg.newLabel("next"), fg.newLabel("endrange")
	fg.label(cond)
	fg.emit("if %s >= %d {\n%s\n}", i, n, fg.gotoText(end))
	fg.rangeVars(s, i, "")
	fg.targets = append(fg.targets, &target{label: label, brk: end, cont: post})
	fg.lowerBody(s.Body.List, s.Body)
	fg.targets = fg.targets[:len(fg.targets)-1]
	fg.label(post)
	fg.emit("%s++", i)
	fg.goTo(cond)
	fg.label(end)
}

func arrayPtrDeref(t types.Type) types.Type {
	if p, ok := t.(*types.Pointer); ok {
		if a, ok := p.Elem().Underlying().(*types.Array); ok {
			return a
		}
	}
	return t
}

// hasCallOrRecv reports whether x contains a function call (not a
// conversion, not a constant built-in call) or a receive, as the spec's
// rule for constant len(x) says; func literals' bodies do not count.
func hasCallOrRecv(info *types.Info, x ast.Expr) bool {
	found := false
	ast.Inspect(x, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if tv, ok := info.Types[n.Fun]; ok && tv.IsType() {
				return true
			}
			if tv, ok := info.Types[n]; ok && tv.Value != nil {
				return true
			}
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

// mayBeNaN reports whether a map key of type t may be unequal to itself:
// floating-point and complex numbers, interfaces, and what contains them.
func mayBeNaN(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Info()&(types.IsFloat|types.IsComplex) != 0
	case *types.Interface:
		return true
	case *types.Array:
		return mayBeNaN(u.Elem())
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if mayBeNaN(u.Field(i).Type()) {
				return true
			}
		}
	}
	return false
}

func isBlank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}

// rangeStream lowers for x := range s.All() over a stream: Lwt's for_lwt
// x in stream, one element at a time, each awaited with s.Get().
func (fg *funcGen) rangeStream(s *ast.RangeStmt, stream ast.Expr, label string) {
	st := fg.info.TypeOf(stream)
	src := fg.temp("stream", fg.typeText(st, stream.Pos()))
	x := fg.expr(stream, false)
	fg.at(s)
	fg.emit("%s = %s", src, x)
	cond, end := fg.newLabel("range"), fg.newLabel("endrange")
	fg.label(cond)
	// The element type T of Stream[T].
	// (From All's result, iter.Seq[T]: the stream may be a field embedded
	// in the ranged value.)
	elemT := types.Unalias(fg.info.TypeOf(s.X)).(*types.Named).TypeArgs().At(0)
	optT := fg.g.importName(StreamPath, "lwtstream") + ".Option[" + fg.typeText(elemT, stream.Pos()) + "]"
	opt := fg.temp("elem", optT)
	fg.awaitTyped(s, src+".Get()", fg.lwt+".Promise["+optT+"]", []string{opt}, false)
	fg.emit("if !%s.OK {\n%s\n}", opt, fg.gotoText(end))
	fg.rangeVars(s, opt+".Value", "")
	fg.targets = append(fg.targets, &target{label: label, brk: end, cont: cond})
	fg.lowerBody(s.Body.List, s.Body)
	fg.targets = fg.targets[:len(fg.targets)-1]
	fg.goTo(cond)
	fg.label(end)
}

// rangeVars assigns the key and value of an iteration.
func (fg *funcGen) rangeVars(s *ast.RangeStmt, key, val string) {
	var lhs, rhs []string
	for i, e := range []ast.Expr{s.Key, s.Value} {
		if e == nil {
			continue
		}
		src := key
		if i == 1 {
			src = val
		}
		if id, ok := e.(*ast.Ident); ok && id.Name == "_" {
			continue
		}
		if id, ok := e.(*ast.Ident); ok && s.Tok == token.DEFINE {
			v := fg.varOf(id)
			if v == nil {
				continue
			}
			if fg.a.boxed[v] {
				fg.emit("%s.%s = new(%s)", fg.fr, fg.vars[v], fg.typeText(v.Type(), id.Pos()))
			}
			lhs = append(lhs, fg.fieldRef(v))
		} else {
			lhs = append(lhs, fg.render(e, nil))
		}
		rhs = append(rhs, src)
	}
	if len(lhs) > 0 {
		fg.at(s)
		fg.emit("%s = %s", strings.Join(lhs, ", "), strings.Join(rhs, ", "))
	}
}

func (fg *funcGen) switchStmt(s *ast.SwitchStmt, label string) {
	if s.Init != nil {
		fg.stmt(s.Init, "")
	}
	var tag string
	if s.Tag != nil {
		tag = fg.expr(s.Tag, false)
	}
	clausesAwait := false
	for _, c := range s.Body.List {
		if fg.a.awaits[c] {
			clausesAwait = true
		}
	}
	if !clausesAwait {
		fg.at(s)
		fg.emit("%sswitch %s %s", labelPrefix(label), tag, fg.renderClauses(s, s.Body))
		return
	}
	if s.Tag != nil {
		t := fg.info.TypeOf(s.Tag)
		if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
			t = types.Default(t)
		}
		tmp := fg.temp("tag", fg.typeText(t, s.Tag.Pos()))
		fg.at(s.Tag)
		fg.emit("%s = %s", tmp, tag)
		tag = tmp
	}
	end := fg.newLabel("endswitch")
	labels := make([]string, len(s.Body.List))
	dflt := -1
	for i, c := range s.Body.List {
		labels[i] = fg.newLabel("case")
		cc := c.(*ast.CaseClause)
		if cc.List == nil {
			dflt = i
			continue
		}
		for _, e := range cc.List {
			v := fg.expr(e, false)
			fg.at(e)
			if s.Tag != nil {
				fg.emit("if %s == %s {\n%s\n}", tag, v, fg.gotoText(labels[i]))
			} else {
				fg.emit("if %s {\n%s\n}", v, fg.gotoText(labels[i]))
			}
		}
	}
	if dflt >= 0 {
		fg.goTo(labels[dflt])
	} else {
		fg.goTo(end)
	}
	fg.targets = append(fg.targets, &target{label: label, brk: end})
	for i, c := range s.Body.List {
		cc := c.(*ast.CaseClause)
		fg.label(labels[i])
		body := cc.Body
		fall := false
		if n := len(body); n > 0 {
			if b, ok := body[n-1].(*ast.BranchStmt); ok && b.Tok == token.FALLTHROUGH {
				body, fall = body[:n-1], true
			}
		}
		fg.lowerBody(body, cc)
		if fall {
			fg.goTo(labels[i+1])
		} else {
			fg.goTo(end)
		}
	}
	fg.targets = fg.targets[:len(fg.targets)-1]
	fg.label(end)
}

// labelPrefix keeps a user's label on a statement copied as it is.
func labelPrefix(label string) string {
	if label == "" {
		return ""
	}
	return label + ":\n"
}

// typeSwitch lowers a type switch that awaits. If only its guard awaits, the
// switch stays a switch; otherwise it becomes a chain of type assertions.
func (fg *funcGen) typeSwitch(s *ast.TypeSwitchStmt, label string) {
	if s.Init != nil {
		fg.stmt(s.Init, "")
	}
	var x ast.Expr
	var bound *ast.Ident
	switch a := s.Assign.(type) {
	case *ast.AssignStmt:
		x = a.Rhs[0].(*ast.TypeAssertExpr).X
		bound = a.Lhs[0].(*ast.Ident)
	case *ast.ExprStmt:
		x = a.X.(*ast.TypeAssertExpr).X
	}
	v := fg.expr(x, false)
	if !fg.a.awaits[s.Body] {
		fg.at(s)
		fg.emit("%sswitch %s %s", labelPrefix(label), fg.render(s.Assign, map[ast.Node]string{x: v}), fg.renderClauses(s, s.Body))
		return
	}
	tmp := fg.temp("x", fg.typeText(fg.info.TypeOf(x), x.Pos()))
	fg.at(s)
	fg.emit("%s = %s", tmp, v)
	end := fg.newLabel("endswitch")
	labels := make([]string, len(s.Body.List))
	dflt := -1
	// bind assigns the clause's variable: the asserted value if the clause
	// names one type, the interface value otherwise.
	bind := func(cc *ast.CaseClause, value string) string {
		if bound == nil {
			return ""
		}
		obj, _ := fg.info.Implicits[cc].(*types.Var)
		if obj == nil || !fg.a.hoisted[obj] {
			return ""
		}
		if fg.a.boxed[obj] {
			return fmt.Sprintf("%s.%s = new(%s)\n%s = %s\n", fg.fr, fg.vars[obj], fg.typeText(obj.Type(), cc.Pos()), fg.fieldRef(obj), value)
		}
		return fg.fieldRef(obj) + " = " + value + "\n"
	}
	for i, c := range s.Body.List {
		cc := c.(*ast.CaseClause)
		labels[i] = fg.newLabel("case")
		if cc.List == nil {
			dflt = i
			continue
		}
		for _, te := range cc.List {
			fg.at(te)
			if id, ok := te.(*ast.Ident); ok && id.Name == "nil" && fg.info.Types[te].IsNil() {
				fg.emit("if %s == nil {\n%s%s\n}", tmp, bind(cc, tmp), fg.gotoText(labels[i]))
				continue
			}
			tt := fg.g.text(te.Pos(), te.End())
			if b := bind(cc, "v"); len(cc.List) == 1 && b != "" {
				fg.emit("if v, ok := %s.(%s); ok {\n%s%s\n}", tmp, tt, b, fg.gotoText(labels[i]))
			} else if len(cc.List) == 1 {
				fg.emit("if _, ok := %s.(%s); ok {\n%s\n}", tmp, tt, fg.gotoText(labels[i]))
			} else {
				fg.emit("if _, ok := %s.(%s); ok {\n%s%s\n}", tmp, tt, bind(cc, tmp), fg.gotoText(labels[i]))
			}
		}
	}
	if dflt >= 0 {
		fg.emit("%s%s", bind(s.Body.List[dflt].(*ast.CaseClause), tmp), fg.gotoText(labels[dflt]))
		fg.dead = true
	} else {
		fg.goTo(end)
	}
	fg.targets = append(fg.targets, &target{label: label, brk: end})
	for i, c := range s.Body.List {
		fg.label(labels[i])
		fg.lowerBody(c.(*ast.CaseClause).Body, c)
		fg.goTo(end)
	}
	fg.targets = fg.targets[:len(fg.targets)-1]
	fg.label(end)
}
