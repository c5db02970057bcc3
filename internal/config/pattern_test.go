package config

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/timbray/quamina"
)

var update = flag.Bool("update", false, "rewrite the golden pattern files in testdata/patterns")

// How the generated patterns are evaluated here.
//
// quamina v0.3.0 implements EventBridge's exact-value, exists and
// anything-but matching, but not "$or". A pattern with
//
//	"detail": {..., "$or": [A, B]}
//
// matches an event exactly when one of the patterns "detail": {..., A} or
// "detail": {..., B} does (EventBridge documents "$or" as that union). So
// Pattern.Alternatives expands the "$or" into one pattern per alternative,
// and newMatcher adds them all under the same name, which quamina ORs.

// newMatcher returns a quamina matcher holding p's alternatives.
func newMatcher(tb testing.TB, ps ...*Pattern) *quamina.Quamina {
	tb.Helper()
	q, err := quamina.New()
	if err != nil {
		tb.Fatalf("creating quamina: %v", err)
	}
	for _, p := range ps {
		for _, alt := range p.Expanded() {
			if err := q.AddPattern("route", string(alt)); err != nil {
				tb.Fatalf("adding pattern %s: %v", alt, err)
			}
		}
	}
	return q
}

// reaches simulates EventBridge's first step for a rule in state: a rule
// in state ENABLED never receives read-only management events.
func reaches(state string, f fixture) bool {
	return state != "ENABLED" || !bool(f.rec.ReadOnly)
}

// delivers simulates EventBridge delivering f to a rule in state with the
// pattern held by q.
func delivers(tb testing.TB, q *quamina.Quamina, state string, f fixture) bool {
	tb.Helper()
	return reaches(state, f) && matches(tb, q, f.data)
}

func matches(tb testing.TB, q *quamina.Quamina, event []byte) bool {
	tb.Helper()
	got, err := q.MatchesForEvent(event)
	if err != nil {
		tb.Fatalf("matching: %v", err)
	}
	return len(got) > 0
}

// fixture is one EventBridge envelope file, with the fields the oracle and
// the delivery simulation read decoded once.
type fixture struct {
	name       string
	data       []byte
	source     string
	detailType string
	rec        record
}

// loadFixtures reads every *.json envelope under the directories given,
// skipping a directory that does not exist.
func loadFixtures(tb testing.TB, dirs ...string) []fixture {
	tb.Helper()
	var out []fixture
	for _, dir := range dirs {
		paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
		if err != nil {
			tb.Fatalf("listing %s: %v", dir, err)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				tb.Fatalf("reading %s: %v", p, err)
			}
			f := fixture{name: p, data: data}
			var env struct {
				DetailType string          `json:"detail-type"`
				Source     string          `json:"source"`
				Detail     json.RawMessage `json:"detail"`
			}
			if err := json.Unmarshal(data, &env); err != nil {
				tb.Fatalf("decoding %s: %v", p, err)
			}
			f.source, f.detailType = env.Source, env.DetailType
			// requestParameters may be null or a string in real records:
			// what does not fit the typed fields stays zero.
			_ = json.Unmarshal(env.Detail, &f.rec)
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		tb.Fatalf("no fixtures in %v", dirs)
	}
	return out
}

const ownFixtures = "testdata/envelopes"

// sharedFixtures are the project's envelopes (testdata/envelopes at the
// repository root); used when present.
const sharedFixtures = "../../testdata/envelopes"

func route(ops []string, mod func(*Selection)) *Route {
	r := &Route{Name: "r", Selection: Selection{Operations: ops}}
	if mod != nil {
		mod(&r.Selection)
	}
	return r
}

