package enrich

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/cognito-events/cognito-events/events"
)

// fakeAPI answers ListUsers with answer and counts the calls.
type fakeAPI struct {
	calls  atomic.Int32
	filter atomic.Value
	answer func(ctx context.Context, in *cip.ListUsersInput) (*cip.ListUsersOutput, error)
}

func (f *fakeAPI) ListUsers(ctx context.Context, in *cip.ListUsersInput, _ ...func(*cip.Options)) (*cip.ListUsersOutput, error) {
	f.calls.Add(1)
	f.filter.Store(aws.ToString(in.Filter))
	return f.answer(ctx, in)
}

var created = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

func found(sub string) func(context.Context, *cip.ListUsersInput) (*cip.ListUsersOutput, error) {
	return func(context.Context, *cip.ListUsersInput) (*cip.ListUsersOutput, error) {
		return &cip.ListUsersOutput{Users: []types.UserType{{
			Username: aws.String("alice"), Enabled: true, UserStatus: types.UserStatusTypeConfirmed,
			UserCreateDate: &created, UserLastModifiedDate: &created,
			Attributes: []types.AttributeType{
				{Name: aws.String("phone_number"), Value: aws.String("+15550100")},
				{Name: aws.String("email"), Value: aws.String("alice@example.com")},
				{Name: aws.String("sub"), Value: aws.String(sub)},
			},
		}}}, nil
	}
}

func notFound(context.Context, *cip.ListUsersInput) (*cip.ListUsersOutput, error) {
	return &cip.ListUsersOutput{}, nil
}

func throttled(context.Context, *cip.ListUsersInput) (*cip.ListUsersOutput, error) {
	return nil, &smithy.GenericAPIError{Code: "TooManyRequestsException", Message: "Rate exceeded for user alice@example.com"}
}

func hang(ctx context.Context, _ *cip.ListUsersInput) (*cip.ListUsersOutput, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// normalize returns the event of the envelope fixture name.
func normalize(tb testing.TB, name string) *events.Event {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "envelopes", name))
	if err != nil {
		tb.Fatalf("reading fixture: %v", err)
	}
	n := events.Normalizer{Resolver: events.StaticPoolResolver(map[string]string{"rzndp65tvuhgru3q2g8ctm6y05": "us-east-1_AAAAAAAAA"})}
	ev, err := n.Normalize(context.Background(), b)
	if err != nil {
		tb.Fatalf("normalising %s: %v", name, err)
	}
	return ev
}

func dataSchema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(events.DataSchemaJSON))
	if err != nil {
		tb.Fatalf("reading schema: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(events.DataSchema, doc); err != nil {
		tb.Fatalf("adding schema: %v", err)
	}
	s, err := c.Compile(events.DataSchema)
	if err != nil {
		tb.Fatalf("compiling schema: %v", err)
	}
	return s
}

func TestEnrich(t *testing.T) {
	const sub = "dd3f707b-0b74-4448-8d1b-7ec65b2bd138" // AdminUpdateUserAttributes.json's
	schema := dataSchema(t)
	tests := []struct {
		name    string
		fixture string
		answer  func(context.Context, *cip.ListUsersInput) (*cip.ListUsersOutput, error)
		policy  events.AttributePolicy
		want    Result
		calls   int32
		// attrs are the attribute names data.user must carry, in order.
		attrs []string
	}{
		{"found", "AdminUpdateUserAttributes.json", found(sub), events.AttributePolicy{}, Result{true, StatusFound, ""}, 1, []string{"email", "phone_number", "sub"}},
		{"found, policy applied", "AdminUpdateUserAttributes.json", found(sub), events.AttributePolicy{Deny: []string{"phone_number"}}, Result{true, StatusFound, ""}, 1, []string{"email", "sub"}},
		{"deleted user", "AdminDeleteUser.json", notFound, events.AttributePolicy{}, Result{true, StatusNotFound, ""}, 1, nil},
		{"throttled", "AdminUpdateUserAttributes.json", throttled, events.AttributePolicy{}, Result{true, StatusFailed, "Cognito answered TooManyRequestsException"}, 1, nil},
		{"timeout", "AdminUpdateUserAttributes.json", hang, events.AttributePolicy{}, Result{true, StatusFailed, ReasonTimeout}, 1, nil},
		{"sub from SignUp's response", "SignUp.json", notFound, events.AttributePolicy{}, Result{true, StatusNotFound, ""}, 1, nil},
		{"pool-level call", "UpdateUserPoolClient.json", found(sub), events.AttributePolicy{}, Result{}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := normalize(t, tt.fixture)
			before := append([]byte(nil), ev.Data...)
			api := &fakeAPI{answer: tt.answer}
			u := New(api, 100, tt.policy)
			u.Timeout = 50 * time.Millisecond
			got := u.Enrich(context.Background(), ev)
			if got != tt.want {
				t.Fatalf("Enrich = %+v, want %+v", got, tt.want)
			}
			if n := api.calls.Load(); n != tt.calls {
				t.Errorf("ListUsers called %d times, want %d", n, tt.calls)
			}
			if !tt.want.Applied {
				if !bytes.Equal(ev.Data, before) {
					t.Errorf("data changed: %s", ev.Data)
				}
				return
			}
			if f, _ := api.filter.Load().(string); !strings.HasPrefix(f, `sub = "`) {
				t.Errorf("filter %q, want sub = \"…\"", f)
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(ev.Data))
			if err != nil {
				t.Fatalf("data is not JSON: %v\n%s", err, ev.Data)
			}
			if err := schema.Validate(doc); err != nil {
				t.Fatalf("enriched data does not match the schema: %v\n%s", err, ev.Data)
			}
			// A consumer decodes the enriched data into events.Data, with
			// no field left over.
			var d events.Data
			dec := json.NewDecoder(bytes.NewReader(ev.Data))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&d); err != nil {
				t.Fatalf("decoding data into events.Data: %v\n%s", err, ev.Data)
			}
			if d.UserLookup == nil || d.UserLookup.Status != tt.want.Status || d.UserLookup.Reason != tt.want.Reason {
				t.Errorf("userLookup = %+v, want %s %q", d.UserLookup, tt.want.Status, tt.want.Reason)
			}
			if strings.Contains(string(ev.Data), "Rate exceeded") {
				t.Error("data quotes Cognito's error message")
			}
			if tt.want.Status != StatusFound {
				if d.User != nil {
					t.Errorf("user present with status %s", tt.want.Status)
				}
				return
			}
			if d.User == nil || d.User.Username != "alice" {
				t.Fatalf("user = %+v", d.User)
			}
			var names []string
			for _, a := range d.User.Attributes {
				names = append(names, a.Name)
			}
			if strings.Join(names, ",") != strings.Join(tt.attrs, ",") {
				t.Errorf("attributes %v, want %v", names, tt.attrs)
			}
		})
	}
}

