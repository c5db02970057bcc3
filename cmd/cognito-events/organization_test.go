package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// orgCDKJSON is a cdk.json of a hub with one OU and one listed account in
// two regions, and two routes, one of them for one account.
const orgCDKJSON = `{"context": {"cognito-events": {
  "regions": ["us-east-1"],
  "organization": {"hub": {"account": "111111111111", "region": "us-east-1"}, "orgId": "o-a1b2c3d4e5",
    "members": {"accounts": ["222222222222", "333333333333"], "regions": ["us-east-1", "eu-west-1"]}},
  "routes": [
    {"name": "users", "selection": {"operations": ["users"]}, "sink": {"kind": "http", "url": "https://example.com/hook"}},
    {"name": "users-of-one", "selection": {"operations": ["AdminCreateUser"], "accounts": ["333333333333"]}, "sink": {"kind": "http", "url": "https://example.com/hook"}}
  ]}}}`

// TestPatternsAndMatchOrganization: patterns prints the member rule before
// the hub's routes; match takes member envelopes through the member rule
// and the hub's admission, then the hub's rules.
func TestPatternsAndMatchOrganization(t *testing.T) {
	dir := t.TempDir()
	cdk := filepath.Join(dir, "cdk.json")
	if err := os.WriteFile(cdk, []byte(orgCDKJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", "patterns", "--config", cdk)
	if code != exitOK {
		t.Fatalf("patterns: exit %d: %s", code, errOut)
	}
	blocks := patternBlocks(t, out)
	if len(blocks) != 3 || !strings.HasPrefix(blocks[0].header, "member rule cognito-events-member\naccounts 222222222222, 333333333333\nregions us-east-1, eu-west-1\ntarget bus cognito-events-hub in 111111111111/us-east-1\nstate ENABLED") {
		t.Fatalf("patterns output:\n%s", out)
	}
	if !strings.Contains(blocks[2].header, "route users-of-one\nregion us-east-1\nbus cognito-events-hub") {
		t.Errorf("hub route block:\n%s", blocks[2].header)
	}
	if p, _ := blocks[2].pattern.(map[string]any); !jsonEqualAny(p["account"], []any{"333333333333"}) {
		t.Errorf("users-of-one pattern account %v", p["account"])
	}

	env, err := os.ReadFile(repoFile("testdata", "envelopes", "AdminCreateUser.json"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, from := range [][2]string{{"222222222222", "eu-west-1"}, {"333333333333", "us-east-1"}, {"444444444444", "eu-west-1"}} {
		var m map[string]any
		if err := json.Unmarshal(env, &m); err != nil {
			t.Fatal(err)
		}
		m["account"], m["region"] = from[0], from[1]
		b, _ := json.Marshal(m)
		lines = append(lines, string(b))
	}
	code, out, errOut = runCLI(t, strings.Join(lines, "\n")+"\n", "match", "--config", cdk)
	if code != exitOK {
		t.Fatalf("match: exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"record 1 (line 1): AdminCreateUser",
		"  users (us-east-1): MATCH\n  users-of-one (us-east-1): no match: account:",
		"record 2 (line 2): AdminCreateUser",
		"  users (us-east-1): MATCH\n  users-of-one (us-east-1): MATCH",
		"  users (us-east-1): no match: not forwarded to the hub: account \"444444444444\" is not in organization.members.accounts",
		"3 records: 2 matched a route, 1 matched none, 0 unreadable",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("match output lacks %q:\n%s", want, out)
		}
	}
}

func jsonEqualAny(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
