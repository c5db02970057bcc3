package events

import (
	"context"
	"fmt"
	"strings"
	"unsafe"
)

// Normalizer turns CloudTrail records into Events. Its zero value is ready to
// use and resolves no client ids. A Normalizer is safe for concurrent use when
// its Resolver is.
type Normalizer struct {
	// Resolver finds the pool of records that name only a clientId; nil
	// means none is consulted.
	Resolver PoolResolver
}

// Normalize turns one input, an EventBridge envelope of a CloudTrail record or
// a bare CloudTrail record, into an Event, with a zero Normalizer.
func Normalize(input []byte) (*Event, error) {
	var n Normalizer
	return n.Normalize(context.Background(), input)
}

// Normalize turns one input, an EventBridge envelope of a CloudTrail record or
// a bare CloudTrail record, into an Event. Errors wrap ErrNotJSON,
// ErrNotCloudTrail, ErrSkip or ErrMissingField, or the resolver's error. The
// Event does not alias input. Apart from the Resolver, Normalize reads no
// clock, makes no random value and does no I/O: the same input always gives
// the same Event.
func (n *Normalizer) Normalize(ctx context.Context, input []byte) (*Event, error) {
	// The scanner views input without copying it; the strings the Event
	// keeps are copied out at the end (detach), so it never aliases input.
	s := newViewScanner(input)
	// The redactor copies the open-ended parts compactly and redacted while
	// the record is decoded, collecting the identifiers they carry.
	r := redactor{out: make([]byte, 0, len(input))}
	r.keys, r.hinted = r.keyBuf[:0], r.hintBuf[:0]
	in := decoded{red: &r}
	if err := decodeInput(s, &in); err != nil {
		return nil, err
	}
	if err := in.classify(); err != nil {
		return nil, err
	}
	rec := &in.Record
	hAdd := &r.hints[sectionAdditional]
	h := mergeHints(&r.hints[sectionRequest], &r.hints[sectionResponse], hAdd)

	op, known := LookupOperation(rec.EventName)
	kind := op.Resource
	if !known {
		kind = guessKind(h)
	}
	region := firstNonEmpty(rec.AWSRegion, in.region)
	account := firstAccount(rec.RecipientAccountID, in.account, rec.UserIdentity.AccountID)

	pool := poolFromRecord(h, rec.Resources)
	if pool == "" && h[hintClientID] != "" && n.Resolver != nil {
		// A resolver may keep what it is given (a cache): give it copies.
		resolved, err := n.Resolver.ResolveUserPool(ctx, strings.Clone(region), strings.Clone(h[hintClientID]))
		switch {
		case err == nil && validPoolID(resolved):
			pool = resolved
		case err != nil && !isNotFound(err):
			return nil, fmt.Errorf("resolving user pool of client %q: %w", h[hintClientID], err)
		}
	}
	resourceID := subjectID(kind, h)

	ev := &Event{
		ID:           rec.EventID,
		Source:       sourceARN(region, account, pool),
		Time:         rec.EventTime,
		EventName:    rec.EventName,
		UserPoolID:   pool,
		AWSRegion:    region,
		AWSAccountID: account,
		ResourceType: kind,
		ErrorCode:    rec.ErrorCode,
	}
	if resourceID != "" {
		ev.Subject = string(kind) + "/" + resourceID
	}
	ev.Data = writeData(make([]byte, 0, len(r.out)+1024), rec, region, account, kind, resourceID, pool, hAdd,
		r.spanOf(sectionRequest), r.spanOf(sectionResponse), r.spanOf(sectionAdditional))
	ev.detach()
	return ev, nil
}

// classify decides whether the decoded input is a user-pool record the
// contract can describe.
func (in *decoded) classify() error {
	rec := &in.Record
	if in.recordKeys == 0 || rec.EventName == "" && rec.EventSource == "" && rec.EventID == "" {
		if in.wrapped {
			return fmt.Errorf("%w: envelope (detail-type %q) carries no CloudTrail record", ErrNotCloudTrail, in.detailType)
		}
		return fmt.Errorf("%w: object has no CloudTrail fields (eventName, eventSource, eventID)", ErrNotCloudTrail)
	}
	if rec.EventSource == "" {
		return fmt.Errorf("%w: eventSource is missing", ErrMissingField)
	}
	if rec.EventSource != EventSourceUserPool {
		return fmt.Errorf("%w: eventSource is %q", ErrSkip, rec.EventSource)
	}
	var missing []string
	if rec.EventID == "" {
		missing = append(missing, "eventID")
	}
	if rec.EventName == "" {
		missing = append(missing, "eventName")
	}
	if rec.EventTime == "" {
		missing = append(missing, "eventTime")
	}
	region := firstNonEmpty(rec.AWSRegion, in.region)
	if region == "" {
		missing = append(missing, "awsRegion")
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %s missing in record %s", ErrMissingField, strings.Join(missing, ", "), rec.describe())
	}
	if !validTime(rec.EventTime) {
		return fmt.Errorf("%w: eventTime %q of record %s is not RFC 3339", ErrMissingField, rec.EventTime, rec.describe())
	}
	if !validRegion(region) {
		return fmt.Errorf("%w: awsRegion %q of record %s is not an AWS region", ErrMissingField, region, rec.describe())
	}
	return nil
}

// detach copies the strings of e that may view the normaliser's input into
// one allocation of their own. Source and Subject are built by
// concatenation and ResourceType is a constant, so they are already e's own.
func (e *Event) detach() {
	fields := [...]*string{&e.ID, &e.Time, &e.EventName, &e.UserPoolID, &e.AWSRegion, &e.AWSAccountID, &e.ErrorCode}
	n := 0
	for _, f := range fields {
		n += len(*f)
	}
	buf := make([]byte, 0, n)
	for _, f := range fields {
		buf = append(buf, *f...)
	}
	all := unsafe.String(unsafe.SliceData(buf), len(buf))
	for _, f := range fields {
		l := len(*f)
		*f, all = all[:l], all[l:]
	}
}

// mergeHints combines the identifiers of the three parts: the request's
// first, then the response's, then additionalEventData's; except the user's
// sub, which CloudTrail puts in additionalEventData for admin calls and which
// is preferred to the response's userSub.
func mergeHints(req, resp, add *hints) *hints {
	var m hints
	for k := range m {
		m[k] = firstNonEmpty(req[k], resp[k], add[k])
	}
	m[hintSub] = firstNonEmpty(add[hintSub], resp[hintSub])
	return &m
}

// describe names a record in error messages: by eventID, or by what it has
// when the eventID is missing.
func (rec *Record) describe() string {
	if rec.EventID != "" {
		return fmt.Sprintf("eventID %q", rec.EventID)
	}
	var parts []string
	if rec.EventName != "" {
		parts = append(parts, fmt.Sprintf("eventName %q", rec.EventName))
	}
	if rec.EventTime != "" {
		parts = append(parts, fmt.Sprintf("eventTime %q", rec.EventTime))
	}
	if rec.RequestID != "" {
		parts = append(parts, fmt.Sprintf("requestID %q", rec.RequestID))
	}
	if len(parts) == 0 {
		return "with no eventID, eventName or eventTime"
	}
	return "with " + strings.Join(parts, ", ")
}
