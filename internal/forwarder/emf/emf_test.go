package emf

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

func TestRecord(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name        string
		sample      Sample
		wantMetrics []string
		wantLatency *float64
	}{
		{"delivered", Sample{SinkKind: "sqs", Outcome: "delivered", Delivered: 1, Retries: 2, Latency: 1500 * time.Microsecond, Sent: true},
			[]string{"Delivered", "Failed", "Skipped", "Retries", "DeliveryLatency"}, ptr(1.5)},
		{"skipped", Sample{SinkKind: "http", Outcome: "skipped", Skipped: 1},
			[]string{"Delivered", "Failed", "Skipped", "Retries"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			r := New(&buf, func() time.Time { return now })
			if err := r.Record(tc.sample); err != nil {
				t.Fatalf("Record: %v", err)
			}
			if bytes.Count(buf.Bytes(), []byte("\n")) != 1 {
				t.Fatalf("want one line, got %q", buf.String())
			}
			// Decode generically: the EMF specification's shape, not ours.
			var doc map[string]any
			if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			aws := doc["_aws"].(map[string]any)
			if aws["Timestamp"] != float64(now.UnixMilli()) {
				t.Errorf("Timestamp %v", aws["Timestamp"])
			}
			d := aws["CloudWatchMetrics"].([]any)[0].(map[string]any)
			if d["Namespace"] != Namespace {
				t.Errorf("Namespace %v", d["Namespace"])
			}
			dims := d["Dimensions"].([]any)[0].([]any)
			if len(dims) != 2 || dims[0] != DimSinkKind || dims[1] != DimOutcome {
				t.Errorf("Dimensions %v", dims)
			}
			var names []string
			for _, m := range d["Metrics"].([]any) {
				mm := m.(map[string]any)
				names = append(names, mm["Name"].(string))
				if _, ok := doc[mm["Name"].(string)]; !ok {
					t.Errorf("metric %s declared but has no value", mm["Name"])
				}
			}
			if len(names) != len(tc.wantMetrics) {
				t.Errorf("metrics %v, want %v", names, tc.wantMetrics)
			}
			if doc[DimSinkKind] != tc.sample.SinkKind || doc[DimOutcome] != tc.sample.Outcome ||
				doc[MetricRetries] != float64(tc.sample.Retries) {
				t.Errorf("document %v", doc)
			}
			if tc.wantLatency != nil && doc[MetricDeliveryLatency] != *tc.wantLatency {
				t.Errorf("DeliveryLatency %v, want %v", doc[MetricDeliveryLatency], *tc.wantLatency)
			}
		})
	}
}

func ptr(f float64) *float64 { return &f }

// TestRecordWithFunction: with a function name, every document also
// declares the FunctionName dimension set, alone, and carries its value;
// the global documents do not.
func TestRecordWithFunction(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf, nil).WithFunction("cognito-events-us-east-1-appclientsFunction")
	if err := r.Record(Sample{SinkKind: "log", Outcome: "delivered", Delivered: 1, Sent: true, Latency: time.Millisecond}); err != nil {
		t.Fatalf("Record: %v", err)
	}
	var doc Document
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	dims := doc.AWS.CloudWatchMetrics[0].Dimensions
	if len(dims) != 2 || len(dims[1]) != 1 || dims[1][0] != DimFunctionName || doc.FunctionName != "cognito-events-us-east-1-appclientsFunction" {
		t.Fatalf("dimensions %v, FunctionName %q", dims, doc.FunctionName)
	}
	buf.Reset()
	if err := New(&buf, nil).WithFunction("").Record(Sample{SinkKind: "log", Outcome: "skipped", Skipped: 1}); err != nil {
		t.Fatalf("Record: %v", err)
	}
	if bytes.Contains(buf.Bytes(), []byte(DimFunctionName)) {
		t.Fatalf("an empty function name still added the dimension: %s", buf.String())
	}
}
