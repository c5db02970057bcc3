package sink

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/lambdafn"
)

// The log sink's line: its message and keys. The keys requestId and sink
// are the forwarder handler's own, so one Logs Insights query reads both
// lines of an event.
const (
	// LogMessage is the msg of the line that carries an event.
	LogMessage = "cloudevent"
	// LogKeyEvent holds the event, structured-mode JSON.
	LogKeyEvent    = "cloudevent"
	logKeySink     = "sink"
	logKeyRequest  = "requestId"
	logKeyEventID  = "eventID"
	logDefaultSize = 512
)

var logSpec = Spec{
	Kind:     KindLog,
	Read:     func(*Env, *Settings) {},
	Check:    func(*Env, *Settings) {},
	NeedsAWS: func(*Settings) bool { return false },
	New:      newLog,
	Keys:     func(*Declaration) []string { return nil },
	Validate: func(*Declaration) error { return nil },
	Environment: func(*Declaration, func(name, value string)) {
	},
	Statements: func(*Declaration) []Statement { return nil },
}

// Log writes each event as one line of the function's own log, in the
// format Lambda asks the function for (AWS_LAMBDA_LOG_FORMAT: JSON, the
// default, or Text), so it lands in the route's log group beside the
// forwarder's "event" line. In JSON the line is
//
//	{"time":…,"level":"INFO","msg":"cloudevent","requestId":…,"sink":"log","eventID":…,"cloudevent":{"specversion":"1.0",…,"data":{…}}}
//
// with the event in structured mode, its data already redacted by the
// normaliser. The line is written at INFO whatever the function's log
// level, because it is the delivery; the CDK app refuses a log route whose
// function.logLevel would make Lambda drop it (WARN and above). Delivery
// succeeded when the whole line was written.
type Log struct {
	// Handler writes the line; NewLog builds it.
	Handler slog.Handler
}

var _ Sink = (*Log)(nil)

// NewLog returns the log sink writing to w in format.
func NewLog(format lambdafn.LogFormat, w io.Writer) *Log {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if format == lambdafn.LogText {
		return &Log{Handler: slog.NewTextHandler(w, opts)}
	}
	return &Log{Handler: slog.NewJSONHandler(w, opts)}
}

func newLog(_ context.Context, _ *Settings, d Deps) (Sink, error) {
	format := lambdafn.LogJSON
	if d.Getenv != nil {
		f, err := lambdafn.ParseLogFormat(d.Getenv(lambdafn.EnvLogFormat))
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", lambdafn.EnvLogFormat, err)
		}
		format = f
	}
	w := d.Output
	if w == nil {
		w = os.Stderr
	}
	return NewLog(format, w), nil
}

// Send writes the event's line.
func (l *Log) Send(ctx context.Context, ev *events.Event) error {
	r := slog.NewRecord(time.Now(), slog.LevelInfo, LogMessage, 0)
	if lc, ok := lambdacontext.FromContext(ctx); ok && lc.AwsRequestID != "" {
		r.AddAttrs(slog.String(logKeyRequest, lc.AwsRequestID))
	}
	ce := ev.AppendJSON(make([]byte, 0, logDefaultSize+len(ev.Data)))
	// slog writes a value it cannot encode as "!ERROR:…" and reports
	// success: the line would hold no event and count as its delivery.
	if !json.Valid(ce) {
		return permanent(fmt.Errorf("writing event %s to the log: its structured form is not valid JSON", ev.ID))
	}
	r.AddAttrs(
		slog.String(logKeySink, string(KindLog)),
		slog.String(logKeyEventID, ev.ID),
		slog.Any(LogKeyEvent, json.RawMessage(ce)),
	)
	if err := l.Handler.Handle(ctx, r); err != nil {
		return fmt.Errorf("writing the event to the log: %w", err)
	}
	return nil
}
