package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
)

// pagesClient answers LookupEvents with pages, named by NextToken "N".
type pagesClient struct {
	pages [][]cttypes.Event
	calls []*cloudtrail.LookupEventsInput
	// sameToken makes every page return the same NextToken.
	sameToken bool
}

func (c *pagesClient) LookupEvents(_ context.Context, in *cloudtrail.LookupEventsInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.LookupEventsOutput, error) {
	copied := *in
	c.calls = append(c.calls, &copied)
	n := len(c.calls) - 1
	out := &cloudtrail.LookupEventsOutput{Events: c.pages[n]}
	switch {
	case c.sameToken:
		out.NextToken = aws.String("again")
	case n+1 < len(c.pages):
		out.NextToken = aws.String(fmt.Sprint(n + 1))
	}
	return out, nil
}

var _ lookupEventsAPI = (*pagesClient)(nil)

// countingWaiter counts Wait calls, and fails from call number failAt.
type countingWaiter struct {
	waits  int
	failAt int
}

func (w *countingWaiter) Wait(context.Context) error {
	w.waits++
	if w.failAt > 0 && w.waits >= w.failAt {
		return errors.New("rate: Wait would exceed context deadline")
	}
	return nil
}

var _ waiter = (*countingWaiter)(nil)

func TestLookupEach(t *testing.T) {
	ev := func(id string) cttypes.Event { return cttypes.Event{EventId: aws.String(id)} }
	threePages := func() [][]cttypes.Event {
		return [][]cttypes.Event{{ev("a"), ev("b")}, {}, {ev("c")}}
	}
	tests := []struct {
		name      string
		client    *pagesClient
		waiter    *countingWaiter
		stopAfter string
		wantIDs   []string
		wantCalls int
		wantErr   string
	}{
		{"every page, one wait per call", &pagesClient{pages: threePages()}, &countingWaiter{}, "", []string{"a", "b", "c"}, 3, ""},
		{"stops when told", &pagesClient{pages: threePages()}, &countingWaiter{}, "a", []string{"a"}, 1, ""},
		{"limiter error stops before the call", &pagesClient{pages: threePages()}, &countingWaiter{failAt: 2}, "", []string{"a", "b"}, 1, "waiting for the LookupEvents rate limit"},
		{"a repeated token is an error, not a loop", &pagesClient{pages: threePages(), sameToken: true}, &countingWaiter{}, "", []string{"a", "b"}, 2, "same NextToken again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Date(2025, 1, 19, 17, 0, 0, 0, time.UTC)
			l := &lookup{Client: tt.client, Limiter: tt.waiter, Start: start, End: start.Add(time.Hour)}
			var ids []string
			pages := 0
			err := l.each(context.Background(), func(int) { pages++ }, func(_, _ int, e cttypes.Event) bool {
				ids = append(ids, aws.ToString(e.EventId))
				return aws.ToString(e.EventId) != tt.stopAfter
			})
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if !slices.Equal(ids, tt.wantIDs) {
				t.Errorf("events %v, want %v", ids, tt.wantIDs)
			}
			if len(tt.client.calls) != tt.wantCalls || pages != tt.wantCalls {
				t.Errorf("%d calls, %d pages reported, want %d", len(tt.client.calls), pages, tt.wantCalls)
			}
			if tt.waiter.waits < len(tt.client.calls) {
				t.Errorf("%d calls but only %d waits on the limiter", len(tt.client.calls), tt.waiter.waits)
			}
			for i, in := range tt.client.calls {
				if !in.StartTime.Equal(l.Start) || !in.EndTime.Equal(l.End) || aws.ToInt32(in.MaxResults) != lookupPageSize {
					t.Errorf("call %d: window %s..%s, MaxResults %d", i+1, in.StartTime, in.EndTime, aws.ToInt32(in.MaxResults))
				}
				if i > 0 && aws.ToString(in.NextToken) == "" {
					t.Errorf("call %d has no NextToken", i+1)
				}
			}
		})
	}
}

// fakeClock advances by step on every reading.
type fakeClock struct {
	t    time.Time
	step time.Duration
}

func (c *fakeClock) now() time.Time {
	c.t = c.t.Add(c.step)
	return c.t
}

func TestProgress(t *testing.T) {
	t.Run("plain lines every 100 events", func(t *testing.T) {
		var out bytes.Buffer
		clock := &fakeClock{t: time.Unix(0, 0), step: time.Millisecond}
		p := &progress{w: &out, now: clock.now}
		p.start, p.last = clock.now(), clock.t
		p.page()
		for i := range 250 {
			o := outUnmatched
			if i%2 == 0 {
				o = outDelivered
			}
			p.event(result{Outcome: o, Matched: o == outDelivered})
		}
		p.done()
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if len(lines) != 3 {
			t.Fatalf("%d lines, want 3 (at 100, 200, and the end):\n%s", len(lines), out.String())
		}
		if !strings.HasPrefix(lines[2], "progress: elapsed=0s pages=1 seen=250 matched=125 delivered=125 failed=0 rate=") {
			t.Errorf("last line %q", lines[2])
		}
		if strings.Contains(out.String(), "\r") {
			t.Errorf("carriage return in plain output")
		}
	})
	t.Run("plain line after 10 seconds without 100 events", func(t *testing.T) {
		var out bytes.Buffer
		clock := &fakeClock{t: time.Unix(0, 0), step: 4 * time.Second}
		p := &progress{w: &out, now: clock.now}
		p.start, p.last = clock.t, clock.t
		p.event(result{Outcome: outFailed}) // t=4s
		p.event(result{Outcome: outFailed}) // t=8s
		if out.Len() != 0 {
			t.Fatalf("line before 10s: %q", out.String())
		}
		p.event(result{Outcome: outFailed}) // t=12s
		if !strings.Contains(out.String(), "seen=3 matched=0 delivered=0 failed=3 rate=0.2/s") {
			t.Errorf("got %q", out.String())
		}
	})
	t.Run("terminal bar redrawn in place", func(t *testing.T) {
		var out bytes.Buffer
		clock := &fakeClock{t: time.Unix(0, 0), step: 50 * time.Millisecond}
		p := &progress{w: &out, tty: true, now: clock.now}
		p.start, p.last = clock.t, clock.t
		for range 10 {
			p.event(result{Outcome: outDelivered, Matched: true})
		}
		p.done()
		s := out.String()
		if n := strings.Count(s, "\r"); n < 2 || n > 6 {
			t.Errorf("%d redraws for 10 events 50ms apart, want about one per 100ms:\n%q", n, s)
		}
		if !strings.HasSuffix(s, "seen 10 │ matched 10 │ delivered 10 │ failed 0 │ 18.2/s\033[K\n") {
			t.Errorf("final bar %q", s[strings.LastIndex(s, "\r"):])
		}
		if strings.Count(s, "\n") != 1 {
			t.Errorf("the bar must stay on one line until done:\n%q", s)
		}
	})
}
