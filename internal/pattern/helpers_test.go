package pattern_test

import (
	"github.com/cognito-events/cognito-events/internal/pattern"
	"os"
	"testing"

	"github.com/cognito-events/cognito-events/internal/config"
)

func readFile(tb testing.TB, path string) []byte {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("reading %s: %v", path, err)
	}
	return data
}

// rulePatterns returns the patterns internal/config generates for two
// routes (those of internal/routes/testdata/cdk.json, whose synthesized
// rules its template.json holds): app-clients, the repository's default
// route, and hosted-ui (the hosted-ui preset and AdminCreateUser in one
// pool, hosted-UI events included: 53 names and a four-way $or).
func rulePatterns(tb testing.TB) (appClients, hostedUI *pattern.Pattern) {
	tb.Helper()
	compile := func(r *config.Route) *pattern.Pattern {
		gen, err := r.Pattern()
		if err != nil {
			tb.Fatalf("generating the pattern of %s: %v", r.Name, err)
		}
		p, err := pattern.Compile(gen.JSON())
		if err != nil {
			tb.Fatalf("compiling the pattern of %s: %v", r.Name, err)
		}
		return p
	}
	appClients = compile(&config.Route{Name: "app-clients", Selection: config.Selection{Operations: []string{"app-clients"}}})
	hostedUI = compile(&config.Route{Name: "hosted-ui", Selection: config.Selection{
		Operations: []string{"hosted-ui", "AdminCreateUser"}, UserPoolIDs: []string{"us-east-1_Xk3mQ9pLw"}, IncludeHostedUI: true,
	}})
	return appClients, hostedUI
}

// compileTB compiles a pattern the test holds, failing the test if it does
// not compile.
func compileTB(tb testing.TB, p string) *pattern.Pattern {
	tb.Helper()
	c, err := pattern.Compile([]byte(p))
	if err != nil {
		tb.Fatalf("Compile(%s): %v", p, err)
	}
	return c
}
