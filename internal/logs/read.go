package logs

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// FilterLogEventsAPI is the CloudWatch Logs call the reader makes; the SDK
// client satisfies it.
type FilterLogEventsAPI interface {
	FilterLogEvents(ctx context.Context, in *cwl.FilterLogEventsInput, optFns ...func(*cwl.Options)) (*cwl.FilterLogEventsOutput, error)
}

var _ FilterLogEventsAPI = (*cwl.Client)(nil)

// Progress is what a long read has done so far, for a report on stderr.
type Progress struct {
	LogGroup string
	Pages    int
	Lines    int
	Entries  int
}

// Reader reads the entries of Groups between Start and End.
type Reader struct {
	Client FilterLogEventsAPI
	Groups []Group
	Filter Filter
	// Progress, when set, is called after every page.
	Progress func(Progress)
	// Limit caps the events one FilterLogEvents page returns (0: the
	// service's default, up to 10,000).
	Limit int32

	joiner joiner
	seen   map[string]int64
}

// Read calls emit with every entry logged in [start, end), in time order,
// paging through FilterLogEvents in each group. A log sink's event line
// whose outcome line falls outside the window is emitted on its own.
func (r *Reader) Read(ctx context.Context, start, end time.Time, emit func(Entry) error) error {
	entries, err := r.poll(ctx, start, end)
	if err != nil {
		return err
	}
	entries = append(entries, r.joiner.flush(time.Time{})...)
	sortEntries(entries)
	return r.emit(entries, emit)
}

// Follow reads from start on, then polls every interval until ctx ends,
// calling emit with each new entry once. Each poll reaches back overlap
// before the newest line seen, because CloudWatch may ingest a line some
// seconds after its timestamp; lines already seen (by their CloudWatch
// event id) are not emitted again. It returns nil when ctx ends.
func (r *Reader) Follow(ctx context.Context, start time.Time, interval, overlap time.Duration, now func() time.Time, emit func(Entry) error) error {
	if now == nil {
		now = time.Now
	}
	from := start
	for {
		to := now()
		entries, err := r.poll(ctx, from, to.Add(time.Second))
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
		// An event line waits for its outcome line at most overlap.
		entries = append(entries, r.joiner.flush(to.Add(-overlap))...)
		sortEntries(entries)
		if err := r.emit(entries, emit); err != nil {
			return err
		}
		if f := to.Add(-overlap); f.After(from) {
			from = f
		}
		r.prune(from)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(interval):
		}
	}
}

func (r *Reader) emit(entries []Entry, emit func(Entry) error) error {
	for _, e := range entries {
		if !r.Filter.Keep(&e) {
			continue
		}
		if err := emit(e); err != nil {
			return err
		}
	}
	return nil
}

// poll reads every group's new lines in [start, end) and returns their
// entries, joined where complete.
func (r *Reader) poll(ctx context.Context, start, end time.Time) ([]Entry, error) {
	if r.seen == nil {
		r.seen = map[string]int64{}
	}
	var out []Entry
	for _, g := range r.Groups {
		in := &cwl.FilterLogEventsInput{
			LogGroupName: aws.String(g.Name),
			StartTime:    aws.Int64(start.UnixMilli()),
			EndTime:      aws.Int64(end.UnixMilli()),
		}
		if r.Limit > 0 {
			in.Limit = aws.Int32(r.Limit)
		}
		p := Progress{LogGroup: g.Name}
		for {
			page, err := r.Client.FilterLogEvents(ctx, in)
			if err != nil {
				return nil, fmt.Errorf("reading log group %s (page %d): %w", g.Name, p.Pages+1, err)
			}
			p.Pages++
			lines := page.Events
			slices.SortStableFunc(lines, func(a, b cwltypes.FilteredLogEvent) int {
				return compareInt64(aws.ToInt64(a.Timestamp), aws.ToInt64(b.Timestamp))
			})
			for _, ev := range lines {
				p.Lines++
				id := aws.ToString(ev.EventId)
				if id != "" {
					if _, dup := r.seen[id]; dup {
						continue
					}
					r.seen[id] = aws.ToInt64(ev.Timestamp)
				}
				e, ok := Decode(aws.ToString(ev.Message), time.UnixMilli(aws.ToInt64(ev.Timestamp)).UTC())
				if !ok {
					continue
				}
				e.LogGroup, e.Route = g.Name, g.Route
				done := r.joiner.add(e)
				p.Entries += len(done)
				out = append(out, done...)
			}
			if r.Progress != nil {
				r.Progress(p)
			}
			next := aws.ToString(page.NextToken)
			if next == "" {
				break
			}
			if next == aws.ToString(in.NextToken) {
				return nil, fmt.Errorf("reading log group %s (page %d): CloudWatch Logs returned the same NextToken again", g.Name, p.Pages)
			}
			in.NextToken = aws.String(next)
		}
	}
	return out, nil
}

// prune forgets the ids of lines older than from, which no poll reads again.
func (r *Reader) prune(from time.Time) {
	limit := from.UnixMilli()
	for id, ts := range r.seen {
		if ts < limit {
			delete(r.seen, id)
		}
	}
}

func sortEntries(es []Entry) {
	slices.SortStableFunc(es, func(a, b Entry) int { return a.Time.Compare(b.Time) })
}

func compareInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
