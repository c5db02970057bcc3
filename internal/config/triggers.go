package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/sink"
	"github.com/cognito-events/cognito-events/internal/trigger"
)

// WrapperPackage is the import path of the public package whose Wrap puts
// the trigger function's event in front of a user's own Cognito trigger
// handler; errors that tell users to wrap their function name it.
const WrapperPackage = "github.com/cognito-events/cognito-events/trigger"

// PoolMode says whether a triggers route creates its user pool or attaches
// to one that exists.
type PoolMode string

// The pool modes.
const (
	// PoolCreate creates a user pool and an app client in the stack.
	PoolCreate PoolMode = "create"
	// PoolExisting uses the pool named by UserPool.ID; the stack creates
	// the trigger function and its invoke permission, and
	// `cognito-events attach-triggers` writes the pool's LambdaConfig.
	PoolExisting PoolMode = "existing"
)

// Trigger is the name of a Cognito user-pool Lambda trigger, as the keys
// of the pool's LambdaConfig spell it.
type Trigger string

// The triggers a triggers route may wire: the ones whose answer the
// trigger function can leave as Cognito sent it without changing the
// user's flow.
const (
	TriggerPreSignUp          Trigger = "PreSignUp"
	TriggerPostConfirmation   Trigger = "PostConfirmation"
	TriggerPreAuthentication  Trigger = "PreAuthentication"
	TriggerPostAuthentication Trigger = "PostAuthentication"
	TriggerPreTokenGeneration Trigger = "PreTokenGeneration"
	TriggerCustomMessage      Trigger = "CustomMessage"
)

// ObservableTriggers are the triggers a triggers route accepts, in the
// order of Cognito's documentation.
var ObservableTriggers = []Trigger{
	TriggerPreSignUp, TriggerPostConfirmation, TriggerPreAuthentication,
	TriggerPostAuthentication, TriggerPreTokenGeneration, TriggerCustomMessage,
}

// decidingTriggers are Cognito's other triggers, with why the trigger
// function, which returns the event unchanged, must not answer them.
var decidingTriggers = map[Trigger]string{
	"DefineAuthChallenge":         "it decides a custom authentication flow: an unchanged answer never issues tokens",
	"CreateAuthChallenge":         "it creates the custom challenge: an unchanged answer has no challenge to ask",
	"VerifyAuthChallengeResponse": "it judges the challenge answer: an unchanged answer rejects every user",
	"UserMigration":               "it returns the migrated user: an unchanged answer migrates nobody",
	"CustomSMSSender":             "it must send the SMS itself: an unchanged answer sends none",
	"CustomEmailSender":           "it must send the e-mail itself: an unchanged answer sends none",
}

// Defaults of a triggers route.
const (
	DefaultTriggerBudget      = time.Second
	DefaultTriggerMemoryMB    = 128
	DefaultTriggerPoolMode    = PoolCreate
	maxTriggerBudget          = 4 * time.Second // Cognito waits 5 s for a trigger
	minTriggerBudget          = 50 * time.Millisecond
	TriggerFunctionTimeoutSec = 5
)

// The trigger function's variables (functions/trigger) that a route sets
// beyond SINK_* and RETRY_*.
const (
	EnvTriggerBudget              = trigger.EnvBudget
	EnvTriggerAttributesAllow     = trigger.EnvAttributesAllow
	EnvTriggerAttributesDeny      = trigger.EnvAttributesDeny
	EnvTriggerClientMetadataAllow = trigger.EnvClientMetadataAllow
)

// Triggers makes a route's events come from Cognito's Lambda triggers
// instead of CloudTrail: the trigger function sends each trigger event as
// a CloudEvent to the route's trigger queue, and the route's forwarder
// reads that queue (FORWARDER_INPUT=sqs-cloudevents) and delivers to the
// route's sink. A route with triggers has no selection: it has no rule.
type Triggers struct {
	// UserPool is the pool whose triggers are wired. Default: create one.
	UserPool UserPool `json:"userPool"`
	// Events are the triggers to wire, by LambdaConfig name: PreSignUp,
	// PostConfirmation, PreAuthentication, PostAuthentication,
	// PreTokenGeneration (wired as version 2) and CustomMessage. Required.
	Events []Trigger `json:"events"`
	// Attributes limits the user attributes events carry; "sub" is always
	// kept (TRIGGER_ATTRIBUTES_ALLOW / _DENY).
	Attributes events.AttributePolicy `json:"attributes"`
	// ClientMetadataAllow lists the clientMetadata keys events carry; none
	// by default, since client metadata is whatever the app sends
	// (TRIGGER_CLIENT_METADATA_ALLOW).
	ClientMetadataAllow []string `json:"clientMetadataAllow"`
	// Budget is how long the trigger function may spend sending one event
	// before it answers Cognito anyway, a Go duration from 50ms to 4s.
	// Default "1s" (TRIGGER_BUDGET).
	Budget string `json:"budget"`
	// MemoryMB is the trigger function's memory. Default 128.
	MemoryMB int `json:"memoryMB"`
}

