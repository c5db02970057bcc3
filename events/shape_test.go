package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dataShape is the key tree the normaliser writes in data
// (schema/data.v1.json): for each object it writes, the keys it may hold.
// A nil entry marks a leaf; opaque marks a part copied (redacted) from the
// input, whose keys are the input's.
type shape map[string]shape

var opaque = shape{"*": nil}

var dataShape = shape{
	"call": {
		"eventName": nil, "eventSource": nil, "eventType": nil, "eventCategory": nil, "eventVersion": nil,
		"eventTime": nil, "eventID": nil, "requestID": nil, "readOnly": nil, "managementEvent": nil,
		"awsRegion": nil, "recipientAccountId": nil,
	},
	"actor": {
		"type": nil, "principalId": nil, "arn": nil, "accountId": nil, "userName": nil, "invokedBy": nil,
		"sessionIssuer":    {"type": nil, "principalId": nil, "arn": nil, "accountId": nil, "userName": nil},
		"mfaAuthenticated": nil, "sessionCredentialFromConsole": nil, "unauthenticated": nil,
	},
	"sourceIPAddress":   nil,
	"userAgent":         nil,
	"resource":          {"type": nil, "id": nil, "userPoolId": nil},
	"requestParameters": opaque,
	"responseElements":  opaque,
	"additionalEventData": {
		"userPoolDomain": nil, "clientId": nil, "sub": nil, "responseStatus": nil, "details": opaque,
	},
	"error": {"code": nil, "message": nil},
}

// checkShape reads data token by token (so that duplicate keys are seen,
// which decoding into a map hides) and fails when an object the normaliser
// writes holds a key it does not write at that place, a key twice, or a
// responseStatus that is not a number. It also checks the structured event:
// no attribute twice, data once.
func checkShape(t *testing.T, ev *Event) {
	t.Helper()
	structured := ev.AppendJSON(nil)
	dec := json.NewDecoder(bytes.NewReader(structured))
	dec.UseNumber()
	if err := walkShape(dec, shape{"data": dataShape, "*": nil}, ""); err != nil {
		t.Fatalf("structured event: %v\n%s", err, structured)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		t.Fatalf("structured event: data after the object\n%s", structured)
	}
}

// walkShape reads one value from dec and checks it against want (nil: any
// leaf; opaque: any value). path names the value in errors.
func walkShape(dec *json.Decoder, want shape, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	d, isDelim := tok.(json.Delim)
	if want == nil {
		if isDelim {
			return errors.New(path + ": an object or array where the normaliser writes a scalar")
		}
		if strings.HasSuffix(path, ".responseStatus") {
			if _, ok := tok.(json.Number); !ok {
				return errors.New(path + ": not a number")
			}
		}
		return nil
	}
	if _, ok := want["*"]; ok && len(want) == 1 {
		if isDelim {
			return skipRest(dec)
		}
		return nil
	}
	if !isDelim || d != '{' {
		if tok == nil && (strings.HasSuffix(path, "requestParameters") || strings.HasSuffix(path, "responseElements")) {
			return nil
		}
		return errors.New(path + ": not an object")
	}
	seen := map[string]bool{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return err
		}
		k := kt.(string)
		if seen[k] {
			return errors.New(path + "." + k + ": key written twice")
		}
		seen[k] = true
		sub, ok := want[k]
		if !ok {
			if _, any := want["*"]; !any {
				return errors.New(path + "." + k + ": a key the normaliser does not write here")
			}
		}
		if err := walkShape(dec, sub, path+"."+k); err != nil {
			return err
		}
	}
	_, err = dec.Token() // '}'
	return err
}

