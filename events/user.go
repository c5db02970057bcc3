package events

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// UserDataSchemaVersion is the version of the user record's JSON Schema
// (events/schema/user.v1.json), bumped on any incompatible change.
const UserDataSchemaVersion = "1"

// UserDataSchema names the JSON Schema of the data of a user event (the
// events of the user sync): one User.
const UserDataSchema = "https://github.com/cognito-events/cognito-events/raw/main/events/schema/user.v1.json"

// UserDataSchemaJSON is the JSON Schema (draft 2020-12) of a user event's
// data, version UserDataSchemaVersion; its $id is UserDataSchema.
//
//go:embed schema/user.v1.json
var UserDataSchemaJSON []byte

// UserChangeKind is what happened to a user record; it is the eventname of a
// user event.
type UserChangeKind string

// The changes a user sync reports.
const (
	// UserCreated: a user the sync had not seen before.
	UserCreated UserChangeKind = "UserCreated"
	// UserUpdated: any difference in a record seen before (attributes,
	// Enabled, UserStatus, MFA options, dates).
	UserUpdated UserChangeKind = "UserUpdated"
	// UserDeleted: a user seen before, absent from a complete pass and
	// confirmed gone. The data is the last record seen.
	UserDeleted UserChangeKind = "UserDeleted"
)

// ErrBadUser is wrapped by the errors of NewUserEvent for input it cannot
// make an event of.
var ErrBadUser = errors.New("invalid user event input")

// User is one Cognito user record, in the shape TriggerMesh's Cognito user
// pool source sends as data: aws-sdk-go v1's UserType marshalled by
// encoding/json. Field names are the SDK's, in its (alphabetical) order;
// a missing list is null, as the v1 SDK leaves a nil slice; dates are
// RFC 3339 in UTC with at most millisecond precision, as the v1 SDK reads
// Cognito's epoch seconds. A consumer written for TriggerMesh decodes it
// unchanged.
type User struct {
	Attributes           []UserAttribute `json:"Attributes"`
	Enabled              bool            `json:"Enabled"`
	MFAOptions           []MFAOption     `json:"MFAOptions"`
	UserCreateDate       *time.Time      `json:"UserCreateDate"`
	UserLastModifiedDate *time.Time      `json:"UserLastModifiedDate"`
	UserStatus           string          `json:"UserStatus"`
	Username             string          `json:"Username"`
}

// UserAttribute is one attribute of a user (AttributeType).
type UserAttribute struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// MFAOption is one legacy SMS MFA option of a user (MFAOptionType).
type MFAOption struct {
	AttributeName  string `json:"AttributeName"`
	DeliveryMedium string `json:"DeliveryMedium"`
}

// Attr returns the value of the named attribute and whether it is set.
func (u *User) Attr(name string) (string, bool) {
	for _, a := range u.Attributes {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// Canonical returns a copy of u in the form the user sync compares and
// sends: attributes kept by the policy and sorted by name, MFA options
// sorted, dates in UTC rounded to the millisecond. Two records that differ
// only in order or time zone have the same canonical form. u is not changed.
func (u *User) Canonical(policy AttributePolicy) User {
	c := *u
	c.Attributes = nil
	for _, a := range u.Attributes {
		if policy.Keep(a.Name) {
			c.Attributes = append(c.Attributes, a)
		}
	}
	slices.SortStableFunc(c.Attributes, func(a, b UserAttribute) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Value, b.Value))
	})
	if u.MFAOptions != nil {
		c.MFAOptions = slices.Clone(u.MFAOptions)
		slices.SortStableFunc(c.MFAOptions, func(a, b MFAOption) int {
			return cmp.Or(strings.Compare(a.AttributeName, b.AttributeName), strings.Compare(a.DeliveryMedium, b.DeliveryMedium))
		})
	}
	c.UserCreateDate = canonicalTime(u.UserCreateDate)
	c.UserLastModifiedDate = canonicalTime(u.UserLastModifiedDate)
	return c
}

func canonicalTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC().Round(time.Millisecond)
	return &v
}

// UserChange is one change the user sync found.
type UserChange struct {
	// Kind is the eventname.
	Kind UserChangeKind
	// Time is the event's time. Zero means the record's
	// UserLastModifiedDate, which is what the sync passes for created and
	// updated users; for a deleted user it passes when the deletion was
	// confirmed. Time is not part of the id.
	Time time.Time
	// Version numbers the user's changes, from 1: the sync keeps, per
	// user (per sub), the version of its last acknowledged change and
	// gives the next change the next version. It is part of the id, so a
	// retried change keeps its id and a later change, even one back to an
	// earlier record (disable, enable, disable), gets a new one.
	Version int64
}

