package routes

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cognito-events/cognito-events/internal/config"
	"github.com/cognito-events/cognito-events/internal/pattern"
)

// Resource types and keys of a CloudFormation template.
const (
	typeRule         = "AWS::Events::Rule"
	typeFunction     = "AWS::Lambda::Function"
	typeEventMapping = "AWS::Lambda::EventSourceMapping"
	typeQueue        = "AWS::SQS::Queue"
	// cdkPathKey is the metadata entry in which the CDK records a
	// resource's construct path: <stack>/<route>/Rule/Resource here.
	cdkPathKey = "aws:cdk:path"
	// descriptionPrefix starts the description infra/stack.go gives each
	// route's rule: "cognito-events route NAME: ...".
	descriptionPrefix = "cognito-events route "
	// TemplateSuffix ends the name of each synthesized template in
	// cdk.out: config.StackName(region) + TemplateSuffix.
	TemplateSuffix = ".template.json"
)

// resource is the part of a template's resource read here.
type resource struct {
	Type       string                     `json:"Type"`
	Properties json.RawMessage            `json:"Properties"`
	Metadata   map[string]json.RawMessage `json:"Metadata"`
}

// ruleProperties are the AWS::Events::Rule properties read here.
type ruleProperties struct {
	Description  string          `json:"Description"`
	State        string          `json:"State"`
	EventPattern json.RawMessage `json:"EventPattern"`
}

// FromTemplate returns every AWS::Events::Rule with an event pattern of a
// CloudFormation template (cdk.out/*.template.json), sorted by route name
// then logical id. The route name and region come from the rule's CDK
// path (<stack cognito-events-REGION>/<route>/Rule/Resource), or else the
// name from its description; a rule with neither is named by its logical
// id. Rules without EventPattern (schedules) are left out. Each route's
// Target is the function behind the rule, when the template has one.
func FromTemplate(tmpl []byte) ([]Route, error) {
	var t struct {
		Resources json.RawMessage `json:"Resources"`
	}
	if err := json.Unmarshal(tmpl, &t); err != nil {
		return nil, fmt.Errorf("reading template: %w", describeJSONError(err))
	}
	var raws map[string]json.RawMessage
	if err := json.Unmarshal(t.Resources, &raws); err != nil || raws == nil {
		return nil, fmt.Errorf("reading template: Resources: want an object of resources (is this a CloudFormation template?)")
	}
	resources := make(map[string]resource, len(raws))
	for id, raw := range raws {
		var res resource
		if err := json.Unmarshal(raw, &res); err != nil {
			return nil, fmt.Errorf("reading template: resource %s: %w", id, describeJSONError(err))
		}
		resources[id] = res
	}
	var routes []Route
	index := map[string]int{} // rule logical id -> its index among its route's rules
	for id, res := range resources {
		if res.Type != typeRule {
			continue
		}
		r, n, ok, err := ruleRoute(id, res)
		if err != nil {
			return nil, err
		}
		if ok {
			r.target, r.targetErr = targetOf(resources, id)
			routes = append(routes, r)
			index[id] = n
		}
	}
	sortRoutes(routes)
	return groupRules(routes, index), nil
}

// groupRules makes the rules of one route (the CDK paths
// <stack>/<route>/Rule, .../Rule2, ...) one Route with several Rules, in
// their order; routes is sorted, so they are adjacent. A rule without
// such a path (index 0) stays on its own.
func groupRules(routes []Route, index map[string]int) []Route {
	var out []Route
	for _, r := range routes {
		if n := len(out); n > 0 && index[r.Rule] > 0 {
			last := &out[n-1]
			if index[last.Rule] > 0 && last.Name == r.Name && last.Region == r.Region {
				last.Rules = append(last.Rules, r.Rules...)
				slices.SortStableFunc(last.Rules, func(a, b Rule) int { return index[a.ID] - index[b.ID] })
				last.Rule, last.Pattern = last.Rules[0].ID, last.Rules[0].Pattern
				if last.target == nil {
					last.target, last.targetErr = r.target, r.targetErr
				}
				continue
			}
		}
		out = append(out, r)
	}
	return out
}

