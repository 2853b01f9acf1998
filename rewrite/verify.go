package rewrite

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/lwtgo/lwt/logstrip"
)

// verify type-checks the packages as the default build will see them, with
// the generated files in place of the annotated ones: code that lwtgen made
// and that does not compile is lwtgen's bug, and nothing is written. It
// reuses what the first load found (the dependencies' types), so it costs a
// type-check, not another go list.
func verify(cfg Config, pkgs []*packages.Package, outs []output, orphans []string, platformOf map[*packages.Package]string) error {
	if len(outs) == 0 {
		return nil
	}
	bySource := map[string]output{}
	byPath := map[string]bool{}
	for _, o := range outs {
		bySource[o.source] = o
		byPath[o.path] = true
	}
	for _, path := range orphans {
		byPath[path] = true // removed: not in the default build any more
	}
	ctx := build.Default
	ctx.BuildTags = cfg.Tags
	checked := map[string]*types.Package{} // packages under test, new types
	var fallback types.Importer            // for imports only generated code has (unicode/utf8)
	std := func(fset *token.FileSet) types.Importer {
		if fallback == nil {
			fallback = importer.ForCompiler(fset, "source", nil)
		}
		return fallback
	}
	var msgs []string
	// The package itself before its external tests, which import it.
	ordered := append([]*packages.Package(nil), pkgs...)
	for i := range ordered {
		for j := i + 1; j < len(ordered); j++ {
			if strings.HasSuffix(ordered[i].Name, "_test") && !strings.HasSuffix(ordered[j].Name, "_test") {
				ordered[i], ordered[j] = ordered[j], ordered[i]
			}
		}
	}
	for _, pkg := range ordered {
		ctx := ctx
		if plat, ok := platformOf[pkg]; ok {
			// A package loaded for another platform (see platforms.go).
			ctx.GOOS, ctx.GOARCH, _ = strings.Cut(plat, "/")
			ctx.CgoEnabled = false
		}
		checked := checked
		if _, ok := platformOf[pkg]; ok {
			checked = map[string]*types.Package{} // its own variant of what it imports
		}
		var files []*ast.File
		changed := false
		for i, f := range pkg.Syntax {
			path := pkg.CompiledGoFiles[i]
			o, ok := bySource[path]
			if !ok {
				files = append(files, f)
				continue
			}
			changed = true
			gen, err := parser.ParseFile(pkg.Fset, o.path, o.data, parser.SkipObjectResolution)
			if err != nil {
				return fmt.Errorf("%w: the generated %s does not parse: %v", ErrBug, o.path, err)
			}
			files = append(files, gen)
		}
		if !changed {
			continue
		}
		// Files only the default build has (hand-written !lwtsource
		// counterparts), except the generated files being replaced.
		for _, path := range pkg.IgnoredFiles {
			if byPath[path] {
				continue
			}
			dir, name := filepath.Split(path)
			if ok, err := ctx.MatchFile(dir, name); err != nil || !ok {
				continue
			}
			f, err := parser.ParseFile(pkg.Fset, path, nil, parser.SkipObjectResolution)
			if err == nil && f.Name.Name == pkg.Name {
				files = append(files, f)
			}
		}
		fromSource := map[string]*types.Package{} // glue packages of this module, checked here
		var imp importerFunc
		imp = func(path string) (*types.Package, error) {
			if p, ok := checked[path]; ok {
				return p, nil
			}
			if p, ok := fromSource[path]; ok {
				return p, nil
			}
			if p := pkg.Imports[path]; p != nil && p.Types != nil {
				return p.Types, nil
			}
			// A package the annotated file reaches only through its
			// imports' types (x/sys/unix through lwtio.Conn): the
			// generated file names its types, which must be the same
			// instances. Export data holds only the parts of it that
			// are used, so packages whose functions the glue calls come
			// from the fallback.
			if p := indirect(pkg, path); p != nil && (p.Complete() || !glueFuncs[path]) {
				p.MarkComplete() // complete enough: go/types ignores it otherwise
				return p, nil
			}
			if strings.HasPrefix(path, modulePath+"/") {
				// A package of lwt's own that only the glue imports
				// (debugtrace): checked from source against the same
				// instances of what it imports, the runtime's types
				// among them.
				p, err := checkFromSource(ctx, pkg.Fset, path, importerFunc(func(path string) (*types.Package, error) {
					if strings.HasPrefix(path, modulePath+"/") {
						return imp(path)
					}
					return std(pkg.Fset).Import(path) // the standard library, all from one importer
				}))
				fromSource[path] = p
				return p, err
			}
			return std(pkg.Fset).Import(path)
		}
		conf := types.Config{
			Importer: imp,
			Error:    func(err error) { msgs = append(msgs, err.Error()) },
		}
		tp, _ := conf.Check(pkg.PkgPath, pkg.Fset, files, nil)
		if !strings.HasSuffix(pkg.Name, "_test") {
			checked[pkg.PkgPath] = tp
		}
	}
	if len(msgs) > 0 {
		if os.Getenv("LWTGEN_DEBUG") != "" {
			for _, o := range outs {
				fmt.Fprintf(os.Stderr, "=== %s\n%s\n", o.path, o.data)
			}
		}
		return fmt.Errorf("%w: the generated code does not compile:\n%s", ErrBug, strings.Join(dedup(msgs), "\n"))
	}
	return nil
}

