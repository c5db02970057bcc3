package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/cognito-events/cognito-events/internal/cesink"
	"github.com/cognito-events/cognito-events/internal/emulator/moto"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime/lambdatest"
	"github.com/cognito-events/cognito-events/internal/usersync"
)

// TestBootstrapsAtOnce invokes two sync bootstraps at the same moment on
// one pool and one state table (moto), as an overlapping schedule tick or
// a Lambda retry would: one run takes the pool's lease and delivers each
// user once, the other logs who holds the lease and sends nothing; the
// state ends at the users' current records, and a later run sends
// nothing.
func TestBootstrapsAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bootstrap binary")
	}
	srv := moto.Shared(t)
	const n = 40
	users := make([]string, n)
	for i := range users {
		users[i] = fmt.Sprintf("u%02d", i)
	}
	pool, table := seed(t, srv, users...)
	recv := cesink.New(cesink.Options{})
	// A slow sink keeps the first run busy while the second starts.
	sinkSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(25 * time.Millisecond)
		recv.ServeHTTP(w, r)
	}))
	t.Cleanup(sinkSrv.Close)
	env := []string{
		"AWS_REGION=" + moto.Region, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"AWS_ENDPOINT_URL=" + srv.URL,
		"SYNC_USER_POOL_IDS=" + pool, "SYNC_STATE_TABLE=" + table, "SYNC_RATE=50",
		"SINK_KIND=http", "SINK_URL=" + sinkSrv.URL, "SINK_ALLOW_INSECURE=true",
	}
	path := lambdatest.Build(t, ".")
	var fns [2]*lambdaruntime.Function
	var logs [2]lambdatest.Output
	for i := range fns {
		f, err := lambdaruntime.Start(context.Background(), lambdaruntime.FunctionOptions{
			Server:  lambdaruntime.Options{FunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:sync", Timeout: 60 * time.Second},
			Process: lambdaruntime.ProcessOptions{Path: path, Env: env, Stderr: &logs[i]},
		})
		if err != nil {
			t.Fatalf("starting bootstrap %d: %v", i, err)
		}
		t.Cleanup(func() { f.Close() })
		fns[i] = f
	}
	var wg sync.WaitGroup
	var created [2]int
	var errs [2]error
	start := make(chan struct{})
	for i := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp, err := fns[i].Invoke(context.Background(), []byte(scheduledEvent))
			if err != nil {
				errs[i] = err
				return
			}
			var s struct{ Created int }
			errs[i] = json.Unmarshal(resp, &s)
			created[i] = s.Created
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("invocation %d: %v\n%s", i, err, logs[i].String())
		}
	}
	if created[0]+created[1] != n {
		t.Fatalf("created %v, want %d in total", created, n)
	}
	held := 0
	for i := range logs {
		if strings.Contains(logs[i].String(), "pool lease held by another run") && strings.Contains(logs[i].String(), `"holder":"lambda request `) {
			held++
		}
	}
	if held != 1 {
		t.Fatalf("%d runs logged a held lease with its holder, want 1:\n%s\n%s", held, logs[0].String(), logs[1].String())
	}
	got := recv.Events()
	ids := map[string]int{}
	subjects := map[string]int{}
	for _, r := range got {
		ids[r.Event.ID()]++
		subjects[r.Event.Subject()]++
		if seq := fmt.Sprint(r.Event.Extensions()["sequence"]); seq != "00000000000000000001" {
			t.Errorf("event %s: sequence %q, want the first change's 00000000000000000001", r.Event.ID(), seq)
		}
	}
	if len(got) != n || len(ids) != n || len(subjects) != n {
		t.Fatalf("the sink got %d events, %d ids, %d subjects; want %d of each", len(got), len(ids), len(subjects), n)
	}
	if _, err := fns[0].Invoke(context.Background(), []byte(scheduledEvent)); err != nil || recv.Count() != n {
		t.Fatalf("a later run: err %v, %d events in all, want still %d", err, recv.Count(), n)
	}
	store := &usersync.DynamoStore{API: dynamodb.NewFromConfig(srv.Config()), Table: table}
	recs, err := store.Unseen(context.Background(), pool, 1<<40, "", 1000)
	if err != nil || len(recs) != n {
		t.Fatalf("state: %d records, err %v", len(recs), err)
	}
	for _, r := range recs {
		if !r.Delivered || r.Version != 1 || r.Pending != 0 || subjects["user/"+r.Sub] != 1 {
			t.Fatalf("state record %+v: want delivered at version 1, nothing pending", r)
		}
	}
}
