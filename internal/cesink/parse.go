package cesink

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cloudevents/sdk-go/v2/binding"
	"github.com/cloudevents/sdk-go/v2/binding/format"
	"github.com/cloudevents/sdk-go/v2/binding/spec"
	"github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"

	"github.com/cognito-events/cognito-events/internal/sink"
)

// Media types, headers and attribute names of the binding.
const (
	structuredType  = event.ApplicationCloudEventsJSON
	batchType       = event.ApplicationCloudEventsBatchJSON
	contentType     = cehttp.ContentType
	headerPrefix    = "Ce-"
	attrSpecVersion = "specversion"
	attrTime        = "time"
	attrContentType = "datacontenttype"
)

// Parse reads one event from an HTTP request's headers and body with the
// CloudEvents SDK's HTTP binding: in structured mode when the Content-Type
// is application/cloudevents+json, else in binary mode (ce- headers,
// percent-decoded, and the body as data). It returns the event, the mode,
// and an error naming the header or attribute at fault.
//
// It adds to the SDK what its tests ask of a receiver: ce- headers are
// found whatever the case of their names and are percent-decoded (the HTTP
// binding, 3.1.3.2; the SDK passes them on as sent), only specversion 1.0
// is accepted, a batch is refused, every event is validated, and an error
// names the same header every run (the SDK reads headers in map order).
func Parse(h http.Header, body []byte) (event.Event, sink.Mode, error) {
	ct := h.Get(contentType)
	if ct != "" {
		if _, _, err := mime.ParseMediaType(ct); err != nil {
			return event.Event{}, "", fmt.Errorf("Content-Type %q: %w", ct, err)
		}
	}
	switch format.Lookup(ct) {
	case format.JSON:
		ev, err := parseStructured(ct, body)
		return ev, ModeStructured, err
	case format.JSONBatch:
		return event.Event{}, "", fmt.Errorf("batched mode (%s) is not supported: send one event per request", batchType)
	}
	if attrs := ceHeaders(h); attrs[attrSpecVersion] != "" {
		ev, err := parseBinary(attrs, ct, body)
		return ev, ModeBinary, err
	}
	return event.Event{}, "", fmt.Errorf("not a CloudEvent: want Content-Type %s (structured mode) or a ce-specversion header (binary mode), found Content-Type %q", structuredType, ct)
}

// toEvent reads one event with the SDK, as its NewEventFromHTTPRequest does.
func toEvent(h http.Header, body []byte) (event.Event, error) {
	ev, err := binding.ToEvent(context.Background(), cehttp.NewMessage(h, io.NopCloser(bytes.NewReader(body))))
	if err != nil {
		return event.Event{}, err
	}
	return *ev, nil
}

func parseStructured(ct string, body []byte) (event.Event, error) {
	if !json.Valid(body) {
		return event.Event{}, errors.New("structured mode: the body is not JSON")
	}
	ev, err := toEvent(http.Header{contentType: {ct}}, body)
	if err != nil {
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

// headerKey is the header the SDK reads an attribute from.
func headerKey(attr string) string {
	return textproto.CanonicalMIMEHeaderKey(headerPrefix + attr)
}

// parseBinary hands the SDK the percent-decoded ce- headers under the
// names it looks for, and the Content-Type.
func parseBinary(attrs map[string]string, ct string, body []byte) (event.Event, error) {
	version, err := headerValue(attrs, attrSpecVersion)
	if err != nil {
		return event.Event{}, err
	}
	if version != event.CloudEventsVersionV1 {
		return event.Event{}, fmt.Errorf("binary mode: ce-specversion: %q is not supported (want %s)", version, event.CloudEventsVersionV1)
	}
	names := slices.Sorted(maps.Keys(attrs)) // errors name the same header every run
	h := make(http.Header, len(names)+1)
	if ct != "" {
		h[contentType] = []string{ct}
	}
	for _, name := range names {
		v, err := headerValue(attrs, name)
		if err != nil {
			return event.Event{}, err
		}
		h[headerKey(name)] = []string{v}
	}
	ev, err := toEvent(h, body)
	if err != nil {
		return event.Event{}, headerError(h, names, err)
	}
	if err := validate(ev); err != nil {
		return event.Event{}, fmt.Errorf("binary mode: %w", err)
	}
	return ev, nil
}

// headerError names the first header, in name order, that the SDK refuses
// on its own, since the SDK stops at the first it meets in map order. The
// errors read as Validate's would for an attribute or extension set on an
// event.
func headerError(h http.Header, names []string, sdkErr error) error {
	for _, name := range names {
		if name == attrSpecVersion {
			continue
		}
		key := headerKey(name)
		_, err := toEvent(http.Header{headerKey(attrSpecVersion): {event.CloudEventsVersionV1}, key: h[key]}, nil)
		switch {
		case err == nil:
		case name == attrTime:
			return fmt.Errorf("binary mode: ce-time: %q is not an RFC 3339 timestamp", h[key][0])
		case name == attrContentType:
			return errors.New("binary mode: ce-datacontenttype: the data's type goes in Content-Type")
		case spec.V1.Attribute(name) != nil:
			return fmt.Errorf("binary mode: invalid event: %s: %w", name, err)
		default:
			return fmt.Errorf("binary mode: invalid event: extension:%s: %w", name, err)
		}
	}
	return fmt.Errorf("binary mode: decoding event: %w", sdkErr)
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

// percentDecode decodes %XX sequences (and nothing else: a '+' stays) and
// wants UTF-8.
func percentDecode(s string) (string, error) {
	v, err := url.PathUnescape(s)
	var esc url.EscapeError
	switch {
	case errors.As(err, &esc) && len(esc) < len("%XX"):
		return "", fmt.Errorf("truncated percent-encoding %q", string(esc))
	case errors.As(err, &esc):
		return "", fmt.Errorf("invalid percent-encoding %q", string(esc))
	case err != nil:
		return "", err
	case !utf8.ValidString(v):
		return "", errors.New("decoded value is not UTF-8")
	}
	return v, nil
}

// validate checks the event with the SDK and reports the attributes at
// fault in a stable order.
func validate(ev event.Event) error {
	err := ev.Validate()
	var ve event.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	keys := slices.Sorted(maps.Keys(ve))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %v", k, ve[k])
	}
	return fmt.Errorf("invalid event: %s", strings.Join(parts, "; "))
}
