package archtest

import (
	"bufio"
	"bytes"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// module is this repository's module path.
const module = "github.com/cognito-events/cognito-events"

// MaxLines is the most lines a hand-written Go file may have.
const MaxLines = 450

// goFile is one Go source file of the repository.
type goFile struct {
	rel     string // slash path from the repository root
	dir     string // its package folder, slash path
	test    bool
	lines   int
	gen     bool     // carries the "Code generated ... DO NOT EDIT." line
	imports []string // import paths
}

// repoRoot is the repository root, found from this file's location.
func repoRoot(tb testing.TB) string {
	tb.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		tb.Fatal("locating the repository: no caller information")
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// skipDir reports folders that hold no code of the module: VCS data,
// installed packages, build outputs and the Go tool's testdata folders.
func skipDir(name string) bool {
	switch name {
	case ".git", "node_modules", "build", "cdk.out", "testdata":
		return true
	}
	return false
}

// loadFiles parses the imports of every Go file of the module.
func loadFiles(tb testing.TB) []goFile {
	tb.Helper()
	root := repoRoot(tb)
	var files []goFile
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			// The root's testdata is a package of its own (fixture checks).
			if p != root && p != filepath.Join(root, "testdata") && (skipDir(d.Name()) || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, p, src, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			return fmt.Errorf("parsing %s: %w", p, err)
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		gf := goFile{
			rel:   rel,
			dir:   path.Dir(rel),
			test:  strings.HasSuffix(rel, "_test.go"),
			lines: bytes.Count(src, []byte{'\n'}),
			gen:   generated(src),
		}
		for _, imp := range f.Imports {
			ip, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return fmt.Errorf("%s: import %s: %w", rel, imp.Path.Value, err)
			}
			gf.imports = append(gf.imports, ip)
		}
		files = append(files, gf)
		return nil
	})
	if err != nil {
		tb.Fatalf("walking the repository: %v", err)
	}
	if len(files) < 50 {
		tb.Fatalf("found only %d Go files under %s: is the walk wrong?", len(files), root)
	}
	return files
}

// generated reports whether src carries Go's generated-code marker.
func generated(src []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "// Code generated ") && strings.HasSuffix(line, " DO NOT EDIT.") {
			return true
		}
		if strings.HasPrefix(line, "package ") {
			return false
		}
	}
	return false
}

// layer is the top folder of a module-relative slash path: events,
// internal, functions, cmd, infra, testdata, or "" for the root.
func layer(rel string) string {
	top, _, _ := strings.Cut(rel, "/")
	return top
}

// rule says whether a package in folder from may import the module package
// in folder to, and why not.
func rule(from, to string) (bool, string) {
	switch fl, tl := layer(from), layer(to); {
	case fl == "events":
		return tl == "events", "events is the contract and imports the standard library only"
	case tl == "functions" || tl == "cmd":
		return false, "a deployable or a command is never imported"
	case tl == "infra":
		return fl == "infra", "only the CDK app imports its own folder"
	case fl == "internal":
		return tl == "internal" || tl == "events", "internal imports only internal and events"
	case tl == "trigger":
		// The public wrapper (trigger/) sits above internal: it imports
		// internal and events and is imported from outside the module.
		return fl == "trigger", "the public trigger package is imported only from outside the module"
	}
	return true, ""
}

func TestImportsFlowDownward(t *testing.T) {
	for _, f := range loadFiles(t) {
		for _, imp := range f.imports {
			rest, ok := strings.CutPrefix(imp, module+"/")
			if !ok {
				if f.dir == "events" || strings.HasPrefix(f.dir, "events/") {
					if !f.test && strings.Contains(strings.Split(imp, "/")[0], ".") {
						t.Errorf("%s imports %s: events imports the standard library only", f.rel, imp)
					}
				}
				continue
			}
			if ok, why := rule(f.dir, rest); !ok {
				t.Errorf("%s imports %s: %s", f.rel, imp, why)
			}
		}
	}
}

