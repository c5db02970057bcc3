package sink

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cognito-events/cognito-events/events"
)

// Authorizer adds credentials to a request the HTTP sink is about to send.
// body is the exact request body (SigV4 hashes it). Invalidate is called
// once after a 401, so a cached credential can be dropped before the one
// retry; it reports whether a retry can help.
type Authorizer interface {
	Authorize(ctx context.Context, req *http.Request, body []byte) error
	Invalidate() bool
}

// HTTP delivers events with the CloudEvents HTTP protocol binding. Only a
// 2xx answer is an acknowledgement.
type HTTP struct {
	// URL of the sink.
	URL string
	// Mode is Binary (also when empty) or Structured.
	Mode Mode
	// Headers are static extra headers, set before the binding's own.
	Headers map[string]string
	// Auth authorises each request; nil means none.
	Auth Authorizer
	// Client sends the requests; its Timeout bounds one attempt.
	Client *http.Client
	// UserAgent is sent as User-Agent.
	UserAgent string
}

var _ Sink = (*HTTP)(nil)

// maxErrorBody is how much of a failed answer's body is read (and dropped)
// so the connection can be reused; none of it reaches an error message.
const maxErrorBody = 4 << 10

// Send posts ev and succeeds on a 2xx. A 401 makes it drop a cached
// credential and try once more at once.
func (s *HTTP) Send(ctx context.Context, ev *events.Event) error {
	body, contentType := s.encode(ev)
	err := s.post(ctx, ev, body, contentType)
	var se *StatusError
	if errors.As(err, &se) && se.Code == http.StatusUnauthorized && s.Auth != nil && s.Auth.Invalidate() {
		err = s.post(ctx, ev, body, contentType)
	}
	return err
}

func (s *HTTP) encode(ev *events.Event) ([]byte, string) {
	if s.Mode == Structured {
		return ev.AppendJSON(make([]byte, 0, 512+len(ev.Data))), events.StructuredContentType
	}
	return ev.Data, events.DataContentType
}

func (s *HTTP) post(ctx context.Context, ev *events.Event, body []byte, contentType string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body))
	if err != nil {
		return permanent(fmt.Errorf("building request: %w", err))
	}
	for k, v := range s.Headers {
		req.Header.Set(k, v)
	}
	if s.UserAgent != "" {
		req.Header.Set("User-Agent", s.UserAgent)
	}
	req.Header.Set("Content-Type", contentType)
	if s.Mode != Structured {
		for _, a := range ev.Attributes() {
			if a.Name == "datacontenttype" {
				continue // carried by Content-Type
			}
			req.Header["Ce-"+a.Name] = []string{encodeHeaderValue(a.Value)}
		}
	}
	if s.Auth != nil {
		if err := s.Auth.Authorize(ctx, req, body); err != nil {
			return fmt.Errorf("authorising request: %w", err)
		}
	}
	client := s.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("posting event: %w", redactURLError(err))
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	return classifyStatus(resp)
}

// StatusError is a non-2xx answer of the HTTP sink.
type StatusError struct {
	Code int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("sink answered %d %s", e.Code, http.StatusText(e.Code))
}

func classifyStatus(resp *http.Response) error {
	se := &StatusError{Code: resp.StatusCode}
	switch {
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooManyRequests,
		resp.StatusCode >= 500:
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return &RetryAfterError{Err: se, After: d}
		}
		return se
	case resp.StatusCode >= 400:
		return permanent(se)
	default: // 1xx left over, 3xx not followed: the event was not accepted.
		return permanent(se)
	}
}

// parseRetryAfter reads a Retry-After value: delay seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, 24*3600)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// encodeHeaderValue percent-encodes a context attribute value for a ce-
// header, as the CloudEvents HTTP binding (3.1.3.2) asks: space, double
// quote, percent and every byte outside printable ASCII.
func encodeHeaderValue(v string) string {
	clean := true
	for i := 0; i < len(v); i++ {
		if c := v[i]; c <= ' ' || c >= 0x7f || c == '"' || c == '%' {
			clean = false
			break
		}
	}
	if clean {
		return v
	}
	var b strings.Builder
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == '%' {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xF])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// redactURLError keeps the cause of a *url.Error but drops the URL, whose
// query may hold a key some endpoints expect there.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
