package pattern_test

import (
	"github.com/cognito-events/cognito-events/internal/pattern"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/timbray/quamina"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/config"
)

// Fixture folders: the project's corpus, and internal/config's own envelopes
// (pools A and B, hosted-UI failures).
var envelopeDirs = []string{
	"../../testdata/envelopes",
	"../../internal/config/testdata/envelopes",
}

type fixture struct {
	name string
	data []byte
	ev   pattern.Event // data decoded once, for the agreement loops
}

// loadEnvelopes reads every envelope of dirs, and wraps every bare record
// of testdata/records and testdata/aws-docs with Envelope.
func loadEnvelopes(tb testing.TB) []fixture {
	tb.Helper()
	var out []fixture
	for _, dir := range envelopeDirs {
		paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
		if err != nil || len(paths) == 0 {
			tb.Fatalf("listing %s: %v (%d files)", dir, err, len(paths))
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				tb.Fatalf("reading %s: %v", p, err)
			}
			out = append(out, fixture{name: p, data: data})
		}
	}
	for _, p := range []string{"../../testdata/records/AdminCreateUser.json", "../../testdata/records/CreateUserPoolClient.json", "../../testdata/records/UpdateUserPool.json"} {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatalf("reading %s: %v", p, err)
		}
		env, err := events.Wrap(data)
		if err != nil {
			tb.Fatalf("wrapping %s: %v", p, err)
		}
		out = append(out, fixture{name: p, data: env})
	}
	for i := range out {
		ev, err := pattern.DecodeEvent(out[i].data)
		if err != nil {
			tb.Fatalf("decoding %s: %v", out[i].name, err)
		}
		out[i].ev = ev
	}
	return out
}

// newQuamina returns a quamina matcher holding p's "$or" alternatives
// under one name: quamina v0.3.0 has no "$or", and a pattern with
// "$or": [A, B] matches exactly when the pattern with A or the pattern with
// B does (see internal/config/pattern_test.go).
func newQuamina(tb testing.TB, p *config.Pattern) *quamina.Quamina {
	tb.Helper()
	q, err := quamina.New()
	if err != nil {
		tb.Fatalf("creating quamina: %v", err)
	}
	for _, alt := range p.Expanded() {
		if err := q.AddPattern("route", string(alt)); err != nil {
			tb.Fatalf("adding pattern %s: %v", alt, err)
		}
	}
	return q
}

// TestAgreesWithQuamina: for every pattern internal/config generates (each
// preset and some mixtures, with and without pool filters, under every
// combination of the include flags), this package and quamina agree on
// every fixture.
func TestAgreesWithQuamina(t *testing.T) {
	fixtures := loadEnvelopes(t)
	pools := [][]string{nil, {"us-east-1_Xk3mQ9pLw"}, {"us-west-2_Wq2eR5tYu", "eu-west-1_Rb7TnW2eK", "us-east-1_AAAAAAAAA"}}
	selections := [][]string{{"all-mutations", "DescribeUserPool"}, {"users", "Login_GET"}, {"app-clients", "AdminCreateUser"}}
	for _, p := range events.Presets() {
		selections = append(selections, []string{p})
	}
	var matched, unmatched, anythingBut int
	for _, names := range selections {
		for pi, ids := range pools {
			for flags := range 8 {
				r := &config.Route{Name: "r", Selection: config.Selection{
					Operations: names, UserPoolIDs: ids,
					IncludeFailed: flags&1 != 0, IncludeReadOnly: flags&2 != 0, IncludeHostedUI: flags&4 != 0,
				}}
				name := strings.Join(names, "+") + "/pools" + string(rune('0'+pi)) + "/flags" + string(rune('0'+flags))
				t.Run(name, func(t *testing.T) {
					gen, err := r.Pattern()
					if err != nil {
						if _, opErr := r.Operations(); opErr != nil {
							t.Skipf("selection is empty under these flags: %v", opErr)
						}
						t.Fatalf("Pattern: %v", err)
					}
					if gen.ExcludesOperations() {
						anythingBut++
					}
					p, err := pattern.Compile(gen.JSON())
					if err != nil {
						t.Fatalf("pattern.Compile(%s): %v", gen.JSON(), err)
					}
					q := newQuamina(t, gen)
					for _, f := range fixtures {
						got := p.MatchEvent(f.ev) // Match less the decoding, done once
						qm, err := q.MatchesForEvent(f.data)
						if err != nil {
							t.Fatalf("%s: quamina: %v", f.name, err)
						}
						if want := len(qm) > 0; got.Matched != want {
							t.Errorf("%s: matched=%v (%s), quamina=%v\npattern %s", f.name, got.Matched, got.Reason, want, gen.JSON())
						}
						if got.Matched {
							matched++
						} else {
							unmatched++
							if got.Reason == "" {
								t.Errorf("%s: no reason for a mismatch", f.name)
							}
						}
					}
				})
			}
		}
	}
	// The comparison means something only if both outcomes occur, and the
	// anything-but form of the broad presets is among the patterns.
	if matched == 0 || unmatched == 0 || anythingBut == 0 {
		t.Errorf("matched %d, unmatched %d, anything-but patterns %d: want all > 0", matched, unmatched, anythingBut)
	}
	t.Logf("%d matches, %d mismatches, %d anything-but patterns", matched, unmatched, anythingBut)
}

