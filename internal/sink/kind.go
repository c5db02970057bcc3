package sink

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Kind names a kind of sink: the value of SINK_KIND and of a route's
// sink.kind in cdk.json.
type Kind string

// The sink kinds. Each has a Spec in the registry (see Specs).
const (
	KindHTTP        Kind = "http"
	KindEventBridge Kind = "eventbridge"
	KindSQS         Kind = "sqs"
	KindSNS         Kind = "sns"
	// KindLog writes each event as a line of the function's own log.
	KindLog Kind = "log"
)

// Mode is the CloudEvents HTTP binding's content mode: SINK_HTTP_MODE, a
// route's sink.mode, the HTTP sink's Mode and what the local receiver saw.
type Mode string

// The content modes.
const (
	// Binary puts the attributes in ce- headers and the data in the body.
	Binary Mode = "binary"
	// Structured sends the whole event as application/cloudevents+json.
	Structured Mode = "structured"
)

// Spec declares one kind of sink in one place: its name, the environment
// variables the forwarder reads for it, their parsing and validation, its
// constructor, its cdk.json keys with their defaults, validation and
// mapping to the environment, and the IAM statements its forwarder needs.
// The forwarder's configuration, the forwarder's wiring, the CDK app and
// the CLI all go through the registry; none of them switches on Kind.
type Spec struct {
	// Kind is the kind's name.
	Kind Kind
	// Vars are the environment variables the forwarder reads for this
	// kind, besides SINK_KIND and SINK_TIMEOUT, which every kind reads.
	Vars []string
	// Service is the AWS_ENDPOINT_URL_<SERVICE> suffix of the AWS service
	// the sink calls, "" when it calls none.
	Service string
	// KMS reports that the sink may be encrypted with a customer managed
	// key, which cdk.json names in sink.kmsKeyArn.
	KMS bool

	// Read reads Vars into s, with their defaults. It runs for every kind,
	// whatever SINK_KIND says, so a malformed variable is always reported.
	Read func(e *Env, s *Settings)
	// Check validates s when SINK_KIND names this kind.
	Check func(e *Env, s *Settings)
	// NeedsAWS reports whether the sink, as s configures it, calls AWS.
	NeedsAWS func(s *Settings) bool
	// New builds the sink s configures.
	New func(ctx context.Context, s *Settings, d Deps) (Sink, error)

	// Keys lists the cdk.json keys of this kind that d sets (under
	// "sink."); they are refused for every other kind.
	Keys func(d *Declaration) []string
	// Default fills in the defaults of this kind's cdk.json keys; nil
	// when it has none.
	Default func(d *Declaration)
	// Validate checks this kind's cdk.json keys; errors name the key
	// under "sink.".
	Validate func(d *Declaration) error
	// Environment sets the variables of the forwarder's environment that
	// this kind's keys give a value (set ignores empty values).
	Environment func(d *Declaration, set func(name, value string))
	// Statements are the IAM statements the forwarder needs to reach the
	// sink d declares; no action is a wildcard.
	Statements func(d *Declaration) []Statement
}

// registry lists every kind, in the order "one of" messages name them.
// Adding a kind is adding its file, with its Spec, and one line here.
var registry = []*Spec{
	&httpSpec,
	&eventBridgeSpec,
	&sqsSpec,
	&snsSpec,
	&logSpec,
}

// Specs returns the registry, one Spec per kind.
func Specs() []*Spec { return slices.Clone(registry) }

// Lookup returns the Spec of kind, or nil and false when there is none.
func Lookup(kind Kind) (*Spec, bool) {
	for _, s := range registry {
		if s.Kind == kind {
			return s, true
		}
	}
	return nil, false
}

// OneOf lists the kinds for messages: "http, eventbridge, sqs, sns or log".
func OneOf() string {
	return oneOf(registry, func(*Spec) bool { return true })
}

// oneOf lists the kinds of the specs keep accepts, "a, b or c".
func oneOf(specs []*Spec, keep func(*Spec) bool) string {
	var names []string
	for _, s := range specs {
		if keep(s) {
			names = append(names, string(s.Kind))
		}
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Deps are what a constructor may need from the process, each built only
// when a sink asks for it.
type Deps struct {
	// AWS returns the AWS configuration, built on first use.
	AWS func() (aws.Config, error)
	// Getenv reads the endpoint overrides, AWS_ENDPOINT_URL_<SERVICE>.
	Getenv func(string) string
	// ReadSecret reads a credential: a Secrets Manager secret or an SSM
	// SecureString parameter. Errors name ref, never the value.
	ReadSecret func(ctx context.Context, ref string) ([]byte, error)
	// UserAgent is sent by the HTTP sink.
	UserAgent string
	// Output receives the log sink's lines; nil means os.Stderr, the
	// function's log.
	Output io.Writer
}

// New builds the sink s configures, with its kind's constructor.
func New(ctx context.Context, s *Settings, d Deps) (Sink, error) {
	spec, ok := Lookup(s.Kind)
	if !ok {
		return nil, &UnknownKindError{Kind: s.Kind}
	}
	return spec.New(ctx, s, d)
}

// UnknownKindError is returned for a kind the registry does not know.
type UnknownKindError struct {
	Kind Kind
}

func (e *UnknownKindError) Error() string {
	return fmt.Sprintf("unknown sink kind %q: one of %s", e.Kind, OneOf())
}

// key is a cdk.json key of a kind and whether a declaration sets it.
type key struct {
	name string
	set  bool
}

// setKeys returns the names of the keys that are set.
func setKeys(keys ...key) []string {
	var names []string
	for _, k := range keys {
		if k.set {
			names = append(names, k.name)
		}
	}
	return names
}
