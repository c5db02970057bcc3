package sink

import (
	"fmt"
	"time"
)

// The variables every kind reads; each kind's own are declared beside it.
const (
	// EnvKind (SINK_KIND) names the kind.
	EnvKind = "SINK_KIND"
	// EnvTimeout (SINK_TIMEOUT) bounds one delivery attempt.
	EnvTimeout = "SINK_TIMEOUT"
	// EnvAWSRegion is the function's region, set by Lambda.
	EnvAWSRegion = "AWS_REGION"
)

// DefaultTimeout is SINK_TIMEOUT's default.
const DefaultTimeout = 10 * time.Second

// Settings are the sink's part of the forwarder's environment: the kind,
// the per-attempt timeout, and each kind's own settings. Every kind's
// variables are read, whatever the kind; only the chosen kind's are
// checked and used.
type Settings struct {
	// Kind (SINK_KIND, required): http, eventbridge, sqs, sns or log.
	Kind Kind
	// Timeout (SINK_TIMEOUT, default 10s) bounds one attempt, of any kind.
	Timeout time.Duration

	// HTTP holds the http sink's settings (SINK_URL … SINK_SIGV4_REGION).
	HTTP HTTPSettings
	// EventBridge holds the eventbridge sink's (SINK_EVENTBRIDGE_*).
	EventBridge EventBridgeSettings
	// SQS holds the sqs sink's (SINK_SQS_QUEUE_URL).
	SQS SQSSettings
	// SNS holds the sns sink's (SINK_SNS_TOPIC_ARN).
	SNS SNSSettings
}

// ReadSettings reads the sink's variables with e: SINK_KIND, SINK_TIMEOUT
// and every kind's own, then checks the chosen kind's. Problems are
// recorded in e.
func ReadSettings(e *Env) Settings {
	s := Settings{
		Kind:    Kind(e.Str(EnvKind)),
		Timeout: e.Duration(EnvTimeout, DefaultTimeout),
	}
	for _, spec := range registry {
		spec.Read(e, &s)
	}
	if s.Kind == "" {
		e.Fail(EnvKind, fmt.Sprintf("is required (%s)", OneOf()))
	} else if spec, ok := Lookup(s.Kind); ok {
		spec.Check(e, &s)
	} else {
		e.Fail(EnvKind, fmt.Sprintf("%q is not one of %s", s.Kind, OneOf()))
	}
	return s
}

// NeedsAWS reports whether the configured sink calls AWS (an AWS sink, a
// credential secret, SigV4).
func (s *Settings) NeedsAWS() bool {
	spec, ok := Lookup(s.Kind)
	return ok && spec.NeedsAWS(s)
}

func always(*Settings) bool { return true }
