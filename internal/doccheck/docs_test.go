package doccheck

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// root is the repository, from this package's folder.
const root = "../.."

// docFiles returns README.md and docs/*.md, relative to root.
func docFiles(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		tb.Fatalf("listing docs: %v", err)
	}
	out := []string{"README.md"}
	for _, f := range files {
		r, err := filepath.Rel(root, f)
		if err != nil {
			tb.Fatalf("naming %s: %v", f, err)
		}
		out = append(out, filepath.ToSlash(r))
	}
	sort.Strings(out[1:])
	return out
}

func readDoc(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		tb.Fatalf("reading %s: %v", name, err)
	}
	return string(b)
}

// parsedDocs parses every doc once.
func parsedDocs(tb testing.TB) (map[string]string, []Block, []Paragraph) {
	tb.Helper()
	texts := map[string]string{}
	var blocks []Block
	var paras []Paragraph
	for _, f := range docFiles(tb) {
		texts[f] = readDoc(tb, f)
		b, p := ParseMarkdown(f, texts[f])
		blocks = append(blocks, b...)
		paras = append(paras, p...)
	}
	return texts, blocks, paras
}

// TestMeasuredFiguresCarryTheirCommand: a paragraph that calls a figure
// measured names, in backticks, the command that measured it, and that
// command names a benchmark, script or make target that exists.
func TestMeasuredFiguresCarryTheirCommand(t *testing.T) {
	_, _, paras := parsedDocs(t)
	n := 0
	for i, p := range paras {
		afterHeading := i > 0 && paras[i-1].File == p.File && HeadingSaysMeasured(paras[i-1]) && digitRe.MatchString(p.Text)
		if !ClaimsMeasured(p) && !afterHeading {
			continue
		}
		n++
		cmds := MeasuringCommands(p)
		if len(cmds) == 0 {
			t.Errorf("%s:%d: a measured figure without the command that measured it in the same paragraph (in backticks: `go test -run '^$' -bench X ./pkg`, `scripts/...`, `make bench`, ...; see docs/architecture.md, \"Docs that stay true\"): %.120q", p.File, p.Line, p.Text)
			continue
		}
		for _, c := range cmds {
			if err := CheckCommand(root, c); err != nil {
				t.Errorf("%s:%d: %v", p.File, p.Line, err)
			}
		}
	}
	if n == 0 {
		t.Fatal("no paragraph of the docs claims a measured figure: the parser is broken")
	}
}

// TestShellBlocksAreMarked: every fenced block of shell commands says
// whether the doc test runs it.
func TestShellBlocksAreMarked(t *testing.T) {
	_, blocks, _ := parsedDocs(t)
	shell := 0
	for _, b := range blocks {
		if b.MarkerErr != nil {
			t.Errorf("%s: %v", b.Where(), b.MarkerErr)
			continue
		}
		if !b.IsShell() {
			if b.Marker != nil {
				t.Errorf("%s: a doc-test marker on a block that holds no shell commands (info %q, first line %q)", b.Where(), b.Info, b.FirstLine())
			}
			continue
		}
		shell++
		if b.Marker == nil {
			t.Errorf("%s: a shell block without a doc-test marker: put <!-- doc-test: run -->, <!-- doc-test: aws --> or <!-- doc-test: skip REASON --> on the line before the fence (docs/architecture.md, \"Docs that stay true\"); first line %q", b.Where(), b.FirstLine())
		}
	}
	if shell == 0 {
		t.Fatal("no shell block found in the docs: the parser is broken")
	}
}
