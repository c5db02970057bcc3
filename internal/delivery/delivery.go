package delivery

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/lambdafn"
	"github.com/cognito-events/cognito-events/internal/retry"
	"github.com/cognito-events/cognito-events/internal/secret"
	"github.com/cognito-events/cognito-events/internal/sink"
)

// Names of the retry variables.
const (
	EnvRetryBaseDelay   = "RETRY_BASE_DELAY"
	EnvRetryMaxAttempts = "RETRY_MAX_ATTEMPTS"
)

// Defaults of the retry variables.
const (
	DefaultRetryBaseDelay   = 200 * time.Millisecond
	DefaultRetryMaxAttempts = 5
)

// Reserve is the time kept before the invocation's deadline so a failure
// can still be logged and returned.
const Reserve = 500 * time.Millisecond

// Config is what a function reads to deliver: the sink and the retries.
type Config struct {
	// Sink holds SINK_KIND, SINK_TIMEOUT and the kind's variables
	// (sink.Settings documents each).
	Sink sink.Settings
	// RetryBaseDelay (RETRY_BASE_DELAY, default 200ms): first in-process
	// retry delay; it doubles per attempt, with jitter.
	RetryBaseDelay time.Duration
	// RetryMaxAttempts (RETRY_MAX_ATTEMPTS, default 5): attempts per event,
	// also bounded by the invocation's remaining time.
	RetryMaxAttempts int
}

// Read reads the delivery variables from e; bad values are recorded in e,
// whose Err names each.
func Read(e *sink.Env) Config {
	return Config{
		Sink:             sink.ReadSettings(e),
		RetryBaseDelay:   e.Duration(EnvRetryBaseDelay, DefaultRetryBaseDelay),
		RetryMaxAttempts: e.PositiveInt(EnvRetryMaxAttempts, DefaultRetryMaxAttempts),
	}
}

// Policy is the retry policy of c: transient failures retried with backoff
// and jitter, each attempt bounded by the sink's timeout, the last one
// ending Reserve before the deadline.
func (c Config) Policy() retry.Policy {
	return retry.Policy{
		BaseDelay:      c.RetryBaseDelay,
		MaxAttempts:    c.RetryMaxAttempts,
		AttemptTimeout: c.Sink.Timeout,
		Reserve:        Reserve,
		Permanent:      sink.IsPermanent,
		RetryAfter:     sink.RetryAfter,
	}
}

// LazyAWS returns a function that builds the AWS configuration from
// Lambda's variables (lambdafn.AWSConfig) on first use and returns it
// after; a function that never calls AWS never needs credentials.
func LazyAWS(getenv func(string) string) func() (aws.Config, error) {
	var cfg *aws.Config
	return func() (aws.Config, error) {
		if cfg == nil {
			c, err := lambdafn.AWSConfig(getenv)
			if err != nil {
				return aws.Config{}, fmt.Errorf("loading AWS configuration: %w", err)
			}
			cfg = &c
		}
		return *cfg, nil
	}
}

// NewSink builds the sink s configures with its kind's constructor, reading
// the sink's credential, if any, from Secrets Manager or SSM once. getenv
// (nil: os.Getenv) serves the AWS variables; needAWS gives the AWS
// configuration when the sink calls AWS.
func NewSink(ctx context.Context, s *sink.Settings, getenv func(string) string, needAWS func() (aws.Config, error), userAgent string) (sink.Sink, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if _, ok := sink.Lookup(s.Kind); !ok {
		return nil, fmt.Errorf("%s %q: not one of %s", sink.EnvKind, s.Kind, sink.OneOf())
	}
	return sink.New(ctx, s, sink.Deps{
		AWS:    needAWS,
		Getenv: getenv,
		ReadSecret: func(ctx context.Context, ref string) ([]byte, error) {
			ac, err := needAWS()
			if err != nil {
				return nil, err
			}
			// The secret or parameter is read in its own region (that
			// of its ARN), which may not be the function's.
			region := ac.Region
			if r := sink.ResourceRegion(ref); r != "" {
				region = r
			}
			r := secret.Reader{
				SecretsManager: secretsmanager.NewFromConfig(ac, func(o *secretsmanager.Options) {
					o.BaseEndpoint = lambdafn.Endpoint(getenv, lambdafn.ServiceSecretsManager)
					o.Region = region
				}),
				SSM: &secret.SSM{Endpoint: aws.ToString(lambdafn.Endpoint(getenv, lambdafn.ServiceSSM)), Region: region, Credentials: ac.Credentials},
			}
			return r.Read(ctx, ref)
		},
		UserAgent: userAgent,
	})
}

// Sender delivers one event at a time to Sink under Retry.
type Sender struct {
	Sink sink.Sink
	// Kind names the sink in logs and metrics.
	Kind  sink.Kind
	Retry retry.Policy
}

// New builds the Sender c configures.
func New(ctx context.Context, c Config, getenv func(string) string, userAgent string) (*Sender, error) {
	s, err := NewSink(ctx, &c.Sink, getenv, LazyAWS(orEnv(getenv)), userAgent)
	if err != nil {
		return nil, err
	}
	return &Sender{Sink: s, Kind: c.Sink.Kind, Retry: c.Policy()}, nil
}

// Send delivers ev, retrying transient failures; it returns how many
// attempts it made and nil only when the sink acknowledged the event.
func (s *Sender) Send(ctx context.Context, ev *events.Event) (int, error) {
	res, err := s.Retry.Do(ctx, func(ctx context.Context) error { return s.Sink.Send(ctx, ev) })
	if err != nil {
		return res.Attempts, fmt.Errorf("delivering event %s to the %s sink: %w", ev.ID, s.Kind, err)
	}
	return res.Attempts, nil
}

func orEnv(getenv func(string) string) func(string) string {
	if getenv == nil {
		return os.Getenv
	}
	return getenv
}
