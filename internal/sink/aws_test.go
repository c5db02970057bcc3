package sink

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/forwarder/fwtest"
)

// awsFake is a loopback AWS endpoint: it records each request and answers
// with what reply returns.
type awsFake struct {
	srv   *httptest.Server
	mu    sync.Mutex
	reqs  []fakeRequest
	reply func(n int, r fakeRequest) (status int, body string)
}

type fakeRequest struct {
	target string // X-Amz-Target, for JSON protocols
	body   []byte
	auth   string
}

func newAWSFake(tb testing.TB, envVar string, reply func(n int, r fakeRequest) (int, string)) *awsFake {
	tb.Helper()
	f := &awsFake{reply: reply}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fr := fakeRequest{target: r.Header.Get("X-Amz-Target"), body: body, auth: r.Header.Get("Authorization")}
		f.mu.Lock()
		f.reqs = append(f.reqs, fr)
		n := len(f.reqs)
		f.mu.Unlock()
		status, out := f.reply(n, fr)
		w.Header().Set("X-Amzn-RequestId", fmt.Sprintf("req-%d", n))
		w.WriteHeader(status)
		io.WriteString(w, out)
	}))
	tb.Cleanup(f.srv.Close)
	fwtest.AWSEnv(tb)
	tb.Setenv(envVar, f.srv.URL)
	return f
}

func (f *awsFake) requests() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeRequest(nil), f.reqs...)
}

func loadAWS(tb testing.TB) aws.Config {
	tb.Helper()
	cfg, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		tb.Fatalf("loading AWS config: %v", err)
	}
	return cfg
}

func TestEventBridge(t *testing.T) {
	ev := testEvent(t, "update-client.json")
	for _, tc := range []struct {
		name      string
		status    int
		answer    string
		wantErr   bool
		permanent bool
	}{
		{"acknowledged", 200, `{"FailedEntryCount":0,"Entries":[{"EventId":"eb-1"}]}`, false, false},
		{"throttled entry", 200, `{"FailedEntryCount":1,"Entries":[{"ErrorCode":"ThrottlingException","ErrorMessage":"slow down"}]}`, true, false},
		{"internal failure entry", 200, `{"FailedEntryCount":1,"Entries":[{"ErrorCode":"InternalFailure","ErrorMessage":"oops"}]}`, true, false},
		{"malformed detail entry", 200, `{"FailedEntryCount":1,"Entries":[{"ErrorCode":"MalformedDetail","ErrorMessage":"bad"}]}`, true, true},
		{"count without entries", 200, `{"FailedEntryCount":1,"Entries":[]}`, true, false},
		{"bus not found", 400, `{"__type":"ResourceNotFoundException","message":"Event bus x does not exist."}`, true, true},
		{"service throttling", 400, `{"__type":"ThrottlingException","message":"Rate exceeded"}`, true, false},
		{"internal error", 500, `{"__type":"InternalException","message":"oops"}`, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newAWSFake(t, "AWS_ENDPOINT_URL_EVENTBRIDGE", func(int, fakeRequest) (int, string) { return tc.status, tc.answer })
			client := eventbridge.NewFromConfig(loadAWS(t), func(o *eventbridge.Options) { o.Retryer = aws.NopRetryer{} })
			s := &EventBridge{Client: client, Bus: "arn:aws:events:eu-west-1:111122223333:event-bus/identity", Source: "cognito-events", DetailType: events.EventType}
			err := s.Send(context.Background(), ev)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Send = %v, want error %v", err, tc.wantErr)
			}
			if err != nil && IsPermanent(err) != tc.permanent {
				t.Fatalf("IsPermanent(%v) = %v, want %v", err, IsPermanent(err), tc.permanent)
			}
			reqs := f.requests()
			if len(reqs) != 1 || reqs[0].target != "AWSEvents.PutEvents" {
				t.Fatalf("requests = %+v, want one PutEvents", reqs)
			}
			if !strings.HasPrefix(reqs[0].auth, "AWS4-HMAC-SHA256 Credential=AKIDTEST/") {
				t.Errorf("request not signed with the static credentials: %q", reqs[0].auth)
			}
			var in struct {
				Entries []struct {
					Detail, DetailType, EventBusName, Source string
					Resources                                []string
					Time                                     float64
				}
			}
			if err := json.Unmarshal(reqs[0].body, &in); err != nil || len(in.Entries) != 1 {
				t.Fatalf("request body %s: %v", reqs[0].body, err)
			}
			e := in.Entries[0]
			if e.EventBusName != s.Bus || e.Source != "cognito-events" || e.DetailType != events.EventType {
				t.Errorf("entry = %+v", e)
			}
			if len(e.Resources) != 1 || e.Resources[0] != ev.Source {
				t.Errorf("Resources = %v, want [%s]", e.Resources, ev.Source)
			}
			if e.Time != 1795169729 { // 2026-11-20T10:15:29Z
				t.Errorf("Time = %v, want the event time", e.Time)
			}
			if want := string(ev.AppendJSON(nil)); e.Detail != want {
				t.Errorf("Detail = %s, want the structured event %s", e.Detail, want)
			}
		})
	}
}