// TestPatternMatchesFixtures checks each pattern against hand-labelled
// fixtures: it must match exactly the files listed.
func TestPatternMatchesFixtures(t *testing.T) {
	fixtures := loadFixtures(t, ownFixtures)
	all := func(s *Selection) { s.IncludeFailed, s.IncludeReadOnly, s.IncludeHostedUI = true, true, true }
	tests := []struct {
		name  string
		route *Route
		want  []string // base names of the fixtures that must match
	}{
		{"app-clients preset, defaults", route([]string{"app-clients"}, nil),
			[]string{"CreateUserPoolClient-poolB", "DeleteUserPoolClient-poolA", "UpdateUserPoolClient-nopool", "UpdateUserPoolClient-poolA"}},
		{"app-clients with read-only calls", route([]string{"app-clients"}, func(s *Selection) { s.IncludeReadOnly = true }),
			[]string{"CreateUserPoolClient-poolB", "DeleteUserPoolClient-poolA", "DescribeUserPoolClient-poolA-readonly", "UpdateUserPoolClient-nopool", "UpdateUserPoolClient-poolA"}},
		{"app-clients with failed calls", route([]string{"app-clients"}, func(s *Selection) { s.IncludeFailed = true }),
			[]string{"CreateUserPoolClient-poolB", "DeleteUserPoolClient-poolA", "UpdateUserPoolClient-nopool", "UpdateUserPoolClient-poolA", "UpdateUserPoolClient-poolA-failed"}},
		{"app-clients in pool A", route([]string{"app-clients"}, func(s *Selection) { s.UserPoolIDs = []string{"us-east-1_AAAAAAAAA"} }),
			[]string{"DeleteUserPoolClient-poolA", "UpdateUserPoolClient-poolA"}},
		{"one operation in pool A with failed calls", route([]string{"UpdateUserPoolClient"}, func(s *Selection) {
			s.UserPoolIDs = []string{"us-east-1_AAAAAAAAA"}
			s.IncludeFailed = true
		}), []string{"UpdateUserPoolClient-poolA", "UpdateUserPoolClient-poolA-failed"}},
		{"two pools", route([]string{"app-clients"}, func(s *Selection) { s.UserPoolIDs = []string{"us-east-1_AAAAAAAAA", "us-east-1_BBBBBBBBB"} }),
			[]string{"CreateUserPoolClient-poolB", "DeleteUserPoolClient-poolA", "UpdateUserPoolClient-poolA"}},
		{"users preset", route([]string{"users"}, nil), []string{"AdminCreateUser-poolA"}},
		{"hosted-ui preset: empty errorCode is success", route([]string{"hosted-ui"}, func(s *Selection) { s.IncludeHostedUI = true }),
			[]string{"Token_POST-poolA-hostedui"}},
		{"hosted-ui failed in pool B (additionalEventData)", route([]string{"hosted-ui"}, func(s *Selection) {
			s.IncludeHostedUI, s.IncludeFailed = true, true
			s.UserPoolIDs = []string{"us-east-1_BBBBBBBBB"}
		}), []string{"Token_POST-poolB-hostedui-failed"}},
		{"operations and presets mixed", route([]string{"AdminCreateUser", "app-clients"}, nil),
			[]string{"AdminCreateUser-poolA", "CreateUserPoolClient-poolB", "DeleteUserPoolClient-poolA", "UpdateUserPoolClient-nopool", "UpdateUserPoolClient-poolA"}},
		{"all with everything included", route([]string{"all"}, all),
			[]string{"AdminCreateUser-poolA", "CreateUserPoolClient-poolB", "DeleteUserPoolClient-poolA", "DescribeUserPoolClient-poolA-readonly",
				"Token_POST-poolA-hostedui", "Token_POST-poolB-hostedui-failed", "UpdateUserPoolClient-nopool", "UpdateUserPoolClient-poolA", "UpdateUserPoolClient-poolA-failed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.route.Pattern()
			if err != nil {
				t.Fatalf("Pattern: %v", err)
			}
			q := newMatcher(t, p)
			state, _ := tt.route.RuleState()
			var got []string
			for _, f := range fixtures {
				if delivers(t, q, state, f) {
					got = append(got, strings.TrimSuffix(filepath.Base(f.name), ".json"))
				}
			}
			sort.Strings(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("pattern %s\nmatched %v\nwant    %v", p.JSON(), got, tt.want)
			}
		})
	}
}

