package rewrite

import (
	"go/build"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// Annotated files for another platform (foo_windows.go, or a constraint
// such as lwtsource && darwin) are not in the packages the first load
// returns, which is for the host's GOOS and GOARCH. lwtgen finds them among
// the package's ignored files and loads the package again for a platform
// that builds them, so that one run on any machine rewrites (or, with
// -check, checks) every annotated file of the tree. A file that no platform
// builds with the tags lwtgen was given (a constraint on a custom tag) is
// listed in Result.Skipped, not silently left out: rerun with -tags.

// platforms are the GOOS/GOARCH pairs tried, in order (after the host's
// GOARCH with each GOOS).
var platforms = []string{
	"linux/amd64", "linux/arm64", "windows/amd64", "darwin/arm64", "darwin/amd64", "windows/arm64",
	"freebsd/amd64", "openbsd/amd64", "netbsd/amd64", "dragonfly/amd64", "solaris/amd64", "illumos/amd64",
	"aix/ppc64", "plan9/amd64", "js/wasm", "wasip1/wasm", "android/arm64", "ios/arm64",
	"linux/386", "linux/arm", "linux/riscv64", "linux/ppc64le", "linux/ppc64", "linux/s390x",
	"linux/mips", "linux/mipsle", "linux/mips64", "linux/mips64le", "linux/loong64",
	"windows/386", "windows/arm", "freebsd/arm64", "freebsd/386", "openbsd/arm64", "netbsd/arm64",
}

// loadOtherPlatforms loads, for other platforms, the packages that have
// annotated files the host's build leaves out. It returns the packages
// (with their platform recorded for verify) and the files it could not
// place.
func loadOtherPlatforms(cfg Config, pkgs []*packages.Package) ([]*packages.Package, map[*packages.Package]string, []string, error) {
	seen := map[string]bool{}
	for _, p := range pkgs {
		for _, f := range p.CompiledGoFiles {
			seen[f] = true
		}
	}
	byPlatform := map[string][]string{} // platform → package paths
	var skipped []string
	considered := map[string]bool{}
	for _, p := range pkgs {
		for _, path := range p.IgnoredFiles {
			if seen[path] || considered[path] || !strings.HasSuffix(path, ".go") {
				continue
			}
			considered[path] = true
			if !cfg.Tests && strings.HasSuffix(path, "_test.go") {
				continue
			}
			cons := annotatedConstraint(path)
			if cons == "" {
				continue
			}
			plat := platformFor(cfg, path)
			if plat == "" {
				skipped = append(skipped, path+": no platform builds it with the tags "+strings.Join(append([]string{Tag}, cfg.Tags...), ",")+
					" ("+cons+"): give lwtgen the tags it needs with -tags")
				continue
			}
			if !contains(byPlatform[plat], p.PkgPath) {
				byPlatform[plat] = append(byPlatform[plat], p.PkgPath)
			}
		}
	}
	var out []*packages.Package
	platformOf := map[*packages.Package]string{}
	var plats []string
	for plat := range byPlatform {
		plats = append(plats, plat)
	}
	sort.Strings(plats)
	for _, plat := range plats {
		goos, goarch, _ := strings.Cut(plat, "/")
		ps, err := loadFor(cfg, byPlatform[plat], []string{"GOOS=" + goos, "GOARCH=" + goarch}, seen)
		if err != nil {
			return nil, nil, nil, err
		}
		for _, p := range ps {
			platformOf[p] = plat
		}
		out = append(out, ps...)
	}
	sort.Strings(skipped)
	return out, platformOf, skipped, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// annotatedConstraint returns the build constraint of an annotated file
// (one that requires lwtsource), or "".
func annotatedConstraint(path string) string {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.PackageClauseOnly|parser.ParseComments)
	if err != nil {
		return ""
	}
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			if constraint.IsGoBuild(c.Text) {
				x, err := constraint.Parse(c.Text)
				if err != nil {
					return ""
				}
				if _, ok := negateRequired(x); !ok {
					return ""
				}
				return c.Text
			}
		}
	}
	return ""
}

// platformFor returns the first GOOS/GOARCH pair that builds path with
// lwtsource and the configured tags, or "".
func platformFor(cfg Config, path string) string {
	dir, name := filepath.Split(path)
	var order []string
	for _, p := range platforms {
		if strings.HasSuffix(p, "/"+runtime.GOARCH) {
			order = append(order, p)
		}
	}
	order = append(order, platforms...)
	for _, p := range order {
		ctx := build.Default
		ctx.GOOS, ctx.GOARCH, _ = strings.Cut(p, "/")
		ctx.BuildTags = append([]string{Tag}, cfg.Tags...)
		ctx.CgoEnabled = false
		if ok, err := ctx.MatchFile(dir, name); err == nil && ok {
			return p
		}
	}
	return ""
}