func TestSQS(t *testing.T) {
	ev := testEvent(t, "update-client.json")
	okAnswer := func(_ int, r fakeRequest) (int, string) {
		var in struct{ MessageBody string }
		json.Unmarshal(r.body, &in)
		sum := md5.Sum([]byte(in.MessageBody))
		return 200, fmt.Sprintf(`{"MessageId":"msg-1","MD5OfMessageBody":%q}`, hex.EncodeToString(sum[:]))
	}
	for _, tc := range []struct {
		name      string
		queue     string
		reply     func(int, fakeRequest) (int, string)
		wantErr   bool
		permanent bool
	}{
		{"standard queue", "https://sqs.eu-west-1.amazonaws.com/111122223333/events", okAnswer, false, false},
		{"FIFO queue", "https://sqs.eu-west-1.amazonaws.com/111122223333/events.fifo", okAnswer, false, false},
		{"no MessageId", "https://sqs.eu-west-1.amazonaws.com/111122223333/events", func(int, fakeRequest) (int, string) { return 200, `{}` }, true, false},
		{"queue does not exist", "https://sqs.eu-west-1.amazonaws.com/111122223333/events", func(int, fakeRequest) (int, string) {
			return 400, `{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}`
		}, true, true},
		{"throttled", "https://sqs.eu-west-1.amazonaws.com/111122223333/events", func(int, fakeRequest) (int, string) {
			return 400, `{"__type":"com.amazonaws.sqs#RequestThrottled","message":"slow down"}`
		}, true, false},
		{"server error", "https://sqs.eu-west-1.amazonaws.com/111122223333/events", func(int, fakeRequest) (int, string) {
			return 503, `{"__type":"com.amazonaws.sqs#ServiceUnavailable","message":"later"}`
		}, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newAWSFake(t, "AWS_ENDPOINT_URL_SQS", tc.reply)
			fifo := strings.HasSuffix(tc.queue, ".fifo")
			s := &SQS{Client: sqs.NewFromConfig(loadAWS(t), func(o *sqs.Options) { o.Retryer = aws.NopRetryer{} }), QueueURL: tc.queue, FIFO: fifo}
			err := s.Send(context.Background(), ev)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Send = %v, want error %v", err, tc.wantErr)
			}
			if err != nil && IsPermanent(err) != tc.permanent {
				t.Fatalf("IsPermanent(%v) = %v, want %v", err, IsPermanent(err), tc.permanent)
			}
			if tc.name == "no MessageId" && !errors.Is(err, ErrNotAcknowledged) {
				t.Fatalf("Send = %v, want ErrNotAcknowledged", err)
			}
			reqs := f.requests()
			if len(reqs) != 1 || reqs[0].target != "AmazonSQS.SendMessage" {
				t.Fatalf("requests = %+v, want one SendMessage", reqs)
			}
			var in struct {
				QueueUrl, MessageBody                  string
				MessageGroupId, MessageDeduplicationId *string
				MessageAttributes                      map[string]struct{ DataType, StringValue string }
			}
			if err := json.Unmarshal(reqs[0].body, &in); err != nil {
				t.Fatalf("request body %s: %v", reqs[0].body, err)
			}
			if in.QueueUrl != tc.queue || in.MessageBody != string(ev.AppendJSON(nil)) {
				t.Errorf("QueueUrl %q, MessageBody %s", in.QueueUrl, in.MessageBody)
			}
			checkMessageAttributes(t, ev, func(name string) (string, string, bool) {
				a, ok := in.MessageAttributes[name]
				return a.DataType, a.StringValue, ok
			}, len(in.MessageAttributes))
			if fifo {
				if aws.ToString(in.MessageGroupId) != ev.UserPoolID || aws.ToString(in.MessageDeduplicationId) != ev.ID {
					t.Errorf("FIFO fields group %v dedup %v", aws.ToString(in.MessageGroupId), aws.ToString(in.MessageDeduplicationId))
				}
			} else if in.MessageGroupId != nil || in.MessageDeduplicationId != nil {
				t.Errorf("standard queue got FIFO fields")
			}
		})
	}
}

