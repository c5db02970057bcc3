package trigger

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/cognito-events/cognito-events/events"
	itrigger "github.com/cognito-events/cognito-events/internal/trigger"
)

type recorder struct{ events []*events.Event }

func (r *recorder) Send(_ context.Context, ev *events.Event) (int, error) {
	r.events = append(r.events, ev)
	return 1, nil
}

type failing struct{}

func (failing) Send(context.Context, *events.Event) (int, error) {
	return 1, errors.New("sink down")
}

func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile("../events/testdata/triggers/" + name + ".json")
	if err != nil {
		tb.Fatalf("reading fixture: %v", err)
	}
	return b
}

func TestWrap(t *testing.T) {
	payload := readFixture(t, "PreSignUp_SignUp")
	errTheirs := errors.New("their error")
	autoConfirm := func(_ context.Context, ev lambdaevents.CognitoEventUserPoolsPreSignup) (lambdaevents.CognitoEventUserPoolsPreSignup, error) {
		ev.Response.AutoConfirmUser = true
		return ev, nil
	}
	refuse := func(context.Context, lambdaevents.CognitoEventUserPoolsPreSignup) (lambdaevents.CognitoEventUserPoolsPreSignup, error) {
		return lambdaevents.CognitoEventUserPoolsPreSignup{}, errTheirs
	}
	for _, tc := range []struct {
		name        string
		sender      itrigger.Sender
		handler     Handler[lambdaevents.CognitoEventUserPoolsPreSignup, lambdaevents.CognitoEventUserPoolsPreSignup]
		wantErr     error
		wantConfirm bool
	}{
		{"their response is returned", &recorder{}, autoConfirm, nil, true},
		{"their error passes through", &recorder{}, refuse, errTheirs, false},
		{"our failure never surfaces", failing{}, autoConfirm, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &itrigger.Emitter{Sender: tc.sender, Budget: time.Second, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
			ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1"})
			out, err := wrap(e, tc.handler)(ctx, payload)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr != nil) != (err != nil) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			if r, ok := tc.sender.(*recorder); ok {
				if len(r.events) != 1 {
					t.Fatalf("%d events emitted, want 1", len(r.events))
				}
				var d events.TriggerData
				if err := json.Unmarshal(r.events[0].Data, &d); err != nil {
					t.Fatalf("decoding data: %v", err)
				}
				want := events.TriggerAccepted
				if tc.wantErr != nil {
					want = events.TriggerRejected
				}
				if d.Outcome != want || (tc.wantErr != nil && d.Error != tc.wantErr.Error()) ||
					(tc.wantErr == nil && (d.AutoConfirmUser == nil || *d.AutoConfirmUser != tc.wantConfirm)) {
					t.Errorf("data %s", r.events[0].Data)
				}
			}
			if err != nil {
				return
			}
			var got lambdaevents.CognitoEventUserPoolsPreSignup
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("response is not a PreSignUp event: %v", err)
			}
			if got.Response.AutoConfirmUser != tc.wantConfirm || got.UserName != "alice" {
				t.Errorf("response %+v", got)
			}
		})
	}
}

// TestWrapInfersTypes: Wrap takes a plain func of aws-lambda-go's types.
func TestWrapInfersTypes(t *testing.T) {
	t.Setenv("SINK_KIND", "")
	h := Wrap(func(_ context.Context, ev lambdaevents.CognitoEventUserPoolsPostConfirmation) (lambdaevents.CognitoEventUserPoolsPostConfirmation, error) {
		return ev, nil
	})
	payload := readFixture(t, "PostConfirmation_ConfirmSignUp")
	if _, err := h(context.Background(), payload); err != nil {
		t.Fatalf("wrapped handler: %v", err)
	}
}

func ExampleWrap() {
	postConfirmation := func(_ context.Context, ev lambdaevents.CognitoEventUserPoolsPostConfirmation) (lambdaevents.CognitoEventUserPoolsPostConfirmation, error) {
		// Your code, as before.
		return ev, nil
	}
	// In main: lambda.Start(Wrap(postConfirmation))
	_ = Wrap(postConfirmation)
}
