package routes

import (
	"encoding/json"
	"strings"
	"testing"
)

// orgCDK is a cdk.json with an organization of two listed accounts (no
// OU) in two regions, a route for every member and one for one account.
const orgCDK = `{"context": {"cognito-events": {
  "regions": ["us-east-1"],
  "organization": {"hub": {"account": "111111111111", "region": "us-east-1"}, "orgId": "o-a1b2c3d4e5",
    "members": {"accounts": ["222222222222", "333333333333"], "regions": ["us-east-1", "eu-west-1"]}},
  "routes": [
    {"name": "users", "selection": {"operations": ["users"]}, "sink": {"kind": "http", "url": "https://example.com/hook"}},
    {"name": "users-of-one", "selection": {"operations": ["AdminCreateUser"], "accounts": ["333333333333"]}, "sink": {"kind": "http", "url": "https://example.com/hook"}}
  ]}}}`

// TestFromConfigOrganization: with an organization every hub route carries
// the member rule, and Match takes an envelope through the hub's admission
// and the member rule before the route's own rules.
func TestFromConfigOrganization(t *testing.T) {
	rs, err := FromConfig([]byte(orgCDK))
	if err != nil {
		t.Fatalf("FromConfig: %v", err)
	}
	if len(rs) != 2 || rs[0].Member == nil || rs[1].Member != rs[0].Member {
		t.Fatalf("routes %+v: want two sharing one member rule", summarize(rs))
	}
	env := readFile(t, "../../testdata/envelopes/AdminCreateUser.json")
	from := func(account, region string) []byte {
		var m map[string]any
		if err := json.Unmarshal(env, &m); err != nil {
			t.Fatal(err)
		}
		m["account"], m["region"] = account, region
		b, _ := json.Marshal(m)
		return b
	}
	tests := []struct {
		name, account, region string
		users, usersOfOne     string // "" for MATCH, else a part of the reason
	}{
		{"member account", "222222222222", "eu-west-1", "", "account: want"},
		{"the selected account", "333333333333", "us-east-1", "", ""},
		{"account outside the organization configuration", "444444444444", "eu-west-1", "not forwarded to the hub: account \"444444444444\"", "not forwarded to the hub"},
		{"region without the member rule", "222222222222", "ap-south-1", "not forwarded to the hub: region \"ap-south-1\"", "not forwarded to the hub"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := from(tt.account, tt.region)
			for i, want := range []string{tt.users, tt.usersOfOne} {
				res, err := rs[i].Match(ev)
				if err != nil {
					t.Fatal(err)
				}
				if want == "" && !res.Matched || want != "" && (res.Matched || !strings.Contains(res.Reason, want)) {
					t.Errorf("%s: matched %v, reason %q; want %q", rs[i].Name, res.Matched, res.Reason, want)
				}
			}
		})
	}
	t.Run("member rule refuses what no route selects", func(t *testing.T) {
		ev := from("222222222222", "us-east-1")
		ev = []byte(strings.Replace(string(ev), `"AdminCreateUser"`, `"CreateUserPoolClient"`, 1))
		ok, why, err := rs[0].Member.Forwards(ev)
		if err != nil || ok || !strings.HasPrefix(why, "member rule: detail.eventName") {
			t.Errorf("Forwards: %v %q %v", ok, why, err)
		}
	})
}
