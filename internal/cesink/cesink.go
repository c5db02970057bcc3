package cesink

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/cognito-events/cognito-events/internal/sink"
)

// Content modes of the CloudEvents HTTP binding: package sink's Mode, the
// one the forwarder's HTTP sink sends.
const (
	ModeBinary     = sink.Binary
	ModeStructured = sink.Structured
)

// DefaultStatus is the answer to a well-formed event.
const DefaultStatus = http.StatusAccepted

// MaxBody is the largest request body accepted (EventBridge's own events
// are at most 256 KB).
const MaxBody = 4 << 20

// Received is one event the receiver accepted, as the SDK models it.
type Received struct {
	Event  event.Event
	Mode   sink.Mode // ModeBinary or ModeStructured
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