// TestAgreesWithQuaminaHandWritten compares hand-written patterns that use
// the operators both implement (exact, exists, anything-but, shellstyle as
// wildcard) over the fixtures.
func TestAgreesWithQuaminaHandWritten(t *testing.T) {
	fixtures := loadEnvelopes(t)
	tests := []struct{ name, ours, theirs string }{
		{"exists true", `{"detail":{"requestParameters":{"clientId":[{"exists":true}]}}}`, ""},
		// quamina v0.3.0 matches nothing with a pattern made only of
		// exists:false tests, so this one has a value test as well.
		{"exists false", `{"source":["aws.cognito-idp"],"detail":{"errorCode":[{"exists":false}]}}`, ""},
		{"anything-but source", `{"source":[{"anything-but":["aws.cognito-idp"]}]}`, ""},
		{"anything-but region", `{"region":[{"anything-but":["us-east-1","us-west-2"]}],"detail":{"eventName":[{"anything-but":["CreateGroup"]}]}}`, ""},
		{"exact in arrays", `{"detail":{"resources":{"type":["AWS::Cognito::UserPool"]}}}`, ""},
		{"readOnly boolean", `{"detail":{"readOnly":[true]}}`, ""},
		{"wildcard", `{"detail":{"eventName":[{"wildcard":"Admin*User"}]}}`, `{"detail":{"eventName":[{"shellstyle":"Admin*User"}]}}`},
		{"prefix as shellstyle", `{"detail":{"userAgent":[{"prefix":"aws-cli/"}]}}`, `{"detail":{"userAgent":[{"shellstyle":"aws-cli/*"}]}}`},
		{"values of several types", `{"detail":{"eventVersion":["1.08","1.10"],"userIdentity":{"type":["IAMUser","Unknown"]}}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			theirs := tt.theirs
			if theirs == "" {
				theirs = tt.ours
			}
			p := compileTB(t, tt.ours)
			q, err := quamina.New()
			if err != nil {
				t.Fatalf("creating quamina: %v", err)
			}
			if err := q.AddPattern("p", theirs); err != nil {
				t.Fatalf("adding %s: %v", theirs, err)
			}
			var n int
			for _, f := range fixtures {
				got, err := p.Match(f.data)
				if err != nil {
					t.Fatalf("%s: Match: %v", f.name, err)
				}
				qm, err := q.MatchesForEvent(f.data)
				if err != nil {
					t.Fatalf("%s: quamina: %v", f.name, err)
				}
				if want := len(qm) > 0; got.Matched != want {
					t.Errorf("%s: matched=%v (%s), quamina=%v", f.name, got.Matched, got.Reason, want)
				}
				if got.Matched {
					n++
				}
			}
			if n == 0 || n == len(fixtures) {
				t.Errorf("pattern matched %d of %d fixtures: want some but not all", n, len(fixtures))
			}
		})
	}
}
