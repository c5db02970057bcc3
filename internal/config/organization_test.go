package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/timbray/quamina"

	"github.com/cognito-events/cognito-events/internal/pattern"
)

// orgTop is an organization with one OU, two accounts outside it and two
// member regions; orgAccountsOnly has no OU, so only its two accounts are
// admitted.
const (
	orgTop = `{"organization": {"hub": {"account": "111111111111", "region": "us-east-1"}, "orgId": "o-a1b2c3d4e5",
	  "members": {"organizationalUnits": ["ou-ab12-cd34ef56"], "accounts": ["222222222222", "333333333333"], "regions": ["us-east-1", "eu-west-1"]}}}`
	orgAccountsOnly = `{"organization": {"hub": {"account": "111111111111", "region": "us-east-1"}, "orgId": "o-a1b2c3d4e5",
	  "members": {"accounts": ["222222222222", "333333333333"], "regions": ["us-east-1", "eu-west-1"]}}}`
)

func withOrg(tb testing.TB, org, route string) string {
	tb.Helper()
	return patch(tb, org, route)
}

func TestOrganizationValid(t *testing.T) {
	c, err := Parse([]byte(withOrg(t, orgTop, `{"selection": {"operations": ["app-clients"], "accounts": ["444444444444"], "userPoolIds": ["eu-west-1_AbCdEfGhI"]}}`)))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if got := c.Organization.BusName(); got != DefaultOrganizationBus {
		t.Errorf("bus %q, want the default", got)
	}
	p, err := c.Routes[0].Pattern()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(p.JSON()), `{"source":["aws.cognito-idp"],"account":["444444444444"],`) {
		t.Errorf("pattern %s: want the selected account", p.JSON())
	}
}

// TestNoOrganizationNoAccount: without organization no pattern names an
// account (the golden files hold the rest).
func TestNoOrganizationNoAccount(t *testing.T) {
	c, err := Parse([]byte(valid))
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Routes[0].Pattern()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(p.JSON()), `"account"`) || c.Organization != nil {
		t.Errorf("pattern %s", p.JSON())
	}
	if _, err := c.MemberRule(); err == nil {
		t.Error("MemberRule without organization: no error")
	}
}

