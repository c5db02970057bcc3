package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/forwarder/config"
	"github.com/cognito-events/cognito-events/internal/forwarder/emf"
	"github.com/cognito-events/cognito-events/internal/forwarder/handler"
	"github.com/cognito-events/cognito-events/internal/forwarder/pool"
	"github.com/cognito-events/cognito-events/internal/forwarder/retry"
	"github.com/cognito-events/cognito-events/internal/forwarder/secret"
	"github.com/cognito-events/cognito-events/internal/lambdafn"
	"github.com/cognito-events/cognito-events/internal/sink"
)

// UserAgent is sent by the HTTP sink.
const UserAgent = "cognito-events-forwarder"

// Reserve is the time kept before the invocation's deadline so a failure
// can still be logged and returned.
const Reserve = 500 * time.Millisecond

// Deps are the process-wide things New wires in.
type Deps struct {
	Log *slog.Logger
	// Metrics receives the EMF documents (os.Stdout in Lambda).
	Metrics io.Writer
	// Getenv reads the AWS variables (credentials, endpoint overrides); nil
	// means os.Getenv. The AWS configuration is built only when the
	// configuration needs AWS.
	Getenv func(string) string
}

// New builds the handler cfg describes: reads the sink credential (once),
// builds the sink, the pool resolver and the retry policy.
func New(ctx context.Context, cfg config.Config, deps Deps) (*handler.Handler, error) {
	getenv := deps.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	var awsCfg *aws.Config
	needAWS := func() (aws.Config, error) {
		if awsCfg == nil {
			c, err := lambdafn.AWSConfig(getenv)
			if err != nil {
				return aws.Config{}, fmt.Errorf("loading AWS configuration: %w", err)
			}
			awsCfg = &c
		}
		return *awsCfg, nil
	}

	s, err := newSink(ctx, cfg, needAWS, getenv)
	if err != nil {
		return nil, err
	}

	resolvers := pool.Chain{}
	if len(cfg.PoolClientMap) > 0 {
		resolvers = append(resolvers, events.StaticPoolResolver(cfg.PoolClientMap))
	}
	if cfg.PoolLookup {
		ac, err := needAWS()
		if err != nil {
			return nil, err
		}
		client := cip.NewFromConfig(ac, func(o *cip.Options) {
			o.Retryer = aws.NopRetryer{}
			o.BaseEndpoint = lambdafn.Endpoint(getenv, lambdafn.ServiceCognito)
		})
		resolvers = append(resolvers, pool.NewLookup(client, cfg.PoolLookupRate))
	}
	var n events.Normalizer
	if len(resolvers) > 0 {
		n.Resolver = resolvers
	}

	return &handler.Handler{
		Normalizer: &n,
		Sink:       s,
		SinkKind:   string(cfg.SinkKind),
		Retry: retry.Policy{
			BaseDelay:      cfg.RetryBaseDelay,
			MaxAttempts:    cfg.RetryMaxAttempts,
			AttemptTimeout: cfg.HTTP.Timeout,
			Reserve:        Reserve,
			Permanent:      sink.IsPermanent,
			RetryAfter:     sink.RetryAfter,
		},
		Log:     deps.Log,
		Metrics: emf.New(deps.Metrics, nil),
	}, nil
}

