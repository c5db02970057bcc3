package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/delivery"
	"github.com/cognito-events/cognito-events/internal/forwarder/config"
	"github.com/cognito-events/cognito-events/internal/forwarder/emf"
	"github.com/cognito-events/cognito-events/internal/forwarder/enrich"
	"github.com/cognito-events/cognito-events/internal/forwarder/handler"
	"github.com/cognito-events/cognito-events/internal/forwarder/pool"
	"github.com/cognito-events/cognito-events/internal/lambdafn"
	"github.com/cognito-events/cognito-events/internal/sink"
)

// UserAgent is sent by the HTTP sink.
const UserAgent = "cognito-events-forwarder"

// EnvFunctionName is set by Lambda: the function's name, the FunctionName
// dimension of its metrics.
const EnvFunctionName = "AWS_LAMBDA_FUNCTION_NAME"

// Reserve is the time kept before the invocation's deadline so a failure
// can still be logged and returned.
const Reserve = delivery.Reserve

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

// New builds the handler cfg describes: the sink, by its kind's
// constructor in package sink's registry (which reads the sink credential
// once), the pool resolver and the retry policy.
func New(ctx context.Context, cfg config.Config, deps Deps) (*handler.Handler, error) {
	getenv := deps.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	needAWS := delivery.LazyAWS(getenv)
	if _, ok := sink.Lookup(cfg.Sink.Kind); !ok {
		return nil, fmt.Errorf("%w: %s %q", config.ErrInvalid, config.EnvSinkKind, cfg.Sink.Kind)
	}
	s, err := delivery.NewSink(ctx, &cfg.Sink, getenv, needAWS, UserAgent)
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
	var enricher handler.Enricher
	if cfg.EnrichUser {
		ac, err := needAWS()
		if err != nil {
			return nil, err
		}
		client := cip.NewFromConfig(ac, func(o *cip.Options) {
			o.Retryer = aws.NopRetryer{}
			o.BaseEndpoint = lambdafn.Endpoint(getenv, lambdafn.ServiceCognito)
		})
		enricher = enrich.New(client, cfg.EnrichUserRate, cfg.EnrichUserAttributes)
	}

	return &handler.Handler{
		Normalizer: &n,
		Sink:       s,
		SinkKind:   string(cfg.Sink.Kind),
		Retry: delivery.Config{
			Sink:             cfg.Sink,
			RetryBaseDelay:   cfg.RetryBaseDelay,
			RetryMaxAttempts: cfg.RetryMaxAttempts,
		}.Policy(),
		Log:      deps.Log,
		Metrics:  emf.New(deps.Metrics, nil).WithFunction(getenv(EnvFunctionName)),
		Enricher: enricher,
		// sqs-cloudevents: only the route's pools (the stack sets them).
		AllowedSources: cfg.AllowedSources,
	}, nil
}
