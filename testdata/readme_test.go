package testdata

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var sentinels = []string{"ErrNotJSON", "ErrNotCloudTrail", "ErrSkip", "ErrMissingField"}

func TestMalformedREADME(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(dirMalformed, "README.md"))
	if err != nil {
		t.Fatalf("reading %s/README.md: %v", dirMalformed, err)
	}
	lines := strings.Split(string(readme), "\n")
	paths, err := filepath.Glob(filepath.Join(dirMalformed, "*"))
	if err != nil {
		t.Fatalf("listing %s: %v", dirMalformed, err)
	}
	for _, path := range paths {
		name := filepath.Base(path)
		if name == "README.md" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			var line string
			for _, l := range lines {
				if strings.Contains(l, "`"+name+"`") {
					line = l
					break
				}
			}
			if line == "" {
				t.Fatalf("README.md has no line naming `%s`", name)
			}
			n := 0
			for _, s := range sentinels {
				if strings.Contains(line, s) {
					n++
				}
			}
			if n != 1 {
				t.Errorf("README.md line %q names %d sentinels, want exactly one of %v", line, n, sentinels)
			}
		})
	}
}

func TestREADMEListsEveryFixture(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatalf("reading README.md: %v", err)
	}
	for _, dir := range []string{dirEnvelopes, dirRecords} {
		for _, path := range jsonFiles(t, dir) {
			name := filepath.Base(path)
			if !bytes.Contains(readme, []byte("`"+name+"`")) {
				t.Errorf("README.md does not list `%s` (%s)", name, dir)
			}
		}
	}
}
