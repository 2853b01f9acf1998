package rewrite

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/lwtgo/lwt/logstrip"
	"golang.org/x/tools/go/packages"
)

// OutputName returns the generated file's name for an annotated source file:
// foo.go → foo_lwt.go, foo_linux_amd64_test.go → foo_lwt_linux_amd64_test.go.
// The _lwt goes before any GOOS/GOARCH/_test suffix, so they keep their
// meaning.
func OutputName(path string) string {
	dir, base := filepath.Split(path)
	stem := strings.TrimSuffix(base, ".go")
	var suffix string
	if s, ok := strings.CutSuffix(stem, "_test"); ok {
		stem, suffix = s, "_test"
	}
	parts := strings.Split(stem, "_")
	// Peel up to two known GOOS/GOARCH elements off the end.
	n := len(parts)
	if n > 1 && knownArch[parts[n-1]] {
		n--
		if n > 1 && knownOS[parts[n-1]] {
			n--
		}
	} else if n > 1 && knownOS[parts[n-1]] {
		n--
	}
	rest := strings.Join(parts[n:], "_")
	if rest != "" {
		rest = "_" + rest
	}
	return dir + strings.Join(parts[:n], "_") + "_lwt" + rest + suffix + ".go"
}

var knownOS = setOf("aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js",
	"linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos")

var knownArch = setOf("386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips",
	"mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le", "riscv",
	"riscv64", "s390", "s390x", "sparc", "sparc64", "wasm")

func setOf(xs ...string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// sourceConstraint finds the //go:build line of an annotated file. It
// reports whether the file is annotated (its constraint requires lwtsource)
// and returns the constraint for the generated file.
func sourceConstraint(fset *token.FileSet, f *ast.File) (annotated bool, generated string, err *Error) {
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			if !constraint.IsGoBuild(c.Text) {
				continue
			}
			x, perr := constraint.Parse(c.Text)
			if perr != nil {
				return false, "", nil // the go command reports it
			}
			if !mentions(x) {
				return false, "", nil
			}
			neg, ok := negateRequired(x)
			if !ok {
				return false, "", &Error{fset.Position(c.Pos()),
					"the build constraint must require " + Tag + " (write //go:build " + Tag + " && ...), so that the generated file can exclude it"}
			}
			return true, "//go:build " + neg.String(), nil
		}
	}
	return false, "", nil
}

func mentions(x constraint.Expr) bool {
	switch x := x.(type) {
	case *constraint.TagExpr:
		return x.Tag == Tag
	case *constraint.NotExpr:
		return mentions(x.X)
	case *constraint.AndExpr:
		return mentions(x.X) || mentions(x.Y)
	case *constraint.OrExpr:
		return mentions(x.X) || mentions(x.Y)
	}
	return false
}

// negateRequired returns x with its required lwtsource tag negated. x must be
// lwtsource, or a conjunction with lwtsource as one of its terms.
func negateRequired(x constraint.Expr) (constraint.Expr, bool) {
	switch y := x.(type) {
	case *constraint.TagExpr:
		if y.Tag == Tag {
			return &constraint.NotExpr{X: y}, true
		}
	case *constraint.AndExpr:
		if nx, ok := negateRequired(y.X); ok && !mentions(y.Y) {
			return &constraint.AndExpr{X: nx, Y: y.Y}, true
		}
		if ny, ok := negateRequired(y.Y); ok && !mentions(y.X) {
			return &constraint.AndExpr{X: y.X, Y: ny}, true
		}
	}
	return nil, false
}

// generatePackage rewrites every annotated file of pkg.
func generatePackage(pkg *packages.Package) ([]output, Errors) {
	var outs []output
	var errs Errors
	// Names taken at package level, shared by the files: frames made for
	// one file must not collide with another's.
	shared := map[string]bool{}
	for _, name := range pkg.Types.Scope().Names() {
		shared[name] = true
	}
	checked := false
	for i, f := range pkg.Syntax {
		path := pkg.CompiledGoFiles[i]
		annotated, cons, cerr := sourceConstraint(pkg.Fset, f)
		if cerr != nil {
			errs = append(errs, *cerr)
			continue
		}
		errs = append(errs, checkDirectives(pkg.Fset, f, annotated)...)
		if !annotated {
			continue
		}
		if !checked {
			checked = true
			errs = append(errs, shadowedPredeclared(pkg)...)
		}
		errs = append(errs, shadowingImports(pkg, f)...)
		src, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, Error{token.Position{Filename: path}, err.Error()})
			continue
		}
		g := &fileGen{pkg: pkg, file: f, src: src, path: path, constraint: cons, names: shared}
		data, es := g.generate()
		errs = append(errs, es...)
		if len(es) == 0 {
			outs = append(outs, output{path: OutputName(path), source: path, data: data})
		}
	}
	return outs, errs
}