func TestRuleCatchesWrongImports(t *testing.T) {
	for _, tc := range []struct{ from, to string }{
		{"internal/forwarder/app", "functions/forwarder"},
		{"internal/pattern", "infra"},
		{"internal/routes", "cmd/cognito-events"},
		{"events", "internal/sink"},
		{"cmd/cognito-events", "infra"},
		{"functions/forwarder", "functions/trigger"},
		{"internal/trigger", "trigger"},
		{"events", "trigger"},
		{"functions/trigger", "trigger"},
	} {
		if ok, _ := rule(tc.from, tc.to); ok {
			t.Errorf("rule(%q, %q) allows it", tc.from, tc.to)
		}
	}
	for _, tc := range []struct{ from, to string }{
		{"cmd/cognito-events", "internal/routes"},
		{"functions/forwarder", "internal/forwarder/app"},
		{"infra", "internal/config"},
		{"internal/sink", "events"},
		{"trigger", "internal/trigger"},
		{"trigger", "events"},
	} {
		if ok, why := rule(tc.from, tc.to); !ok {
			t.Errorf("rule(%q, %q) refuses it: %s", tc.from, tc.to, why)
		}
	}
}

func TestFunctionFoldersAreThin(t *testing.T) {
	allowed := []string{"main.go", "doc.go"}
	seen := map[string]bool{}
	for _, f := range loadFiles(t) {
		if layer(f.rel) != "functions" {
			continue
		}
		parts := strings.Split(f.rel, "/")
		if len(parts) != 3 {
			t.Errorf("%s: a function's folder has no subfolders; shared code goes under internal/", f.rel)
			continue
		}
		seen[parts[1]] = true
		if !f.test && !slices.Contains(allowed, parts[2]) {
			t.Errorf("%s: functions/<fn>/ holds main.go and doc.go only (plus tests); move it under internal/", f.rel)
		}
	}
	if len(seen) == 0 {
		t.Fatal("no function folders found under functions/")
	}
}

func TestEveryPackageHasDoc(t *testing.T) {
	dirs := map[string]bool{}
	docs := map[string]bool{}
	for _, f := range loadFiles(t) {
		if f.test {
			continue
		}
		dirs[f.dir] = true
		if path.Base(f.rel) == "doc.go" {
			docs[f.dir] = true
		}
	}
	var missing []string
	for d := range dirs {
		if !docs[d] {
			missing = append(missing, d)
		}
	}
	sort.Strings(missing)
	for _, d := range missing {
		t.Errorf("%s: no doc.go saying what the package is for and who uses it", d)
	}
}

func TestNoFileOverMaxLines(t *testing.T) {
	for _, f := range loadFiles(t) {
		if !f.gen && f.lines > MaxLines {
			t.Errorf("%s: %d lines, over %d: split it along what it does", f.rel, f.lines, MaxLines)
		}
	}
}

// commandForbidden are the imports a command's non-test files may not
// have: starting emulators (internal/emulator/...), running functions under
// the local Runtime API (internal/lambdaruntime/...) or child processes
// (os/exec) is a command's work, which lives in an internal package named
// for it (the demo's in internal/demo); the command parses flags, calls and
// prints.
var commandForbidden = []string{"os/exec", module + "/internal/emulator", module + "/internal/lambdaruntime"}

// commandImportProblem says why a non-test file in a command folder may
// not import imp, or "" when it may.
func commandImportProblem(imp string) string {
	for _, p := range commandForbidden {
		if imp == p || strings.HasPrefix(imp, p+"/") {
			return "a command parses flags, calls an internal package and prints; orchestrating processes, emulators or the local Runtime API belongs in that internal package (e.g. internal/demo)"
		}
	}
	return ""
}

func TestCommandsAreThin(t *testing.T) {
	commands := 0
	for _, f := range loadFiles(t) {
		if layer(f.rel) != "cmd" || f.test {
			continue
		}
		commands++
		for _, imp := range f.imports {
			if why := commandImportProblem(imp); why != "" {
				t.Errorf("%s imports %s: %s", f.rel, imp, why)
			}
		}
	}
	if commands == 0 {
		t.Fatal("no command files found under cmd/")
	}
}

func TestCommandRuleCatchesOrchestration(t *testing.T) {
	// What cmd/cognito-events/demo*.go imported before the demo moved to
	// internal/demo.
	for _, imp := range []string{"os/exec", module + "/internal/emulator/motoserver", module + "/internal/lambdaruntime"} {
		if commandImportProblem(imp) == "" {
			t.Errorf("a command may import %s", imp)
		}
	}
	for _, imp := range []string{"net/http", "os", module + "/internal/demo", module + "/internal/lambdaruntimex", module + "/internal/routes"} {
		if why := commandImportProblem(imp); why != "" {
			t.Errorf("a command may not import %s: %s", imp, why)
		}
	}
}
