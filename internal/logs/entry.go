package logs

import (
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Entry is one event as the functions logged it.
type Entry struct {
	// Time is the line's own time, or CloudWatch's timestamp of it.
	Time time.Time `json:"time"`
	// LogGroup is the log group the line came from; Route its route, when
	// known (from the stack's outputs).
	LogGroup string `json:"logGroup"`
	Route    string `json:"route,omitempty"`
	// Message is the line's msg.
	Message    string `json:"msg"`
	RequestID  string `json:"requestId,omitempty"`
	EventID    string `json:"eventID,omitempty"`
	EventName  string `json:"eventName,omitempty"`
	Subject    string `json:"subject,omitempty"`
	UserPoolID string `json:"userPoolId,omitempty"`
	Sink       string `json:"sink,omitempty"`
	// Outcome is delivered, failed, skipped, malformed, timeout, disabled;
	// empty for a log sink's event whose outcome line was not read.
	Outcome   string  `json:"outcome,omitempty"`
	Attempts  int     `json:"attempts"`
	LatencyMs float64 `json:"latencyMs"`
	Error     string  `json:"error,omitempty"`
	Reason    string  `json:"reason,omitempty"`
	// CloudEvent is the event itself, structured mode, when the route's
	// sink is log.
	CloudEvent json.RawMessage `json:"cloudevent,omitempty"`
}

// Messages and keys of the lines this package reads. The forwarder's and
// the trigger function's lines carry outcome; the user sync logs one line
// per user event, its outcome in the message; the log sink's line carries
// the event under cloudevent.
const (
	msgCloudEvent    = "cloudevent"
	syncDelivered    = "user event delivered"
	syncFailedPrefix = "user event "
	outcomeDelivered = "delivered"
	outcomeFailed    = "failed"
)

// line is a JSON log line, with every key the functions use for the same
// thing under their own names. encoding/json prefers an exact key match, so
// eventID and eventid land in their own fields.
type line struct {
	Time          string          `json:"time"`
	Timestamp     string          `json:"timestamp"`
	Msg           string          `json:"msg"`
	RequestID     string          `json:"requestId"`
	EventID       string          `json:"eventID"`
	EventIDSync   string          `json:"eventid"`
	EventName     string          `json:"eventName"`
	EventNameSync string          `json:"eventname"`
	TriggerSource string          `json:"triggerSource"`
	Subject       string          `json:"subject"`
	UserPoolID    string          `json:"userPoolId"`
	UserPoolSync  string          `json:"userpool"`
	Sink          string          `json:"sink"`
	Outcome       string          `json:"outcome"`
	Attempts      int             `json:"attempts"`
	LatencyMs     float64         `json:"latencyMs"`
	Error         string          `json:"error"`
	Reason        string          `json:"reason"`
	CloudEvent    json.RawMessage `json:"cloudevent"`
}

// Decode reads one log line. ok is false for a line that names no event:
// not a JSON object, or a JSON line without an outcome that is not a log
// sink's event either. A field of an unexpected type is left empty rather
// than losing the line.
func Decode(message string, at time.Time) (Entry, bool) {
	message = strings.TrimSpace(message)
	if !strings.HasPrefix(message, "{") {
		return Entry{}, false
	}
	var l line
	if err := json.Unmarshal([]byte(message), &l); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return Entry{}, false
		}
	}
	e := Entry{
		Time: at, Message: l.Msg, RequestID: l.RequestID,
		EventID: first(l.EventID, l.EventIDSync), EventName: first(l.EventName, l.EventNameSync, l.TriggerSource),
		Subject: l.Subject, UserPoolID: first(l.UserPoolID, l.UserPoolSync), Sink: l.Sink,
		Outcome: l.Outcome, Attempts: l.Attempts, LatencyMs: l.LatencyMs, Error: l.Error, Reason: l.Reason,
	}
	for _, ts := range []string{l.Time, l.Timestamp} {
		if t, err := time.Parse(time.RFC3339Nano, ts); err == nil {
			e.Time = t
			break
		}
	}
	switch {
	case l.Msg == msgCloudEvent && len(l.CloudEvent) > 0 && l.CloudEvent[0] == '{':
		e.CloudEvent = l.CloudEvent
		var ce struct {
			ID        string `json:"id"`
			Subject   string `json:"subject"`
			EventName string `json:"eventname"`
			Pool      string `json:"userpoolid"`
		}
		_ = json.Unmarshal(l.CloudEvent, &ce)
		e.EventID, e.EventName = first(e.EventID, ce.ID), first(e.EventName, ce.EventName)
		e.Subject, e.UserPoolID = first(e.Subject, ce.Subject), first(e.UserPoolID, ce.Pool)
		return e, true
	case e.Outcome != "":
		return e, true
	case l.Msg == syncDelivered:
		e.Outcome = outcomeDelivered
		return e, true
	case strings.HasPrefix(l.Msg, syncFailedPrefix) && e.EventName+e.EventID+e.Error != "":
		e.Outcome = outcomeFailed
		return e, true
	}
	return Entry{}, false
}

// IsEvent reports whether e is a log sink's event line, waiting for the
// outcome line that follows it.
func (e *Entry) IsEvent() bool { return e.Message == msgCloudEvent }

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// Filter keeps the entries a reader asked for; an empty field keeps all.
type Filter struct {
	// Outcomes keeps entries with one of these outcomes.
	Outcomes []string
	// EventName keeps entries of this eventName (or trigger source).
	EventName string
	// Subject keeps entries about this subject (client/ID, user/SUB).
	Subject string
}

// Keep reports whether e passes the filter.
func (f *Filter) Keep(e *Entry) bool {
	if len(f.Outcomes) > 0 {
		found := false
		for _, o := range f.Outcomes {
			found = found || o == e.Outcome
		}
		if !found {
			return false
		}
	}
	if f.EventName != "" && !strings.EqualFold(f.EventName, e.EventName) {
		return false
	}
	return f.Subject == "" || f.Subject == e.Subject
}

// joiner pairs each log sink's event line with the outcome line the
// forwarder writes after it (same log group and event id).
type joiner struct {
	pending map[string]Entry
}

func joinKey(e *Entry) string { return e.LogGroup + "\x00" + e.EventID }

// add takes one decoded entry and returns the entries complete with it.
func (j *joiner) add(e Entry) []Entry {
	if j.pending == nil {
		j.pending = map[string]Entry{}
	}
	if e.IsEvent() {
		if prev, ok := j.pending[joinKey(&e)]; ok {
			// The same event logged twice (a retried invocation): the
			// first stands alone.
			j.pending[joinKey(&e)] = e
			return []Entry{prev}
		}
		j.pending[joinKey(&e)] = e
		return nil
	}
	if ev, ok := j.pending[joinKey(&e)]; ok && e.EventID != "" {
		delete(j.pending, joinKey(&e))
		e.CloudEvent = ev.CloudEvent
		if e.Subject == "" {
			e.Subject = ev.Subject
		}
	}
	return []Entry{e}
}

// flush returns the event lines still waiting, older than before (all
// when before is zero), in time order.
func (j *joiner) flush(before time.Time) []Entry {
	var out []Entry
	for k, e := range j.pending {
		if before.IsZero() || e.Time.Before(before) {
			out = append(out, e)
			delete(j.pending, k)
		}
	}
	sortEntries(out)
	return out
}
