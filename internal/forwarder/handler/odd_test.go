package handler

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	lambdaevents "github.com/aws/aws-lambda-go/events"
)

func TestHandleOddPayloads(t *testing.T) {
	deep := strings.Repeat("[", 10000)
	for _, tc := range []struct{ name, payload string }{
		{"null", `null`},
		{"empty object", `{}`},
		{"Records not a list", `{"Records":"x"}`},
		{"Records from S3", `{"Records":[{"eventSource":"aws:s3","body":"{}"}]}`},
		{"Records of wrong types", `{"Records":[{"eventSource":7}]}`},
		{"detail a string", `{"detail-type":"AWS API Call via CloudTrail","detail":"x"}`},
		{"deep nesting in detail", `{"detail":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs := newHarness(t, &fakeSink{}, nil, slog.LevelInfo)
			_, err := hs.invoke(context.Background(), []byte(tc.payload))
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("HandleEventBridge = %v, want ErrMalformed", err)
			}
			if l := hs.eventLines(t); len(l) != 1 || l[0][KeyOutcome] != string(OutcomeMalformed) {
				t.Fatalf("log lines %v", l)
			}
		})
	}

	// Payloads that are no EventBridge event at all: Lambda's runtime
	// refuses them before the handler, so the invocation fails (and is
	// retried, then sent to the on-failure destination). As the body of an
	// SQS message they reach the normaliser, which reports them malformed.
	for _, tc := range []struct{ name, payload string }{
		{"empty", ``},
		{"array", `[1,2]`},
		{"string", `"x"`},
		{"deep nesting", deep},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &fakeSink{}
			hs := newHarness(t, s, nil, slog.LevelInfo)
			if _, err := hs.invoke(context.Background(), []byte(tc.payload)); err == nil || errors.Is(err, ErrMalformed) {
				t.Fatalf("HandleEventBridge through the runtime = %v, want the runtime's decode error", err)
			}
			if l := hs.eventLines(t); len(l) != 0 {
				t.Fatalf("the handler ran on a payload the runtime refused: %v", l)
			}
			resp, err := hs.h.HandleSQS(context.Background(), lambdaevents.SQSEvent{Records: []lambdaevents.SQSMessage{{MessageId: "m1", EventSource: "aws:sqs", Body: tc.payload}}})
			if err != nil || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "m1" {
				t.Fatalf("HandleSQS = %+v, %v; want m1 failed", resp, err)
			}
			if l := hs.eventLines(t); len(l) != 1 || l[0][KeyOutcome] != string(OutcomeMalformed) {
				t.Fatalf("log lines %v", l)
			}
			if len(s.ids) != 0 {
				t.Fatal("a malformed input reached the sink")
			}
		})
	}
}
