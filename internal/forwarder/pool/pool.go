package pool

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"golang.org/x/time/rate"

	"github.com/cognito-events/cognito-events/events"
)

// Chain asks each resolver in turn; a resolver answering
// events.ErrPoolNotFound passes the question on, any other error stops it.
type Chain []events.PoolResolver

var _ events.PoolResolver = Chain(nil)

// ResolveUserPool returns the first pool found.
func (c Chain) ResolveUserPool(ctx context.Context, region, clientID string) (string, error) {
	for _, r := range c {
		pool, err := r.ResolveUserPool(ctx, region, clientID)
		if err == nil {
			return pool, nil
		}
		if !errors.Is(err, events.ErrPoolNotFound) {
			return "", err
		}
	}
	return "", events.ErrPoolNotFound
}

// CognitoAPI is the part of the Cognito user-pools client the lookup uses.
type CognitoAPI interface {
	ListUserPools(ctx context.Context, in *cip.ListUserPoolsInput, optFns ...func(*cip.Options)) (*cip.ListUserPoolsOutput, error)
	ListUserPoolClients(ctx context.Context, in *cip.ListUserPoolClientsInput, optFns ...func(*cip.Options)) (*cip.ListUserPoolClientsOutput, error)
}

var _ CognitoAPI = (*cip.Client)(nil)

// DefaultRefreshInterval is the least time between two scans of a region
// triggered by an unknown client id.
const DefaultRefreshInterval = time.Minute

// pageSize is the largest MaxResults both list calls accept.
const pageSize = 60

// Lookup finds the pool of a client id by listing the user pools of the
// record's region and their app clients, and caches the whole map. An
// unknown client triggers a new scan at most once per RefreshInterval per
// region; every Cognito request first takes a token from a bucket, so the
// lookup never spends more than its rate of Cognito's request quota.
// Lookup is safe for concurrent use; scans are serialised.
type Lookup struct {
	api     CognitoAPI
	limiter *rate.Limiter
	// RefreshInterval: see DefaultRefreshInterval.
	RefreshInterval time.Duration
	now             func() time.Time

	mu      sync.Mutex
	regions map[string]*regionCache
	// requests counts the Cognito requests made.
	requests int
}

type regionCache struct {
	clients  map[string]string
	loadedAt time.Time
}

var _ events.PoolResolver = (*Lookup)(nil)

// NewLookup returns a Lookup making at most perSecond requests per second
// (burst 1).
func NewLookup(api CognitoAPI, perSecond float64) *Lookup {
	return &Lookup{
		api:             api,
		limiter:         rate.NewLimiter(rate.Limit(perSecond), 1),
		RefreshInterval: DefaultRefreshInterval,
		now:             time.Now,
		regions:         make(map[string]*regionCache),
	}
}

// ResolveUserPool returns the pool holding clientID in region.
func (l *Lookup) ResolveUserPool(ctx context.Context, region, clientID string) (string, error) {
	if clientID == "" {
		return "", events.ErrPoolNotFound
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	rc := l.regions[region]
	if rc != nil {
		if pool, ok := rc.clients[clientID]; ok {
			return pool, nil
		}
		if l.now().Sub(rc.loadedAt) < l.RefreshInterval {
			return "", events.ErrPoolNotFound
		}
	}
	clients, err := l.scan(ctx, region)
	if err != nil {
		return "", fmt.Errorf("looking up the user pool of a client in %s: %w", region, err)
	}
	l.regions[region] = &regionCache{clients: clients, loadedAt: l.now()}
	if pool, ok := clients[clientID]; ok {
		return pool, nil
	}
	return "", events.ErrPoolNotFound
}

func (l *Lookup) scan(ctx context.Context, region string) (map[string]string, error) {
	var opts []func(*cip.Options)
	if region != "" {
		opts = append(opts, func(o *cip.Options) { o.Region = region })
	}
	var pools []string
	var next *string
	for {
		if err := l.wait(ctx); err != nil {
			return nil, err
		}
		out, err := l.api.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(pageSize), NextToken: next}, opts...)
		if err != nil {
			return nil, fmt.Errorf("listing user pools: %w", err)
		}
		for _, p := range out.UserPools {
			if id := aws.ToString(p.Id); id != "" {
				pools = append(pools, id)
			}
		}
		if next = out.NextToken; aws.ToString(next) == "" {
			break
		}
	}
	clients := make(map[string]string)
	for _, pool := range pools {
		var next *string
		for {
			if err := l.wait(ctx); err != nil {
				return nil, err
			}
			out, err := l.api.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{
				UserPoolId: aws.String(pool), MaxResults: aws.Int32(pageSize), NextToken: next,
			}, opts...)
			if err != nil {
				return nil, fmt.Errorf("listing the app clients of %s: %w", pool, err)
			}
			for _, c := range out.UserPoolClients {
				if id := aws.ToString(c.ClientId); id != "" {
					clients[id] = pool
				}
			}
			if next = out.NextToken; aws.ToString(next) == "" {
				break
			}
		}
	}
	return clients, nil
}

func (l *Lookup) wait(ctx context.Context) error {
	if err := l.limiter.Wait(ctx); err != nil {
		return fmt.Errorf("waiting for the Cognito request budget: %w", err)
	}
	l.requests++
	return nil
}
