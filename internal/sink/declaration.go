package sink

import (
	"fmt"
	"regexp"
	"sync"
)

// Declaration is a sink as cdk.json declares it, a route's "sink" key: the
// kind, the per-attempt timeout and each kind's own keys, embedded so they
// sit flat in the JSON object. Secrets are never part of it: an http
// sink's auth.secret names where the credential lives.
type Declaration struct {
	// Kind is http, eventbridge, sqs, sns or log. Required.
	Kind Kind `json:"kind"`
	// Timeout is the per-attempt timeout, a Go duration. Default "10s".
	Timeout string `json:"timeout"`

	HTTPKeys
	EventBridgeKeys
	SQSKeys
	SNSKeys

	// KMSKeyARN is the customer managed key of an encrypted sink (a kind
	// whose Spec has KMS: sqs or sns); the function may then use it to encrypt.
	KMSKeyARN string `json:"kmsKeyArn"`
}

// Statement is one IAM allow statement the forwarder needs. Resources may
// hold the Partition, Region and AccountID placeholders.
type Statement struct {
	Sid       string
	Actions   []string
	Resources []string
	// Conditions narrow the grant, as in a policy's Condition block.
	Conditions []Condition
}

// Condition is one condition of a Statement: Test (StringEquals, …) on Key
// (kms:ViaService, …) against Values, which may hold the placeholders
// below.
type Condition struct {
	Test   string
	Key    string
	Values []string
}

// ViaService limits a grant on the KMS key keyARN to requests the AWS
// service makes on the function's behalf (kms:ViaService) in the key's
// region, which is that of the queue, topic or secret it encrypts (a key
// serves resources of its own region only) and not always the stack's: a
// sink shared by several regions' stacks is reached where it is. The key
// can decrypt what service sends or stores, and nothing else.
func ViaService(service, keyARN string) []Condition {
	return []Condition{{Test: "StringEquals", Key: "kms:ViaService", Values: []string{service + "." + regionFor(keyARN, Region) + ".amazonaws.com"}}}
}

// Placeholders in Statement resources, resolved per stack (CloudFormation
// Fn::Sub syntax).
const (
	Partition = "${AWS::Partition}"
	Region    = "${AWS::Region}"
	AccountID = "${AWS::AccountId}"
)

var (
	partitionRE = `arn:aws(-[a-z]+)*`
	kmsKeyARNRE = lazyRE(`^` + partitionRE + `:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$`)
)

// lazyRE compiles expr on first use. The patterns here check cdk.json
// declarations at synth; compiling them at package init cost every
// forwarder cold start about 3 ms (GODEBUG=inittrace=1), for regular
// expressions a function never uses.
func lazyRE(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// kmsKinds reports the kinds that accept sink.kmsKeyArn.
func kmsKinds(s *Spec) bool { return s.KMS }

// ApplyDefaults fills in the defaults of the declared kind's keys.
func (d *Declaration) ApplyDefaults() {
	if spec, ok := Lookup(d.Kind); ok && spec.Default != nil {
		spec.Default(d)
	}
}

// CheckKeys refuses keys that belong to another kind than the declared
// one, which would otherwise be silently ignored.
func (d *Declaration) CheckKeys() error {
	if d.Kind == "" {
		return nil
	}
	for _, spec := range registry {
		if spec.Kind == d.Kind {
			continue
		}
		if keys := spec.Keys(d); len(keys) > 0 {
			return fmt.Errorf("sink.%s: only for kind %s, not %s", keys[0], spec.Kind, d.Kind)
		}
	}
	if spec, ok := Lookup(d.Kind); d.KMSKeyARN != "" && !(ok && spec.KMS) {
		return fmt.Errorf("sink.kmsKeyArn: only for kind %s, not %s", oneOf(registry, kmsKinds), d.Kind)
	}
	return nil
}

// Validate checks the kind and its keys; errors name the key under
// "sink.".
func (d *Declaration) Validate() error {
	if d.Kind == "" {
		return fmt.Errorf("sink.kind: required: one of %s", OneOf())
	}
	spec, ok := Lookup(d.Kind)
	if !ok {
		return fmt.Errorf("sink.kind: unknown kind %q: one of %s", d.Kind, OneOf())
	}
	if err := spec.Validate(d); err != nil {
		return err
	}
	if d.KMSKeyARN != "" && !kmsKeyARNRE().MatchString(d.KMSKeyARN) {
		return fmt.Errorf("sink.kmsKeyArn: %q is not a KMS key ARN (arn:aws:kms:region:account:key/id)", d.KMSKeyARN)
	}
	return nil
}

// Environment sets the forwarder's sink variables the declaration gives a
// value: SINK_KIND and SINK_TIMEOUT, and the kind's own.
func (d *Declaration) Environment(set func(name, value string)) {
	set(EnvKind, string(d.Kind))
	set(EnvTimeout, d.Timeout)
	if spec, ok := Lookup(d.Kind); ok {
		spec.Environment(d, func(name, value string) {
			if value != "" {
				set(name, value)
			}
		})
	}
}

// Statements returns the IAM statements the forwarder needs to reach the
// declared sink: its kind's, then the use of its KMS key.
func (d *Declaration) Statements() []Statement {
	spec, ok := Lookup(d.Kind)
	if !ok {
		return nil
	}
	out := spec.Statements(d)
	if d.KMSKeyARN != "" {
		out = append(out, Statement{Sid: "EncryptForSink", Actions: []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resources: []string{d.KMSKeyARN},
			Conditions: ViaService(string(d.Kind), d.KMSKeyARN)})
	}
	return out
}
