package routes

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"
)

// Defaults of the properties a template may leave out.
const (
	// DefaultBatchSize is the SQS event source's batch size.
	DefaultBatchSize = 10
	// DefaultTimeout is a Lambda function's timeout.
	DefaultTimeout = 3 * time.Second
	// DefaultMemoryMB is a Lambda function's memory size.
	DefaultMemoryMB = 128
)

// Target is the Lambda function a rule's target runs, as the synthesized
// template has it: invoked by the rule directly, or, for a buffered route,
// through an SQS queue and the event source mapping that reads it.
type Target struct {
	// Function is the function's logical id.
	Function string
	// Env holds the function's Environment.Variables whose value is a
	// string.
	Env map[string]string
	// Unresolved holds, as JSON, the variables whose value is an
	// intrinsic function (Ref, Fn::GetAtt, ...): known only once deployed.
	Unresolved map[string]json.RawMessage
	// Queue is the logical id of a buffered route's SQS queue (the rule's
	// target); "" when the rule invokes the function.
	Queue string
	// BatchSize is the most messages of Queue per invocation (the
	// mapping's BatchSize, else DefaultBatchSize); 0 when not buffered.
	BatchSize int
	// Timeout and MemoryMB are the function's, else Lambda's defaults.
	Timeout  time.Duration
	MemoryMB int
	// LogFormat and LogLevel are the function's LoggingConfig (LogFormat,
	// ApplicationLogLevel); "" when not set.
	LogFormat string
	LogLevel  string
}

// Buffered reports whether the function reads the rule's events from an
// SQS queue.
func (t *Target) Buffered() bool { return t.Queue != "" }

var errNoTemplate = errors.New("the rule was not read from a template: no target")

// Target returns the function the rule's target runs, read from the
// template. The error says why there is none: the route came from the
// configuration, no target is a function of the template (directly or
// through an SQS queue), or the template is inconsistent.
func (r Route) Target() (*Target, error) {
	if r.target == nil && r.targetErr == nil {
		return nil, errNoTemplate
	}
	return r.target, r.targetErr
}

// Template shapes read to find a rule's target.
type (
	// ref is an intrinsic naming another resource: {"Ref": id} or
	// {"Fn::GetAtt": [id, attribute]}.
	ref struct {
		Ref    string   `json:"Ref"`
		GetAtt []string `json:"Fn::GetAtt"`
	}
	ruleTargets struct {
		Targets []struct {
			ID  string          `json:"Id"`
			Arn json.RawMessage `json:"Arn"`
		} `json:"Targets"`
	}
	functionProperties struct {
		Environment struct {
			Variables map[string]json.RawMessage `json:"Variables"`
		} `json:"Environment"`
		Timeout       int `json:"Timeout"`
		MemorySize    int `json:"MemorySize"`
		LoggingConfig struct {
			LogFormat           string `json:"LogFormat"`
			ApplicationLogLevel string `json:"ApplicationLogLevel"`
		} `json:"LoggingConfig"`
	}
	mappingProperties struct {
		EventSourceArn json.RawMessage `json:"EventSourceArn"`
		FunctionName   json.RawMessage `json:"FunctionName"`
		BatchSize      int             `json:"BatchSize"`
	}
)

// refID returns the logical id an intrinsic names, or "".
func refID(raw json.RawMessage) string {
	var r ref
	if json.Unmarshal(raw, &r) != nil {
		return ""
	}
	if r.Ref != "" {
		return r.Ref
	}
	if len(r.GetAtt) > 0 {
		return r.GetAtt[0]
	}
	return ""
}

// targetOf finds the function behind the targets of rule: the first target
// that is a function of the template, or an SQS queue that an event source
// mapping feeds to one.
func targetOf(resources map[string]resource, rule string) (*Target, error) {
	var rt ruleTargets
	if err := json.Unmarshal(resources[rule].Properties, &rt); err != nil {
		return nil, fmt.Errorf("reading Properties: %w", describeJSONError(err))
	}
	t := &Target{}
targets:
	for _, target := range rt.Targets {
		id := refID(target.Arn)
		switch resources[id].Type {
		case typeFunction:
			t.Function = id
			break targets
		case typeQueue:
			fn, batch, err := queueFunction(resources, id)
			if err != nil {
				return nil, err
			}
			t.Function, t.Queue, t.BatchSize = fn, id, batch
			break targets
		}
	}
	if t.Function == "" {
		return nil, errors.New("no target is a Lambda function of this template, directly or through an SQS queue")
	}
	var fp functionProperties
	if err := json.Unmarshal(resources[t.Function].Properties, &fp); err != nil {
		return nil, fmt.Errorf("function %s: reading Properties: %w", t.Function, describeJSONError(err))
	}
	t.Env = map[string]string{}
	for k, raw := range fp.Environment.Variables {
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			if t.Unresolved == nil {
				t.Unresolved = map[string]json.RawMessage{}
			}
			t.Unresolved[k] = raw
			continue
		}
		t.Env[k] = v
	}
	t.Timeout = time.Duration(fp.Timeout) * time.Second
	if t.Timeout <= 0 {
		t.Timeout = DefaultTimeout
	}
	t.MemoryMB = fp.MemorySize
	if t.MemoryMB == 0 {
		t.MemoryMB = DefaultMemoryMB
	}
	t.LogFormat = fp.LoggingConfig.LogFormat
	t.LogLevel = fp.LoggingConfig.ApplicationLogLevel
	return t, nil
}

// queueFunction finds the event source mapping that feeds queue to a
// function, and its batch size.
func queueFunction(resources map[string]resource, queue string) (string, int, error) {
	ids := make([]string, 0, len(resources))
	for id := range resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		res := resources[id]
		if res.Type != typeEventMapping {
			continue
		}
		var mp mappingProperties
		if err := json.Unmarshal(res.Properties, &mp); err != nil {
			return "", 0, fmt.Errorf("event source mapping %s: reading Properties: %w", id, describeJSONError(err))
		}
		if refID(mp.EventSourceArn) != queue {
			continue
		}
		fn := refID(mp.FunctionName)
		if resources[fn].Type != typeFunction {
			return "", 0, fmt.Errorf("event source mapping %s: FunctionName names no function of this template", id)
		}
		batch := mp.BatchSize
		if batch <= 0 {
			batch = DefaultBatchSize
		}
		return fn, batch, nil
	}
	return "", 0, fmt.Errorf("the rule's target is queue %s, and no event source mapping reads it", queue)
}
