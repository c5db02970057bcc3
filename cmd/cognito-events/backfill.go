package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"golang.org/x/time/rate"

	"github.com/cognito-events/cognito-events/events"
)

// newLookupLimiter paces LookupEvents calls: lookupRate a second, no burst.
func newLookupLimiter() *rate.Limiter { return rate.NewLimiter(lookupRate, 1) }

// LookupEvents limits: CloudTrail answers at most 50 events per call and
// allows 2 calls per second per account and region.
const (
	lookupPageSize = 50
	lookupRate     = 2
	// lookupRetention is how far back LookupEvents reaches.
	lookupRetention = 90 * 24 * time.Hour
)

// lookupEventsAPI is the CloudTrail call backfill makes; *cloudtrail.Client
// is the real one.
type lookupEventsAPI interface {
	LookupEvents(ctx context.Context, in *cloudtrail.LookupEventsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.LookupEventsOutput, error)
}

var _ lookupEventsAPI = (*cloudtrail.Client)(nil)

// waiter paces calls; *rate.Limiter is the real one.
type waiter interface {
	Wait(ctx context.Context) error
}

var _ waiter = (*rate.Limiter)(nil)

// lookup pages through the Cognito user-pool events CloudTrail recorded
// between Start and End, waiting on Limiter before every call.
type lookup struct {
	Client  lookupEventsAPI
	Limiter waiter
	Start   time.Time
	End     time.Time
}

// each calls page after every answered call with the page's number
// (1-based), and event for each of its events, until CloudTrail returns no
// NextToken, an error, or event returns false.
func (l *lookup) each(ctx context.Context, page func(n int), event func(page, index int, ev cttypes.Event) bool) error {
	in := &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{{
			AttributeKey:   cttypes.LookupAttributeKeyEventSource,
			AttributeValue: aws.String(events.EventSourceUserPool),
		}},
		StartTime:  aws.Time(l.Start),
		EndTime:    aws.Time(l.End),
		MaxResults: aws.Int32(lookupPageSize),
	}
	for n := 1; ; n++ {
		if err := l.Limiter.Wait(ctx); err != nil {
			return fmt.Errorf("waiting for the LookupEvents rate limit: %w", err)
		}
		out, err := l.Client.LookupEvents(ctx, in)
		if err != nil {
			return fmt.Errorf("looking up CloudTrail events (page %d): %w", n, err)
		}
		page(n)
		for i, ev := range out.Events {
			if !event(n, i+1, ev) {
				return nil
			}
		}
		token := aws.ToString(out.NextToken)
		if token == "" {
			return nil
		}
		if token == aws.ToString(in.NextToken) {
			return fmt.Errorf("looking up CloudTrail events (page %d): CloudTrail returned the same NextToken again", n)
		}
		in.NextToken = aws.String(token)
	}
}

