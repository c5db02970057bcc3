package pattern

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cognito-events/cognito-events/internal/config"
)

// Rule states of an EventBridge rule that matter to matching.
const (
	// StateEnabled is a rule that receives no read-only CloudTrail
	// management events.
	StateEnabled = "ENABLED"
	// StateAllManagementEvents is a rule that also receives them.
	StateAllManagementEvents = config.RuleStateAllManagementEvents
)

// Route is one route's rule as the synthesized template or the
// configuration has it.
type Route struct {
	Name    string // the route name from cdk.json
	Region  string
	Rule    string // rule logical id in the template, "" from config
	State   string // ENABLED or ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS
	Pattern *Pattern
}

// Match evaluates the event the way EventBridge does for this rule: a rule
// in state ENABLED never receives read-only management events delivered
// via CloudTrail, whatever its pattern; any other event must match the
// pattern.
func (r Route) Match(event []byte) (Result, error) {
	doc, err := decodeEvent(event)
	if err != nil {
		return Result{}, err
	}
	if r.State == StateEnabled && readOnlyCloudTrail(doc) {
		return Result{Reason: "detail.readOnly: true, and a rule in state ENABLED receives no read-only CloudTrail management events (state " + StateAllManagementEvents + " does)"}, nil
	}
	return r.Pattern.match(doc), nil
}

// readOnlyCloudTrail reports whether doc is a read-only management event
// delivered via CloudTrail; readOnly may be a boolean or a string.
func readOnlyCloudTrail(doc map[string]any) bool {
	dt, _ := doc["detail-type"].(string)
	if !strings.HasSuffix(dt, "via CloudTrail") {
		return false
	}
	detail, _ := doc["detail"].(map[string]any)
	switch ro := detail["readOnly"].(type) {
	case bool:
		return ro
	case string:
		return strings.EqualFold(ro, "true")
	}
	return false
}

// Resource types and keys of a CloudFormation template.
const (
	typeRule = "AWS::Events::Rule"
	// cdkPathKey is the metadata entry in which the CDK records a
	// resource's construct path: <stack>/<route>/Rule/Resource here.
	cdkPathKey = "aws:cdk:path"
	// descriptionPrefix starts the description infra/stack.go gives each
	// route's rule: "cognito-events route NAME: ...".
	descriptionPrefix = "cognito-events route "
	// stackPrefix starts each stack's name: cognito-events-REGION.
	stackPrefix    = "cognito-events-"
	templateSuffix = ".template.json"
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
// id. Rules without EventPattern (schedules) are left out.
func FromTemplate(tmpl []byte) ([]Route, error) {
	var t struct {
		Resources json.RawMessage `json:"Resources"`
	}
	if err := json.Unmarshal(tmpl, &t); err != nil {
		return nil, fmt.Errorf("reading template: %w", describeJSONError(err))
	}
	var resources map[string]json.RawMessage
	if err := json.Unmarshal(t.Resources, &resources); err != nil || resources == nil {
		return nil, fmt.Errorf("reading template: Resources: want an object of resources (is this a CloudFormation template?)")
	}
	var routes []Route
	for id, raw := range resources {
		var res resource
		if err := json.Unmarshal(raw, &res); err != nil {
			return nil, fmt.Errorf("reading template: resource %s: %w", id, describeJSONError(err))
		}
		if res.Type != typeRule {
			continue
		}
		var props ruleProperties
		if len(res.Properties) > 0 {
			if err := json.Unmarshal(res.Properties, &props); err != nil {
				return nil, fmt.Errorf("reading rule %s: Properties: %w", id, describeJSONError(err))
			}
		}
		if len(props.EventPattern) == 0 || string(props.EventPattern) == "null" {
			continue
		}
		raw := []byte(props.EventPattern)
		if raw[0] == '"' { // CloudFormation also takes the pattern as a JSON string
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, fmt.Errorf("reading rule %s: EventPattern: %w", id, err)
			}
			raw = []byte(s)
		}
		p, err := Compile(raw)
		if err != nil {
			return nil, fmt.Errorf("reading rule %s: EventPattern: %w", id, err)
		}
		r := Route{Name: id, Rule: id, State: props.State, Pattern: p}
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
		if parts := strings.Split(path, "/"); len(parts) == 4 && parts[2] == "Rule" {
			r.Name = parts[1]
			r.Region = strings.TrimPrefix(parts[0], stackPrefix)
			if r.Region == parts[0] {
				r.Region = ""
			}
		}
		routes = append(routes, r)
	}
	sortRoutes(routes)
	return routes, nil
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
// it from the file name cognito-events-REGION.template.json.
func FromTemplates(dir string) ([]Route, error) {
	if _, err := os.ReadDir(dir); err != nil {
		return nil, fmt.Errorf("listing templates: %w", err)
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*"+templateSuffix))
	if err != nil {
		return nil, fmt.Errorf("listing templates in %s: %w", dir, err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("listing templates in %s: no *%s files (run make synth)", dir, templateSuffix)
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
		stack := strings.TrimSuffix(filepath.Base(p), templateSuffix)
		for i := range routes {
			if routes[i].Region == "" && strings.HasPrefix(stack, stackPrefix) {
				routes[i].Region = strings.TrimPrefix(stack, stackPrefix)
			}
		}
		all = append(all, routes...)
	}
	sortRoutes(all)
	return all, nil
}

// cdkJSON is the part of cdk.json read here.
type cdkJSON struct {
	Context map[string]json.RawMessage `json:"context"`
}

// FromConfig returns one Route per (route, region) of the configuration in
// cdk.json's context, in the configuration's order (regions within each
// route), with the pattern and rule state internal/config generates, which
// the CDK app writes into the template verbatim.
func FromConfig(cdk []byte) ([]Route, error) {
	var c cdkJSON
	if err := json.Unmarshal(cdk, &c); err != nil {
		return nil, fmt.Errorf("reading cdk.json: %w", err)
	}
	raw, ok := c.Context[config.ContextKey]
	if !ok {
		return nil, fmt.Errorf("reading cdk.json: context.%s: %w", config.ContextKey, errMissing)
	}
	if len(raw) > 0 && raw[0] == '"' { // given as a JSON string, as with cdk -c
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("reading cdk.json: context.%s: %w", config.ContextKey, err)
		}
		raw = json.RawMessage(s)
	}
	cfg, err := config.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("reading cdk.json: %w", err)
	}
	var routes []Route
	for i := range cfg.Routes {
		cr := &cfg.Routes[i]
		gen, err := cr.Pattern()
		if err != nil {
			return nil, fmt.Errorf("route %q: %w", cr.Name, err)
		}
		state, err := cr.RuleState()
		if err != nil {
			return nil, fmt.Errorf("route %q: %w", cr.Name, err)
		}
		p, err := Compile(gen.JSON())
		if err != nil {
			return nil, fmt.Errorf("route %q: generated pattern: %w", cr.Name, err)
		}
		for _, region := range cfg.Regions {
			routes = append(routes, Route{Name: cr.Name, Region: region, State: state, Pattern: p})
		}
	}
	return routes, nil
}

var errMissing = errors.New("missing")

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
