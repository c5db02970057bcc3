package main

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestFeatureFlags: cdk.json carries every feature flag a new CDK app gets
// for the pinned aws-cdk-lib (its recommended-feature-flags.json, inside
// the Go module's jsii tarball), with the recommended value, so that
// synth has no unconfigured flag to warn about.
func TestFeatureFlags(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}} {{.Version}}", "github.com/aws/aws-cdk-go/awscdk/v2").Output()
	if err != nil {
		t.Fatalf("locating the awscdk module: %v", err)
	}
	dir, version, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	f, err := os.Open(filepath.Join(dir, "jsii", "aws-cdk-lib-"+strings.TrimPrefix(version, "v")+".tgz"))
	if err != nil {
		t.Fatalf("opening the jsii tarball: %v", err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var recommended map[string]any
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("reading the tarball: %v", err)
		}
		if h.Name == "package/recommended-feature-flags.json" {
			if err := json.NewDecoder(tr).Decode(&recommended); err != nil {
				t.Fatalf("decoding %s: %v", h.Name, err)
			}
			break
		}
	}
	if len(recommended) < 50 {
		t.Fatalf("found %d recommended flags in aws-cdk-lib %s", len(recommended), version)
	}
	data, err := os.ReadFile(filepath.Join("..", "cdk.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cdk struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(data, &cdk); err != nil {
		t.Fatalf("decoding cdk.json: %v", err)
	}
	for flag, want := range recommended {
		got, ok := cdk.Context[flag]
		if !ok {
			t.Errorf("cdk.json lacks %s (recommended %v)", flag, want)
		} else if !reflect.DeepEqual(got, want) {
			t.Errorf("cdk.json sets %s to %v, recommended %v", flag, got, want)
		}
	}
}
