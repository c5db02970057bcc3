package enrich

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"
	"golang.org/x/time/rate"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/cognitouser"
)

// CognitoAPI is the part of the Cognito user-pools client the lookup uses.
type CognitoAPI interface {
	ListUsers(ctx context.Context, in *cip.ListUsersInput, optFns ...func(*cip.Options)) (*cip.ListUsersOutput, error)
}

var _ CognitoAPI = (*cip.Client)(nil)

// Status is the outcome of one lookup: the value of data.userLookup.status,
// as consumers decode it (events.Data).
type Status = events.UserLookupStatus

// The statuses.
const (
	// StatusFound: data.user is the user's current record.
	StatusFound = events.UserLookupFound
	// StatusNotFound: no user of the pool has the sub; it was deleted.
	StatusNotFound = events.UserLookupNotFound
	// StatusFailed: the lookup did not answer; reason says why.
	StatusFailed = events.UserLookupFailed
)

// Data document keys the enrichment adds.
const (
	KeyUser   = "user"
	KeyLookup = "userLookup"
)

// Defaults.
const (
	// DefaultTTL is how long an answer (found or notFound) is reused.
	DefaultTTL = 10 * time.Second
	// DefaultTimeout bounds one lookup, the wait for a token included.
	DefaultTimeout = time.Second
	// DefaultMaxEntries bounds the cache.
	DefaultMaxEntries = 4096
)

// Reasons of a failed lookup that are not Cognito's error codes.
const (
	ReasonBudget  = "rate limit: the enrichment's request budget is spent"
	ReasonTimeout = "timeout: Cognito did not answer in time"
	ReasonBadSub  = "the sub is not a Cognito sub"
)

