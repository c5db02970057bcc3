package logs

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfn "github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/cognito-events/cognito-events/internal/emulator/moto"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime/lambdatest"
	"github.com/cognito-events/cognito-events/internal/logs/logstest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	moto.StopShared()
	lambdatest.Cleanup()
	os.Exit(code)
}

var (
	linesOnce sync.Once
	lines     []string
)

// forwarderLines are the real forwarder's lines, produced once.
func forwarderLines(tb testing.TB) []string {
	tb.Helper()
	linesOnce.Do(func() { lines = logstest.ForwarderLines(tb) })
	if len(lines) == 0 {
		tb.Fatal("the forwarder wrote no lines")
	}
	return lines
}

func newLogsClient(s *moto.Server) *cwl.Client { return cwl.NewFromConfig(s.Config()) }

// TestReadFromMoto puts the real forwarder's lines into moto's CloudWatch
// Logs and reads them back: every event once, the log sink's events with
// the event itself, the failed one with its error, and the filters and the
// paging keep what they should.
func TestReadFromMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the forwarder's bootstrap and moto")
	}
	s := moto.Shared(t)
	client := newLogsClient(s)
	group := "/aws/lambda/read-" + strings.ReplaceAll(t.Name(), "/", "-")
	at := time.Now().Add(-10 * time.Minute)
	logstest.Put(t, client, group, "2026/12/07/[$LATEST]abc", at, forwarderLines(t))

	read := func(t *testing.T, r *Reader) []Entry {
		t.Helper()
		var got []Entry
		if err := r.Read(context.Background(), time.Now().Add(-time.Hour), time.Now().Add(time.Minute), func(e Entry) error {
			got = append(got, e)
			return nil
		}); err != nil {
			t.Fatalf("Read: %v", err)
		}
		return got
	}
	t.Run("every event", func(t *testing.T) {
		var pages int
		r := &Reader{Client: client, Groups: []Group{{Name: group}}, Limit: 3, Progress: func(p Progress) { pages = p.Pages }}
		got := read(t, r)
		var outcomes []string
		for _, e := range got {
			outcomes = append(outcomes, e.Outcome)
		}
		if strings.Join(outcomes, ",") != "delivered,delivered,skipped,failed" {
			t.Fatalf("outcomes %v, want delivered, delivered, skipped, failed:\n%+v", outcomes, got)
		}
		if got[0].EventID != "a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d" || got[0].EventName != "UpdateUserPoolClient" ||
			!strings.Contains(string(got[0].CloudEvent), `"specversion":"1.0"`) || got[0].Sink != "log" || got[0].Attempts != 1 {
			t.Errorf("first entry: %+v", got[0])
		}
		if len(got[1].CloudEvent) == 0 || len(got[2].CloudEvent) != 0 || len(got[3].CloudEvent) != 0 {
			t.Errorf("cloudevent attached to the wrong entries: %+v", got)
		}
		if got[3].Error == "" || got[3].Sink != "http" {
			t.Errorf("failed entry: %+v", got[3])
		}
		if pages < 2 {
			t.Errorf("%d pages with a page limit of 3, want several", pages)
		}
	})
	t.Run("outcome failed", func(t *testing.T) {
		got := read(t, &Reader{Client: client, Groups: []Group{{Name: group}}, Filter: Filter{Outcomes: []string{"failed"}}})
		if len(got) != 1 || got[0].Outcome != "failed" {
			t.Fatalf("got %+v, want the one failed event", got)
		}
	})
	t.Run("event name and subject", func(t *testing.T) {
		got := read(t, &Reader{Client: client, Groups: []Group{{Name: group}}, Filter: Filter{EventName: "updateuserpoolclient"}})
		if len(got) != 2 {
			t.Fatalf("got %d entries of UpdateUserPoolClient, want 2 (delivered and failed): %+v", len(got), got)
		}
		got = read(t, &Reader{Client: client, Groups: []Group{{Name: group}}, Filter: Filter{Subject: got[0].Subject}})
		if len(got) != 2 || got[0].Subject == "" {
			t.Fatalf("by subject: %+v", got)
		}
	})
	t.Run("a missing group is an error naming it", func(t *testing.T) {
		err := (&Reader{Client: client, Groups: []Group{{Name: "/no/such/group"}}}).Read(context.Background(), time.Now().Add(-time.Hour), time.Now(), func(Entry) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "/no/such/group") {
			t.Fatalf("Read = %v", err)
		}
	})
}

