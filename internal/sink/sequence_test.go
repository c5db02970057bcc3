package sink

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/cognito-events/cognito-events/events"
)

// syncEvent is a user sync event: the only kind that has a sequence.
func syncEvent(tb testing.TB, version int64) *events.Event {
	tb.Helper()
	at := time.Date(2024, 3, 2, 8, 30, 0, 0, time.UTC)
	u := &events.User{
		Username:             "alice",
		Attributes:           []events.UserAttribute{{Name: "sub", Value: "7f1c2d3e-0000-4000-8000-000000000001"}},
		Enabled:              true,
		UserStatus:           "CONFIRMED",
		UserLastModifiedDate: &at,
	}
	ev, err := events.NewUserEvent(events.UserChange{Kind: events.UserUpdated, Version: version}, "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC123", u, events.AttributePolicy{})
	if err != nil {
		tb.Fatalf("NewUserEvent: %v", err)
	}
	return ev
}

// TestHTTPSequence: a real CloudEvents receiver (sdk-go) reads the
// sequence extension in binary mode (ce-sequence header) and structured
// mode.
func TestHTTPSequence(t *testing.T) {
	ev := syncEvent(t, 12)
	for _, mode := range []Mode{Binary, Structured} {
		t.Run(fmt.Sprint(mode), func(t *testing.T) {
			r := newReceiver(t, nil)
			s := &HTTP{URL: r.srv.URL, Mode: mode, Client: r.srv.Client()}
			if err := s.Send(context.Background(), ev); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := r.events()
			if len(got) != 1 {
				t.Fatalf("receiver got %d events, want 1", len(got))
			}
			if seq := fmt.Sprint(got[0].Extensions()[events.ExtSequence]); seq != "00000000000000000012" {
				t.Errorf("sequence extension = %q, want 00000000000000000012", seq)
			}
			if h := r.hdr[0].Get("Ce-Sequence"); (h != "") != (mode == Binary) || (h != "" && h != ev.Sequence) {
				t.Errorf("Ce-Sequence header %q in mode %v", h, mode)
			}
		})
	}
}

// TestSQSSequence: the sequence is a message attribute, and a sync event
// stays within SQS's 10.
func TestSQSSequence(t *testing.T) {
	ev := syncEvent(t, 3)
	f := newAWSFake(t, "AWS_ENDPOINT_URL_SQS", func(_ int, r fakeRequest) (int, string) {
		var in struct{ MessageBody string }
		json.Unmarshal(r.body, &in)
		sum := md5.Sum([]byte(in.MessageBody))
		return 200, fmt.Sprintf(`{"MessageId":"msg-1","MD5OfMessageBody":%q}`, hex.EncodeToString(sum[:]))
	})
	s := &SQS{Client: sqs.NewFromConfig(loadAWS(t), func(o *sqs.Options) { o.Retryer = aws.NopRetryer{} }), QueueURL: "https://sqs.eu-west-1.amazonaws.com/111122223333/events"}
	if err := s.Send(context.Background(), ev); err != nil {
		t.Fatalf("Send: %v", err)
	}
	reqs := f.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	var in struct {
		MessageAttributes map[string]struct{ DataType, StringValue string }
	}
	if err := json.Unmarshal(reqs[0].body, &in); err != nil {
		t.Fatalf("request body %s: %v", reqs[0].body, err)
	}
	if a := in.MessageAttributes[events.ExtSequence]; a.StringValue != "00000000000000000003" || a.DataType != "String" {
		t.Errorf("sequence message attribute %+v", a)
	}
	checkMessageAttributes(t, ev, func(name string) (string, string, bool) {
		a, ok := in.MessageAttributes[name]
		return a.DataType, a.StringValue, ok
	}, len(in.MessageAttributes))
}
