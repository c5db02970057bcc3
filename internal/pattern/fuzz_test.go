package pattern_test

import (
	"github.com/cognito-events/cognito-events/internal/pattern"
	"path/filepath"
	"testing"

	"github.com/cognito-events/cognito-events/events"
)

// FuzzMatch: no pattern and no event makes Compile, Match or events.Wrap
// panic; a compiled pattern's String compiles again. Seeded with the
// corpus and the patterns internal/config generates for two routes.
func FuzzMatch(f *testing.F) {
	patterns := []string{
		`{"source":["aws.cognito-idp"],"detail":{"$or":[{"errorCode":[{"exists":false}]},{"errorCode":[""]}],"eventName":[{"anything-but":["A","B"]}]}}`,
		`{"a":[{"numeric":[">",0,"<=",5]},{"prefix":{"equals-ignore-case":"x"}},{"wildcard":"a*b\\*"},{"cidr":"10.0.0.0/8"},null,true,1.5]}`,
	}
	appClients, hostedUI := rulePatterns(f)
	patterns = append(patterns, appClients.String(), hostedUI.String())
	paths, _ := filepath.Glob("../../testdata/envelopes/*.json")
	for i, p := range paths {
		if i%4 == 0 { // a quarter of the corpus keeps the seed run short
			f.Add(patterns[i%len(patterns)], string(readFile(f, p)))
		}
	}
	f.Add(patterns[1], `{"a":[[1,[2]],{"b":null},"10.1.2.3","X"]}`)
	f.Fuzz(func(t *testing.T, text, event string) {
		if env, err := events.Wrap([]byte(event)); err == nil && len(env) == 0 {
			t.Error("Wrap returned nothing and no error")
		}
		p, err := pattern.Compile([]byte(text))
		if err != nil {
			return
		}
		if _, err := pattern.Compile([]byte(p.String())); err != nil {
			t.Errorf("String() %s does not compile: %v", p, err)
		}
		res, err := p.Match([]byte(event))
		if err == nil && !res.Matched && res.Reason == "" {
			t.Error("mismatch without a reason")
		}
	})
}