// TestFollowFromMoto: Follow prints what is there, then what arrives, each
// once, until its context ends.
func TestFollowFromMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the forwarder's bootstrap and moto")
	}
	s := moto.Shared(t)
	client := newLogsClient(s)
	group := "/aws/lambda/follow"
	all := forwarderLines(t)
	logstest.Put(t, client, group, "first", time.Now().Add(-time.Minute), all[:len(all)/2])

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var got []Entry
	done := make(chan error, 1)
	go func() {
		r := &Reader{Client: client, Groups: []Group{{Name: group, Route: "app-clients"}}}
		done <- r.Follow(ctx, time.Now().Add(-time.Hour), 20*time.Millisecond, 30*time.Second, nil, func(e Entry) error {
			mu.Lock()
			got = append(got, e)
			mu.Unlock()
			return nil
		})
	}()
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(got)
	}
	waitFor := func(n int) {
		deadline := time.Now().Add(10 * time.Second)
		for count() < n && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor(1)
	first := count()
	if first == 0 {
		t.Fatal("Follow printed nothing of the lines already there")
	}
	logstest.Put(t, client, group, "second", time.Now(), all[len(all)/2:])
	waitFor(4)
	time.Sleep(100 * time.Millisecond) // a few more polls: nothing twice
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Follow: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 4 {
		t.Fatalf("Follow printed %d entries, want 4 (each once):\n%+v", len(got), got)
	}
	for _, e := range got {
		if e.Route != "app-clients" {
			t.Errorf("entry without its route: %+v", e)
		}
	}
}

// TestGroupsFromMoto finds a route's log groups from a stack's outputs as
// the CDK app writes them.
func TestGroupsFromMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("runs moto")
	}
	s := moto.Shared(t)
	client := cfn.NewFromConfig(s.Config())
	template := `{"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "fw-logs"}}},
	  "Outputs": {
	    "appclientsLogGroupNameA1B2C3D4": {"Value": {"Ref": "Logs"}, "Description": "forwarder log group of route app-clients"},
	    "appclientsFunctionNameA1B2C3D4": {"Value": "fn", "Description": "forwarder function of route app-clients"},
	    "usersTriggerLogGroupName0A0A0A0A": {"Value": "trigger-logs", "Description": "trigger function log group of route users"},
	    "usersLogGroupName0B0B0B0B": {"Value": "users-fw-logs", "Description": "forwarder log group of route users"},
	    "syncLogGroupName0C0C0C0C": {"Value": "sync-logs", "Description": "user sync log group of route users"}}}`
	moto.Retry(t, "creating the stack", func(ctx context.Context) error {
		_, err := client.CreateStack(ctx, &cfn.CreateStackInput{StackName: aws.String("cognito-events-us-east-1"), TemplateBody: aws.String(template)})
		return err
	}, func(err error) bool { return strings.Contains(err.Error(), "AlreadyExists") })

	got, err := Groups(context.Background(), client, "cognito-events-us-east-1", "users")
	if err != nil {
		t.Fatalf("Groups: %v", err)
	}
	want := []Group{{"users-fw-logs", "users", "forwarder"}, {"sync-logs", "users", "user sync"}, {"trigger-logs", "users", "trigger function"}}
	if len(got) != len(want) {
		t.Fatalf("Groups = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("group %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	got, err = Groups(context.Background(), client, "cognito-events-us-east-1", "app-clients")
	if err != nil || len(got) != 1 || got[0].Name != "fw-logs" {
		t.Fatalf("app-clients: %+v, %v", got, err)
	}
	_, err = Groups(context.Background(), client, "cognito-events-us-east-1", "nope")
	if err == nil || !strings.Contains(err.Error(), "routes with log groups: app-clients, users") {
		t.Fatalf("unknown route: %v", err)
	}
	_, err = Groups(context.Background(), client, "no-such-stack", "users")
	if err == nil || !strings.Contains(err.Error(), "describing stack no-such-stack") {
		t.Fatalf("unknown stack: %v", err)
	}
}
