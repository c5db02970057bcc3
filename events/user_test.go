package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

const testPoolARN = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC123"

func testUser(tb testing.TB) *User {
	tb.Helper()
	created := time.Date(2024, 3, 1, 12, 0, 0, 123456789, time.FixedZone("CET", 3600))
	modified := time.Date(2024, 3, 2, 8, 30, 0, 0, time.UTC)
	return &User{
		Username: "alice",
		Attributes: []UserAttribute{
			{Name: "email", Value: "alice@example.com"},
			{Name: "sub", Value: "7f1c2d3e-0000-4000-8000-000000000001"},
			{Name: "custom:tier", Value: "gold"},
			{Name: "phone_number", Value: "+15555550100"},
		},
		Enabled:              true,
		UserStatus:           "CONFIRMED",
		UserCreateDate:       &created,
		UserLastModifiedDate: &modified,
	}
}

// TestNewUserEvent checks each change and policy against golden events in
// testdata/user (rewritten with -update), and the data against the schema.
func TestNewUserEvent(t *testing.T) {
	schema := compileUserSchema(t)
	deletedAt := time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		change UserChange
		policy AttributePolicy
		edit   func(*User)
	}{
		{"created", UserChange{Kind: UserCreated, Version: 1}, AttributePolicy{}, nil},
		{"updated_disabled", UserChange{Kind: UserUpdated, Version: 2}, AttributePolicy{}, func(u *User) { u.Enabled = false }},
		{"deleted", UserChange{Kind: UserDeleted, Time: deletedAt, Version: 3}, AttributePolicy{}, nil},
		{"allow_email", UserChange{Kind: UserCreated, Version: 1}, AttributePolicy{Allow: []string{"email"}}, nil},
		{"deny_pii", UserChange{Kind: UserUpdated, Version: 2}, AttributePolicy{Deny: []string{"email", "phone_number"}}, nil},
		{"mfa_options", UserChange{Kind: UserUpdated, Version: 2}, AttributePolicy{}, func(u *User) {
			u.MFAOptions = []MFAOption{{AttributeName: "phone_number", DeliveryMedium: "SMS"}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := testUser(t)
			if tt.edit != nil {
				tt.edit(u)
			}
			ev, err := NewUserEvent(tt.change, testPoolARN, u, tt.policy)
			if err != nil {
				t.Fatalf("NewUserEvent: %v", err)
			}
			if err := ev.Validate(); err != nil {
				t.Fatalf("event does not validate: %v", err)
			}
			checkSchema(t, schema, "user.v1.json", ev.Data)
			for _, a := range u.Attributes {
				if !tt.policy.Keep(a.Name) && bytes.Contains(ev.Data, []byte(a.Value)) {
					t.Errorf("attribute %s left in data despite the policy: %s", a.Name, ev.Data)
				}
			}
			again, err := NewUserEvent(tt.change, testPoolARN, testUserEdited(t, tt.edit), tt.policy)
			if err != nil || again.ID != ev.ID {
				t.Errorf("repeat gave id %v (err %v), want %s", again, err, ev.ID)
			}
			got, _ := json.MarshalIndent(ev, "", "  ")
			golden := filepath.Join("testdata", "user", tt.name+".golden.json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatalf("creating golden dir: %v", err)
				}
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatalf("writing golden: %v", err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("reading golden (run with -update): %v", err)
			}
			if !bytes.Equal(bytes.TrimSpace(want), got) {
				t.Errorf("event differs from %s:\ngot  %s\nwant %s", golden, got, want)
			}
		})
	}
}

func testUserEdited(tb testing.TB, edit func(*User)) *User {
	tb.Helper()
	u := testUser(tb)
	if edit != nil {
		edit(u)
	}
	return u
}

