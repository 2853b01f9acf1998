package rewrite

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/types"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/packages"
)

// verify type-checks the packages as the default build will see them, with
// the generated files in place of the annotated ones: code that lwtgen made
// and that does not compile is lwtgen's bug, and nothing is written. It
// reuses what the first load found (the dependencies' types), so it costs a
// type-check, not another go list.
func verify(cfg Config, pkgs []*packages.Package, outs []output) error {
	if len(outs) == 0 {
		return nil
	}
	bySource := map[string]output{}
	byPath := map[string]bool{}
	for _, o := range outs {
		bySource[o.source] = o
		byPath[o.path] = true
	}
	ctx := build.Default
	ctx.BuildTags = cfg.Tags
	checked := map[string]*types.Package{} // packages under test, new types
	var fallback types.Importer            // for imports only generated code has (unicode/utf8)
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
		conf := types.Config{
			Importer: importerFunc(func(path string) (*types.Package, error) {
				if p, ok := checked[path]; ok {
					return p, nil
				}
				if p := pkg.Imports[path]; p != nil && p.Types != nil {
					return p.Types, nil
				}
				if fallback == nil {
					fallback = importer.ForCompiler(pkg.Fset, "source", nil)
				}
				return fallback.Import(path)
			}),
			Error: func(err error) { msgs = append(msgs, err.Error()) },
		}
		tp, _ := conf.Check(pkg.PkgPath, pkg.Fset, files, nil)
		if !strings.HasSuffix(pkg.Name, "_test") {
			checked[pkg.PkgPath] = tp
		}
	}
	if len(msgs) > 0 {
		return fmt.Errorf("%w: the generated code does not compile:\n%s", ErrBug, strings.Join(dedup(msgs), "\n"))
	}
	return nil
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