func runBackfill(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backfill", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f routeFlags
	f.register(fs)
	since := fs.String("since", "", "look back `DURATION` from now: a Go duration (90m, 36h) or days (7d); at most 90 days (required)")
	until := fs.String("until", "", "stop at `TIME`: RFC 3339 (2025-01-19T18:00:00Z) or a DURATION ago (default now)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: cognito-events backfill --route NAME --since DURATION [--until TIME|DURATION] [--region R] [--config cdk.json] [--dry-run] [--sink-url URL [--keep-auth]] [--verbose]

Recovers events lost while a sink was down: pulls the Cognito user-pool
events CloudTrail recorded in the region between --since and --until
(LookupEvents, EventSource=cognito-idp.amazonaws.com, paginated, at most 2
calls per second as the API allows), keeps those the route's rule would have
matched (its pattern, and its state: a rule in state ENABLED never receives
read-only calls) and hands each to the route's forwarder, built from the
route's configuration with the forwarder's own code, as replay does.
LookupEvents answers newest first and reaches back 90 days.

The CloudEvent id is the record's CloudTrail eventID, as in the deployed
function, so events already delivered are delivered again with the same id:
sinks that de-duplicate by id see no duplicates: backfill is safe to repeat,
over the same window or one that overlaps a window already sent.

AWS credentials and region come from the SDK's default chain (environment,
shared files, SSO); AWS_ENDPOINT_URL_CLOUDTRAIL overrides the endpoint.
--dry-run lists what would be sent without sending. --sink-url sends to
another endpoint than the route's (an HTTP or log route only); http:// is allowed
on loopback. The route's authentication and static headers are not sent to
it (standard error says so) unless --keep-auth is given (https only).

One line per record on standard output (delivered, skipped, unmatched,
failed, or would-send), then a summary. Progress goes to standard error: a
bar redrawn in place on a terminal, otherwise a line every 100 events or 10
seconds. Exit status: 0 when nothing failed, 1 when a record failed or the
lookup stopped, 2 on a usage error.

Flags:
`)
		fs.PrintDefaults()
	}
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "backfill: unexpected arguments %q: backfill reads CloudTrail, not files (see replay)\n", fs.Args())
		return exitUsage
	}
	now := time.Now().UTC()
	start, end, err := backfillWindow(*since, *until, now)
	if err != nil {
		fmt.Fprintf(stderr, "backfill: %v\n", err)
		return exitUsage
	}
	if now.Sub(start) > lookupRetention {
		fmt.Fprintf(stderr, "backfill: warning: --since reaches past the 90 days LookupEvents covers; older events are not returned\n")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	p, code := f.setup(ctx, "backfill", stderr)
	if code != exitOK {
		return code
	}
	ac, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(p.target.Region))
	if err != nil {
		fmt.Fprintf(stderr, "backfill: loading AWS configuration: %v\n", err)
		return exitFailures
	}
	l := &lookup{
		Client:  cloudtrail.NewFromConfig(ac),
		Limiter: newLookupLimiter(),
		Start:   start,
		End:     end,
	}
	mode := ""
	if f.dryRun {
		mode = " (dry run: nothing is sent)"
	}
	fmt.Fprintf(stderr, "backfill: route %s, region %s, %s to %s%s\n", p.target.Name, p.target.Region,
		start.Format(time.RFC3339), end.Format(time.RFC3339), mode)
	return backfill(ctx, l, p, stdout, newProgress(stderr, isTerminal(stderr)))
}

// backfill runs the lookup through the pipeline and reports.
func backfill(ctx context.Context, l *lookup, p *pipeline, stdout io.Writer, prog *progress) int {
	err := l.each(ctx,
		func(int) { prog.page() },
		func(page, index int, ev cttypes.Event) bool {
			where := fmt.Sprintf("page %d event %d", page, index)
			var r result
			if ev.CloudTrailEvent == nil {
				r = result{Info: recordInfo{EventID: aws.ToString(ev.EventId), EventName: aws.ToString(ev.EventName)},
					Outcome: outFailed, Note: "LookupEvents returned the event without CloudTrailEvent"}
				p.tally.add(r.Outcome)
			} else {
				r = p.process(ctx, []byte(*ev.CloudTrailEvent))
			}
			prog.event(r)
			fmt.Fprintln(stdout, r.line(where))
			return ctx.Err() == nil
		})
	prog.done()
	fmt.Fprintf(stdout, "route %s (%s): %s\n", p.target.Name, p.target.Region, &p.tally)
	if err == nil && ctx.Err() != nil {
		err = fmt.Errorf("interrupted: %w", ctx.Err())
	}
	if err != nil {
		fmt.Fprintf(prog.w, "backfill: %v\n", err)
		return exitFailures
	}
	if p.tally.Failed > 0 {
		return exitFailures
	}
	return exitOK
}

// backfillWindow parses --since and --until against now.
func backfillWindow(since, until string, now time.Time) (start, end time.Time, err error) {
	if since == "" {
		return start, end, errors.New("--since is required, e.g. --since 6h")
	}
	d, err := parseAgo(since)
	if err != nil {
		return start, end, fmt.Errorf("--since: %w", err)
	}
	start, end = now.Add(-d), now
	if until != "" {
		if t, terr := time.Parse(time.RFC3339, until); terr == nil {
			end = t.UTC()
		} else if d, derr := parseAgo(until); derr == nil {
			end = now.Add(-d)
		} else {
			return start, end, fmt.Errorf("--until: %q is neither an RFC 3339 time (2025-01-19T18:00:00Z) nor a duration ago (2h, 1d)", until)
		}
	}
	if !start.Before(end) {
		return start, end, fmt.Errorf("--since %s is not before --until %s", start.Format(time.RFC3339), end.Format(time.RFC3339))
	}
	return start, end, nil
}

// parseAgo parses a positive Go duration, or a whole number of days ("7d").
// maxAgoDays is the longest --since in days: about a hundred years, far
// beyond any retention, and far below time.Duration's limit (292 years).
const maxAgoDays = 36500

func parseAgo(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		// Beyond maxAgoDays the duration would overflow and wrap to a
		// start in the future: an empty window read without a word.
		if err != nil || n <= 0 || n > maxAgoDays {
			return 0, fmt.Errorf("%q is not a positive number of days (at most %d) such as 7d", s, maxAgoDays)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration such as 90m, 36h or 7d", s)
	}
	return d, nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
