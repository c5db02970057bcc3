package handler

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/forwarder/emf"
	"github.com/cognito-events/cognito-events/internal/forwarder/fwtest"
	"github.com/cognito-events/cognito-events/internal/retry"
	"github.com/cognito-events/cognito-events/internal/sink"
)

// benchSink keeps the benchmark's results reachable.
var benchSink any

// BenchmarkHandle measures the handler's own overhead per event, called as
// Lambda's runtime calls HandleEventBridge: decoding the event, encoding the
// envelope again for the normaliser, normalising, encoding the Result, one JSON log line, one EMF document, with a sink that
// acknowledges at once (sink.Noop), on two fixtures and cycling through the
// shared corpus of testdata/envelopes. It reports the 99th percentile of the
// per-call durations. Target: p99 under 1 ms.
//
//	go test -run '^$' -bench Handle -benchmem ./internal/forwarder/handler
func BenchmarkHandle(b *testing.B) {
	envelopes := corpus(b, "envelopes")
	names := slices.Sorted(maps.Keys(envelopes))
	inputs := map[string][]json.RawMessage{
		"update-client.json": {fwtest.Fixture(b, "update-client.json")},
		"token-post.json":    {fwtest.Fixture(b, "token-post.json")},
	}
	for _, name := range names {
		inputs["corpus"] = append(inputs["corpus"], envelopes[name])
	}
	for _, name := range []string{"update-client.json", "token-post.json", "corpus"} {
		b.Run(name, func(b *testing.B) {
			payloads := inputs[name]
			h := &Handler{
				Normalizer: &events.Normalizer{Resolver: events.StaticPoolResolver{"7exampleclientid0000000000": "eu-west-1_Resolved1"}},
				Sink:       sink.Noop{},
				SinkKind:   "http",
				Retry:      retry.Policy{BaseDelay: 200 * time.Millisecond, MaxAttempts: 5, Permanent: sink.IsPermanent, RetryAfter: sink.RetryAfter},
				Log:        slog.New(slog.NewJSONHandler(io.Discard, nil)),
				Metrics:    emf.New(io.Discard, nil),
			}
			invoke := lambda.NewHandler(h.HandleEventBridge)
			ctx := context.Background()
			durations := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				payload := payloads[i%len(payloads)]
				i++
				start := time.Now()
				out, err := invoke.Invoke(ctx, payload)
				durations = append(durations, time.Since(start))
				if err != nil {
					b.Fatalf("HandleEventBridge: %v", err)
				}
				benchSink = out
			}
			slices.Sort(durations)
			p := func(q float64) float64 {
				return float64(durations[int(q*float64(len(durations)-1))].Nanoseconds()) / 1000
			}
			b.ReportMetric(p(0.50), "p50-µs")
			b.ReportMetric(p(0.99), "p99-µs")
		})
	}
}
