package pattern

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// shapeRecord is a small stand-in for a CloudTrail record.
type shapeRecord struct {
	EventName         string          `json:"eventName"`
	ReadOnly          bool            `json:"readOnly"`
	RequestParameters json.RawMessage `json:"requestParameters"`
	UserIdentity      struct {
		ARN            string `json:"arn"`
		SessionContext *struct {
			Attributes struct {
				MFA string `json:"mfaAuthenticated"`
			} `json:"attributes"`
		} `json:"sessionContext"`
	} `json:"userIdentity"`
	Resources []struct {
		ARN string `json:"ARN"`
	} `json:"resources"`
	hidden string
}

func TestCheckFragment(t *testing.T) {
	shape := ShapeOf(reflect.TypeFor[shapeRecord]())
	tests := []struct {
		name, fragment string
		path, msg      string // want; "" path and msg: valid
	}{
		{"known leaf", `{"eventName":["A"]}`, "", ""},
		{"open part takes any key", `{"requestParameters":{"anything":{"deeper":[{"prefix":"x"}]}}}`, "", ""},
		{"nested known", `{"userIdentity":{"sessionContext":{"attributes":{"mfaAuthenticated":["true"]}}}}`, "", ""},
		{"array of objects", `{"resources":{"ARN":[{"prefix":"arn:"}]}}`, "", ""},
		{"$or inside", `{"$or":[{"eventName":["A"]},{"userIdentity":{"arn":[{"suffix":"x"}]}}]}`, "", ""},
		{"unknown top-level key", `{"eventNmae":["A"]}`, "eventNmae", `unknown field "eventNmae": did you mean "eventName"?`},
		{"unknown key far from any", `{"zzzzzzzzzz":["A"]}`, "zzzzzzzzzz", `unknown field "zzzzzzzzzz": the event has no such field here`},
		{"unknown nested key", `{"userIdentity":{"arm":["x"]}}`, "userIdentity.arm", `did you mean "arn"?`},
		{"unknown key in an alternative", `{"$or":[{"eventName":["A"]},{"evenName":["B"]}]}`, "$or[1].evenName", `did you mean "eventName"?`},
		{"unexported field is not a key", `{"hidden":["x"]}`, "hidden", "unknown field"},
		{"object where a value is", `{"eventName":{"x":["A"]}}`, "eventName", "holds a single value, not an object"},
		{"values where an object is", `{"userIdentity":["x"]}`, "userIdentity", "is an object ([arn, sessionContext]), test its fields"},
		{"unknown operator", `{"requestParameters":{"clientName":[{"startsWith":"x"}]}}`, "requestParameters.clientName[0]", `unknown operator "startsWith": did you mean "prefix"?`},
		{"misspelt operator", `{"eventName":["A",{"prefx":"x"}]}`, "eventName[1]", `unknown operator "prefx": did you mean "prefix"?`},
		{"wrong operand type", `{"eventName":[{"prefix":5}]}`, "eventName[0]", "prefix: want a string, found 5"},
		{"not an array", `{"eventName":"A"}`, "eventName", "want an array of values or a nested object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := CheckFragment([]byte(tt.fragment), shape)
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("CheckFragment(%s): %v", tt.fragment, err)
				}
				if p.String() != tt.fragment {
					t.Errorf("String() = %s, want %s", p, tt.fragment)
				}
				return
			}
			var pe *PathError
			if !errors.As(err, &pe) {
				t.Fatalf("CheckFragment(%s) = %v, want a *PathError", tt.fragment, err)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			if pe.Path != tt.path {
				t.Errorf("Path = %q, want %q", pe.Path, tt.path)
			}
			if got := pe.Err.Error(); !strings.Contains(got, tt.msg) {
				t.Errorf("message %q does not contain %q", got, tt.msg)
			}
		})
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"alias", "startsWith", "prefix"},
		{"alias with other case", "ENDS_WITH", "suffix"},
		{"typo", "anythingbut", "anything-but"},
		{"case only", "Exists", "exists"},
		{"edit distance", "numerc", "numeric"},
		{"too far", "frobnicate", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := suggest(tt.in, operators, operatorAliases); got != tt.want {
				t.Errorf("suggest(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
