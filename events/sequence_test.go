package events

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// TestNewUserEventSequence checks the sequence attribute: the change's
// version, zero-padded to SequenceWidth digits, so that string order and
// numeric order agree; a retry (same version) carries the same one.
func TestNewUserEventSequence(t *testing.T) {
	versions := []int64{1, 2, 9, 10, 99, 100, 1 << 40, math.MaxInt64}
	var prev string
	for i, v := range versions {
		ev, err := NewUserEvent(UserChange{Kind: UserUpdated, Version: v}, testPoolARN, testUser(t), AttributePolicy{})
		if err != nil {
			t.Fatalf("NewUserEvent(version %d): %v", v, err)
		}
		if len(ev.Sequence) != SequenceWidth {
			t.Errorf("version %d: sequence %q has %d characters, want %d", v, ev.Sequence, len(ev.Sequence), SequenceWidth)
		}
		if n, err := strconv.ParseInt(ev.Sequence, 10, 64); err != nil || n != v {
			t.Errorf("version %d: sequence %q reads back as %d (%v)", v, ev.Sequence, n, err)
		}
		if i > 0 && !(prev < ev.Sequence) {
			t.Errorf("sequence %q of version %d does not sort after %q", ev.Sequence, v, prev)
		}
		prev = ev.Sequence
		again, err := NewUserEvent(UserChange{Kind: UserUpdated, Version: v}, testPoolARN, testUserEdited(t, func(u *User) { u.Enabled = false }), AttributePolicy{})
		if err != nil {
			t.Fatalf("NewUserEvent retry: %v", err)
		}
		if again.Sequence != ev.Sequence || again.ID != ev.ID {
			t.Errorf("retry of version %d: sequence %q id %s, want %q %s", v, again.Sequence, again.ID, ev.Sequence, ev.ID)
		}
		if !hasAttribute(ev, ExtSequence, ev.Sequence) {
			t.Errorf("Attributes() lacks sequence=%q: %v", ev.Sequence, ev.Attributes())
		}
		back, err := ParseStructured(ev.AppendJSON(nil))
		if err != nil {
			t.Fatalf("ParseStructured: %v", err)
		}
		if back.Sequence != ev.Sequence {
			t.Errorf("structured round trip: sequence %q, want %q", back.Sequence, ev.Sequence)
		}
	}
}

func hasAttribute(ev *Event, name, value string) bool {
	for _, a := range ev.Attributes() {
		if a.Name == name {
			return a.Value == value
		}
	}
	return false
}

// TestValidateSequence: a sequence that is not SequenceWidth digits is refused,
// so no sink sends one whose string order could disagree with its number.
func TestValidateSequence(t *testing.T) {
	ev, err := NewUserEvent(UserChange{Kind: UserCreated, Version: 1}, testPoolARN, testUser(t), AttributePolicy{})
	if err != nil {
		t.Fatalf("NewUserEvent: %v", err)
	}
	for _, seq := range []string{"1", "-0000000000000000001", strings.Repeat("0", SequenceWidth+1), "0000000000000000000x", " 0000000000000000001"} {
		bad := *ev
		bad.Sequence = seq
		if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "sequence") {
			t.Errorf("sequence %q: Validate = %v, want an error naming the sequence", seq, err)
		}
		if _, err := ParseStructured(bad.AppendJSON(nil)); err == nil {
			t.Errorf("sequence %q: ParseStructured accepted it", seq)
		}
	}
	if err := ev.Validate(); err != nil {
		t.Errorf("valid event: %v", err)
	}
	if ev.Sequence != "00000000000000000001" {
		t.Errorf("version 1: sequence %q", ev.Sequence)
	}
}