// checkDirectives reports //lwt:async directives lwtgen would otherwise
// ignore, leaving a function that panics when called: one in a file
// without the lwtsource constraint, one that is not in the doc comment of
// a function declaration, and misspellings of it.
func checkDirectives(fset *token.FileSet, f *ast.File, annotated bool) Errors {
	var errs Errors
	onFunc := map[*ast.Comment]string{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Doc != nil {
			for _, c := range fd.Doc.List {
				onFunc[c] = fd.Name.Name
			}
		}
	}
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			text := c.Text
			exact := text == Directive || strings.HasPrefix(text, Directive+" ")
			if !exact && !nearDirective(text) {
				continue
			}
			pos := fset.Position(c.Pos())
			fn, isDoc := onFunc[c]
			switch {
			case !exact:
				errs = append(errs, Error{pos, fmt.Sprintf("%q looks like a misspelt %s directive (written with no space after //): lwtgen ignores it", text, Directive)})
			case !isDoc:
				errs = append(errs, Error{pos, fmt.Sprintf("%s is not in the doc comment of a function: put it right above the func, with no blank line between", Directive)})
			case !annotated:
				errs = append(errs, Error{pos, fmt.Sprintf("%s on %s, but this file is not built with the %s tag: lwtgen rewrites only files whose build constraint requires it; add //go:build %s at the top", Directive, fn, Tag, Tag)})
			}
		}
	}
	return errs
}

