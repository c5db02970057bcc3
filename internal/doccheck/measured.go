package doccheck

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// The measured-figure convention: a paragraph that calls something
// measured ("measured", "Measured") and holds a figure (a digit) carries
// the command that measured it next to it: in backticks in the paragraph
// or in a table right after it, or in a fenced block right before it. A
// heading is not a paragraph, but a heading that says measured makes the
// paragraph after it claim a measured figure.
var (
	measuredRe = regexp.MustCompile(`(?i)\bmeasured\b`)
	digitRe    = regexp.MustCompile(`\d`)
	codeRe     = regexp.MustCompile("`([^`]+)`")
)

// commandPrefixes start the backticked commands that can measure.
var commandPrefixes = []string{"go test ", "go build ", "go run ", "make ", "scripts/", "/usr/bin/time ", "GODEBUG=", "time ", "valgrind ", "benchstat ", "cognito-events ", "du ", "ls -l", "stat ", "wc "}

// ClaimsMeasured reports whether a paragraph is a measured figure.
func ClaimsMeasured(p Paragraph) bool {
	if IsHeading(p) {
		return false
	}
	return measuredRe.MatchString(p.Text) && digitRe.MatchString(p.Text)
}

// IsHeading reports whether a paragraph is a Markdown heading.
func IsHeading(p Paragraph) bool { return strings.HasPrefix(strings.TrimSpace(p.Text), "#") }

// HeadingSaysMeasured reports whether a heading calls its section
// measured ("### Measured: memory"): the paragraph right after it then
// counts as a measured figure when it holds a digit.
func HeadingSaysMeasured(p Paragraph) bool { return IsHeading(p) && measuredRe.MatchString(p.Text) }

// MeasuringCommands returns the commands next to a paragraph: in backticks
// in its text (its lines joined, so a command may wrap) or in the table
// right after it, and the command lines of the fenced block right before
// it.
func MeasuringCommands(p Paragraph) []string {
	var cmds []string
	for _, text := range []string{p.Text, p.TableAfter} {
		text = strings.Join(strings.Fields(text), " ")
		for _, m := range codeRe.FindAllStringSubmatch(text, -1) {
			if c := strings.TrimSpace(m[1]); isCommand(c) {
				cmds = append(cmds, c)
			}
		}
	}
	for _, l := range p.BlockBefore {
		l, _, _ = strings.Cut(l, " # ")
		if c := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "$ ")); isCommand(c) {
			cmds = append(cmds, c)
		}
	}
	return cmds
}

func isCommand(c string) bool {
	for _, pre := range commandPrefixes {
		if strings.HasPrefix(c, pre) || c == strings.TrimSpace(pre) {
			return true
		}
	}
	return false
}

var (
	benchFlagRe = regexp.MustCompile(`-bench[= ]+('[^']*'|"[^"]*"|\S+)`)
	pkgArgRe    = regexp.MustCompile(`(?:^|\s)(\./[^\s]*)`)
	benchFuncRe = regexp.MustCompile(`(?m)^func (Benchmark\w*)\(`)
	makeTarget  = regexp.MustCompile(`(?m)^([a-zA-Z][\w-]*)\s*:`)
)

// CheckCommand checks that a measuring command names things that exist in
// the repository at root: a go test -bench regexp matches a benchmark of
// each package it names, a scripts/ file exists, a make target is in the
// Makefile.
func CheckCommand(root, cmd string) error {
	fields := strings.Fields(cmd)
	switch {
	case strings.HasPrefix(cmd, "go test "):
		m := benchFlagRe.FindStringSubmatch(cmd)
		if m == nil {
			return nil
		}
		expr := strings.Trim(m[1], `'"`)
		re, err := regexp.Compile(expr)
		if err != nil {
			return fmt.Errorf("%q: -bench %q is not a regexp: %w", cmd, expr, err)
		}
		for _, pm := range pkgArgRe.FindAllStringSubmatch(cmd, -1) {
			pkg := pm[1]
			if strings.HasSuffix(pkg, "...") {
				continue
			}
			names, err := benchmarks(filepath.Join(root, pkg))
			if err != nil {
				return fmt.Errorf("%q: reading package %s: %w", cmd, pkg, err)
			}
			ok := false
			for _, n := range names {
				if re.MatchString(n) {
					ok = true
				}
			}
			if !ok {
				return fmt.Errorf("%q: no benchmark of %s matches -bench %q (it has %v)", cmd, pkg, expr, names)
			}
		}
	case strings.HasPrefix(cmd, "scripts/"):
		if _, err := os.Stat(filepath.Join(root, fields[0])); err != nil {
			return fmt.Errorf("%q: %w", cmd, err)
		}
	case strings.HasPrefix(cmd, "make "):
		mk, err := os.ReadFile(filepath.Join(root, "Makefile"))
		if err != nil {
			return fmt.Errorf("reading Makefile: %w", err)
		}
		targets := map[string]bool{}
		for _, m := range makeTarget.FindAllStringSubmatch(string(mk), -1) {
			targets[m[1]] = true
		}
		for _, f := range fields[1:] {
			if f == "&&" || f == "||" || f == ";" || f == "|" {
				break
			}
			if strings.Contains(f, "=") || strings.HasPrefix(f, "-") {
				continue
			}
			if !targets[f] {
				return fmt.Errorf("%q: the Makefile has no target %q", cmd, f)
			}
		}
	}
	return nil
}

// benchmarks lists the Benchmark functions of a package directory.
func benchmarks(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, err
	}
	var names []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for _, m := range benchFuncRe.FindAllStringSubmatch(string(b), -1) {
			names = append(names, m[1])
		}
	}
	return names, nil
}