// skipRest reads the rest of an object or array whose opening delimiter
// was read.
func skipRest(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

// statusSeeds are inputs whose hosted-UI status is not a number: strings
// that close the number and open forged members, an object, an array, and
// records whose keys repeat. They seed FuzzNormalize and TestStatusInjection.
func statusSeeds(tb testing.TB) map[string][]byte {
	tb.Helper()
	base, err := os.ReadFile(filepath.Join("..", "testdata", "envelopes", "login_POST.json"))
	if err != nil {
		tb.Fatalf("reading seed base: %v", err)
	}
	const status = `"status": 302.0`
	if !bytes.Contains(base, []byte(status)) {
		tb.Fatalf("seed base has no %s", status)
	}
	out := map[string][]byte{}
	for name, repl := range map[string]string{
		"forged-actor":   `"status": "0,\"actor\":{\"userName\":\"admin\"},\"resource\":{\"type\":\"user\",\"id\":\"forged\"}"`,
		"forged-source":  `"status": "0}},\"source\":\"forged\",\"subject\":\"forged\",\"x\":{\"y\":{\"z\":0"`,
		"string":         `"status": "abc"`,
		"numeric-string": `"status": "302"`,
		"object":         `"status": {"actor": {"userName": "admin"}}`,
		"array":          `"status": [302, "x"]`,
		"bool":           `"status": true`,
		"null":           `"status": null`,
		"duplicate":      `"status": 302, "status": "0,\"actor\":{}"`,
	} {
		out["status-"+name] = bytes.Replace(base, []byte(status), []byte(repl), 1)
	}
	out["duplicate-client"] = bytes.Replace(base, []byte(`"client_id": [`), []byte(`"client_id": ["forged"], "client_id": [`), 1)
	return out
}

// TestStatusInjection: a status that is not a JSON number is never copied
// raw; the event parses, keeps the record's actor and resource, and carries
// no responseStatus.
func TestStatusInjection(t *testing.T) {
	for name, input := range statusSeeds(t) {
		t.Run(name, func(t *testing.T) {
			ev, err := Normalize(input)
			if err != nil {
				if sentinelName(err) == "" {
					t.Fatalf("error wraps no sentinel: %v", err)
				}
				return // a malformed record is a correct answer
			}
			if err := ev.Validate(); err != nil {
				t.Fatal(err)
			}
			checkShape(t, ev)
			if bytes.Contains(ev.Data, []byte("forged")) && !bytes.Contains(ev.Data, []byte(`"details"`)) {
				t.Fatalf("forged value outside details: %s", ev.Data)
			}
			var d struct {
				Actor    map[string]any `json:"actor"`
				Resource map[string]any `json:"resource"`
				Add      struct {
					Status *json.Number `json:"responseStatus"`
				} `json:"additionalEventData"`
			}
			if err := json.Unmarshal(ev.Data, &d); err != nil {
				t.Fatal(err)
			}
			if d.Actor["userName"] != nil || d.Resource["id"] == "forged" || ev.Subject == "forged" || ev.Source == "forged" {
				t.Fatalf("forged field: %s", ev.AppendJSON(nil))
			}
			if strings.HasPrefix(name, "status-") && name != "status-duplicate" && d.Add.Status != nil {
				t.Fatalf("responseStatus %v copied from a status that is not a number", *d.Add.Status)
			}
		})
	}
}

// TestShape: every fixture's event has only the keys the normaliser writes.
func TestShape(t *testing.T) {
	for _, fx := range loadFixtures(t) {
		ev, err := Normalize(fx.data)
		if err != nil {
			continue // the corpus tests say which fixtures are meant to fail
		}
		t.Run(fx.name, func(t *testing.T) { checkShape(t, ev) })
	}
}

func TestIsJSONNumber(t *testing.T) {
	for v, want := range map[string]bool{
		"0": true, "302": true, "302.0": true, "-1": true, "1e3": true, "1.5E-7": true,
		"": false, "01": false, "1.": false, ".5": false, "+1": false, "1e": false, "0x1": false,
		"302,\"a\":1": false, "1 ": false, "NaN": false, `"302"`: false, "true": false,
	} {
		if got := isJSONNumber(v); got != want {
			t.Errorf("isJSONNumber(%q) = %v, want %v", v, got, want)
		}
	}
}
