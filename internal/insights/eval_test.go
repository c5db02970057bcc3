package insights

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)

func records(lines ...string) []Record {
	var out []Record
	for i, l := range lines {
		out = append(out, FromLine(l, t0.Add(time.Duration(i)*time.Minute), "123456789012:/aws/lambda/fw", "s"))
	}
	return out
}

var sample = records(
	`{"msg":"event","eventID":"a","eventName":"UpdateUserPoolClient","subject":"client/c1","outcome":"delivered","attempts":1,"latencyMs":10}`,
	`{"msg":"event","eventID":"b","eventName":"AdminCreateUser","subject":"user/u1","outcome":"failed","attempts":3,"latencyMs":30,"error":"sink answered 500"}`,
	`{"msg":"cloudevent","cloudevent":{"id":"a","subject":"client/c1","data":{"requestParameters":{"clientId":"c1","scopes":["openid","email"]}}}}`,
	`{"level":"ERROR","msg":"user event failed","userpool":"p","eventid":"s1","error":"boom"}`,
	`not json at all`,
	`{"msg":"event","eventID":"c","outcome":"skipped","attempts":0,"latencyMs":0.5,"reason":"identity pool"}`,
)

func TestRun(t *testing.T) {
	tests := []struct {
		name, query string
		want        []string // the rows, each field=value sorted, joined by " "
	}{
		{"equality and fields", `fields eventID, outcome | filter msg = "event" and outcome = "delivered"`, []string{"eventID=a outcome=delivered"}},
		{"not equal skips absent fields", `fields eventID | filter outcome != "delivered"`, []string{"eventID=b", "eventID=c"}},
		{"in and or", `fields eventID, eventid | filter outcome in ["failed", "malformed"] or level = "ERROR"`, []string{"eventID=b", "eventid=s1"}},
		{"not in", `fields eventID | filter msg = "event" and outcome not in ["failed"]`, []string{"eventID=a", "eventID=c"}},
		{"nested and arrays", `fields cloudevent.id | filter cloudevent.data.requestParameters.clientId = "c1" and cloudevent.data.requestParameters.scopes.1 = "email"`, []string{"cloudevent.id=a"}},
		{"like", `fields eventID | filter error like "500"`, []string{"eventID=b"}},
		{"like regex", `fields eventID | filter eventName like /^Admin/`, []string{"eventID=b"}},
		{"not like", `fields eventID | filter msg = "event" and eventName not like /Client/`, []string{"eventID=b"}},
		{"ispresent", `fields eventID | filter ispresent(reason)`, []string{"eventID=c"}},
		{"not and parentheses", `fields eventID | filter msg = "event" and not (outcome = "failed" or outcome = "skipped")`, []string{"eventID=a"}},
		{"numbers", `fields eventID | filter attempts >= 1 and latencyMs < 20`, []string{"eventID=a"}},
		{"sort and limit", `fields eventID | filter msg = "event" | sort latencyMs desc | limit 2`, []string{"eventID=b", "eventID=a"}},
		{"sort by time", `fields @timestamp, eventID | filter msg = "event" | sort @timestamp desc | limit 1`, []string{"@timestamp=1796605500000 eventID=c"}},
		{"stats count by", `filter ispresent(outcome) | stats count(*) as n by outcome | sort outcome asc`, []string{"n=1 outcome=delivered", "n=1 outcome=failed", "n=1 outcome=skipped"}},
		{"stats aggregates and bin", `filter msg = "event" | stats count(*) as events, avg(latencyMs) as avgMs, max(latencyMs) as maxMs, sum(attempts) by bin(1h)`,
			[]string{"avgMs=13.5 bin(1h)=2026-12-07 01:00:00.000 events=3 maxMs=30 sum(attempts)=4"}},
		{"message and log", `fields @log | filter @message like "boom"`, []string{"@log=123456789012:/aws/lambda/fw"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := Parse(tt.query)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			var got []string
			for _, r := range q.Run(sample) {
				got = append(got, rowString(r))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("rows\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	for _, q := range []string{
		`parse @message "* *" as a, b`,
		`fields strlen(msg)`,
		`fields msg as m`,
		`filter strlen(msg) > 3`,
		`stats pct(latencyMs, 99)`,
		`stats count(*) by datefloor(@timestamp, 1h)`,
		`display msg`,
		`filter a = b`,
		`dedup eventID`,
	} {
		if _, err := Parse(q); !errors.Is(err, ErrUnsupported) {
			t.Errorf("Parse(%q) = %v, want ErrUnsupported", q, err)
		}
	}
	for _, q := range []string{``, `filter`, `filter msg =`, `limit x`, `fields a |`, `filter msg = "x`, `sort`, `stats count(`, `filter (a = "x"`, `filter a in ["x"`} {
		if _, err := Parse(q); err == nil {
			t.Errorf("Parse(%q) accepted a broken query", q)
		}
	}
}

func rowString(r Row) string {
	var parts []string
	for k, v := range r {
		switch x := v.(type) {
		case float64:
			parts = append(parts, k+"="+strings.TrimSuffix(strings.TrimSuffix(formatFloat(x), ".0"), ".00"))
		default:
			parts = append(parts, k+"="+x.(string))
		}
	}
	slicesSort(parts)
	return strings.Join(parts, " ")
}