// TestNewUserEventIDs: the id is a function of the pool, the sub, the
// change's version and its kind, never of the record: a retry (same
// version) keeps it whatever the record, a later version changes it even
// when the record is back to an earlier one.
func TestNewUserEventIDs(t *testing.T) {
	base, err := NewUserEvent(UserChange{Kind: UserUpdated, Version: 2}, testPoolARN, testUser(t), AttributePolicy{})
	if err != nil {
		t.Fatalf("NewUserEvent: %v", err)
	}
	tests := []struct {
		name    string
		kind    UserChangeKind
		version int64
		arn     string
		edit    func(*User)
		same    bool
	}{
		{"attributes reordered", UserUpdated, 2, testPoolARN, func(u *User) {
			u.Attributes[0], u.Attributes[3] = u.Attributes[3], u.Attributes[0]
		}, true},
		{"other time zone", UserUpdated, 2, testPoolARN, func(u *User) {
			t := u.UserLastModifiedDate.In(time.FixedZone("X", -7200))
			u.UserLastModifiedDate = &t
		}, true},
		{"same version, other record (a retry)", UserUpdated, 2, testPoolARN, func(u *User) { u.Enabled = false }, true},
		{"other username, same sub", UserUpdated, 2, testPoolARN, func(u *User) { u.Username = "renamed" }, true},
		{"next version, same record (toggled back)", UserUpdated, 3, testPoolARN, nil, false},
		{"other kind", UserCreated, 2, testPoolARN, nil, false},
		{"other sub", UserUpdated, 2, testPoolARN, func(u *User) {
			for i := range u.Attributes {
				if u.Attributes[i].Name == AttrSub {
					u.Attributes[i].Value = "00000000-0000-0000-0000-000000000000"
				}
			}
		}, false},
		{"other pool", UserUpdated, 2, strings.Replace(testPoolARN, "AbC123", "AbC124", 1), nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := NewUserEvent(UserChange{Kind: tt.kind, Version: tt.version}, tt.arn, testUserEdited(t, tt.edit), AttributePolicy{})
			if err != nil {
				t.Fatalf("NewUserEvent: %v", err)
			}
			if (ev.ID == base.ID) != tt.same {
				t.Errorf("id %s, base %s: same = %v, want %v", ev.ID, base.ID, ev.ID == base.ID, tt.same)
			}
		})
	}
}

// TestNewUserEventRejects lists input that makes no event, and the error
// it gets.
func TestNewUserEventRejects(t *testing.T) {
	tests := []struct {
		name   string
		change UserChange
		arn    string
		policy AttributePolicy
		edit   func(*User)
		want   error
		text   string
	}{
		{"unknown kind", UserChange{Kind: "UserRenamed", Version: 1}, testPoolARN, AttributePolicy{}, nil, ErrBadUser, `unknown change kind "UserRenamed"`},
		{"no sub", UserChange{Kind: UserCreated, Version: 1}, testPoolARN, AttributePolicy{}, func(u *User) { u.Attributes = u.Attributes[:1] }, ErrBadUser, `no "sub" attribute`},
		{"no version", UserChange{Kind: UserCreated}, testPoolARN, AttributePolicy{}, nil, ErrBadUser, "change version 0"},
		{"no username", UserChange{Kind: UserCreated, Version: 1}, testPoolARN, AttributePolicy{}, func(u *User) { u.Username = "" }, ErrBadUser, "empty Username"},
		{"no time", UserChange{Kind: UserDeleted, Version: 3}, testPoolARN, AttributePolicy{}, func(u *User) { u.UserLastModifiedDate = nil }, ErrBadUser, "no time"},
		{"not an ARN", UserChange{Kind: UserCreated, Version: 1}, "eu-west-1_AbC123", AttributePolicy{}, nil, ErrBadUser, "is not a user pool ARN"},
		{"other service", UserChange{Kind: UserCreated, Version: 1}, strings.Replace(testPoolARN, "cognito-idp", "iam", 1), AttributePolicy{}, nil, ErrBadUser, "is not a user pool ARN"},
		{"bad pool id", UserChange{Kind: UserCreated, Version: 1}, strings.Replace(testPoolARN, "eu-west-1_AbC123", "x y", 1), AttributePolicy{}, nil, ErrBadUser, "is not a user pool ARN"},
		{"bad policy", UserChange{Kind: UserCreated, Version: 1}, testPoolARN, AttributePolicy{Allow: []string{"a"}, Deny: []string{"b"}}, nil, ErrBadPolicy, "not both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewUserEvent(tt.change, tt.arn, testUserEdited(t, tt.edit), tt.policy)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want one wrapping %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error %q does not say %q", err, tt.text)
			}
		})
	}
	if _, err := NewUserEvent(UserChange{Kind: UserCreated, Version: 1}, testPoolARN, nil, AttributePolicy{}); !errors.Is(err, ErrBadUser) {
		t.Errorf("nil user: error %v, want ErrBadUser", err)
	}
}