// TestNegativeFixturesNeverMatch: records of other services match no
// pattern, even one selecting everything.
func TestNegativeFixturesNeverMatch(t *testing.T) {
	r := route([]string{"all"}, func(s *Selection) { s.IncludeFailed, s.IncludeReadOnly, s.IncludeHostedUI = true, true, true })
	p, err := r.Pattern()
	if err != nil {
		t.Fatalf("Pattern: %v", err)
	}
	q := newMatcher(t, p)
	n := 0
	for _, f := range loadFixtures(t, ownFixtures, sharedFixtures) {
		if !strings.HasPrefix(filepath.Base(f.name), "negative-") {
			continue
		}
		n++
		if matches(t, q, f.data) {
			t.Errorf("%s matched %s", f.name, p.JSON())
		}
	}
	if n == 0 {
		t.Fatal("no negative-*.json fixtures")
	}
}

// TestMixedExistsRejected documents why "no error" is two "$or"
// alternatives rather than one list [{"exists": false}, ""]: quamina refuses
// an exists test mixed with other values (as its PATTERNS.md says), so such
// a pattern could not be checked here.
func TestMixedExistsRejected(t *testing.T) {
	q, err := quamina.New()
	if err != nil {
		t.Fatal(err)
	}
	err = q.AddPattern("x", `{"detail": {"errorCode": [{"exists": false}, ""]}}`)
	if err == nil {
		t.Fatal("quamina accepted an exists test mixed with a value; the $or form may no longer be needed")
	}
}

// TestPatternGolden compares generated patterns with golden files; run
// `go test ./internal/config -run Golden -update` after a deliberate change.
func TestPatternGolden(t *testing.T) {
	tests := []struct {
		name  string
		route *Route
	}{
		{"app-clients", route([]string{"app-clients"}, nil)},
		{"app-clients-pool-failed", route([]string{"UpdateUserPoolClient", "CreateUserPoolClient"}, func(s *Selection) {
			s.IncludeFailed = true
			s.UserPoolIDs = []string{"us-east-1_AAAAAAAAA"}
		})},
		{"app-clients-pool", route([]string{"UpdateUserPoolClient"}, func(s *Selection) { s.UserPoolIDs = []string{"us-east-1_AAAAAAAAA"} })},
		{"hosted-ui-and-api", route([]string{"Token_POST", "AdminCreateUser"}, func(s *Selection) { s.IncludeHostedUI = true })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.route.Pattern()
			if err != nil {
				t.Fatalf("Pattern: %v", err)
			}
			var got bytes.Buffer
			if err := json.Indent(&got, p.JSON(), "", "  "); err != nil {
				t.Fatal(err)
			}
			got.WriteByte('\n')
			path := filepath.Join("testdata", "patterns", tt.name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("reading golden file (run with -update to create it): %v", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("pattern differs from %s:\n got %s\nwant %s", path, got.Bytes(), want)
			}
		})
	}
}

func TestRuleState(t *testing.T) {
	tests := []struct {
		name  string
		route *Route
		want  string
	}{
		{"mutations only", route([]string{"app-clients"}, nil), "ENABLED"},
		{"read-only preset members excluded", route([]string{"DescribeUserPoolClient", "UpdateUserPoolClient"}, nil), "ENABLED"},
		{"read-only included", route([]string{"app-clients"}, func(s *Selection) { s.IncludeReadOnly = true }), RuleStateAllManagementEvents},
		{"hosted UI included", route([]string{"Token_POST"}, func(s *Selection) { s.IncludeHostedUI = true }), RuleStateAllManagementEvents},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.route.RuleState()
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("RuleState = %q, want %q", got, tt.want)
			}
		})
	}
}

func BenchmarkPattern(b *testing.B) {
	r := route([]string{"all"}, func(s *Selection) {
		s.IncludeReadOnly, s.IncludeHostedUI = true, true
		s.UserPoolIDs = []string{"us-east-1_AAAAAAAAA"}
	})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Pattern(); err != nil {
			b.Fatal(err)
		}
	}
}