func TestEnrichCachesAndLimits(t *testing.T) {
	const sub = "dd3f707b-0b74-4448-8d1b-7ec65b2bd138"
	api := &fakeAPI{answer: found(sub)}
	u := New(api, 0.001, events.AttributePolicy{}) // one token, then none for a long time
	u.Timeout = 20 * time.Millisecond
	now := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	u.now = func() time.Time { return now }

	for i, want := range []Result{{true, StatusFound, ""}, {true, StatusFound, ""}} {
		if got := u.Enrich(context.Background(), normalize(t, "AdminUpdateUserAttributes.json")); got != want {
			t.Fatalf("call %d: Enrich = %+v, want %+v", i, got, want)
		}
	}
	if n := api.calls.Load(); n != 1 {
		t.Fatalf("ListUsers called %d times for two events about one user within the TTL, want 1", n)
	}
	now = now.Add(DefaultTTL)
	got := u.Enrich(context.Background(), normalize(t, "AdminUpdateUserAttributes.json"))
	if want := (Result{true, StatusFailed, ReasonBudget}); got != want {
		t.Fatalf("after the TTL with the budget spent: Enrich = %+v, want %+v", got, want)
	}
	if n := api.calls.Load(); n != 1 {
		t.Errorf("ListUsers called %d times past the budget", n)
	}
	if got.String() != "failed: "+ReasonBudget {
		t.Errorf("String = %q", got.String())
	}
}

func TestEnrichOddInput(t *testing.T) {
	api := &fakeAPI{answer: notFound}
	u := New(api, 100, events.AttributePolicy{})
	base := normalize(t, "AdminUpdateUserAttributes.json")
	tests := []struct {
		name string
		data string
		want Result
	}{
		{"not JSON", `{"resource":`, Result{}},
		{"sub not a UUID", `{"resource":{"type":"user"},"additionalEventData":{"sub":"x\" or sub ^= \"","details":{}}}`, Result{true, StatusFailed, ReasonBadSub}},
		{"already enriched", `{"resource":{"type":"user"},"additionalEventData":{"sub":"dd3f707b-0b74-4448-8d1b-7ec65b2bd138"},"userLookup":{"status":"found"}}`, Result{}},
		{"response not an object", `{"resource":{"type":"user"},"responseElements":[1]}`, Result{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := *base
			ev.Data = json.RawMessage(tt.data)
			if got := u.Enrich(context.Background(), &ev); got != tt.want {
				t.Errorf("Enrich = %+v, want %+v", got, tt.want)
			}
		})
	}
	if n := api.calls.Load(); n != 0 {
		t.Errorf("ListUsers called %d times on odd input", n)
	}
}

func TestAddFields(t *testing.T) {
	tests := []struct {
		name, data, user, want string
		err                    bool
	}{
		{"empty object", `{}`, ``, `{"userLookup":{"status":"notFound"}}`, false},
		{"with user", `{"a":1}`, `{"Username":"u"}`, `{"a":1,"user":{"Username":"u"},"userLookup":{"status":"notFound"}}`, false},
		{"spaces", " {\"a\":1} \n", ``, `{"a":1,"userLookup":{"status":"notFound"}}`, false},
		{"array", `[1]`, ``, ``, true},
		{"empty", ``, ``, ``, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var user []byte
			if tt.user != "" {
				user = []byte(tt.user)
			}
			got, err := addFields([]byte(tt.data), user, Result{Applied: true, Status: StatusNotFound})
			if (err != nil) != tt.err || string(got) != tt.want {
				t.Errorf("addFields = %s, %v; want %s (error %v)", got, err, tt.want, tt.err)
			}
		})
	}
}

func TestReason(t *testing.T) {
	expired, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	<-expired.Done()
	for _, tt := range []struct {
		name string
		ctx  context.Context
		err  error
		want string
	}{
		{"api error", context.Background(), &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "secret-ish"}, "Cognito answered AccessDeniedException"},
		{"deadline", expired, context.DeadlineExceeded, ReasonTimeout},
		{"network", context.Background(), errors.New("dial tcp 10.0.0.1: refused"), "calling Cognito: the request failed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := reason(tt.ctx, tt.err); got != tt.want {
				t.Errorf("reason = %q, want %q", got, tt.want)
			}
		})
	}
}
