package cesink

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/cloudevents/sdk-go/v2/event"
)

// Content modes of the CloudEvents HTTP binding.
const (
	ModeBinary     = "binary"
	ModeStructured = "structured"
)

// Media types and headers of the binding.
const (
	structuredType = "application/cloudevents+json"
	batchType      = "application/cloudevents-batch+json"
	headerPrefix   = "Ce-"
	specVersion10  = "1.0"
)

// DefaultStatus is the answer to a well-formed event.
const DefaultStatus = http.StatusAccepted

// MaxBody is the largest request body accepted (EventBridge's own events
// are at most 256 KB).
const MaxBody = 4 << 20

// Received is one event the receiver accepted, as the SDK models it.
type Received struct {
	Event  event.Event
	Mode   string // ModeBinary or ModeStructured
	Header http.Header
}

// Options configure a Receiver.
type Options struct {
	// Out gets a pretty print of each event, one block per event, and a
	// line per rejected request; nil prints nothing.
	Out io.Writer
	// Record gets each accepted event as one JSON line in structured
	// mode; nil records nothing. A failed write is answered with 500.
	Record io.Writer
	// Status is the answer to a well-formed event; 0 means DefaultStatus.
	// Any other status (a 503, say) lets a test watch the sender retry;
	// the event is kept and printed all the same.
	Status int
}

// Receiver is a CloudEvents HTTP receiver. It is safe for concurrent use.
type Receiver struct {
	opts Options

	mu       sync.Mutex
	received []Received
}

var _ http.Handler = (*Receiver)(nil)

// New returns a receiver.
func New(opts Options) *Receiver {
	if opts.Status == 0 {
		opts.Status = DefaultStatus
	}
	return &Receiver{opts: opts}
}

// Events returns the events received so far, in arrival order.
func (r *Receiver) Events() []Received {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Received, len(r.received))
	for i, rc := range r.received {
		out[i] = Received{Event: rc.Event.Clone(), Mode: rc.Mode, Header: rc.Header.Clone()}
	}
	return out
}

// Count returns how many events were received.
func (r *Receiver) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.received)
}

// ServeHTTP receives one event (POST, binary or structured mode).
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		r.reject(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s: events are POSTed", req.Method))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, MaxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			r.reject(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than %d bytes", MaxBody))
			return
		}
		r.reject(w, http.StatusBadRequest, fmt.Sprintf("reading body: %v", err))
		return
	}
	ev, mode, err := Parse(req.Header, body)
	if err != nil {
		r.reject(w, http.StatusBadRequest, err.Error())
		return
	}

	r.mu.Lock()
	r.received = append(r.received, Received{Event: ev, Mode: mode, Header: req.Header.Clone()})
	n := len(r.received)
	var recErr error
	if r.opts.Record != nil {
		var line []byte
		line, recErr = json.Marshal(ev)
		if recErr == nil {
			_, recErr = r.opts.Record.Write(append(line, '\n'))
		}
	}
	if r.opts.Out != nil {
		_, _ = io.WriteString(r.opts.Out, Pretty(n, mode, r.opts.Status, ev))
	}
	r.mu.Unlock()

	if recErr != nil {
		http.Error(w, "recording event: "+recErr.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(r.opts.Status)
}

func (r *Receiver) reject(w http.ResponseWriter, status int, reason string) {
	if r.opts.Out != nil {
		r.mu.Lock()
		fmt.Fprintf(r.opts.Out, "rejected (%d): %s\n", status, reason)
		r.mu.Unlock()
	}
	http.Error(w, reason, status)
}

// Parse reads one event from an HTTP request's headers and body, in
// structured mode when the Content-Type is application/cloudevents+json,
// else in binary mode (ce- headers, percent-decoded, and the body as
// data). It returns the event, the mode, and an error naming the header
// or attribute at fault.
func Parse(h http.Header, body []byte) (event.Event, string, error) {
	ct := h.Get("Content-Type")
	mediaType := ""
	if ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil {
			return event.Event{}, "", fmt.Errorf("Content-Type %q: %w", ct, err)
		}
		mediaType = mt
	}
	switch {
	case mediaType == structuredType:
		ev, err := parseStructured(body)
		return ev, ModeStructured, err
	case mediaType == batchType:
		return event.Event{}, "", errors.New("batched mode (application/cloudevents-batch+json) is not supported: send one event per request")
	case ceHeaders(h)["specversion"] != "":
		ev, err := parseBinary(ceHeaders(h), ct, body)
		return ev, ModeBinary, err
	}
	return event.Event{}, "", fmt.Errorf("not a CloudEvent: want Content-Type %s (structured mode) or a ce-specversion header (binary mode), found Content-Type %q", structuredType, ct)
}