// TestUserTriggerMeshShape decodes the data as a TriggerMesh consumer
// would: the field names and date format of aws-sdk-go v1's UserType.
func TestUserTriggerMeshShape(t *testing.T) {
	ev, err := NewUserEvent(UserChange{Kind: UserCreated, Version: 1}, testPoolARN, testUser(t), AttributePolicy{})
	if err != nil {
		t.Fatalf("NewUserEvent: %v", err)
	}
	const want = `{"Attributes":[{"Name":"custom:tier","Value":"gold"},{"Name":"email","Value":"alice@example.com"},{"Name":"phone_number","Value":"+15555550100"},{"Name":"sub","Value":"7f1c2d3e-0000-4000-8000-000000000001"}],"Enabled":true,"MFAOptions":null,"UserCreateDate":"2024-03-01T11:00:00.123Z","UserLastModifiedDate":"2024-03-02T08:30:00Z","UserStatus":"CONFIRMED","Username":"alice"}`
	if string(ev.Data) != want {
		t.Errorf("data\n got %s\nwant %s", ev.Data, want)
	}
}

func compileUserSchema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	return compileSchema(tb, UserDataSchema, UserDataSchemaJSON)
}

// FuzzNewUserEvent: any record decoded from JSON either makes a valid event
// whose data matches the schema and keeps no denied attribute, or an error;
// never a panic.
func FuzzNewUserEvent(f *testing.F) {
	seed, err := json.Marshal(testUser(f))
	if err != nil {
		f.Fatalf("encoding seed: %v", err)
	}
	f.Add(seed, "email")
	matches, _ := filepath.Glob(filepath.Join("testdata", "user", "*.golden.json"))
	for _, m := range matches {
		b, err := os.ReadFile(m)
		if err != nil {
			f.Fatalf("reading %s: %v", m, err)
		}
		var ev struct{ Data json.RawMessage }
		if err := json.Unmarshal(b, &ev); err != nil {
			f.Fatalf("decoding %s: %v", m, err)
		}
		f.Add([]byte(ev.Data), "phone_number")
	}
	schema := compileUserSchema(f)
	f.Fuzz(func(t *testing.T, record []byte, deny string) {
		var u User
		if json.Unmarshal(record, &u) != nil {
			return
		}
		policy := AttributePolicy{Deny: []string{deny}}
		ev, err := NewUserEvent(UserChange{Kind: UserUpdated, Version: 2}, testPoolARN, &u, policy)
		if err != nil {
			return
		}
		if err := ev.Validate(); err != nil {
			t.Fatalf("invalid event: %v", err)
		}
		checkSchema(t, schema, "user.v1.json", ev.Data)
		var back User
		if err := json.Unmarshal(ev.Data, &back); err != nil {
			t.Fatalf("data does not decode: %v", err)
		}
		if _, ok := back.Attr(deny); ok && deny != AttrSub {
			t.Fatalf("denied attribute %q in data %s", deny, ev.Data)
		}
	})
}

func BenchmarkNewUserEvent(b *testing.B) {
	u := testUser(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewUserEvent(UserChange{Kind: UserUpdated, Version: 2}, testPoolARN, u, AttributePolicy{Deny: []string{"email"}}); err != nil {
			b.Fatalf("NewUserEvent: %v", err)
		}
	}
}
