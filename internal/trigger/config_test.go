package trigger

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cognito-events/cognito-events/events"
)

func TestLoad(t *testing.T) {
	base := map[string]string{"SINK_KIND": "sqs", "SINK_SQS_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/111122223333/trigger", "AWS_REGION": "eu-west-1"}
	for _, tc := range []struct {
		name    string
		env     map[string]string
		check   func(t *testing.T, c Config)
		wantErr string // a variable the error names
	}{
		{"defaults", nil, func(t *testing.T, c Config) {
			if c.Budget != DefaultBudget || c.Attributes.Allow != nil || c.Attributes.Deny != nil || c.ClientMetadataAllow != nil {
				t.Errorf("config %+v", c)
			}
		}, ""},
		{"lists", map[string]string{EnvBudget: "250ms", EnvAttributesAllow: "email, custom:tier", EnvClientMetadataAllow: "locale"}, func(t *testing.T, c Config) {
			want := events.AttributePolicy{Allow: []string{"email", "custom:tier"}}
			if c.Budget != 250*time.Millisecond || !reflect.DeepEqual(c.Attributes, want) || !reflect.DeepEqual(c.ClientMetadataAllow, []string{"locale"}) {
				t.Errorf("config %+v", c)
			}
		}, ""},
		{"budget not a duration", map[string]string{EnvBudget: "soon"}, nil, EnvBudget},
		{"budget at Cognito's limit", map[string]string{EnvBudget: "5s"}, nil, EnvBudget},
		{"allow and deny", map[string]string{EnvAttributesAllow: "email", EnvAttributesDeny: "phone_number"}, nil, EnvAttributesDeny},
		{"deny sub", map[string]string{EnvAttributesDeny: "sub"}, nil, EnvAttributesDeny},
		{"empty item", map[string]string{EnvClientMetadataAllow: "a,,b"}, nil, EnvClientMetadataAllow},
		{"no queue", map[string]string{"SINK_SQS_QUEUE_URL": " "}, nil, "SINK_SQS_QUEUE_URL"},
		{"bad log level", map[string]string{EnvLogLevel: "LOUD"}, nil, EnvLogLevel},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range base {
				env[k] = v
			}
			for k, v := range tc.env {
				env[k] = v
			}
			c, err := Load(func(k string) string { return env[k] })
			if tc.wantErr != "" {
				if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want ErrInvalid naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			tc.check(t, c)
		})
	}
}