// glueFuncs are the packages whose functions generated code may call
// without the annotated file importing them.
var glueFuncs = map[string]bool{DebugtracePath: true, "unicode/utf8": true, logstrip.LwtlogPath: true}

// indirect finds package path among those of the types the package's code
// uses: the instances the generated file must name.
func indirect(pkg *packages.Package, path string) *types.Package {
	if pkg.TypesInfo == nil {
		return nil
	}
	var found *types.Package
	seen := map[types.Type]bool{}
	var walk func(t types.Type)
	walk = func(t types.Type) {
		if t == nil || found != nil || seen[t] {
			return
		}
		seen[t] = true
		switch t := t.(type) {
		case *types.Named:
			if p := t.Obj().Pkg(); p != nil && p.Path() == path {
				found = p
				return
			}
			for i := 0; i < t.TypeArgs().Len(); i++ {
				walk(t.TypeArgs().At(i))
			}
			walk(t.Underlying())
		case *types.Alias:
			if p := t.Obj().Pkg(); p != nil && p.Path() == path {
				found = p
				return
			}
			walk(types.Unalias(t))
		case *types.Pointer:
			walk(t.Elem())
		case *types.Slice:
			walk(t.Elem())
		case *types.Array:
			walk(t.Elem())
		case *types.Map:
			walk(t.Key())
			walk(t.Elem())
		case *types.Chan:
			walk(t.Elem())
		case *types.Signature:
			walk(t.Params())
			walk(t.Results())
		case *types.Tuple:
			for i := 0; i < t.Len(); i++ {
				walk(t.At(i).Type())
			}
		case *types.Struct:
			for i := 0; i < t.NumFields(); i++ {
				walk(t.Field(i).Type())
			}
		}
	}
	for _, tv := range pkg.TypesInfo.Types {
		walk(tv.Type)
	}
	for _, obj := range pkg.TypesInfo.Defs {
		if obj != nil {
			walk(obj.Type())
		}
	}
	return found
}

// modulePath is lwt's module, whose packages the glue may import.
const modulePath = "github.com/lwtgo/lwt"

// checkFromSource type-checks the package path from its source files for
// ctx, resolving its imports with imp.
func checkFromSource(ctx build.Context, fset *token.FileSet, path string, imp types.Importer) (*types.Package, error) {
	bp, err := ctx.Import(path, "", 0)
	if err != nil {
		return nil, err
	}
	var files []*ast.File
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(bp.Dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	conf := types.Config{Importer: imp, Error: func(error) {}}
	return conf.Check(path, fset, files, nil)
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

func dedup(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