// NewUserEvent makes the event of one change to a user of the pool whose
// ARN is poolARN. The data is user's canonical form (Canonical) with only
// the attributes policy keeps, so nothing else leaves the caller. The id is
// a UUID-shaped SHA-256 of the pool ARN, the user's sub, the change's
// Version and its kind, never of the record: a retry of one change (same
// version) has the same id, two changes of one user never share one, and
// the function reads no clock. The event's sequence attribute is
// FormatSequence(change.Version): retries carry the same, a later change of
// the same sub a greater one. Errors wrap ErrBadUser or ErrBadPolicy and
// name the user.
func NewUserEvent(change UserChange, poolARN string, user *User, policy AttributePolicy) (*Event, error) {
	if user == nil {
		return nil, fmt.Errorf("%w: no user", ErrBadUser)
	}
	if err := policy.Validate(); err != nil {
		return nil, fmt.Errorf("making event of user %q: %w", user.Username, err)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("making event of user %q: %w: %s", user.Username, ErrBadUser, fmt.Sprintf(format, args...))
	}
	switch change.Kind {
	case UserCreated, UserUpdated, UserDeleted:
	default:
		return nil, bad("unknown change kind %q", change.Kind)
	}
	if user.Username == "" {
		return nil, bad("empty Username")
	}
	if change.Version < 1 {
		return nil, bad("change version %d, want 1 or more", change.Version)
	}
	region, account, pool, ok := parsePoolARN(poolARN)
	if !ok {
		return nil, bad("%q is not a user pool ARN", poolARN)
	}
	sub, ok := user.Attr(AttrSub)
	if !ok || sub == "" {
		return nil, bad("no %q attribute", AttrSub)
	}
	c := user.Canonical(policy)
	at := change.Time
	if at.IsZero() && c.UserLastModifiedDate != nil {
		at = *c.UserLastModifiedDate
	}
	if at.IsZero() {
		return nil, bad("no time: neither the change nor UserLastModifiedDate has one")
	}
	data, err := json.Marshal(&c)
	if err != nil {
		return nil, bad("encoding record: %v", err)
	}
	return &Event{
		ID:           userEventID(poolARN, sub, change.Version, change.Kind),
		Source:       poolARN,
		Subject:      string(KindUser) + "/" + sub,
		Time:         at.UTC().Round(time.Millisecond).Format(time.RFC3339Nano),
		EventName:    string(change.Kind),
		UserPoolID:   pool,
		AWSRegion:    region,
		AWSAccountID: account,
		ResourceType: KindUser,
		Sequence:     FormatSequence(change.Version),
		DataSchema:   UserDataSchema,
		Data:         data,
	}, nil
}

// userEventID is the SHA-256 of its inputs, each length-prefixed so that no
// two different inputs collide by concatenation, shaped as a version-8 UUID.
func userEventID(poolARN, sub string, version int64, kind UserChangeKind) string {
	h := sha256.New()
	for _, part := range [][]byte{[]byte(poolARN), []byte(sub), strconv.AppendInt(nil, version, 10), []byte(kind)} {
		fmt.Fprintf(h, "%d:", len(part))
		h.Write(part)
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	sum[6] = sum[6]&0x0f | 0x80 // version 8: custom
	sum[8] = sum[8]&0x3f | 0x80 // RFC 9562 variant
	var b bytes.Buffer
	for i, part := range [][]byte{sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16]} {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(hex.EncodeToString(part))
	}
	return b.String()
}

// parsePoolARN splits arn:<partition>:cognito-idp:<region>:<account>:userpool/<id>.
func parsePoolARN(arn string) (region, account, pool string, ok bool) {
	parts := strings.Split(arn, ":")
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] != "cognito-idp" {
		return "", "", "", false
	}
	region, account = parts[3], parts[4]
	pool, found := strings.CutPrefix(parts[5], "userpool/")
	if !found || !validRegion(region) || !validPoolID(pool) || account == "" || strings.ContainsAny(account, " #?/") {
		return "", "", "", false
	}
	return region, account, pool, true
}

// PoolARN returns the ARN of the user pool id in the region and account.
func PoolARN(region, account, pool string) string {
	return sourceARN(region, account, pool)
}
