package doccheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// varNameRe is an environment variable's name: upper-case words joined by
// underscores.
var varNameRe = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$`)

// EnvRead is an environment variable the code reads, and where.
type EnvRead struct {
	Name string
	Dir  string // the reading package's directory, slash-separated, relative to the root
	Pos  string // FILE:LINE
}

// readers are the functions that read one variable by name: the os
// package's, and the getenv parameter every config loader takes.
var readers = map[string]bool{"Getenv": true, "LookupEnv": true, "getenv": true}

// skipDirs are never scanned.
var skipDirs = map[string]bool{".git": true, "node_modules": true, "cdk.out": true, "build": true, "testdata": true}

// EnvVars returns every environment variable the non-test Go code under
// root reads: each constant named Env... whose value is a variable name
// (the convention: one constant per variable, beside the config struct
// that documents it), and each string literal given to os.Getenv,
// os.LookupEnv or a getenv function.
func EnvVars(root string) ([]EnvRead, error) {
	var out []EnvRead
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (skipDirs[d.Name()] || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(rel)
		add := func(lit *ast.BasicLit) {
			if lit == nil || lit.Kind != token.STRING {
				return
			}
			v, err := strconv.Unquote(lit.Value)
			if err != nil || !varNameRe.MatchString(v) {
				return
			}
			p := fset.Position(lit.Pos())
			r, _ := filepath.Rel(root, p.Filename)
			out = append(out, EnvRead{Name: v, Dir: dir, Pos: filepath.ToSlash(r) + ":" + strconv.Itoa(p.Line)})
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GenDecl:
				if n.Tok != token.CONST {
					return true
				}
				for _, s := range n.Specs {
					vs := s.(*ast.ValueSpec)
					for i, name := range vs.Names {
						if !strings.HasPrefix(name.Name, "Env") || i >= len(vs.Values) {
							continue
						}
						lit, _ := vs.Values[i].(*ast.BasicLit)
						add(lit)
					}
				}
			case *ast.CallExpr:
				var fn string
				switch f := n.Fun.(type) {
				case *ast.Ident:
					fn = f.Name
				case *ast.SelectorExpr:
					fn = f.Sel.Name
				}
				if readers[fn] && len(n.Args) > 0 {
					lit, _ := n.Args[0].(*ast.BasicLit)
					add(lit)
				}
			}
			return true
		})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Pos < out[j].Pos })
	return out, err
}

// Owners maps a package directory prefix to the docs that document the
// variables it reads, longest prefix first; a directory under none of them
// is owned by README.md. docs/forwarder.md may document any of them.
var Owners = []struct {
	Prefix string
	Docs   []string
}{
	{"internal/forwarder", []string{"docs/forwarder.md"}},
	{"internal/sink", []string{"docs/forwarder.md"}},
	{"internal/delivery", []string{"docs/forwarder.md"}},
	{"internal/lambdafn", []string{"docs/forwarder.md"}},
	{"functions/forwarder", []string{"docs/forwarder.md"}},
	{"internal/usersync", []string{"docs/sync.md"}},
	{"functions/sync", []string{"docs/sync.md"}},
	{"internal/trigger", []string{"docs/triggers.md"}},
	{"functions/trigger", []string{"docs/triggers.md"}},
	{"trigger", []string{"docs/triggers.md"}},
	{"internal/config", []string{"docs/deploy.md", "docs/sync.md", "docs/triggers.md"}},
	{"infra", []string{"docs/deploy.md"}},
	{"cmd/cognito-events", []string{"docs/cli.md"}},
	{"internal/lambdaruntime", []string{"docs/demo.md"}},
	{"internal/demo", []string{"docs/demo.md", "docs/triggers.md", "docs/sync.md"}},
	{"internal/emulator", []string{"README.md"}},
}

// OwningDocs returns the docs where a variable read in dir must appear.
func OwningDocs(dir string) []string {
	docs := []string{"docs/forwarder.md"}
	for _, o := range Owners {
		if dir == o.Prefix || strings.HasPrefix(dir, o.Prefix+"/") {
			for _, d := range o.Docs {
				if d != docs[0] {
					docs = append(docs, d)
				}
			}
			return docs
		}
	}
	return append(docs, "README.md")
}

// docVarRe finds a variable name in backticks, possibly with a value
// (`SINK_KIND=http`).
var docVarRe = regexp.MustCompile("`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?:=[^`]*)?`")

// DocVars returns the backticked names with an underscore in a doc
// (`SINK_URL`, `AWS_REGION=us-east-1`): the variables it documents, and
// any other upper-case constant, which the test lists as not a variable.
func DocVars(text string) []string {
	var out []string
	for _, m := range docVarRe.FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	return out
}

// Mentions reports whether text names the variable as a word.
func Mentions(text, name string) bool {
	re := regexp.MustCompile(`(^|[^A-Z0-9_])` + regexp.QuoteMeta(name) + `($|[^A-Z0-9_])`)
	return re.MatchString(text)
}
