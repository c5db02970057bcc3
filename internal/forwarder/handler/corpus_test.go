package handler

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	lambdaevents "github.com/aws/aws-lambda-go/events"
)

// corpus returns the project's shared fixtures in dir (testdata/ at the
// repository root).
func corpus(tb testing.TB, dir string) map[string][]byte {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("../../../testdata", dir, "*"))
	if err != nil {
		tb.Fatalf("listing %s: %v", dir, err)
	}
	out := make(map[string][]byte)
	for _, p := range paths {
		if strings.HasSuffix(p, ".md") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatalf("reading %s: %v", p, err)
		}
		out[filepath.Base(p)] = b
	}
	if len(out) == 0 {
		tb.Fatalf("no fixtures in testdata/%s", dir)
	}
	return out
}

// TestCorpus runs every shared fixture through the handler, one at a time and
// as one SQS batch: envelopes are delivered (negative-* skipped), malformed
// inputs are reported and never reach the sink.
func TestCorpus(t *testing.T) {
	type want struct {
		name    string
		body    []byte
		outcome Outcome
	}
	var all []want
	for name, b := range corpus(t, "envelopes") {
		o := OutcomeDelivered
		if strings.HasPrefix(name, "negative-") {
			o = OutcomeSkipped
		}
		all = append(all, want{"envelopes/" + name, b, o})
	}
	for name, b := range corpus(t, "malformed") {
		all = append(all, want{"malformed/" + name, b, OutcomeMalformed})
	}
	for _, w := range all {
		t.Run(w.name, func(t *testing.T) {
			s := &fakeSink{}
			hs := newHarness(t, s, nil, slog.LevelInfo)
			res, err := hs.invoke(context.Background(), w.body)
			failed := w.outcome == OutcomeMalformed
			if (err != nil) != failed {
				t.Fatalf("HandleEventBridge = %v, %v; want outcome %s", res, err, w.outcome)
			}
			if err == nil && res.Outcome != w.outcome {
				t.Fatalf("outcome %s, want %s", res.Outcome, w.outcome)
			}
			if sent := len(s.ids) == 1; sent != (w.outcome == OutcomeDelivered) {
				t.Fatalf("sink called %d times for outcome %s", len(s.ids), w.outcome)
			}
		})
	}

	t.Run("as one SQS batch", func(t *testing.T) {
		var batch lambdaevents.SQSEvent
		wantFailed := map[string]bool{}
		for _, w := range all {
			id := w.name
			batch.Records = append(batch.Records, lambdaevents.SQSMessage{MessageId: id, EventSource: "aws:sqs", Body: string(w.body)})
			if w.outcome == OutcomeMalformed {
				wantFailed[id] = true
			}
		}
		payload, err := json.Marshal(batch)
		if err != nil {
			t.Fatalf("encoding batch: %v", err)
		}
		s := &fakeSink{}
		hs := newHarness(t, s, nil, slog.LevelInfo)
		resp := hs.invokeSQS(t, context.Background(), payload)
		if len(resp.BatchItemFailures) != len(wantFailed) {
			t.Fatalf("%d failures, want %d", len(resp.BatchItemFailures), len(wantFailed))
		}
		for _, f := range resp.BatchItemFailures {
			if !wantFailed[f.ItemIdentifier] {
				t.Errorf("%s reported as failed", f.ItemIdentifier)
			}
		}
	})
}

// FuzzHandle checks that no payload makes either handler panic, and that
// each answers for it: HandleEventBridge with a Result whose outcome agrees
// with its error, when the payload decodes as an EventBridge event (Lambda's
// runtime refuses the others before the handler), and HandleSQS with the
// payload as a message body, the bytes reaching the normaliser as they are.
// Seeded with the shared corpus.
func FuzzHandle(f *testing.F) {
	for _, dir := range []string{"envelopes", "malformed", "records"} {
		for _, b := range corpus(f, dir) {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"Records":[{"messageId":"m","eventSource":"aws:sqs","body":"{}"}]}`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		ctx := context.Background()
		hs := newHarness(t, &fakeSink{}, nil, slog.LevelError)
		var ev lambdaevents.EventBridgeEvent
		if json.Unmarshal(payload, &ev) == nil {
			res, err := hs.h.HandleEventBridge(ctx, ev)
			done := res.Outcome == OutcomeDelivered || res.Outcome == OutcomeSkipped
			if (err == nil) != done {
				t.Fatalf("HandleEventBridge = %+v, %v: the outcome and the error disagree", res, err)
			}
		}
		batch := lambdaevents.SQSEvent{Records: []lambdaevents.SQSMessage{{MessageId: "m", EventSource: "aws:sqs", Body: string(payload)}}}
		resp, err := hs.h.HandleSQS(ctx, batch)
		if err != nil || resp.BatchItemFailures == nil {
			t.Fatalf("HandleSQS = %+v, %v; want an answer", resp, err)
		}
		if json.Unmarshal(payload, &batch) == nil {
			if _, err := hs.h.HandleSQS(ctx, batch); err != nil {
				t.Fatalf("HandleSQS of the payload as a batch: %v", err)
			}
		}
	})
}