// nearDirective reports whether a comment is close to //lwt:async: a
// word or two within two edits of it, in any case, spaces aside.
func nearDirective(text string) bool {
	if !strings.HasPrefix(text, "//") {
		return false
	}
	fields := strings.Fields(text[2:])
	if len(fields) == 0 || len(fields) > 2 {
		return false
	}
	return editDistance(strings.ToLower(strings.Join(fields, "")), Directive[2:]) <= 2
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// glueNames are the predeclared identifiers generated code relies on: the
// built-in functions it calls, the constants it writes, and every
// predeclared type (types of frame fields are spelled with them).
func isGlueName(name string) bool {
	switch name {
	case "new", "len", "make", "append", "panic", "recover", "nil", "true", "false":
		return true
	}
	_, isType := types.Universe.Lookup(name).(*types.TypeName)
	return isType
}

// shadowedPredeclared reports package-level declarations that shadow a
// predeclared identifier generated code uses: the code lwtgen writes would
// refer to the package's declaration instead.
func shadowedPredeclared(pkg *packages.Package) Errors {
	var errs Errors
	scope := pkg.Types.Scope()
	for _, name := range scope.Names() {
		if isGlueName(name) {
			errs = append(errs, Error{pkg.Fset.Position(scope.Lookup(name).Pos()),
				fmt.Sprintf("package-level %s shadows Go's predeclared %s, which the code lwtgen generates for this package uses: rename it", name, name)})
		}
	}
	return errs
}

// shadowingImports is shadowedPredeclared for the import names of an
// annotated file.
func shadowingImports(pkg *packages.Package, f *ast.File) Errors {
	var errs Errors
	for _, imp := range f.Imports {
		if imp.Name != nil && isGlueName(imp.Name.Name) {
			errs = append(errs, Error{pkg.Fset.Position(imp.Name.Pos()),
				fmt.Sprintf("import name %s shadows Go's predeclared %s, which the code lwtgen generates uses: import the package under another name", imp.Name.Name, imp.Name.Name)})
		}
	}
	return errs
}

// fileGen writes the generated counterpart of one annotated file.
type fileGen struct {
	pkg        *packages.Package
	file       *ast.File
	src        []byte
	path       string
	constraint string

	imports []*imported     // in the source's order, then those lwtgen adds
	decls   map[string]bool // names declared in the file, below package level too
	errs    Errors
	names   map[string]bool // package-level names, taken
	idents  map[string]bool // every identifier of the file, and names taken since

	funcDecls map[*types.Func]*ast.FuncDecl // the package's functions, for checkDeferredRecover
}

func (g *fileGen) errorf(pos token.Pos, format string, args ...any) {
	g.errs = append(g.errs, Error{g.pkg.Fset.Position(pos), fmt.Sprintf(format, args...)})
}

func (g *fileGen) offset(pos token.Pos) int { return g.pkg.Fset.File(pos).Offset(pos) }

// pos is the position of a byte offset of the file.
func (g *fileGen) pos(offset int) token.Pos { return g.pkg.Fset.File(g.file.Pos()).Pos(offset) }

// text returns the source text between two positions.
func (g *fileGen) text(from, to token.Pos) string { return string(g.src[g.offset(from):g.offset(to)]) }

// lineDirective returns a //line comment that makes what follows report
// positions in the annotated source.
func (g *fileGen) lineDirective(pos token.Pos) string {
	p := g.pkg.Fset.Position(pos)
	return fmt.Sprintf("//line %s:%d:%d\n", filepath.Base(p.Filename), p.Line, p.Column)
}

func (g *fileGen) generate() ([]byte, Errors) {
	// Every import of the source is kept as written (dot, blank and
	// duplicate imports included); the generated code refers to packages
	// through names of its own choosing (importName).
	for _, imp := range g.file.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		im := &imported{path: path}
		if p := g.pkg.Imports[path]; p != nil && p.Types != nil {
			im.real = p.Types.Name()
		}
		im.name = im.real
		if imp.Name != nil {
			im.name, im.explicit = imp.Name.Name, true
		}
		g.imports = append(g.imports, im)
		g.names[im.name] = true
	}

	var body bytes.Buffer
	for _, decl := range g.file.Decls {
		if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			continue
		}
		fd, ok := decl.(*ast.FuncDecl)
		if !ok || !isAnnotated(fd) {
			g.copyDecl(&body, decl)
			continue
		}
		g.rewriteFunc(&body, fd)
	}
	if len(g.errs) > 0 {
		return nil, g.errs
	}

	var out bytes.Buffer
	out.WriteString(Header + "\n\n")
	out.WriteString(g.constraint + "\n\n")
	if g.file.Doc != nil {
		// The package's doc comment, for go doc and pkg.go.dev, which read
		// the default build.
		for _, c := range g.file.Doc.List {
			out.WriteString(c.Text + "\n")
		}
	}
	out.WriteString(g.lineDirective(g.file.Package))
	out.WriteString("package " + g.file.Name.Name + "\n\n")
	// go:generate lines come along, so that go generate finds them in the
	// default build too.
	for _, cg := range g.file.Comments {
		for _, c := range cg.List {
			if strings.HasPrefix(c.Text, "//go:generate ") {
				out.WriteString(g.lineDirective(c.Pos()))
				out.WriteString(c.Text + "\n\n")
			}
		}
	}
	if len(g.imports) > 0 {
		out.WriteString("import (\n")
		for _, im := range g.imports {
			// Named always, so that tidy can tell which are used.
			out.WriteString(im.name + " " + strconv.Quote(im.path) + "\n")
		}
		out.WriteString(")\n\n")
	}
	out.Write(body.Bytes())

	implicit := map[string]bool{} // imports the file may write without a name
	for _, im := range g.imports {
		if !im.explicit && im.name == im.real {
			implicit[im.name+" "+im.path] = true
		}
	}
	data, err := tidy(out.Bytes(), implicit, g.dotNames())
	if err != nil && os.Getenv("LWTGEN_DEBUG") != "" {
		os.Stderr.Write(out.Bytes())
	}
	if err == nil {
		data, err = fixDirectives(data)
	}
	if err != nil {
		return nil, Errors{{g.pkg.Fset.Position(g.file.Package), fmt.Sprintf("%v: generated code does not parse: %v", ErrBug, err)}}
	}
	return withSum(data), nil
}