// IsTriggers reports whether the route's events come from Cognito
// triggers rather than a CloudTrail rule.
func (r *Route) IsTriggers() bool { return r.Triggers != nil }

func (t *Triggers) applyDefaults() {
	if t.UserPool.Mode == "" {
		t.UserPool.Mode = DefaultTriggerPoolMode
	}
	if t.Budget == "" {
		t.Budget = DefaultTriggerBudget.String()
	}
	if t.MemoryMB == 0 {
		t.MemoryMB = DefaultTriggerMemoryMB
	}
}

// errNoSelection is the rule of a triggers route: one route, one source.
var errNoSelection = errors.New("a route with triggers has no rule: leave selection out, and add a second route with the same sink for CloudTrail events")

// validateTriggers checks a triggers route's own keys and the keys that make no
// sense on it; errors name the field.
func (r *Route) validateTriggers(regions []string) error {
	t := r.Triggers
	if s := r.Selection; len(s.Operations) > 0 || len(s.UserPoolIDs) > 0 || s.IncludeFailed || s.IncludeReadOnly || s.IncludeHostedUI {
		return fmt.Errorf("selection: %w", errNoSelection)
	}
	if r.Delivery.Buffered {
		return fmt.Errorf("delivery.buffered: a triggers route always reads its trigger queue; leave it out")
	}
	if len(r.PoolResolution.ClientMap) > 0 || r.PoolResolution.Lookup {
		return fmt.Errorf("poolResolution: trigger events always name their user pool; leave it out")
	}
	if err := t.UserPool.validate(regions); err != nil {
		return err
	}
	if len(t.Events) == 0 {
		return fmt.Errorf("triggers.events: required: one or more of %s", triggerList())
	}
	for i, e := range t.Events {
		if why, ok := decidingTriggers[e]; ok {
			return fmt.Errorf("triggers.events[%d]: %q cannot be observed: %s; wrap your own function with package %s instead (docs/triggers.md)", i, e, why, WrapperPackage)
		}
		if !slices.Contains(ObservableTriggers, e) {
			return fmt.Errorf("triggers.events[%d]: %q is not a Cognito trigger: want one of %s", i, e, triggerList())
		}
		if slices.Contains(t.Events[:i], e) {
			return fmt.Errorf("triggers.events[%d]: %q is listed twice", i, e)
		}
	}
	if err := t.Attributes.Validate(); err != nil {
		return fmt.Errorf("triggers.attributes: %w", err)
	}
	for i, k := range t.ClientMetadataAllow {
		if k == "" || strings.Contains(k, ",") {
			return fmt.Errorf("triggers.clientMetadataAllow[%d]: %q: want a non-empty key without commas", i, k)
		}
	}
	for _, l := range [][]string{t.Attributes.Allow, t.Attributes.Deny} {
		for _, n := range l {
			if strings.Contains(n, ",") {
				return fmt.Errorf("triggers.attributes: %q: attribute names have no commas", n)
			}
		}
	}
	if _, err := parseDuration(t.Budget, minTriggerBudget, maxTriggerBudget); err != nil {
		return fmt.Errorf("triggers.budget: %w (Cognito waits 5 s for a trigger)", err)
	}
	if t.MemoryMB < 128 || t.MemoryMB > 10240 {
		return fmt.Errorf("triggers.memoryMB: %d: want 128 to 10240", t.MemoryMB)
	}
	// The trigger function does not fail its cold start on a bad variable
	// (that would fail every sign-up): it logs and sends nothing. Run its
	// parser here so that such a setting fails at synth instead.
	env := r.TriggerEnvironment()
	env[sink.EnvKind] = string(sink.KindSQS)
	env[sink.EnvSQSQueueURL] = "https://sqs." + regions[0] + ".amazonaws.com/123456789012/trigger-queue"
	if _, err := trigger.Load(func(k string) string { return env[k] }); err != nil {
		return fmt.Errorf("triggers: the trigger function would refuse its environment: %w", err)
	}
	return nil
}

func triggerList() string {
	names := make([]string, len(ObservableTriggers))
	for i, t := range ObservableTriggers {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

// TriggerEnvironment is the trigger function's environment for the route,
// less SINK_KIND and SINK_SQS_QUEUE_URL, which the stack sets to its
// trigger queue: the budget and the attribute and client-metadata lists.
// Lists left empty are omitted; RETRY_* keep the function's defaults, its
// budget bounding them.
func (r *Route) TriggerEnvironment() map[string]string {
	t := r.Triggers
	env := map[string]string{EnvTriggerBudget: t.Budget}
	if len(t.Attributes.Allow) > 0 {
		env[EnvTriggerAttributesAllow] = strings.Join(t.Attributes.Allow, ",")
	}
	if len(t.Attributes.Deny) > 0 {
		env[EnvTriggerAttributesDeny] = strings.Join(t.Attributes.Deny, ",")
	}
	if len(t.ClientMetadataAllow) > 0 {
		env[EnvTriggerClientMetadataAllow] = strings.Join(t.ClientMetadataAllow, ",")
	}
	return env
}
