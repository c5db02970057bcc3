package emf

import (
	"encoding/json"
	"io"
	"sync"
	"time"
)

// Namespace is the CloudWatch namespace of every metric.
const Namespace = "cognito-events"

// Dimension and metric names.
const (
	DimSinkKind = "SinkKind"
	DimOutcome  = "Outcome"
	// DimFunctionName is the second dimension set, alone: the function's
	// name (AWS_LAMBDA_FUNCTION_NAME), so the stack's dashboard shows each
	// route's metrics apart.
	DimFunctionName = "FunctionName"

	MetricDelivered       = "Delivered"
	MetricFailed          = "Failed"
	MetricSkipped         = "Skipped"
	MetricRetries         = "Retries"
	MetricDeliveryLatency = "DeliveryLatency"
)

// Units.
const (
	UnitCount        = "Count"
	UnitMilliseconds = "Milliseconds"
)

// Sample is the metrics of one event.
type Sample struct {
	SinkKind string
	Outcome  string
	// Delivered, Failed and Skipped are 0 or 1.
	Delivered, Failed, Skipped int
	// Retries is the attempts made beyond the first.
	Retries int
	// Latency is the delivery's duration, attempts and waits included;
	// reported only when Sent.
	Latency time.Duration
	// Sent is true when the sink was called.
	Sent bool
}

// Recorder writes samples as CloudWatch Embedded Metric Format documents, one
// JSON line each. It is safe for concurrent use.
type Recorder struct {
	// function is the FunctionName dimension's value; empty leaves the
	// dimension out.
	function string
	w        io.Writer
	now      func() time.Time
	mu       sync.Mutex
	buf      []byte
}

// New returns a Recorder writing to w (os.Stdout in Lambda); now is the
// clock of the documents' timestamps, nil for time.Now.
func New(w io.Writer, now func() time.Time) *Recorder {
	if now == nil {
		now = time.Now
	}
	return &Recorder{w: w, now: now}
}

// WithFunction adds the FunctionName dimension, alone, to every document:
// the metrics are then also kept per function. An empty name changes
// nothing.
func (r *Recorder) WithFunction(name string) *Recorder {
	r.function = name
	return r
}

type metricDef struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

type directive struct {
	Namespace  string      `json:"Namespace"`
	Dimensions [][]string  `json:"Dimensions"`
	Metrics    []metricDef `json:"Metrics"`
}

type metadata struct {
	Timestamp         int64       `json:"Timestamp"`
	CloudWatchMetrics []directive `json:"CloudWatchMetrics"`
}

// Document is one EMF document; tests decode the recorder's output into it.
type Document struct {
	AWS             metadata `json:"_aws"`
	SinkKind        string   `json:"SinkKind"`
	FunctionName    string   `json:"FunctionName,omitempty"`
	Outcome         string   `json:"Outcome"`
	Delivered       int      `json:"Delivered"`
	Failed          int      `json:"Failed"`
	Skipped         int      `json:"Skipped"`
	Retries         int      `json:"Retries"`
	DeliveryLatency *float64 `json:"DeliveryLatency,omitempty"`
}

var (
	countMetrics = []metricDef{
		{MetricDelivered, UnitCount}, {MetricFailed, UnitCount},
		{MetricSkipped, UnitCount}, {MetricRetries, UnitCount},
	}
	allMetrics         = append(countMetrics[:len(countMetrics):len(countMetrics)], metricDef{MetricDeliveryLatency, UnitMilliseconds})
	dimensions         = [][]string{{DimSinkKind, DimOutcome}}
	functionDimensions = [][]string{{DimSinkKind, DimOutcome}, {DimFunctionName}}
)

// Record writes one document. A write error is returned; metrics never
// decide a delivery, so callers may ignore it.
func (r *Recorder) Record(s Sample) error {
	doc := Document{
		AWS: metadata{
			Timestamp: r.now().UnixMilli(),
			CloudWatchMetrics: []directive{{
				Namespace:  Namespace,
				Dimensions: dimensions,
				Metrics:    countMetrics,
			}},
		},
		SinkKind:     s.SinkKind,
		FunctionName: r.function,
		Outcome:      s.Outcome,
		Delivered:    s.Delivered,
		Failed:       s.Failed,
		Skipped:      s.Skipped,
		Retries:      s.Retries,
	}
	if r.function != "" {
		doc.AWS.CloudWatchMetrics[0].Dimensions = functionDimensions
	}
	if s.Sent {
		ms := float64(s.Latency.Microseconds()) / 1000
		doc.DeliveryLatency = &ms
		doc.AWS.CloudWatchMetrics[0].Metrics = allMetrics
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf = append(append(r.buf[:0], b...), '\n')
	_, err = r.w.Write(r.buf)
	return err
}