// copyDecl copies a declaration that is not annotated, with its doc
// comment: verbatim, unless it holds async func literals, which are
// rewritten.
func (g *fileGen) copyDecl(out *bytes.Buffer, decl ast.Decl) {
	from := decl.Pos()
	switch d := decl.(type) {
	case *ast.FuncDecl:
		if d.Doc != nil {
			from = d.Doc.Pos()
		}
	case *ast.GenDecl:
		if d.Doc != nil {
			from = d.Doc.Pos()
		}
	}
	out.WriteString(g.lineDirective(from))
	lits := g.asyncLitsIn(decl)
	if lits == nil && !g.hasLogCalls(decl) {
		out.WriteString(g.text(from, decl.End()))
		out.WriteString("\n\n")
		return
	}
	// A context with no frame: only the literals and log calls change.
	fg := &funcGen{g: g, info: g.pkg.TypesInfo, a: &analysis{lits: lits, awaits: map[ast.Node]bool{},
		hoisted: map[*types.Var]bool{}, boxed: map[*types.Var]bool{}}, captured: map[*types.Var]bool{},
		vars: map[*types.Var]string{}, frame: g.frameBase(decl) + "Frame", noFrame: true}
	fg.lwt = g.importName(LwtPath, "lwt")
	if fd, ok := decl.(*ast.FuncDecl); ok {
		// Literal frames in a generic function take its type parameters.
		sig := g.pkg.TypesInfo.Defs[fd.Name].Type().(*types.Signature)
		for _, list := range []*types.TypeParamList{sig.RecvTypeParams(), sig.TypeParams()} {
			for i := 0; i < list.Len(); i++ {
				tp := list.At(i)
				fg.tparams = append(fg.tparams, typeParam{tp.Obj().Name(), fg.typeText(tp.Constraint(), fd.Pos())})
			}
		}
	}
	out.WriteString(g.text(from, decl.Pos()))
	out.WriteString(fg.render(decl, nil))
	out.WriteString("\n\n")
	out.Write(fg.frameDecls.Bytes())
}

// hasLogCalls reports whether decl calls the logging functions logstrip
// rewrites.
func (g *fileGen) hasLogCalls(decl ast.Decl) bool {
	found := false
	ast.Inspect(decl, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && !found {
			_, found = logstrip.Recognize(g.pkg.TypesInfo, call)
		}
		return !found
	})
	return found
}

// frameBase names the frames of literals in a declaration.
func (g *fileGen) frameBase(decl ast.Decl) string {
	if fd, ok := decl.(*ast.FuncDecl); ok {
		return lowerFirst(fd.Name.Name)
	}
	return "init"
}

// asyncLitsIn finds the outermost async literals that await in a
// declaration that is not annotated, and reports awaits outside them.
func (g *fileGen) asyncLitsIn(decl ast.Decl) map[*ast.FuncLit]bool {
	info := g.pkg.TypesInfo
	var lits map[*ast.FuncLit]bool
	var stack []*ast.FuncLit
	ast.Inspect(decl, func(n ast.Node) bool {
		switch n := n.(type) {
		case nil:
			return true
		case *ast.FuncLit:
			stack = append(stack, n)
		case *ast.DeferStmt:
			// A defer in a literal that returns a promise makes it async
			// (see analyze).
			var inner, owner *ast.FuncLit
			for _, lit := range stack {
				if lit.Pos() <= n.Pos() && n.End() <= lit.End() {
					inner = lit
					if owner == nil && isAsyncLit(info, lit) {
						owner = lit
					}
				}
			}
			if inner != nil && isAsyncLit(info, inner) {
				if lits == nil {
					lits = map[*ast.FuncLit]bool{}
				}
				lits[owner] = true
			}
		case *ast.CallExpr, *ast.RangeStmt:
			var name string
			if call, ok := n.(*ast.CallExpr); ok {
				if name = markerName(info, call); name == "" {
					return true
				}
				name = "lwt." + name
			} else if _, ok := streamRange(info, n.(*ast.RangeStmt).X); ok {
				name = "a range over a stream's All"
			} else {
				return true
			}
			var owner *ast.FuncLit
			for _, lit := range stack {
				if lit.Pos() <= n.Pos() && n.End() <= lit.End() {
					if owner == nil && isAsyncLit(info, lit) {
						owner = lit
					}
				}
			}
			switch {
			case owner == nil:
				g.errorf(n.Pos(), "%s outside an async function: mark the function %s, or wait with lwt.Bind", name, Directive)
			default:
				if lits == nil {
					lits = map[*ast.FuncLit]bool{}
				}
				lits[owner] = true
			}
		}
		return true
	})
	return lits
}

