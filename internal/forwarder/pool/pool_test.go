package pool

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognito-events/cognito-events/events"
)

// fakeCognito serves pools (region → pool → clients) in pages of two and
// records every call.
type fakeCognito struct {
	pools   map[string]map[string][]string
	calls   []string
	failing error
}

var _ CognitoAPI = (*fakeCognito)(nil)

func region(optFns []func(*cip.Options)) string {
	var o cip.Options
	for _, f := range optFns {
		f(&o)
	}
	return o.Region
}

func page[T any](items []T, token *string) ([]T, *string) {
	start := 0
	if token != nil {
		fmt.Sscan(*token, &start)
	}
	end := min(start+2, len(items))
	if end < len(items) {
		return items[start:end], aws.String(fmt.Sprint(end))
	}
	return items[start:end], nil
}

func (f *fakeCognito) ListUserPools(_ context.Context, in *cip.ListUserPoolsInput, optFns ...func(*cip.Options)) (*cip.ListUserPoolsOutput, error) {
	r := region(optFns)
	f.calls = append(f.calls, "ListUserPools "+r)
	if f.failing != nil {
		return nil, f.failing
	}
	if aws.ToInt32(in.MaxResults) < 1 || aws.ToInt32(in.MaxResults) > 60 {
		return nil, errors.New("MaxResults out of range")
	}
	var ids []string
	for id := range f.pools[r] {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	got, next := page(ids, in.NextToken)
	out := &cip.ListUserPoolsOutput{NextToken: next}
	for _, id := range got {
		out.UserPools = append(out.UserPools, types.UserPoolDescriptionType{Id: aws.String(id)})
	}
	return out, nil
}

func (f *fakeCognito) ListUserPoolClients(_ context.Context, in *cip.ListUserPoolClientsInput, optFns ...func(*cip.Options)) (*cip.ListUserPoolClientsOutput, error) {
	r := region(optFns)
	pool := aws.ToString(in.UserPoolId)
	f.calls = append(f.calls, "ListUserPoolClients "+pool)
	got, next := page(f.pools[r][pool], in.NextToken)
	out := &cip.ListUserPoolClientsOutput{NextToken: next}
	for _, c := range got {
		out.UserPoolClients = append(out.UserPoolClients, types.UserPoolClientDescription{ClientId: aws.String(c), UserPoolId: aws.String(pool)})
	}
	return out, nil
}

func newFake() *fakeCognito {
	return &fakeCognito{pools: map[string]map[string][]string{
		"eu-west-1": {
			"eu-west-1_AAAAAAAAA": {"c1", "c2", "c3"},
			"eu-west-1_BBBBBBBBB": {"c4"},
			"eu-west-1_CCCCCCCCC": nil,
		},
		"us-east-1": {"us-east-1_DDDDDDDDD": {"c9"}},
	}}
}

func TestLookup(t *testing.T) {
	f := newFake()
	l := NewLookup(f, 1000)
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	l.now = func() time.Time { return now }
	ctx := context.Background()

	for _, tc := range []struct{ region, client, want string }{
		{"eu-west-1", "c3", "eu-west-1_AAAAAAAAA"},
		{"eu-west-1", "c4", "eu-west-1_BBBBBBBBB"},
		{"eu-west-1", "c1", "eu-west-1_AAAAAAAAA"},
		{"us-east-1", "c9", "us-east-1_DDDDDDDDD"},
	} {
		got, err := l.ResolveUserPool(ctx, tc.region, tc.client)
		if err != nil || got != tc.want {
			t.Fatalf("ResolveUserPool(%s, %s) = %q, %v; want %q", tc.region, tc.client, got, err, tc.want)
		}
	}
	// eu-west-1: 2 pages of pools, pool A 2 pages of clients, B and C 1
	// each; us-east-1: 1 + 1. Cached afterwards.
	if len(f.calls) != 8 || l.requests != 8 {
		t.Fatalf("calls %v (%d counted), want 8", f.calls, l.requests)
	}
	if !strings.HasPrefix(strings.Join(f.calls, ","), "ListUserPools eu-west-1,ListUserPools eu-west-1,") {
		t.Fatalf("calls %v did not page through the region's pools", f.calls)
	}

	// An unknown client: not found, and no new scan within the interval.
	if _, err := l.ResolveUserPool(ctx, "eu-west-1", "new-client"); !errors.Is(err, events.ErrPoolNotFound) {
		t.Fatalf("unknown client: %v", err)
	}
	if len(f.calls) != 8 {
		t.Fatalf("an unknown client rescanned within the refresh interval: %v", f.calls)
	}
	// After the interval, a client created since is found by a new scan.
	f.pools["eu-west-1"]["eu-west-1_BBBBBBBBB"] = append(f.pools["eu-west-1"]["eu-west-1_BBBBBBBBB"], "new-client")
	now = now.Add(DefaultRefreshInterval)
	if got, err := l.ResolveUserPool(ctx, "eu-west-1", "new-client"); err != nil || got != "eu-west-1_BBBBBBBBB" {
		t.Fatalf("after refresh: %q, %v", got, err)
	}
	if len(f.calls) != 8+6 {
		t.Fatalf("calls after refresh %d, want 14", len(f.calls))
	}
	if _, err := l.ResolveUserPool(ctx, "eu-west-1", ""); !errors.Is(err, events.ErrPoolNotFound) {
		t.Fatalf("empty client id: %v", err)
	}
}

func TestLookupErrors(t *testing.T) {
	f := newFake()
	f.failing = errors.New("AccessDeniedException: not authorized")
	l := NewLookup(f, 1000)
	_, err := l.ResolveUserPool(context.Background(), "eu-west-1", "c1")
	if err == nil || errors.Is(err, events.ErrPoolNotFound) || !strings.Contains(err.Error(), "AccessDenied") {
		t.Fatalf("ResolveUserPool = %v; want the Cognito error, not ErrPoolNotFound", err)
	}
	// A failed scan is not cached: the next call tries again.
	f.failing = nil
	if got, err := l.ResolveUserPool(context.Background(), "eu-west-1", "c1"); err != nil || got != "eu-west-1_AAAAAAAAA" {
		t.Fatalf("after recovery: %q, %v", got, err)
	}
}

func TestLookupIsRateLimited(t *testing.T) {
	// One token per 1000 seconds, burst 1: the first request takes the
	// token, the second would have to wait far beyond the context's
	// deadline, so the scan stops after exactly one Cognito request.
	f := newFake()
	l := NewLookup(f, 0.001)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := l.ResolveUserPool(ctx, "eu-west-1", "c1")
	if err == nil || !strings.Contains(err.Error(), "request budget") {
		t.Fatalf("ResolveUserPool = %v; want the token bucket to refuse", err)
	}
	if len(f.calls) != 1 {
		t.Fatalf("%d Cognito calls, want 1 under the rate limit", len(f.calls))
	}
}

func TestChain(t *testing.T) {
	static := events.StaticPoolResolver{"c1": "eu-west-1_STATIC000"}
	f := newFake()
	c := Chain{static, NewLookup(f, 1000)}
	if got, err := c.ResolveUserPool(context.Background(), "eu-west-1", "c1"); err != nil || got != "eu-west-1_STATIC000" || len(f.calls) != 0 {
		t.Fatalf("static entry: %q, %v, calls %v", got, err, f.calls)
	}
	if got, err := c.ResolveUserPool(context.Background(), "eu-west-1", "c4"); err != nil || got != "eu-west-1_BBBBBBBBB" {
		t.Fatalf("lookup: %q, %v", got, err)
	}
	if _, err := c.ResolveUserPool(context.Background(), "eu-west-1", "zz"); !errors.Is(err, events.ErrPoolNotFound) {
		t.Fatalf("unknown: %v", err)
	}
	f2 := newFake()
	f2.failing = errors.New("boom")
	if _, err := (Chain{events.StaticPoolResolver{}, NewLookup(f2, 1000)}).ResolveUserPool(context.Background(), "eu-west-1", "zz"); err == nil || errors.Is(err, events.ErrPoolNotFound) {
		t.Fatalf("a failing resolver's error was swallowed: %v", err)
	}
}
