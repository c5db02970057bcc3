package usersync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/cognitouser"
	"github.com/cognito-events/cognito-events/internal/retry"
)

// PageSize is the Limit of every ListUsers call: the most Cognito allows.
const PageSize = 60

// CognitoAPI is the Cognito calls the sync makes; *cip.Client is the real
// one. Build it with NewCognito so that the SDK's own retries, which would
// bypass the rate limit, are off.
type CognitoAPI interface {
	ListUsers(ctx context.Context, in *cip.ListUsersInput, optFns ...func(*cip.Options)) (*cip.ListUsersOutput, error)
	AdminGetUser(ctx context.Context, in *cip.AdminGetUserInput, optFns ...func(*cip.Options)) (*cip.AdminGetUserOutput, error)
	DescribeUserPool(ctx context.Context, in *cip.DescribeUserPoolInput, optFns ...func(*cip.Options)) (*cip.DescribeUserPoolOutput, error)
	ListUserPools(ctx context.Context, in *cip.ListUserPoolsInput, optFns ...func(*cip.Options)) (*cip.ListUserPoolsOutput, error)
}

var _ CognitoAPI = (*cip.Client)(nil)

// Waiter paces requests; *rate.Limiter is the real one.
type Waiter interface {
	Wait(ctx context.Context) error
}

// NewCognito returns a Cognito client of cfg with the SDK's retries off
// (the sync retries itself, each attempt waiting on the rate limit) and
// endpoint as its base endpoint when not nil.
func NewCognito(cfg aws.Config, endpoint *string) *cip.Client {
	return cip.NewFromConfig(cfg, func(o *cip.Options) {
		o.Retryer = aws.NopRetryer{}
		if endpoint != nil {
			o.BaseEndpoint = endpoint
		}
	})
}

// Error codes the sync classifies.
const (
	codeTooManyRequests = "TooManyRequestsException"
	codeThrottling      = "ThrottlingException"
	codeInternal        = "InternalErrorException"
	codeInvalidParam    = "InvalidParameterException"
	codeInvalidToken    = "InvalidToken"
	codeUserNotFound    = "UserNotFoundException"
)

// ErrBadToken is wrapped when Cognito refused a pagination token (a user
// deleted between pages, an expired token): the pass restarts.
var ErrBadToken = errors.New("pagination token refused")

// transient reports a Cognito failure worth retrying: throttling, a 429 or
// 5xx answer, a failure before any answer, or a connection that broke
// while the answer was read (the SDK reports that one as a 200 whose
// deserialization failed: about 1 call in 1,000 against a loopback
// server fails so, "use of closed network connection").
func transient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ne net.Error
	if errors.Is(err, net.ErrClosed) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.As(err, &ne) {
		return true
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		if s := re.HTTPStatusCode(); s == http.StatusTooManyRequests || s >= 500 {
			return true
		}
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case codeTooManyRequests, codeThrottling, codeInternal:
			return true
		}
		return false
	}
	return re == nil
}

func hasCode(err error, codes ...string) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	for _, c := range codes {
		if ae.ErrorCode() == c {
			return true
		}
	}
	return false
}

// cognito makes the sync's calls, each attempt after waiting on the
// limiter, transient failures retried by the policy.
type cognito struct {
	api      CognitoAPI
	limiter  Waiter
	retry    retry.Policy
	requests atomic.Int64
}

func (c *cognito) call(ctx context.Context, f func(ctx context.Context) error) error {
	p := c.retry
	p.Permanent = func(err error) bool { return !transient(err) }
	_, err := p.Do(ctx, func(ctx context.Context) error {
		if err := c.limiter.Wait(ctx); err != nil {
			return fmt.Errorf("waiting for the rate limit: %w", err)
		}
		c.requests.Add(1)
		return f(ctx)
	})
	return err
}

// page is one answered ListUsers call.
type page struct {
	users []events.User
	next  string
}

func (c *cognito) listUsers(ctx context.Context, pool, token string) (page, error) {
	in := &cip.ListUsersInput{UserPoolId: aws.String(pool), Limit: aws.Int32(PageSize)}
	if token != "" {
		in.PaginationToken = aws.String(token)
	}
	var out *cip.ListUsersOutput
	err := c.call(ctx, func(ctx context.Context) error {
		var err error
		out, err = c.api.ListUsers(ctx, in)
		return err
	})
	if err != nil {
		if token != "" && hasCode(err, codeInvalidToken, codeInvalidParam) {
			return page{}, fmt.Errorf("listing users of %s: %w: %w", pool, ErrBadToken, err)
		}
		return page{}, fmt.Errorf("listing users of %s: %w", pool, err)
	}
	p := page{next: aws.ToString(out.PaginationToken), users: make([]events.User, 0, len(out.Users))}
	for _, u := range out.Users {
		p.users = append(p.users, cognitouser.FromUserType(&u))
	}
	return p, nil
}

// getUser returns the user, or found false when Cognito answers
// UserNotFoundException.
func (c *cognito) getUser(ctx context.Context, pool, username string) (events.User, bool, error) {
	var out *cip.AdminGetUserOutput
	err := c.call(ctx, func(ctx context.Context) error {
		var err error
		out, err = c.api.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(pool), Username: aws.String(username)})
		return err
	})
	var nf *types.UserNotFoundException
	if errors.As(err, &nf) || hasCode(err, codeUserNotFound) {
		return events.User{}, false, nil
	}
	if err != nil {
		return events.User{}, false, fmt.Errorf("getting user %q of %s: %w", username, pool, err)
	}
	return cognitouser.FromAdminGetUser(out), true, nil
}

// poolARN returns the pool's ARN, as DescribeUserPool gives it.
func (c *cognito) poolARN(ctx context.Context, pool string) (string, error) {
	var out *cip.DescribeUserPoolOutput
	err := c.call(ctx, func(ctx context.Context) error {
		var err error
		out, err = c.api.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(pool)})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("describing user pool %s: %w", pool, err)
	}
	if out.UserPool == nil || aws.ToString(out.UserPool.Arn) == "" {
		return "", fmt.Errorf("describing user pool %s: the answer has no Arn", pool)
	}
	return aws.ToString(out.UserPool.Arn), nil
}

// ListPools returns the id of every user pool of the client's region.
func ListPools(ctx context.Context, api CognitoAPI, limiter Waiter, policy retry.Policy) ([]string, error) {
	c := &cognito{api: api, limiter: limiter, retry: policy}
	var ids []string
	in := &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)}
	for {
		var out *cip.ListUserPoolsOutput
		err := c.call(ctx, func(ctx context.Context) error {
			var err error
			out, err = c.api.ListUserPools(ctx, in)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("listing user pools: %w", err)
		}
		for _, p := range out.UserPools {
			ids = append(ids, aws.ToString(p.Id))
		}
		if aws.ToString(out.NextToken) == "" {
			return ids, nil
		}
		in.NextToken = out.NextToken
	}
}