// imported is an import of the generated file.
type imported struct {
	path     string
	name     string // the name code refers to it by: ".", "_" or a package name
	real     string // its package name
	explicit bool   // the source names it
}

// importName returns the name generated code refers to package path by.
// An import of the source serves if its name is not declared again
// anywhere in the file (a local variable or type parameter of that name
// would capture the reference); otherwise the package is imported once
// more, under a name no identifier of the file uses.
func (g *fileGen) importName(path, real string) string {
	for _, im := range g.imports {
		if im.path == path && im.name != "_" && im.name != "." && !g.declared()[im.name] {
			return im.name
		}
	}
	name := real
	for i := 2; g.names[name] || g.taken()[name]; i++ {
		name = fmt.Sprintf("%s%d", real, i)
	}
	g.names[name] = true
	g.imports = append(g.imports, &imported{path: path, name: name, real: real})
	return name
}

// declared lists the names the file declares below package level (and
// at package level, for names other files of the package declare).
func (g *fileGen) declared() map[string]bool {
	if g.decls == nil {
		g.decls = map[string]bool{}
		for id, obj := range g.pkg.TypesInfo.Defs {
			if obj == nil || id.Pos() < g.file.Pos() || id.Pos() > g.file.End() {
				continue
			}
			if _, isPkg := obj.(*types.PkgName); isPkg {
				continue
			}
			g.decls[id.Name] = true
		}
	}
	return g.decls
}

// dotNames lists, for each package the file dot-imports, the names of it
// the file uses.
func (g *fileGen) dotNames() map[string]map[string]bool {
	dots := map[string]map[string]bool{}
	for _, im := range g.imports {
		if im.name == "." {
			dots[im.path] = map[string]bool{}
		}
	}
	if len(dots) == 0 {
		return nil
	}
	qualified := map[*ast.Ident]bool{}
	ast.Inspect(g.file, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			qualified[sel.Sel] = true
		}
		return true
	})
	for id, obj := range g.pkg.TypesInfo.Uses {
		if obj.Pkg() == nil || qualified[id] || id.Pos() < g.file.Pos() || id.Pos() > g.file.End() {
			continue
		}
		if names, ok := dots[obj.Pkg().Path()]; ok && obj.Parent() == obj.Pkg().Scope() {
			names[id.Name] = true
		}
	}
	return dots
}

// tidy removes the imports nothing refers to any more (code after a
// terminating statement is not generated) and formats. A dot import is
// used if a name the source takes from it (dots, by path) is still
// referred to; blank imports are kept.
func tidy(src []byte, implicit map[string]bool, dots map[string]map[string]bool) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}        // unresolved names before a dot
	unqualified := map[string]bool{} // unresolved names elsewhere
	sels := map[*ast.Ident]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			sels[n.Sel] = true
			if id, ok := n.X.(*ast.Ident); ok && id.Obj == nil {
				used[id.Name] = true
			}
		case *ast.Ident:
			if n.Obj == nil && !sels[n] {
				unqualified[n.Name] = true
			}
		}
		return true
	})
	keep := func(imp *ast.ImportSpec) bool {
		switch imp.Name.Name {
		case "_":
			return true
		case ".":
			for name := range dots[imp.Path.Value[1:len(imp.Path.Value)-1]] {
				if unqualified[name] {
					return true
				}
			}
			return false
		}
		return used[imp.Name.Name]
	}
	var imports []*ast.ImportSpec
	for _, imp := range f.Imports {
		if keep(imp) {
			imports = append(imports, imp)
		}
	}
	f.Imports = imports
	decls := f.Decls[:0]
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			specs := gd.Specs[:0]
			for _, s := range gd.Specs {
				if keep(s.(*ast.ImportSpec)) {
					specs = append(specs, s)
				}
			}
			gd.Specs = specs
			if len(specs) == 0 {
				continue
			}
		}
		decls = append(decls, d)
	}
	f.Decls = decls
	for _, imp := range f.Imports {
		if implicit[imp.Name.Name+" "+imp.Path.Value[1:len(imp.Path.Value)-1]] {
			imp.Name = nil
		}
	}
	ast.SortImports(fset, f)
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
