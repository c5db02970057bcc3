package handler

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"github.com/cognito-events/cognito-events/events"
)

// TestEnvelopeKeepsWhatTheNormaliserReads: an envelope decoded as Lambda
// decodes it, then encoded again for the normaliser, gives the same Event
// as the bytes on the wire, for every shared fixture; a malformed one that
// decodes fails with the same sentinel.
func TestEnvelopeKeepsWhatTheNormaliserReads(t *testing.T) {
	sentinels := []error{events.ErrNotJSON, events.ErrNotCloudTrail, events.ErrMissingField, events.ErrSkip}
	for _, dir := range []string{"envelopes", "malformed"} {
		for name, raw := range corpus(t, dir) {
			t.Run(dir+"/"+name, func(t *testing.T) {
				var ev lambdaevents.EventBridgeEvent
				if err := json.Unmarshal(raw, &ev); err != nil {
					if dir == "envelopes" {
						t.Fatalf("Lambda could not decode the envelope: %v", err)
					}
					return // the runtime refuses it before the handler
				}
				want, wantErr := events.Normalize(raw)
				got, gotErr := events.Normalize(envelope(&ev))
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("re-encoded envelope gives\n%+v\nwant\n%+v", got, want)
				}
				if (gotErr == nil) != (wantErr == nil) {
					t.Fatalf("error %v, want %v", gotErr, wantErr)
				}
				if ev.DetailType == "" && ev.Detail == nil {
					// Not an envelope (a bare record, null): both are
					// malformed, which is all the handler tells apart.
					if !isMalformed(gotErr) || !isMalformed(wantErr) {
						t.Fatalf("error %v, want a malformed input like %v", gotErr, wantErr)
					}
					return
				}
				for _, s := range sentinels {
					if errors.Is(gotErr, s) != errors.Is(wantErr, s) {
						t.Fatalf("error %v, want %v", gotErr, wantErr)
					}
				}
			})
		}
	}
}

func isMalformed(err error) bool {
	return errors.Is(err, events.ErrNotJSON) || errors.Is(err, events.ErrNotCloudTrail) || errors.Is(err, events.ErrMissingField)
}

func TestEnvelopeLeavesOutWhatIsMissing(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"null", `null`, `{}`},
		{"no account", `{"detail-type":"X","region":"eu-west-1","detail":{"a":1}}`, `{"detail-type":"X","region":"eu-west-1","detail":{"a":1}}`},
		{"detail null", `{"detail":null}`, `{"detail":null}`},
		{"html kept", `{"detail":{"u":"<a&b>"}}`, `{"detail":{"u":"<a&b>"}}`},
		{"time kept", `{"time":"2026-11-20T10:00:00Z","resources":["arn:x"]}`, `{"time":"2026-11-20T10:00:00Z","resources":["arn:x"]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ev lambdaevents.EventBridgeEvent
			if err := json.Unmarshal([]byte(tc.in), &ev); err != nil {
				t.Fatalf("decoding: %v", err)
			}
			if got := string(envelope(&ev)); got != tc.want {
				t.Fatalf("envelope = %s, want %s", got, tc.want)
			}
		})
	}
}