// ruleIndex is the index of a route's rule from its construct id: "Rule"
// 1, "Rule2" 2, ...; 0 for another id.
func ruleIndex(id string) int {
	if id == "Rule" {
		return 1
	}
	if n, err := strconv.Atoi(strings.TrimPrefix(id, "Rule")); err == nil && strings.HasPrefix(id, "Rule") && n > 1 {
		return n
	}
	return 0
}

// ruleRoute reads one rule; ok is false for a rule without an event
// pattern. n is the rule's index among its route's rules (ruleIndex), 0
// when its CDK path does not say.
func ruleRoute(id string, res resource) (r Route, n int, ok bool, err error) {
	var props ruleProperties
	if len(res.Properties) > 0 {
		if err := json.Unmarshal(res.Properties, &props); err != nil {
			return Route{}, 0, false, fmt.Errorf("reading rule %s: Properties: %w", id, describeJSONError(err))
		}
	}
	if len(props.EventPattern) == 0 || string(props.EventPattern) == "null" {
		return Route{}, 0, false, nil
	}
	raw := []byte(props.EventPattern)
	if raw[0] == '"' { // CloudFormation also takes the pattern as a JSON string
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return Route{}, 0, false, fmt.Errorf("reading rule %s: EventPattern: %w", id, err)
		}
		raw = []byte(s)
	}
	p, err := pattern.Compile(raw)
	if err != nil {
		return Route{}, 0, false, fmt.Errorf("reading rule %s: EventPattern: %w", id, err)
	}
	r = Route{Name: id, Rule: id, State: props.State, Pattern: p, Rules: []Rule{{ID: id, Pattern: p}}}
	if r.State == "" {
		r.State = StateEnabled // CloudFormation's default
	}
	if name, ok := strings.CutPrefix(props.Description, descriptionPrefix); ok {
		if name, _, ok := strings.Cut(name, ":"); ok && name != "" {
			r.Name = name
		}
	}
	var path string
	if raw, ok := res.Metadata[cdkPathKey]; ok {
		_ = json.Unmarshal(raw, &path) // not a string: no path
	}
	if parts := strings.Split(path, "/"); len(parts) == 4 && ruleIndex(parts[2]) > 0 {
		r.Name = parts[1]
		r.Region = regionOfStack(parts[0])
		n = ruleIndex(parts[2])
	}
	return r, n, true, nil
}

// regionOfStack returns the region of a stack named
// config.StackName(region), or "".
func regionOfStack(stack string) string {
	region, ok := strings.CutPrefix(stack, config.StackPrefix)
	if !ok {
		return ""
	}
	return region
}

func sortRoutes(routes []Route) {
	sort.SliceStable(routes, func(i, j int) bool {
		a, b := routes[i], routes[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.Rule < b.Rule
	})
}

// FromTemplates returns the rules of every *.template.json in dir (a
// cdk.out directory). A rule whose region its template does not say gets
// it from the file name cognito-events-REGION.template.json. Each route's
// Template is its file.
func FromTemplates(dir string) ([]Route, error) {
	if _, err := os.ReadDir(dir); err != nil {
		return nil, fmt.Errorf("listing templates: %w", err)
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*"+TemplateSuffix))
	if err != nil {
		return nil, fmt.Errorf("listing templates in %s: %w", dir, err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("listing templates in %s: no *%s files (run make synth)", dir, TemplateSuffix)
	}
	var all []Route
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("reading template: %w", err)
		}
		routes, err := FromTemplate(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		region := regionOfStack(strings.TrimSuffix(filepath.Base(p), TemplateSuffix))
		for i := range routes {
			if routes[i].Region == "" {
				routes[i].Region = region
			}
			routes[i].Template = p
		}
		all = append(all, routes...)
	}
	sortRoutes(all)
	return all, nil
}

// describeJSONError says where JSON decoding failed without Go type names.
func describeJSONError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			return fmt.Errorf("%s: found a JSON %s of the wrong type", te.Field, te.Value)
		}
		return fmt.Errorf("want a JSON object, found a JSON %s", te.Value)
	}
	return err
}
