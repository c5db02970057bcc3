package trigger

import "encoding/json"

// EnvFunctionName is set by Lambda: the function's name, the dimension
// of the lost-events metric.
const EnvFunctionName = "AWS_LAMBDA_FUNCTION_NAME"

// The lost-events metric: one CloudWatch Embedded Metric Format document,
// on its own stdout line, per event that was not queued (outcome failed,
// timeout, malformed or disabled). The stack alarms on its Sum.
const (
	MetricNamespace  = "cognito-events"
	MetricLost       = "TriggerEventsLost"
	DimFunctionName  = "FunctionName"
	metricUnitCount  = "Count"
	keyMetricOutcome = "Outcome"
)

type emfMetric struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

type emfDirective struct {
	Namespace  string      `json:"Namespace"`
	Dimensions [][]string  `json:"Dimensions"`
	Metrics    []emfMetric `json:"Metrics"`
}

type emfMetadata struct {
	Timestamp         int64          `json:"Timestamp"`
	CloudWatchMetrics []emfDirective `json:"CloudWatchMetrics"`
}

// LostDocument is the EMF document of one lost event; tests decode the
// metric lines into it.
type LostDocument struct {
	AWS               emfMetadata `json:"_aws"`
	FunctionName      string      `json:"FunctionName"`
	Outcome           string      `json:"Outcome"`
	TriggerEventsLost int         `json:"TriggerEventsLost"`
}

// countLost writes the metric of one lost event. A write error is
// ignored: the log line already says the event was lost.
func (e *Emitter) countLost(o Outcome) {
	if e.Metrics == nil {
		return
	}
	doc := LostDocument{
		AWS: emfMetadata{
			Timestamp: e.now().UnixMilli(),
			CloudWatchMetrics: []emfDirective{{
				Namespace:  MetricNamespace,
				Dimensions: [][]string{{DimFunctionName}},
				Metrics:    []emfMetric{{MetricLost, metricUnitCount}},
			}},
		},
		FunctionName:      e.FunctionName,
		Outcome:           string(o),
		TriggerEventsLost: 1,
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return
	}
	_, _ = e.Metrics.Write(append(b, '\n'))
}