func newSink(ctx context.Context, cfg config.Config, needAWS func() (aws.Config, error), getenv func(string) string) (sink.Sink, error) {
	// The forwarder retries itself, with its own bounds; SDK retries would
	// multiply the attempts.
	noRetry := aws.NopRetryer{}
	switch cfg.SinkKind {
	case config.SinkHTTP:
		return newHTTPSink(ctx, cfg, needAWS, getenv)
	case config.SinkEventBridge:
		ac, err := needAWS()
		if err != nil {
			return nil, err
		}
		return &sink.EventBridge{
			Client: eventbridge.NewFromConfig(ac, func(o *eventbridge.Options) {
				o.Retryer = noRetry
				o.BaseEndpoint = lambdafn.Endpoint(getenv, lambdafn.ServiceEventBridge)
			}),
			Bus:        cfg.EventBridgeBus,
			Source:     cfg.EventBridgeSource,
			DetailType: cfg.EventBridgeDetailType,
		}, nil
	case config.SinkSQS:
		ac, err := needAWS()
		if err != nil {
			return nil, err
		}
		return &sink.SQS{
			Client: sqs.NewFromConfig(ac, func(o *sqs.Options) {
				o.Retryer = noRetry
				o.BaseEndpoint = lambdafn.Endpoint(getenv, lambdafn.ServiceSQS)
			}),
			QueueURL: cfg.SQSQueueURL,
			FIFO:     cfg.IsFIFO(),
		}, nil
	case config.SinkSNS:
		ac, err := needAWS()
		if err != nil {
			return nil, err
		}
		return &sink.SNS{
			Client: sns.NewFromConfig(ac, func(o *sns.Options) {
				o.Retryer = noRetry
				o.BaseEndpoint = lambdafn.Endpoint(getenv, lambdafn.ServiceSNS)
			}),
			TopicARN: cfg.SNSTopicARN,
			FIFO:     cfg.IsFIFO(),
		}, nil
	}
	return nil, fmt.Errorf("%w: %s %q", config.ErrInvalid, config.EnvSinkKind, cfg.SinkKind)
}

func newHTTPSink(ctx context.Context, cfg config.Config, needAWS func() (aws.Config, error), getenv func(string) string) (sink.Sink, error) {
	h := cfg.HTTP
	client := &http.Client{
		Timeout:   h.Timeout,
		Transport: newTransport(h.Timeout),
		// A redirect is not an acknowledgement; the sink must answer 2xx.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	s := &sink.HTTP{URL: h.URL, Headers: h.Headers, Client: client, UserAgent: UserAgent}
	if h.Mode == config.ModeStructured {
		s.Mode = sink.Structured
	}
	var secretValue []byte
	switch h.Auth {
	case config.AuthBearer, config.AuthAPIKey, config.AuthBasic, config.AuthOAuth2:
		ac, err := needAWS()
		if err != nil {
			return nil, err
		}
		r := secret.Reader{
			SecretsManager: secretsmanager.NewFromConfig(ac, func(o *secretsmanager.Options) {
				o.BaseEndpoint = lambdafn.Endpoint(getenv, lambdafn.ServiceSecretsManager)
			}),
			SSM: &secret.SSM{Endpoint: aws.ToString(lambdafn.Endpoint(getenv, lambdafn.ServiceSSM)), Region: ac.Region, Credentials: ac.Credentials},
		}
		secretValue, err = r.Read(ctx, h.AuthSecret)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", config.EnvAuthSecret, err)
		}
	}
	var err error
	switch h.Auth {
	case config.AuthBearer:
		s.Auth, err = sink.NewBearer(secretValue)
	case config.AuthAPIKey:
		s.Auth, err = sink.NewAPIKey(secretValue, h.AuthHeader)
	case config.AuthBasic:
		s.Auth, err = sink.NewBasic(secretValue)
	case config.AuthOAuth2:
		s.Auth, err = sink.NewOAuth2(secretValue, h.OAuth2TokenURL, h.OAuth2Scopes, client)
	case config.AuthSigV4:
		ac, aerr := needAWS()
		if aerr != nil {
			return nil, aerr
		}
		s.Auth = &sink.SigV4{Credentials: ac.Credentials, Service: h.SigV4Service, Region: h.SigV4Region}
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", config.EnvAuthSecret, h.AuthSecret, err)
	}
	return s, nil
}

func newTransport(timeout time.Duration) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: min(timeout, 5*time.Second), KeepAlive: 30 * time.Second}).DialContext
	t.MaxIdleConnsPerHost = 4
	t.ResponseHeaderTimeout = timeout
	return t
}
