package pattern

import (
	"errors"
	"strings"
	"testing"

	"github.com/cognito-events/cognito-events/events"
)

func mustCompile(tb testing.TB, p string) *Pattern {
	tb.Helper()
	c, err := Compile([]byte(p))
	if err != nil {
		tb.Fatalf("Compile(%s): %v", p, err)
	}
	return c
}

// TestMatchSemantics checks EventBridge's documented matching rules, one
// case each, with the reason given when the event does not match.
func TestMatchSemantics(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		event   string
		match   bool
		reason  string // exact reason when not matched
	}{
		// Exact values.
		{"exact string", `{"source":["aws.cognito-idp"]}`, `{"source":"aws.cognito-idp"}`, true, ""},
		{"exact string is case-sensitive", `{"source":["aws.cognito-idp"]}`, `{"source":"AWS.cognito-idp"}`, false,
			`source: want "aws.cognito-idp", found "AWS.cognito-idp"`},
		{"value list is OR", `{"a":["x","y"]}`, `{"a":"y"}`, true, ""},
		{"value list mismatch lists names", `{"detail":{"eventName":["CreateUserPoolClient","DeleteUserPoolClient"]}}`, `{"detail":{"eventName":"AdminGetUser"}}`, false,
			`detail.eventName: "AdminGetUser" is not one of [CreateUserPoolClient, DeleteUserPoolClient]`},
		{"value list absent", `{"a":["x","y"]}`, `{"b":"x"}`, false, `a: absent, want one of [x, y]`},
		{"long value list is cut", `{"a":["1","2","3","4","5","6","7","8","9","10","11","12"]}`, `{"a":"0"}`, false,
			`a: "0" is not one of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ... 2 more]`},
		{"fields are AND", `{"a":["x"],"b":["y"]}`, `{"a":"x","b":"z"}`, false, `b: want "y", found "z"`},
		{"first failing field is reported", `{"a":["x"],"b":["y"]}`, `{"a":"q","b":"z"}`, false, `a: want "x", found "q"`},
		{"nested object", `{"detail":{"eventSource":["cognito-idp.amazonaws.com"]}}`, `{"detail":{"eventSource":"cognito-idp.amazonaws.com"}}`, true, ""},
		{"extra event fields are ignored", `{"a":["x"]}`, `{"a":"x","b":{"c":[1,2]}}`, true, ""},
		{"number compared as number", `{"n":[300]}`, `{"n":300.0}`, true, ""},
		{"number is not a string", `{"n":[300]}`, `{"n":"300"}`, false, `n: want 300, found "300"`},
		{"string is not a number", `{"n":["300"]}`, `{"n":300}`, false, `n: want "300", found 300`},
		{"true", `{"b":[true]}`, `{"b":true}`, true, ""},
		{"true is not the string", `{"b":[true]}`, `{"b":"true"}`, false, `b: want true, found "true"`},
		{"false", `{"b":[false]}`, `{"b":false}`, true, ""},
		{"null matches null", `{"r":[null]}`, `{"r":null}`, true, ""},
		{"null does not match empty string", `{"r":[null]}`, `{"r":""}`, false, `r: want null, found ""`},
		{"empty string does not match null", `{"r":[""]}`, `{"r":null}`, false, `r: want "", found null`},
		{"empty string does not match absent", `{"r":[""]}`, `{}`, false, `r: want "", found absent`},
		{"leaf pattern against an object", `{"r":["x"]}`, `{"r":{"x":1}}`, false, `r: want "x", found an object`},
		{"nested pattern against a leaf", `{"r":{"x":["y"]}}`, `{"r":"y"}`, false, `r.x: want "y", found absent`},

		// Arrays in the event.
		{"array element matches", `{"resources":["arn:b"]}`, `{"resources":["arn:a","arn:b"]}`, true, ""},
		{"array without a match", `{"resources":["arn:c"]}`, `{"resources":["arn:a","arn:b"]}`, false, `resources: want "arn:c", found ["arn:a", "arn:b"]`},
		{"array of objects flattened", `{"a":{"b":["2"]}}`, `{"a":[{"b":"1"},{"b":"2"}]}`, true, ""},
		{"nested arrays flattened", `{"a":["z"]}`, `{"a":[["x"],["y",["z"]]]}`, true, ""},

		// exists.
		{"exists true", `{"e":[{"exists":true}]}`, `{"e":"x"}`, true, ""},
		{"exists true absent", `{"e":[{"exists":true}]}`, `{}`, false, `e: want present, found absent`},
		{"exists true on null", `{"e":[{"exists":true}]}`, `{"e":null}`, true, ""},
		{"exists false absent", `{"e":[{"exists":false}]}`, `{"f":1}`, true, ""},
		{"exists false present", `{"e":[{"exists":false}]}`, `{"e":"AccessDenied"}`, false, `e: want absent, found "AccessDenied"`},
		{"exists false on empty array", `{"e":[{"exists":false}]}`, `{"e":[]}`, true, ""},
		{"exists true on empty array", `{"e":[{"exists":true}]}`, `{"e":[]}`, false, `e: want present, found absent`},
		{"exists only on leaves", `{"e":[{"exists":true}]}`, `{"e":{"x":1}}`, false, `e: want present, found an object`},
		{"exists false on an object", `{"e":[{"exists":false}]}`, `{"e":{"x":1}}`, true, ""},

		// anything-but.
		{"anything-but string", `{"s":[{"anything-but":"init"}]}`, `{"s":"running"}`, true, ""},
		{"anything-but string equal", `{"s":[{"anything-but":"init"}]}`, `{"s":"init"}`, false, `s: want anything but "init", found "init"`},
		{"anything-but does not match absent", `{"s":[{"anything-but":"init"}]}`, `{}`, false, `s: want anything but "init", found absent`},
		{"anything-but list", `{"s":[{"anything-but":["a","b"]}]}`, `{"s":"b"}`, false, `s: want anything but ["a", "b"], found "b"`},
		{"anything-but list other", `{"s":[{"anything-but":["a","b"]}]}`, `{"s":"c"}`, true, ""},
		{"anything-but number", `{"n":[{"anything-but":5}]}`, `{"n":5.0}`, false, `n: want anything but 5, found 5.0`},
		{"anything-but numbers", `{"n":[{"anything-but":[1,2]}]}`, `{"n":3}`, true, ""},
		{"anything-but array with another element", `{"s":[{"anything-but":"a"}]}`, `{"s":["a","b"]}`, true, ""},
		{"anything-but array all excluded", `{"s":[{"anything-but":["a","b"]}]}`, `{"s":["a","b"]}`, false, `s: want anything but ["a", "b"], found ["a", "b"]`},
		{"anything-but prefix", `{"r":[{"anything-but":{"prefix":"us-"}}]}`, `{"r":"eu-west-1"}`, true, ""},
		{"anything-but prefix excluded", `{"r":[{"anything-but":{"prefix":"us-"}}]}`, `{"r":"us-east-1"}`, false, `r: want anything but prefix "us-", found "us-east-1"`},
		{"anything-but suffix", `{"f":[{"anything-but":{"suffix":".png"}}]}`, `{"f":"a.png"}`, false, `f: want anything but suffix ".png", found "a.png"`},
		{"anything-but ignore case", `{"s":[{"anything-but":{"equals-ignore-case":["Init","stop"]}}]}`, `{"s":"INIT"}`, false, `s: want anything but ["Init", "stop"] ignoring case, found "INIT"`},
		{"anything-but wildcard", `{"p":[{"anything-but":{"wildcard":"*/lib/*"}}]}`, `{"p":"/usr/bin/x"}`, true, ""},
		{"anything-but wildcard excluded", `{"p":[{"anything-but":{"wildcard":"*/lib/*"}}]}`, `{"p":"/usr/lib/x"}`, false, `p: want anything but wildcard "*/lib/*", found "/usr/lib/x"`},

		// prefix, suffix, ignore case, wildcard.
		{"prefix", `{"t":[{"prefix":"2017-10-02"}]}`, `{"t":"2017-10-02T18:43:48Z"}`, true, ""},
		{"prefix mismatch", `{"t":[{"prefix":"2017"}]}`, `{"t":"2018-01-01"}`, false, `t: no value with prefix "2017": found "2018-01-01"`},
		{"prefix only strings", `{"t":[{"prefix":"1"}]}`, `{"t":12}`, false, `t: no value with prefix "1": found 12`},
		{"prefix ignore case", `{"s":[{"prefix":{"equals-ignore-case":"EventB"}}]}`, `{"s":"eventbridge"}`, true, ""},
		{"suffix", `{"f":[{"suffix":".png"}]}`, `{"f":"image.png"}`, true, ""},
		{"suffix ignore case", `{"f":[{"suffix":{"equals-ignore-case":".png"}}]}`, `{"f":"IMAGE.PNG"}`, true, ""},
		{"suffix case-sensitive", `{"f":[{"suffix":".png"}]}`, `{"f":"IMAGE.PNG"}`, false, `f: no value with suffix ".png": found "IMAGE.PNG"`},
		{"equals-ignore-case", `{"n":[{"equals-ignore-case":"alice"}]}`, `{"n":"AliCE"}`, true, ""},
		{"wildcard", `{"p":[{"wildcard":"dir/*.png"}]}`, `{"p":"dir/a/b.png"}`, true, ""},
		{"wildcard two stars", `{"p":[{"wildcard":"*/lib/*"}]}`, `{"p":"/lib/"}`, true, ""},
		{"wildcard no star is exact", `{"p":[{"wildcard":"abc"}]}`, `{"p":"abcd"}`, false, `p: no value with wildcard "abc": found "abcd"`},
		{"wildcard escaped star", `{"p":[{"wildcard":"a\\*b"}]}`, `{"p":"a*b"}`, true, ""},
		{"wildcard escaped star literal", `{"p":[{"wildcard":"a\\*b"}]}`, `{"p":"axxb"}`, false, `p: no value with wildcard "a\\*b": found "axxb"`},
		{"wildcard overlap", `{"p":[{"wildcard":"ab*ba"}]}`, `{"p":"aba"}`, false, `p: no value with wildcard "ab*ba": found "aba"`},

		// numeric and cidr.
		{"numeric range", `{"c":[{"numeric":[">",0,"<=",5]}]}`, `{"c":5}`, true, ""},
		{"numeric range out", `{"c":[{"numeric":[">",0,"<=",5]}]}`, `{"c":0}`, false, `c: want numeric > 0, <= 5, found 0`},
		{"numeric equal", `{"c":[{"numeric":["=",3.0e2]}]}`, `{"c":300}`, true, ""},
		{"numeric only numbers", `{"c":[{"numeric":[">",0]}]}`, `{"c":"5"}`, false, `c: want numeric > 0, found "5"`},
		{"cidr", `{"ip":[{"cidr":"10.0.0.0/24"}]}`, `{"ip":"10.0.0.255"}`, true, ""},
		{"cidr outside", `{"ip":[{"cidr":"10.0.0.0/24"}]}`, `{"ip":"10.0.1.1"}`, false, `ip: want cidr 10.0.0.0/24, found "10.0.1.1"`},
		{"cidr ipv6", `{"ip":[{"cidr":"2001:db8::/32"}]}`, `{"ip":"2001:db8::1"}`, true, ""},
		{"cidr not an address", `{"ip":[{"cidr":"10.0.0.0/24"}]}`, `{"ip":"AWS Internal"}`, false, `ip: want cidr 10.0.0.0/24, found "AWS Internal"`},

		// $or.
		{"$or first", `{"detail":{"$or":[{"errorCode":[{"exists":false}]},{"errorCode":[""]}]}}`, `{"detail":{}}`, true, ""},
		{"$or second", `{"detail":{"$or":[{"errorCode":[{"exists":false}]},{"errorCode":[""]}]}}`, `{"detail":{"errorCode":""}}`, true, ""},
		{"$or merged reason", `{"detail":{"$or":[{"errorCode":[{"exists":false}]},{"errorCode":[""]}]}}`, `{"detail":{"errorCode":"AccessDenied"}}`, false,
			`detail.errorCode: want absent or "", found "AccessDenied"`},
		{"$or at the root", `{"$or":[{"a":["1"]},{"b":["2"]}]}`, `{"b":"2"}`, true, ""},
		{"$or different fields", `{"$or":[{"a":["1"]},{"b":["2"]}]}`, `{"a":"0"}`, false,
			`no alternative of $or matched: a: want "1", found "0"; b: want "2", found absent`},
		{"$or with other fields ANDed", `{"a":["1"],"$or":[{"b":["2"]},{"c":["3"]}]}`, `{"a":"0","b":"2"}`, false, `a: want "1", found "0"`},
		{"$or nested objects", `{"detail":{"$or":[{"requestParameters":{"userPoolId":["p1"]}},{"additionalEventData":{"userPoolId":["p1"]}}]}}`,
			`{"detail":{"additionalEventData":{"userPoolId":"p1"}}}`, true, ""},
		{"$or nested objects reason", `{"detail":{"$or":[{"requestParameters":{"userPoolId":["p1"]}},{"additionalEventData":{"userPoolId":["p1"]}}]}}`,
			`{"detail":{"requestParameters":{"userPoolId":"p2"}}}`, false,
			`no alternative of detail.$or matched: detail.requestParameters.userPoolId: want "p1", found "p2"; detail.additionalEventData.userPoolId: want "p1", found absent`},
		{"$or cross product names the common field", `{"detail":{"$or":[
			{"errorCode":[{"exists":false}],"requestParameters":{"userPoolId":["p1"]}},
			{"errorCode":[{"exists":false}],"additionalEventData":{"userPoolId":["p1"]}},
			{"errorCode":[""],"requestParameters":{"userPoolId":["p1"]}},
			{"errorCode":[""],"additionalEventData":{"userPoolId":["p1"]}}]}}`,
			`{"detail":{"errorCode":"AccessDenied","requestParameters":{"userPoolId":"p1"}}}`, false,
			`detail.errorCode: want absent or "", found "AccessDenied"`},
		{"$or nested $or", `{"$or":[{"a":["1"],"$or":[{"b":["2"]},{"c":["3"]}]},{"d":["4"]}]}`, `{"a":"1","c":"3"}`, true, ""},

		// Odd events.
		{"unicode and escapes", `{"n":["caf\u00e9 \"x\""]}`, `{"n":"café \"x\""}`, true, ""},
		{"long value is cut in the reason", `{"n":["x"]}`, `{"n":"` + strings.Repeat("a", 120) + `"}`, false,
			`n: want "x", found "` + strings.Repeat("a", 100) + `…"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustCompile(t, tt.pattern)
			got, err := p.Match([]byte(tt.event))
			if err != nil {
				t.Fatalf("Match: %v", err)
			}
			if got.Matched != tt.match {
				t.Fatalf("Matched = %v, want %v (reason %q)", got.Matched, tt.match, got.Reason)
			}
			if got.Reason != tt.reason {
				t.Errorf("Reason\n got  %s\n want %s", got.Reason, tt.reason)
			}
		})
	}
}

func TestMatchRejectsNonObjects(t *testing.T) {
	p := mustCompile(t, `{"a":["x"]}`)
	for _, ev := range []string{``, `null`, `[]`, `"a"`, `{"a":`, `{"a":"x"} {}`, `not json`} {
		t.Run(ev, func(t *testing.T) {
			if _, err := p.Match([]byte(ev)); !errors.Is(err, events.ErrNotJSON) {
				t.Errorf("Match(%q) error = %v, want ErrNotJSON", ev, err)
			}
		})
	}
}

// TestCompileRejects lists patterns EventBridge would refuse or that use
// operators this package does not implement; each error names the field.
func TestCompileRejects(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		want    string // part of the error
	}{
		{"empty input", ``, "reading JSON"},
		{"not JSON", `source`, "reading JSON"},
		{"array", `["a"]`, "want a JSON object, found an array"},
		{"string", `"a"`, `want a JSON object, found the string "a"`},
		{"empty pattern", `{}`, "pattern: empty object"},
		{"empty nested object", `{"detail":{}}`, "detail: empty object"},
		{"leaf not in an array", `{"source":"aws.s3"}`, `source: want an array of values or a nested object, found the string "aws.s3"`},
		{"number leaf", `{"n":5}`, "n: want an array"},
		{"empty array", `{"source":[]}`, "source: empty array"},
		{"nested array", `{"a":[["x"]]}`, "a[0]: nested arrays"},
		{"unknown operator", `{"a":[{"contains":"x"}]}`, `a[0]: unknown operator "contains": did you mean "wildcard"?`},
		{"two operators in one object", `{"a":[{"prefix":"x","suffix":"y"}]}`, "exactly one operator"},
		{"empty operator object", `{"a":[{}]}`, "exactly one operator"},
		{"exists not boolean", `{"a":[{"exists":"true"}]}`, "exists: want true or false"},
		{"exists mixed with values", `{"a":[{"exists":false},""]}`, "a: an exists test cannot be combined"},
		{"prefix number", `{"a":[{"prefix":5}]}`, "prefix: want a string"},
		{"prefix unknown inner", `{"a":[{"prefix":{"wildcard":"x"}}]}`, `prefix: unknown operator "wildcard": want one of equals-ignore-case`},
		{"equals-ignore-case list", `{"a":[{"equals-ignore-case":["x"]}]}`, "equals-ignore-case: want a string"},
		{"wildcard double star", `{"a":[{"wildcard":"a**"}]}`, "consecutive *"},
		{"wildcard bad escape", `{"a":[{"wildcard":"a\\b"}]}`, "backslash must escape"},
		{"numeric odd", `{"a":[{"numeric":[">"]}]}`, "numeric: want [op, number]"},
		{"numeric bad op", `{"a":[{"numeric":["!=",1]}]}`, "numeric: \"!=\" is not one of"},
		{"numeric string number", `{"a":[{"numeric":[">","1"]}]}`, "numeric: want a number"},
		{"numeric range backwards", `{"a":[{"numeric":["<",1,">",0]}]}`, "numeric: a range is a lower bound"},
		{"cidr bad", `{"a":[{"cidr":"10.0.0.0"}]}`, "cidr: \"10.0.0.0\" is not an IP prefix"},
		{"anything-but empty list", `{"a":[{"anything-but":[]}]}`, "anything-but: want a non-empty array"},
		{"anything-but mixed list", `{"a":[{"anything-but":["x",1]}]}`, "only strings or only numbers"},
		{"anything-but object list", `{"a":[{"anything-but":[{"prefix":"x"}]}]}`, "anything-but: want strings or numbers"},
		{"anything-but bool", `{"a":[{"anything-but":true}]}`, "anything-but: want a string, a number"},
		{"anything-but unknown inner", `{"a":[{"anything-but":{"exists":true}}]}`, `anything-but: unknown operator "exists": want one of prefix, suffix, equals-ignore-case, wildcard`},
		{"anything-but prefix list", `{"a":[{"anything-but":{"prefix":["x"]}}]}`, "anything-but prefix: want a string"},
		{"$or not an array", `{"$or":{"a":["x"]}}`, "$or: want an array of patterns"},
		{"$or of values", `{"$or":["x","y"]}`, `$or[0]: want a pattern object, found the string "x"`},
		{"$or single alternative", `{"$or":[{"a":["x"]}]}`, "$or: want at least two alternatives"},
		{"$or empty alternative", `{"$or":[{"a":["x"]},{}]}`, "$or[1]: empty object"},
		{"duplicate field", `{"a":["x"],"a":["y"]}`, `field "a" appears twice`},
		{"trailing data", `{"a":["x"]} {}`, "trailing data"},
		{"unterminated", `{"a":["x"]`, "reading JSON"},
		{"huge number", `{"a":[1e999]}`, "a[0]: want a number"},
		{"CloudFormation intrinsic", `{"source":{"Fn::Join":["",["a","b"]]}}`, `source.Fn::Join[1]: nested arrays`},
		{"CloudFormation reference", `{"source":{"Ref":"Name"}}`, `source.Ref: want an array of values or a nested object`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Compile([]byte(tt.pattern))
			if err == nil {
				t.Fatalf("Compile(%s) = %s, want an error", tt.pattern, p)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestString(t *testing.T) {
	p := mustCompile(t, "{\n  \"source\": [\"aws.cognito-idp\"],\n  \"detail\": {\"eventName\": [\"A\"]}\n}")
	if got, want := p.String(), `{"source":["aws.cognito-idp"],"detail":{"eventName":["A"]}}`; got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
	again := mustCompile(t, p.String())
	if again.String() != p.String() {
		t.Errorf("round trip changed the pattern: %s", again)
	}
}
