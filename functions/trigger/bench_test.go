package main

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/cognito-events/cognito-events/internal/lambdaruntime"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime/lambdatest"
)

// BenchmarkInvoke measures one trigger invocation end to end: the local
// Runtime API hands the payload to the real bootstrap, which builds the
// event, sends it to a loopback SQS-compatible endpoint and answers. It
// reports the p50 and p99 latency besides ns/op.
func BenchmarkInvoke(b *testing.B) {
	_, endpoint := startFakeSQS(b)
	f := startTrigger(b, functionARN, nil, sqsEnv(endpoint)...)
	payload := readFixtures(b)["PostConfirmation_ConfirmSignUp"]
	ctx := context.Background()
	if _, err := f.Invoke(ctx, payload); err != nil { // warm: first connection
		b.Fatalf("Invoke: %v", err)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		if _, err := f.Invoke(ctx, payload); err != nil {
			b.Fatalf("Invoke: %v", err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkColdStart measures process start to the bootstrap's first
// /next request (its init done), and reports the p50 and the worst.
func BenchmarkColdStart(b *testing.B) {
	path := lambdatest.Build(b, ".")
	_, endpoint := startFakeSQS(b)
	var lat []time.Duration
	for b.Loop() {
		start := time.Now()
		f, err := lambdaruntime.Start(context.Background(), lambdaruntime.FunctionOptions{
			Server:  lambdaruntime.Options{FunctionARN: functionARN},
			Process: lambdaruntime.ProcessOptions{Path: path, Env: sqsEnv(endpoint)},
		})
		if err != nil {
			b.Fatalf("starting: %v", err)
		}
		select {
		case <-f.Ready():
			lat = append(lat, f.ReadyAt().Sub(start))
		case <-time.After(5 * time.Second):
			f.Close()
			b.Fatal("no /next within 5s")
		}
		f.Close()
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
}