func TestOrganizationInvalid(t *testing.T) {
	org := func(o string) string { return `{"organization": ` + o + `}` }
	hub := `"hub": {"account": "111111111111", "region": "us-east-1"}, "orgId": "o-a1b2c3d4e5"`
	tests := []struct {
		name, top, route, want string
	}{
		{"hub account", org(`{"hub": {"account": "1111", "region": "us-east-1"}, "orgId": "o-a1b2c3d4e5", "members": {"accounts": ["222222222222"], "regions": ["us-east-1"]}}`), "", "organization.hub.account: \"1111\""},
		{"hub region", org(`{"hub": {"account": "111111111111", "region": "mars-1"}, "orgId": "o-a1b2c3d4e5", "members": {"accounts": ["222222222222"], "regions": ["us-east-1"]}}`), "", "organization.hub.region: \"mars-1\""},
		{"regions not the hub's", org(`{"hub": {"account": "111111111111", "region": "eu-west-1"}, "orgId": "o-a1b2c3d4e5", "members": {"accounts": ["222222222222"], "regions": ["us-east-1"]}}`), "", "regions must be exactly [\"eu-west-1\"]"},
		{"org id", org(`{"hub": {"account": "111111111111", "region": "us-east-1"}, "orgId": "org-1", "members": {"accounts": ["222222222222"], "regions": ["us-east-1"]}}`), "", "organization.orgId: \"org-1\""},
		{"no members", org(`{` + hub + `, "members": {"regions": ["us-east-1"]}}`), "", "organization.members: list organizationalUnits, accounts or both"},
		{"ou shape", org(`{` + hub + `, "members": {"organizationalUnits": ["ou-1"], "regions": ["us-east-1"]}}`), "", "organization.members.organizationalUnits[0]: \"ou-1\""},
		{"ou twice", org(`{` + hub + `, "members": {"organizationalUnits": ["ou-ab12-cd34ef56", "ou-ab12-cd34ef56"], "regions": ["us-east-1"]}}`), "", "organizationalUnits[1]: \"ou-ab12-cd34ef56\" is listed twice"},
		{"member account shape", org(`{` + hub + `, "members": {"accounts": ["22222222222x"], "regions": ["us-east-1"]}}`), "", "organization.members.accounts[0]: \"22222222222x\""},
		{"member is the hub", org(`{` + hub + `, "members": {"accounts": ["111111111111"], "regions": ["us-east-1"]}}`), "", "is the hub's account"},
		{"no member region", org(`{` + hub + `, "members": {"accounts": ["222222222222"]}}`), "", "organization.members.regions: at least one region"},
		{"member region", org(`{` + hub + `, "members": {"accounts": ["222222222222"], "regions": ["moon"]}}`), "", "organization.members.regions[0]: \"moon\""},
		{"bus", org(`{` + hub + `, "members": {"accounts": ["222222222222"], "regions": ["us-east-1"]}, "bus": "default"}`), "", "organization.bus: \"default\""},
		{"unknown key", org(`{` + hub + `, "members": {"accounts": ["222222222222"], "regions": ["us-east-1"]}, "buss": "x"}`), "", "buss"},
		{"accounts without organization", "", `{"selection": {"operations": ["app-clients"], "accounts": ["222222222222"]}}`, "route \"app-clients\": selection.accounts: applies only with organization"},
		{"account shape", orgTop, `{"selection": {"operations": ["app-clients"], "accounts": ["2222"]}}`, "route \"app-clients\": selection.accounts[0]: \"2222\""},
		{"account twice", orgTop, `{"selection": {"operations": ["app-clients"], "accounts": ["222222222222", "222222222222"]}}`, "selection.accounts[1]: \"222222222222\" is listed twice"},
		{"account never forwards", orgAccountsOnly, `{"selection": {"operations": ["app-clients"], "accounts": ["444444444444"]}}`, "selection.accounts[0]: \"444444444444\" is not in organization.members.accounts"},
		{"pool outside member regions", orgTop, `{"selection": {"operations": ["app-clients"], "userPoolIds": ["ap-south-1_AbCdEfGhI"]}}`, "selection.userPoolIds[0]"},
		{"lookup in the hub", orgTop, `{"poolResolution": {"lookup": true}}`, "route \"app-clients\": poolResolution.lookup: with organization"},
		{"enrich in the hub", orgTop, `{"enrich": {"user": true}}`, "route \"app-clients\": enrich.user: with organization"},
		{"member pools without organization", "", `{"sync": {"memberPools": ["arn:aws:cognito-idp:eu-west-1:222222222222:userpool/eu-west-1_AbCdEfGhI"]}}`, "sync.memberPools and sync.discoverMemberPools: apply only with organization"},
		{"member pool ARN", orgTop, `{"sync": {"memberPools": ["eu-west-1_AbCdEfGhI"]}}`, "route \"app-clients\": sync.memberPools[0]: \"eu-west-1_AbCdEfGhI\" is not a user pool ARN"},
		{"member pool twice", orgTop, `{"sync": {"memberPools": ["arn:aws:cognito-idp:eu-west-1:222222222222:userpool/eu-west-1_AbCdEfGhI", "arn:aws:cognito-idp:eu-west-1:222222222222:userpool/eu-west-1_AbCdEfGhI"]}}`, "sync.memberPools[1]: \"arn:aws:cognito-idp:eu-west-1:222222222222:userpool/eu-west-1_AbCdEfGhI\" is listed twice"},
		{"member pool in the hub", orgTop, `{"sync": {"memberPools": ["arn:aws:cognito-idp:us-east-1:111111111111:userpool/us-east-1_AbCdEfGhI"]}}`, "is in the hub's account"},
		{"member pool outside member regions", orgTop, `{"sync": {"memberPools": ["arn:aws:cognito-idp:ap-south-1:222222222222:userpool/ap-south-1_AbCdEfGhI"]}}`, "region \"ap-south-1\" is not in organization.members.regions"},
		{"discovery without organization", "", `{"sync": {"discoverMemberPools": true}}`, "sync.memberPools and sync.discoverMemberPools: apply only with organization"},
		{"member pool of an account never admitted", orgAccountsOnly, `{"sync": {"memberPools": ["arn:aws:cognito-idp:eu-west-1:444444444444:userpool/eu-west-1_AbCdEfGhI"]}}`, "account \"444444444444\" is not in organization.members.accounts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(patch(t, tt.top, tt.route)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

// orgRoutes are hub routes: every member's users, app clients of two
// accounts with failed calls, and hosted-UI events of one account.
const orgRoutes = `[
  {"name": "users", "selection": {"operations": ["users"]}, "sink": {"kind": "http", "url": "https://example.com/hook"}},
  {"name": "clients-of-two", "selection": {"operations": ["app-clients"], "accounts": ["222222222222", "333333333333"], "includeFailed": true}, "sink": {"kind": "http", "url": "https://example.com/hook"}},
  {"name": "hosted-ui-of-one", "selection": {"operations": ["hosted-ui"], "includeHostedUI": true, "accounts": ["333333333333"]}, "sink": {"kind": "http", "url": "https://example.com/hook"}}
]`

// rawQuamina holds the given patterns (no "$or") under name.
func rawQuamina(tb testing.TB, patterns ...[]byte) *quamina.Quamina {
	tb.Helper()
	q, err := quamina.New()
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range patterns {
		if err := q.AddPattern("p", string(p)); err != nil {
			tb.Fatalf("adding %s: %v", p, err)
		}
	}
	return q
}

func quaminaMatches(tb testing.TB, q *quamina.Quamina, ev []byte) bool {
	tb.Helper()
	m, err := q.MatchesForEvent(ev)
	if err != nil {
		tb.Fatalf("quamina: %v", err)
	}
	return len(m) > 0
}

// TestOrganizationRouting: every envelope of testdata, sent from member
// and non-member accounts and regions, is matched by quamina (an
// independent matcher) first on the member rule, then on the hub's rules.
// It reaches exactly the routes whose selection names its account (or
// none), among those whose pattern without accounts matches it; the
// member rule never drops an event a hub route selects; an account or
// region outside the organization configuration reaches nothing.
func TestOrganizationRouting(t *testing.T) {
	paths, err := filepath.Glob("../../testdata/envelopes/*.json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("envelopes: %v (%d)", err, len(paths))
	}
	for _, top := range []string{orgTop, orgAccountsOnly} {
		var m map[string]any
		if err := json.Unmarshal([]byte(patch(t, top, "")), &m); err != nil {
			t.Fatal(err)
		}
		var routes any
		if err := json.Unmarshal([]byte(orgRoutes), &routes); err != nil {
			t.Fatal(err)
		}
		m["routes"] = routes
		raw, _ := json.Marshal(m)
		c, err := Parse(raw)
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		member, err := c.MemberRule()
		if err != nil {
			t.Fatalf("MemberRule: %v", err)
		}
		if len(member.Pattern) > MaxPatternSize {
			t.Errorf("member pattern of %d characters", len(member.Pattern))
		}
		if _, err := pattern.Compile(member.Pattern); err != nil {
			t.Errorf("member pattern %s: %v", member.Pattern, err)
		}
		memberQ := rawQuamina(t, member.Expanded...)
		hub := map[string]*quamina.Quamina{}
		base := map[string]*quamina.Quamina{} // the route's pattern with no accounts
		for i := range c.Routes {
			r := &c.Routes[i]
			ps, err := r.Rules()
			if err != nil {
				t.Fatal(err)
			}
			var all, plain [][]byte
			for _, p := range ps {
				if len(p.JSON()) > MaxPatternSize {
					t.Errorf("route %s: pattern of %d characters", r.Name, len(p.JSON()))
				}
				all = append(all, p.Expanded()...)
				q := *p
				q.Account = nil
				plain = append(plain, q.Expanded()...)
			}
			hub[r.Name], base[r.Name] = rawQuamina(t, all...), rawQuamina(t, plain...)
		}
		accounts := []string{"222222222222", "333333333333", "444444444444"}
		var reached, refused int
		for _, path := range paths {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var env map[string]any
			if err := json.Unmarshal(data, &env); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			for _, region := range []string{"eu-west-1", "ap-south-1"} {
				for _, account := range accounts {
					env["account"], env["region"] = account, region
					ev, _ := json.Marshal(env)
					admitted, why := c.Organization.Admits(account, region)
					forwarded := admitted && quaminaMatches(t, memberQ, ev)
					var got, want []string
					for _, r := range c.Routes {
						if forwarded && quaminaMatches(t, hub[r.Name], ev) {
							got = append(got, r.Name)
						}
						if admitted && quaminaMatches(t, base[r.Name], ev) && (len(r.Selection.Accounts) == 0 || slices.Contains(r.Selection.Accounts, account)) {
							want = append(want, r.Name)
						}
					}
					name := filepath.Base(path) + " from " + account + " in " + region
					if !slices.Equal(got, want) {
						t.Errorf("%s: reached %v, want %v (admitted %v %s, member rule %v)", name, got, want, admitted, why, forwarded)
					}
					if !admitted && len(got) > 0 {
						t.Errorf("%s: not admitted (%s) but reached %v", name, why, got)
					}
					if len(got) > 0 {
						reached++
					} else if !admitted {
						refused++
					}
				}
			}
		}
		if reached == 0 || refused == 0 {
			t.Errorf("degenerate corpus: %d envelopes reached a route, %d were refused", reached, refused)
		}
		t.Logf("%d reached a route, %d refused at the hub bus", reached, refused)
	}
}

// TestMemberRuleUnion: the member rule names the union of the routes'
// operations and detail-types, keeps the failed-call filter only when no
// route includes failed calls, names accounts only when every route
// selects some, and takes the widest rule state.
func TestMemberRuleUnion(t *testing.T) {
	build := func(routes string) *MemberRule {
		var m map[string]any
		if err := json.Unmarshal([]byte(patch(t, orgTop, "")), &m); err != nil {
			t.Fatal(err)
		}
		var rs any
		if err := json.Unmarshal([]byte(routes), &rs); err != nil {
			t.Fatal(err)
		}
		m["routes"] = rs
		raw, _ := json.Marshal(m)
		c, err := Parse(raw)
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		mr, err := c.MemberRule()
		if err != nil {
			t.Fatalf("MemberRule: %v", err)
		}
		return mr
	}
	sink := `"sink": {"kind": "http", "url": "https://example.com/hook"}`
	t.Run("accounts of every route", func(t *testing.T) {
		mr := build(`[{"name": "a", "selection": {"operations": ["AdminCreateUser"], "accounts": ["333333333333"]}, ` + sink + `},
		              {"name": "b", "selection": {"operations": ["AdminDeleteUser"], "accounts": ["222222222222"]}, ` + sink + `}]`)
		want := `{"source":["aws.cognito-idp"],"account":["222222222222","333333333333"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventSource":["cognito-idp.amazonaws.com"],"eventName":["AdminCreateUser","AdminDeleteUser"],"$or":[{"errorCode":[{"exists":false}]},{"errorCode":[""]}]}}`
		if string(mr.Pattern) != want || mr.State != "ENABLED" {
			t.Errorf("got %s %s\nwant %s", mr.Pattern, mr.State, want)
		}
	})
	t.Run("one route for every account, read-only and failed calls", func(t *testing.T) {
		mr := build(`[{"name": "a", "selection": {"operations": ["AdminCreateUser"], "accounts": ["333333333333"]}, ` + sink + `},
		              {"name": "b", "selection": {"operations": ["AdminGetUser"], "includeReadOnly": true, "includeFailed": true}, ` + sink + `}]`)
		want := `{"source":["aws.cognito-idp"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventSource":["cognito-idp.amazonaws.com"],"eventName":["AdminCreateUser","AdminGetUser"]}}`
		if string(mr.Pattern) != want || mr.State != RuleStateAllManagementEvents {
			t.Errorf("got %s %s\nwant %s", mr.Pattern, mr.State, want)
		}
	})
}

// TestMemberPoolsSync: a hub route whose sync reads only member pools
// gives the function SYNC_MEMBER_POOLS, no pool of its own to discover,
// and sts:AssumeRole on exactly the members' reader roles.
func TestMemberPoolsSync(t *testing.T) {
	a := "arn:aws:cognito-idp:eu-west-1:222222222222:userpool/eu-west-1_AbCdEfGhI"
	b := "arn:aws:cognito-idp:eu-west-1:222222222222:userpool/eu-west-1_ZyXwVuTsR"
	c, err := Parse([]byte(patch(t, orgTop, `{"name": "member-sync", "selection": {}, "sync": {"memberPools": ["`+a+`", "`+b+`"]}}`)))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	r := &c.Routes[0]
	env := r.SyncEnvironment("us-east-1")
	if env[EnvSyncMemberPools] != a+","+b || env[EnvSyncUserPoolIDs] != "" {
		t.Errorf("environment %v", env)
	}
	var assume []Statement
	for _, st := range r.SyncStatements("us-east-1") {
		if strings.HasPrefix(st.Actions[0], "cognito-idp:") {
			t.Errorf("statement %+v: the hub's own pools are not read", st)
		}
		if st.Sid == SidAssumeMemberReader {
			assume = append(assume, st)
		}
	}
	want := "arn:${AWS::Partition}:iam::222222222222:role/cognito-events-sync-reader-eu-west-1"
	if len(assume) != 1 || len(assume[0].Resources) != 1 || assume[0].Resources[0] != want || assume[0].Actions[0] != "sts:AssumeRole" {
		t.Errorf("assume statements %+v, want sts:AssumeRole on %s only", assume, want)
	}
}

// TestDiscoverMemberPoolsSync: discovery reads every listed member account
// in every member region, and may assume exactly those reader roles.
func TestDiscoverMemberPoolsSync(t *testing.T) {
	c, err := Parse([]byte(patch(t, orgTop, `{"name": "member-sync", "selection": {}, "sync": {"discoverMemberPools": true}}`)))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	r := &c.Routes[0]
	env := r.SyncEnvironment("us-east-1")
	if want := "aws:222222222222:us-east-1,aws:222222222222:eu-west-1,aws:333333333333:us-east-1,aws:333333333333:eu-west-1"; env[EnvSyncMemberDiscover] != want {
		t.Errorf("%s = %q, want %q", EnvSyncMemberDiscover, env[EnvSyncMemberDiscover], want)
	}
	var roles []string
	for _, st := range r.SyncStatements("us-east-1") {
		if strings.HasPrefix(st.Actions[0], "cognito-idp:") {
			t.Errorf("statement %+v: the hub's own pools are not read", st)
		}
		if st.Sid == SidAssumeMemberReader {
			roles = append(roles, st.Resources...)
		}
	}
	if len(roles) != 4 || roles[0] != "arn:${AWS::Partition}:iam::222222222222:role/cognito-events-sync-reader-us-east-1" {
		t.Errorf("assumable roles %v", roles)
	}
}

// TestDiscoverUnitPoolsSync: with organizational units only, discovery
// gives the function each unit in each member region (SYNC_MEMBER_UNITS),
// the Organizations list actions, and sts:AssumeRole on the member
// regions' reader roles of accounts under the units only.
func TestDiscoverUnitPoolsSync(t *testing.T) {
	units := `{"organization": {"hub": {"account": "111111111111", "region": "us-east-1"}, "orgId": "o-a1b2c3d4e5",
	  "members": {"organizationalUnits": ["ou-ab12-cd34ef56", "r-ab12"], "regions": ["us-east-1", "eu-west-1"]}}}`
	c, err := Parse([]byte(patch(t, units, `{"name": "member-sync", "selection": {}, "sync": {"discoverMemberPools": true}}`)))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	r := &c.Routes[0]
	env := r.SyncEnvironment("us-east-1")
	if want := "aws:ou-ab12-cd34ef56:us-east-1,aws:ou-ab12-cd34ef56:eu-west-1,aws:r-ab12:us-east-1,aws:r-ab12:eu-west-1"; env[EnvSyncMemberUnits] != want || env[EnvSyncMemberDiscover] != "" {
		t.Errorf("%s = %q (want %q), %s = %q (want none)", EnvSyncMemberUnits, env[EnvSyncMemberUnits], want, EnvSyncMemberDiscover, env[EnvSyncMemberDiscover])
	}
	got := map[string]Statement{}
	for _, st := range r.SyncStatements("us-east-1") {
		if strings.HasPrefix(st.Actions[0], "cognito-idp:") || st.Sid == SidAssumeMemberReader {
			t.Errorf("statement %+v: no own pool and no listed account", st)
		}
		got[st.Sid] = st
	}
	assume := got[SidAssumeUnitReader]
	wantRoles := []string{"arn:${AWS::Partition}:iam::*:role/cognito-events-sync-reader-us-east-1", "arn:${AWS::Partition}:iam::*:role/cognito-events-sync-reader-eu-west-1"}
	if !slices.Equal(assume.Actions, []string{"sts:AssumeRole"}) || !slices.Equal(assume.Resources, wantRoles) {
		t.Errorf("assume statement %+v, want sts:AssumeRole on %v", assume, wantRoles)
	}
	wantPaths := []string{"o-a1b2c3d4e5/*/ou-ab12-cd34ef56/*", "o-a1b2c3d4e5/r-ab12/*"}
	if len(assume.Conditions) != 1 || assume.Conditions[0].Test != "ForAnyValue:StringLike" || assume.Conditions[0].Key != "aws:ResourceOrgPaths" || !slices.Equal(assume.Conditions[0].Values, wantPaths) {
		t.Errorf("assume conditions %+v, want aws:ResourceOrgPaths like %v", assume.Conditions, wantPaths)
	}
	list := got[SidListUnitAccounts]
	if !slices.Equal(list.Actions, []string{"organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent"}) || !slices.Equal(list.Resources, []string{"*"}) {
		t.Errorf("organizations statement %+v", list)
	}
}
