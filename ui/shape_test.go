package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// goFile is one non-test Go file of the module.
type goFile struct {
	pkg     string // import path, e.g. "edgetop/ui/list"
	path    string
	imports []string
	ast     *ast.File
}

// moduleFiles parses every non-test Go file of the module.
func moduleFiles(t *testing.T) []goFile {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found from %s: %v", root, err)
	}
	var out []goFile
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		pkg := "edgetop"
		if rel != "." {
			pkg += "/" + filepath.ToSlash(rel)
		}
		g := goFile{pkg: pkg, path: p, ast: f}
		for _, im := range f.Imports {
			s, _ := strconv.Unquote(im.Path.Value)
			g.imports = append(g.imports, s)
		}
		out = append(out, g)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func under(pkg, tree string) bool { return pkg == tree || strings.HasPrefix(pkg, tree+"/") }

// TestShape keeps the code's shape (DESIGN.md, "Layout of the code";
// STYLE.md §2, §7): dependencies point one way, model is pure, nothing but
// the theme builds a style.
func TestShape(t *testing.T) {
	files := moduleFiles(t)
	if len(files) < 40 {
		t.Fatalf("only %d files found: the walk is broken", len(files))
	}
	// What model may import: the standard library's pure packages and the
	// sketch; no UI, network, file system or clock. unsafe is for the
	// packed log's strings that alias its blocks while a filter reads them,
	// sync/atomic for a snapshot released on another goroutine.
	modelOK := []string{
		"bytes", "bufio", "cmp", "edgetop/model", "encoding/base64", "encoding/binary", "encoding/json", "errors", "fmt", "io", "math", "regexp", "slices", "sort", "sync/atomic", "unsafe",
		"strconv", "strings", "time", "unicode", "unicode/utf8", "github.com/DataDog/sketches-go/ddsketch",
	}
	charm := func(im string) bool {
		return strings.HasPrefix(im, "charm.land/") || strings.HasPrefix(im, "github.com/charmbracelet/")
	}
	for _, f := range files {
		for _, im := range f.imports {
			switch {
			case under(f.pkg, "edgetop/model") && !slices.Contains(modelOK, im):
				t.Errorf("%s: model imports %q (model is pure: no UI, network, disk or clock)", f.path, im)
			case under(f.pkg, "edgetop/ui") && under(im, "edgetop/edgeclient/edgesim"):
				t.Errorf("%s: ui imports the simulator", f.path)
			case under(f.pkg, "edgetop/edgeclient") && (charm(im) && im != "github.com/charmbracelet/x/ansi" || under(im, "edgetop/ui")):
				// x/ansi only parses escape sequences: the masker reads
				// text as the screen's sanitiser does, with the same parser.
				t.Errorf("%s: edgeclient imports %q (it never draws)", f.path, im)
			case under(f.pkg, "edgetop/edgeclient/session") && under(im, "edgetop/edgeclient/edgesim"):
				t.Errorf("%s: the session engine imports the simulator (main wires DemoControls)", f.path)
			case under(f.pkg, "edgetop/edgeclient/edgesim") && under(im, "edgetop/edgeclient/session"):
				t.Errorf("%s: the simulator imports the session engine", f.path)
			case under(f.pkg, "edgetop/ui/uitest"):
			case im == "edgetop/ui/uitest":
				t.Errorf("%s: production code imports the tests' helpers", f.path)
			}
		}
		ast.Inspect(f.ast, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			x, ok := sel.X.(*ast.Ident)
			switch {
			case ok && x.Name == "lipgloss" && sel.Sel.Name == "NewStyle" && f.pkg != "edgetop/ui/theme":
				t.Errorf("%s: builds a style (lipgloss.NewStyle) outside ui/theme", f.path)
			case ok && x.Name == "time" && sel.Sel.Name == "Now" && under(f.pkg, "edgetop/model"):
				t.Errorf("%s: model reads the clock", f.path)
			}
			return true
		})
	}
}