// checkMessageAttributes asserts the SQS/SNS message attributes: every
// attribute of MessageAttributeNames the event has, as String, at most 10.
func checkMessageAttributes(tb testing.TB, ev *events.Event, get func(string) (string, string, bool), count int) {
	tb.Helper()
	if count > 10 {
		tb.Errorf("%d message attributes, SQS allows 10", count)
	}
	want := 0
	for _, a := range ev.Attributes() {
		inList := false
		for _, n := range MessageAttributeNames {
			inList = inList || n == a.Name
		}
		if !inList {
			continue
		}
		want++
		dt, v, ok := get(a.Name)
		if !ok || dt != "String" || v != a.Value {
			tb.Errorf("attribute %s = %q (%s, present %v), want %q", a.Name, v, dt, ok, a.Value)
		}
	}
	if count != want || want < 8 {
		tb.Errorf("%d message attributes, want %d", count, want)
	}
}

func TestSNS(t *testing.T) {
	ev := testEvent(t, "update-client.json")
	const okXML = `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>sns-1</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`
	for _, tc := range []struct {
		name      string
		topic     string
		status    int
		answer    string
		wantErr   bool
		permanent bool
	}{
		{"standard topic", "arn:aws:sns:eu-west-1:111122223333:identity", 200, okXML, false, false},
		{"FIFO topic", "arn:aws:sns:eu-west-1:111122223333:identity.fifo", 200, okXML, false, false},
		{"not found", "arn:aws:sns:eu-west-1:111122223333:identity", 404,
			`<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>`, true, true},
		{"throttled", "arn:aws:sns:eu-west-1:111122223333:identity", 400,
			`<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>`, true, false},
		{"internal error", "arn:aws:sns:eu-west-1:111122223333:identity", 500,
			`<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code><Message>oops</Message></Error><RequestId>r</RequestId></ErrorResponse>`, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newAWSFake(t, "AWS_ENDPOINT_URL_SNS", func(int, fakeRequest) (int, string) { return tc.status, tc.answer })
			fifo := strings.HasSuffix(tc.topic, ".fifo")
			s := &SNS{Client: sns.NewFromConfig(loadAWS(t), func(o *sns.Options) { o.Retryer = aws.NopRetryer{} }), TopicARN: tc.topic, FIFO: fifo}
			err := s.Send(context.Background(), ev)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Send = %v, want error %v", err, tc.wantErr)
			}
			if err != nil && IsPermanent(err) != tc.permanent {
				t.Fatalf("IsPermanent(%v) = %v, want %v", err, IsPermanent(err), tc.permanent)
			}
			reqs := f.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			form, err := url.ParseQuery(string(reqs[0].body))
			if err != nil || form.Get("Action") != "Publish" {
				t.Fatalf("request %s is not a Publish: %v", reqs[0].body, err)
			}
			if form.Get("TopicArn") != tc.topic || form.Get("Message") != string(ev.AppendJSON(nil)) {
				t.Errorf("TopicArn %q Message %q", form.Get("TopicArn"), form.Get("Message"))
			}
			attrs := map[string][2]string{}
			for i := 1; form.Get(fmt.Sprintf("MessageAttributes.entry.%d.Name", i)) != ""; i++ {
				p := fmt.Sprintf("MessageAttributes.entry.%d.", i)
				attrs[form.Get(p+"Name")] = [2]string{form.Get(p + "Value.DataType"), form.Get(p + "Value.StringValue")}
			}
			checkMessageAttributes(t, ev, func(name string) (string, string, bool) {
				a, ok := attrs[name]
				return a[0], a[1], ok
			}, len(attrs))
			if fifo != (form.Get("MessageGroupId") == ev.UserPoolID && form.Get("MessageDeduplicationId") == ev.ID) {
				t.Errorf("FIFO %v: group %q dedup %q", fifo, form.Get("MessageGroupId"), form.Get("MessageDeduplicationId"))
			}
		})
	}
}

func TestGroupIDWithoutPool(t *testing.T) {
	ev := testEvent(t, "token-post.json")
	if ev.UserPoolID != "" {
		t.Fatalf("fixture resolved a pool: %q", ev.UserPoolID)
	}
	if got := groupID(ev); got != ev.Source || got == "" {
		t.Fatalf("groupID = %q, want the source %q", got, ev.Source)
	}
}