func parseStructured(body []byte) (event.Event, error) {
	if !json.Valid(body) {
		return event.Event{}, errors.New("structured mode: the body is not JSON")
	}
	var ev event.Event
	if err := json.Unmarshal(body, &ev); err != nil {
		return event.Event{}, fmt.Errorf("structured mode: decoding event: %w", err)
	}
	if err := validate(ev); err != nil {
		return event.Event{}, fmt.Errorf("structured mode: %w", err)
	}
	return ev, nil
}

// ceHeaders returns the ce- headers by attribute name (lower case), the
// first value of each, whatever the case of the header names.
func ceHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	for k, vs := range h {
		if len(k) > len(headerPrefix) && strings.EqualFold(k[:len(headerPrefix)], headerPrefix) && len(vs) > 0 {
			name := strings.ToLower(k[len(headerPrefix):])
			if _, dup := out[name]; !dup {
				out[name] = vs[0]
			}
		}
	}
	return out
}

func parseBinary(attrs map[string]string, contentType string, body []byte) (event.Event, error) {
	version, err := headerValue(attrs, "specversion")
	if err != nil {
		return event.Event{}, err
	}
	if version != specVersion10 {
		return event.Event{}, fmt.Errorf("binary mode: ce-specversion: %q is not supported (want %s)", version, specVersion10)
	}
	ev := event.New(version)
	names := make([]string, 0, len(attrs))
	for name := range attrs {
		names = append(names, name)
	}
	sort.Strings(names) // errors name the same header every run
	for _, name := range names {
		v, err := headerValue(attrs, name)
		if err != nil {
			return event.Event{}, err
		}
		switch name {
		case "specversion":
		case "id":
			ev.SetID(v)
		case "source":
			ev.SetSource(v)
		case "type":
			ev.SetType(v)
		case "subject":
			ev.SetSubject(v)
		case "dataschema":
			ev.SetDataSchema(v)
		case "datacontenttype":
			return event.Event{}, errors.New("binary mode: ce-datacontenttype: the data's type goes in Content-Type")
		case "time":
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return event.Event{}, fmt.Errorf("binary mode: ce-time: %q is not an RFC 3339 timestamp", v)
			}
			ev.SetTime(t)
		default:
			ev.SetExtension(name, v)
		}
	}
	if contentType != "" {
		ev.SetDataContentType(contentType)
	}
	if len(body) > 0 {
		ev.DataEncoded = body
	}
	if err := validate(ev); err != nil {
		return event.Event{}, fmt.Errorf("binary mode: %w", err)
	}
	return ev, nil
}

// headerValue returns the percent-decoded value of the ce- header of an
// attribute, as the HTTP binding (3.1.3.2) writes them.
func headerValue(attrs map[string]string, attr string) (string, error) {
	v, err := percentDecode(attrs[attr])
	if err != nil {
		return "", fmt.Errorf("binary mode: ce-%s: %w", attr, err)
	}
	return v, nil
}

func percentDecode(s string) (string, error) {
	if !strings.Contains(s, "%") {
		if !utf8.ValidString(s) {
			return "", errors.New("value is not UTF-8")
		}
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", fmt.Errorf("truncated percent-encoding at byte %d", i)
		}
		n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", fmt.Errorf("invalid percent-encoding %q at byte %d", s[i:i+3], i)
		}
		b.WriteByte(byte(n))
		i += 2
	}
	if !utf8.ValidString(b.String()) {
		return "", errors.New("decoded value is not UTF-8")
	}
	return b.String(), nil
}

// validate checks the event with the SDK and reports the attributes at
// fault in a stable order.
func validate(ev event.Event) error {
	err := ev.Validate()
	var ve event.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	keys := make([]string, 0, len(ve))
	for k := range ve {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %v", k, ve[k])
	}
	return fmt.Errorf("invalid event: %s", strings.Join(parts, "; "))
}

// Extensions shown by Pretty, from the event contract.
var prettyExtensions = []string{"eventname", "errorcode"}

// Pretty formats one event as a block: a header line with its number,
// mode and the answer given, the main attributes, and the data indented.
func Pretty(n int, mode string, status int, ev event.Event) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "--- event %d (%s) -> %d\n", n, mode, status)
	field := func(name, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%-12s %s\n", name+":", v)
		}
	}
	field("id", ev.ID())
	field("type", ev.Type())
	field("source", ev.Source())
	field("subject", ev.Subject())
	if t := ev.Time(); !t.IsZero() {
		field("time", t.UTC().Format(time.RFC3339Nano))
	}
	exts := ev.Extensions()
	for _, name := range prettyExtensions {
		if v, ok := exts[name]; ok {
			field(name, fmt.Sprint(v))
		}
	}
	if data := ev.Data(); len(data) > 0 {
		b.WriteString("data:\n  ")
		if err := json.Indent(&b, data, "  ", "  "); err != nil {
			b.Write(data)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