// subRE is what a Cognito sub looks like (a UUID); anything else is not
// put into a ListUsers filter.
var subRE = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`)

// Result is what Enrich did to one event.
type Result struct {
	// Applied is false when the event is not about one user whose sub is
	// known: it was left as it was.
	Applied bool
	Status  Status
	Reason  string
}

// String is the result as the handler logs it: "", "found", "notFound" or
// "failed: <reason>".
func (r Result) String() string {
	if !r.Applied {
		return ""
	}
	if r.Reason != "" {
		return string(r.Status) + ": " + r.Reason
	}
	return string(r.Status)
}

// Users looks users up by sub and adds them to events. It is safe for
// concurrent use.
type Users struct {
	api     CognitoAPI
	limiter *rate.Limiter
	policy  events.AttributePolicy
	// TTL, Timeout and MaxEntries: see the defaults.
	TTL        time.Duration
	Timeout    time.Duration
	MaxEntries int
	now        func() time.Time

	mu    sync.Mutex
	cache map[string]entry
}

type entry struct {
	status Status
	user   []byte // the record's JSON when found
	at     time.Time
}

// New returns Users making at most perSecond ListUsers requests per second
// (burst 1) and keeping the attributes policy lets through.
func New(api CognitoAPI, perSecond float64, policy events.AttributePolicy) *Users {
	return &Users{
		api:        api,
		limiter:    rate.NewLimiter(rate.Limit(perSecond), 1),
		policy:     policy,
		TTL:        DefaultTTL,
		Timeout:    DefaultTimeout,
		MaxEntries: DefaultMaxEntries,
		now:        time.Now,
		cache:      make(map[string]entry),
	}
}

// target is the part of the data document that names the user.
type target struct {
	Resource struct {
		Type string `json:"type"`
	} `json:"resource"`
	ResponseElements json.RawMessage `json:"responseElements"`
	Additional       *struct {
		Sub string `json:"sub"`
	} `json:"additionalEventData"`
	User   json.RawMessage `json:"user"`
	Lookup json.RawMessage `json:"userLookup"`
}

// subOf returns the sub an event of the CloudTrail schema is about, or "".
func subOf(ev *events.Event) string {
	if ev.DataSchema != "" || ev.ResourceType != events.KindUser || ev.UserPoolID == "" {
		return ""
	}
	var t target
	if err := json.Unmarshal(ev.Data, &t); err != nil || t.Resource.Type != string(events.KindUser) || t.User != nil || t.Lookup != nil {
		return ""
	}
	if t.Additional != nil && t.Additional.Sub != "" {
		return t.Additional.Sub
	}
	var resp struct {
		UserSub string `json:"userSub"`
	}
	if len(t.ResponseElements) > 0 && t.ResponseElements[0] == '{' && json.Unmarshal(t.ResponseElements, &resp) == nil {
		return resp.UserSub
	}
	return ""
}

// Enrich adds data.user and data.userLookup to ev when it is about one
// user whose sub is known. It never fails: a lookup that does not answer
// leaves data.user out and says why in data.userLookup.
func (u *Users) Enrich(ctx context.Context, ev *events.Event) Result {
	sub := subOf(ev)
	if sub == "" {
		return Result{}
	}
	res := Result{Applied: true}
	var user []byte
	if !subRE.MatchString(sub) {
		res.Status, res.Reason = StatusFailed, ReasonBadSub
	} else {
		res.Status, user, res.Reason = u.lookup(ctx, ev.UserPoolID, sub)
	}
	data, err := addFields(ev.Data, user, res)
	if err != nil {
		return Result{Applied: true, Status: StatusFailed, Reason: err.Error()}
	}
	ev.Data = data
	return res
}

// lookup answers from the cache or asks Cognito.
func (u *Users) lookup(ctx context.Context, pool, sub string) (Status, []byte, string) {
	key := pool + "/" + sub
	now := u.now()
	u.mu.Lock()
	if e, ok := u.cache[key]; ok && now.Sub(e.at) < u.TTL {
		u.mu.Unlock()
		return e.status, e.user, ""
	}
	u.mu.Unlock()

	ctx, cancel := context.WithTimeout(ctx, u.Timeout)
	defer cancel()
	if err := u.limiter.Wait(ctx); err != nil {
		return StatusFailed, nil, ReasonBudget
	}
	out, err := u.api.ListUsers(ctx, &cip.ListUsersInput{
		UserPoolId: aws.String(pool),
		Filter:     aws.String(`sub = "` + sub + `"`),
		Limit:      aws.Int32(1),
	}, func(o *cip.Options) {
		if region, _, ok := strings.Cut(pool, "_"); ok {
			o.Region = region
		}
	})
	if err != nil {
		return StatusFailed, nil, reason(ctx, err)
	}
	e := entry{status: StatusNotFound, at: now}
	if len(out.Users) > 0 {
		user := cognitouser.FromUserType(&out.Users[0])
		rec := user.Canonical(u.policy)
		b, err := json.Marshal(&rec)
		if err != nil {
			return StatusFailed, nil, fmt.Sprintf("encoding the user: %v", err)
		}
		e.status, e.user = StatusFound, b
	}
	u.store(key, e)
	return e.status, e.user, ""
}

// store caches e; a full cache first drops its expired entries, then, if
// still full, everything.
func (u *Users) store(key string, e entry) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.cache) >= u.MaxEntries {
		for k, old := range u.cache {
			if e.at.Sub(old.at) >= u.TTL {
				delete(u.cache, k)
			}
		}
		if len(u.cache) >= u.MaxEntries {
			clear(u.cache)
		}
	}
	u.cache[key] = e
}

// reason names why a lookup failed without quoting Cognito's message: the
// error code, or the deadline.
func reason(ctx context.Context, err error) string {
	var ae smithy.APIError
	switch {
	case errors.As(err, &ae):
		return "Cognito answered " + ae.ErrorCode()
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil:
		return ReasonTimeout
	default:
		return "calling Cognito: the request failed"
	}
}

// addFields returns a copy of the data object with "user" (when found) and
// "userLookup" added before its closing brace.
func addFields(data, user []byte, res Result) ([]byte, error) {
	data = bytes.TrimSpace(data)
	if len(data) < 2 || data[0] != '{' || data[len(data)-1] != '}' {
		return nil, errors.New("adding the user: the data is not a JSON object")
	}
	lookup, err := json.Marshal(events.UserLookup{Status: res.Status, Reason: res.Reason})
	if err != nil {
		return nil, fmt.Errorf("adding the user: %w", err)
	}
	out := make([]byte, 0, len(data)+len(user)+len(lookup)+32)
	out = append(out, data[:len(data)-1]...)
	if len(bytes.TrimSpace(data[1:len(data)-1])) > 0 {
		out = append(out, ',')
	}
	if user != nil {
		out = append(out, `"`+KeyUser+`":`...)
		out = append(out, user...)
		out = append(out, ',')
	}
	out = append(out, `"`+KeyLookup+`":`...)
	out = append(out, lookup...)
	return append(out, '}'), nil
}
