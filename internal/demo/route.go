package demo

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	fwconfig "github.com/cognito-events/cognito-events/internal/forwarder/config"
	"github.com/cognito-events/cognito-events/internal/routes"
)

// demoKeptSinkVars are the SINK_* variables the demo keeps, because they
// mean the same for its local HTTP sink.
var demoKeptSinkVars = []string{fwconfig.EnvHTTPMode, fwconfig.EnvTimeout}

// Route is one route's rule and the function its target invokes, as
// the synthesized template has them (read by internal/routes). Buffered
// routes go through an SQS queue: the function gets SQS batches of up to
// BatchSize messages.
type Route struct {
	Rule routes.Route
	routes.Target
}

// demoRoutes reads every template of dir: each rule and the function its
// target runs, directly or through an SQS queue. A function variable the
// template gives as an intrinsic (Ref, Fn::GetAtt) is an error, unless it
// is one of the SINK_* variables the local sink replaces.
func demoRoutes(dir string) ([]Route, error) {
	rules, err := routes.FromTemplates(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w (run make synth)", err)
	}
	if err != nil {
		return nil, err
	}
	out := make([]Route, 0, len(rules))
	for _, rule := range rules {
		t, err := rule.Target()
		if err == nil {
			err = demoCheckEnv(t)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: rule %s (route %s): %w", rule.Template, rule.Rule, rule.Name, err)
		}
		out = append(out, Route{Rule: rule, Target: *t})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out, nil
}

// demoCheckEnv fails on a variable the demo cannot give the bootstrap
// without AWS.
func demoCheckEnv(t *routes.Target) error {
	for _, k := range slices.Sorted(maps.Keys(t.Unresolved)) {
		if strings.HasPrefix(k, "SINK_") && !slices.Contains(demoKeptSinkVars, k) {
			continue // replaced by the local sink anyway
		}
		return fmt.Errorf("function %s: Environment.Variables.%s is %s, not a string the demo can use without AWS", t.Function, k, t.Unresolved[k])
	}
	return nil
}

// key names the route in messages and orders the routes.
func (r *Route) key() string { return r.Rule.Name + "/" + r.Rule.Region }

// sinkPath is the route's path on the local sink: /ROUTE/REGION.
func (r *Route) sinkPath() string {
	return "/" + url.PathEscape(r.Rule.Name) + "/" + url.PathEscape(r.Rule.Region)
}

// functionARN is the ARN the Runtime API reports for the route's function.
func (r *Route) functionARN() string {
	region := r.Rule.Region
	if region == "" {
		region = "us-east-1"
	}
	return "arn:aws:lambda:" + region + ":123456789012:function:" + r.Function
}

// processEnv is the bootstrap's environment: the template's variables with
// the sink replaced by the local one, and what Lambda itself sets.
func (r *Route) processEnv(sinkURL string) []string {
	env := map[string]string{}
	for k, v := range r.Env {
		if (strings.HasPrefix(k, "SINK_") || k == fwconfig.EnvKSink) && !slices.Contains(demoKeptSinkVars, k) {
			continue
		}
		env[k] = v
	}
	env[fwconfig.EnvSinkKind] = "http"
	env[fwconfig.EnvSinkURL] = sinkURL
	env[fwconfig.EnvAllowInsecure] = "true"
	env[fwconfig.EnvAuth] = "none"
	// What Lambda sets for every function.
	if r.Rule.Region != "" {
		env[fwconfig.EnvAWSRegion] = r.Rule.Region
		env["AWS_DEFAULT_REGION"] = r.Rule.Region
	}
	env["AWS_LAMBDA_FUNCTION_NAME"] = r.Function
	env["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST"
	env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = strconv.Itoa(r.MemoryMB)
	env["TZ"] = ":UTC"
	if r.LogFormat != "" {
		env[fwconfig.EnvLogFormat] = r.LogFormat
	}
	if r.LogLevel != "" {
		env[fwconfig.EnvLogLevel] = r.LogLevel
	}
	list := make([]string, 0, len(env))
	for k, v := range env {
		list = append(list, k+"="+v)
	}
	sort.Strings(list)
	return list
}
