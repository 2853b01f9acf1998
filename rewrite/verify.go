package rewrite

import (
	"fmt"
	"strings"

	"golang.org/x/tools/go/packages"
)

// verify type-checks the packages as the default build will see them, with
// the generated files in place: code that lwtgen made and that does not
// compile is lwtgen's bug, and nothing is written.
func verify(cfg Config, pkgs []*packages.Package, outs []output) error {
	if len(outs) == 0 {
		return nil
	}
	overlay := map[string][]byte{}
	for _, o := range outs {
		overlay[o.path] = o.data
	}
	var patterns []string
	seen := map[string]bool{}
	for _, p := range pkgs {
		path := strings.TrimSuffix(p.PkgPath, "_test")
		if !seen[path] {
			seen[path] = true
			patterns = append(patterns, path)
		}
	}
	lc := &packages.Config{
		Mode:    packages.NeedName | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo,
		Dir:     cfg.Dir,
		Tests:   cfg.Tests,
		Overlay: overlay,
	}
	if len(cfg.Tags) > 0 {
		lc.BuildFlags = []string{"-tags=" + strings.Join(cfg.Tags, ",")}
	}
	loaded, err := packages.Load(lc, patterns...)
	if err != nil {
		return fmt.Errorf("%w: checking the generated code: %v", ErrBug, err)
	}
	var msgs []string
	packages.Visit(loaded, nil, func(p *packages.Package) {
		if !seen[strings.TrimSuffix(p.PkgPath, "_test")] {
			return
		}
		for _, e := range p.Errors {
			msgs = append(msgs, e.Error())
		}
	})
	if len(msgs) > 0 {
		return fmt.Errorf("%w: the generated code does not compile:\n%s", ErrBug, strings.Join(dedup(msgs), "\n"))
	}
	return nil
}

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
