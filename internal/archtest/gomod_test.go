package archtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// requirement is one module of go.mod's require blocks.
type requirement struct {
	path     string
	indirect bool
}

// readRequirements parses the require lines of go.mod (both the block and
// the one-line form).
func readRequirements(tb testing.TB, root string) []requirement {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		tb.Fatalf("reading go.mod: %v", err)
	}
	var reqs []requirement
	inBlock := false
	for _, line := range strings.Split(string(b), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "require (":
			inBlock = true
			continue
		case inBlock && t == ")":
			inBlock = false
			continue
		case strings.HasPrefix(t, "require "):
			t = strings.TrimPrefix(t, "require ")
		case !inBlock:
			continue
		}
		f := strings.Fields(t)
		if len(f) < 2 {
			continue
		}
		reqs = append(reqs, requirement{path: f[0], indirect: strings.Contains(t, "// indirect")})
	}
	return reqs
}

// TestDirectDependenciesNotIndirect: a module this module's code imports
// is a direct requirement, so go.mod must not mark it "// indirect" (as
// go mod tidy would not).
func TestDirectDependenciesNotIndirect(t *testing.T) {
	root := repoRoot(t)
	reqs := readRequirements(t, root)
	if len(reqs) < 10 {
		t.Fatalf("read %d requirements from go.mod: the parser is broken", len(reqs))
	}
	seen := map[string]bool{}
	for _, f := range loadFiles(t) {
		for _, ip := range f.imports {
			// the longest module path that is a prefix of the import
			var best requirement
			for _, r := range reqs {
				if (ip == r.path || strings.HasPrefix(ip, r.path+"/")) && len(r.path) > len(best.path) {
					best = r
				}
			}
			if best.path != "" && best.indirect && !seen[best.path] {
				seen[best.path] = true
				t.Errorf("%s imports %s, but go.mod marks %s as // indirect: move it to the direct requirements", f.rel, ip, best.path)
			}
		}
	}
}
