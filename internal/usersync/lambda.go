package usersync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"golang.org/x/time/rate"

	"github.com/cognito-events/cognito-events/internal/delivery"
	"github.com/cognito-events/cognito-events/internal/lambdafn"
	"github.com/cognito-events/cognito-events/internal/retry"
)

// LambdaReserve is the time a Lambda run keeps before its deadline: it
// checkpoints and returns then, so the next invocation resumes.
const LambdaReserve = 20 * time.Second

// CognitoRetry is the retry policy of Cognito requests: throttling and
// failures before an answer, backed off from 200ms to 20s.
var CognitoRetry = retry.Policy{BaseDelay: 200 * time.Millisecond, MaxDelay: 20 * time.Second, MaxAttempts: 10, Reserve: time.Second}

// Function is the sync Lambda's handler.
type Function struct {
	Engine *Engine
	Pools  []string
	Log    *slog.Logger
	// Members are pools of other accounts (SYNC_MEMBER_POOLS), each read
	// through MemberCognito at Rate per account and region (members.go).
	Members []MemberPool
	// Discover are account and region places (SYNC_MEMBER_DISCOVER, no
	// ARN or ID) whose every pool is read as a member pool.
	Discover []MemberPool
	// Units are organizational units (SYNC_MEMBER_UNITS) whose ACTIVE
	// accounts, listed through Organizations each run, are discovery
	// places (units.go).
	Units         []UnitPlace
	Organizations OrganizationsAPI
	MemberCognito func(MemberPool) (CognitoAPI, error)
	Rate          float64
	limiters      map[string]Waiter
	clients       map[string]CognitoAPI
}

// NewFunction wires the function from its configuration: Cognito and
// DynamoDB clients from Lambda's variables (endpoint overrides honoured),
// the sink through package delivery.
func NewFunction(ctx context.Context, cfg Config, log *slog.Logger, getenv func(string) string) (*Function, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	ac, err := lambdafn.AWSConfig(getenv)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	sender, err := delivery.New(ctx, cfg.Delivery, getenv, "cognito-events-sync")
	if err != nil {
		return nil, fmt.Errorf("building the sink: %w", err)
	}
	ddb := dynamodb.NewFromConfig(ac, func(o *dynamodb.Options) {
		o.BaseEndpoint = lambdafn.Endpoint(getenv, "DYNAMODB")
	})
	return &Function{
		Engine: &Engine{
			Cognito:  NewCognito(ac, lambdafn.Endpoint(getenv, lambdafn.ServiceCognito)),
			Limiter:  rate.NewLimiter(rate.Limit(cfg.Rate), 1),
			Retry:    CognitoRetry,
			Store:    &DynamoStore{API: ddb, Table: cfg.StateTable},
			Sender:   sender,
			Policy:   cfg.Policy,
			Baseline: cfg.Baseline,
			Reserve:  LambdaReserve,
			Log:      log,
		},
		Pools:         cfg.UserPoolIDs,
		Log:           log,
		Members:       cfg.MemberPools,
		Discover:      cfg.MemberDiscover,
		Units:         cfg.MemberUnits,
		Rate:          cfg.Rate,
		Organizations: NewOrganizations(ac, lambdafn.Endpoint(getenv, lambdafn.ServiceOrganizations)),
		MemberCognito: func(p MemberPool) (CognitoAPI, error) {
			return MemberCognito(ac, p, lambdafn.Endpoint(getenv, lambdafn.ServiceCognito), lambdafn.Endpoint(getenv, lambdafn.ServiceSTS))
		},
	}, nil
}

// Handle runs each pool's pass from its checkpoint, one after the other,
// the hub's own pools (every pool of the region when none is named and
// there are no member pools) then the member pools, until done or the
// deadline is near; the scheduled invocation's payload is ignored. Each pool's run holds the pool's lease, named after the
// invocation's request id; a pool whose lease another run holds is logged
// (holder, until) and skipped, not an error. It fails when an event was
// not delivered, so the invocation's error metric and alarms see it.
func (f *Function) Handle(ctx context.Context, _ json.RawMessage) (Stats, error) {
	if lc, ok := lambdacontext.FromContext(ctx); ok && lc.AwsRequestID != "" {
		f.Engine.Holder = "lambda request " + lc.AwsRequestID
	}
	pools := f.Pools
	if len(pools) == 0 && len(f.Members)+len(f.Discover)+len(f.Units) == 0 {
		var err error
		if pools, err = ListPools(ctx, f.Engine.Cognito, f.Engine.Limiter, CognitoRetry); err != nil {
			return Stats{}, err
		}
	}
	var total Stats
	var errs []error
	for _, pool := range pools {
		if f.syncOne(ctx, f.Engine, pool, &total, &errs) {
			break
		}
	}
	f.syncMembers(ctx, &total, &errs)
	total.Complete = len(errs) == 0
	if err := errors.Join(errs...); err != nil {
		return total, fmt.Errorf("syncing users: %w", err)
	}
	if total.Failed > 0 {
		return total, fmt.Errorf("syncing users: %d events failed", total.Failed)
	}
	return total, nil
}

// syncOne runs one pool's pass with e, adds its figures to total and its
// error to errs (a held lease is logged by SyncPool and not an error), and
// reports whether the deadline is near.
func (f *Function) syncOne(ctx context.Context, e *Engine, pool string, total *Stats, errs *[]error) (timeUp bool) {
	s, err := e.SyncPool(ctx, pool)
	total.Add(s)
	if !errors.Is(err, ErrLeaseHeld) {
		LogStats(f.Log, s, err)
		if err != nil {
			*errs = append(*errs, err)
		}
	}
	return f.Engine.timeUp(ctx)
}

// Log keys of the summary line.
const (
	LogPages     = "pages"
	LogUsers     = "users"
	LogCreated   = "created"
	LogUpdated   = "updated"
	LogDeleted   = "deleted"
	LogDelivered = "delivered"
	LogFailed    = "failed"
	LogRequests  = "requests"
	LogRestarts  = "restarts"
	LogBaseline  = "baselined"
	// LogPolicyChanged counts records that changed form only because the
	// attribute policy changed (recorded without events).
	LogPolicyChanged = "policy_changed"
	LogComplete      = "complete"
	LogDuration      = "duration_ms"
)

// LogStats writes one summary line of a pool's run.
func LogStats(log *slog.Logger, s Stats, err error) {
	if log == nil {
		return
	}
	attrs := []any{LogPool, s.Pool, LogPages, s.Pages, LogUsers, s.Users, LogCreated, s.Created, LogUpdated, s.Updated,
		LogDeleted, s.Deleted, LogDelivered, s.Delivered, LogFailed, s.Failed, LogRequests, s.Requests,
		LogRestarts, s.Restarts, LogBaseline, s.Baselined, LogPolicyChanged, s.PolicyChanged,
		LogComplete, s.Complete, LogDuration, s.Duration.Milliseconds()}
	if err != nil {
		log.Error("user sync run", append(attrs, LogError, err.Error())...)
		return
	}
	log.Info("user sync run", attrs...)
}

// timeUp reports whether the deadline is less than Reserve away.
func (e *Engine) timeUp(ctx context.Context) bool {
	d, ok := ctx.Deadline()
	return ok && time.Until(d) < e.Reserve
}
