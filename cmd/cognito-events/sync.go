package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"golang.org/x/time/rate"

	"github.com/cognito-events/cognito-events/events"
	infracfg "github.com/cognito-events/cognito-events/internal/config"
	"github.com/cognito-events/cognito-events/internal/delivery"
	"github.com/cognito-events/cognito-events/internal/lambdafn"
	"github.com/cognito-events/cognito-events/internal/sink"
	"github.com/cognito-events/cognito-events/internal/usersync"
)

// syncFlags are the flags of the sync command.
type syncFlags struct {
	pool, region, state, sinkURL, route, config string
	roleARN                                     string
	rate                                        float64
	rateSet                                     bool
	baseline, dryRun, resendOnPolicy, keepAuth  bool
}

func runSync(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f syncFlags
	fs.StringVar(&f.pool, "user-pool-id", "", "the user pool `ID` to sync (required)")
	fs.StringVar(&f.region, "region", "", "AWS `REGION` (default: the SDK's, else the pool id's prefix)")
	fs.StringVar(&f.roleARN, "role-arn", "", "assume the IAM role `ARN` for every Cognito call, to sync a pool of another account (docs/organizations.md)")
	fs.StringVar(&f.state, "state", "", "the sync's state `FILE` (created on first run; required)")
	fs.StringVar(&f.sinkURL, "sink-url", "", "deliver to the CloudEvents HTTP endpoint `URL` (http:// only on loopback); with --route, without the route's authentication and headers")
	fs.BoolVar(&f.keepAuth, "keep-auth", false, "with --route and --sink-url, send the route's authentication and headers to --sink-url too (https only)")
	fs.StringVar(&f.route, "route", "", "deliver to the sink of the configuration's route `NAME`, with its sync settings")
	fs.StringVar(&f.config, "config", defaultConfigFile, "the CDK app's configuration `FILE`, for --route")
	fs.Float64Var(&f.rate, "rate", 0, "at most `N` Cognito requests a second, retries included (default 10, or the route's)")
	fs.BoolVar(&f.baseline, "baseline", false, "on a pool's first pass, record the users without sending events")
	fs.BoolVar(&f.dryRun, "dry-run", false, "list the events a run would send; send nothing and leave the state file unchanged")
	fs.BoolVar(&f.resendOnPolicy, "resend-on-policy-change", false, "send UserUpdated for records that changed form only because the attribute policy changed (default: record them without sending)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: cognito-events sync --user-pool-id ID [--region R] [--role-arn ARN] --state FILE [--sink-url URL [--keep-auth]] [--route NAME [--config cdk.json]] [--rate N] [--baseline] [--dry-run] [--resend-on-policy-change]

Sends one CloudEvent (type com.amazon.cognito-idp.sync_trigger, eventname
UserCreated, UserUpdated or UserDeleted) per change to the pool's users
since the last run, with the code of the sync Lambda function. The first
run sends every user as UserCreated, unless --baseline. The state file
records what was delivered; it advances only when the sink acknowledged an
event, so a run stopped anywhere and run again delivers every change, with
the same ids. Each event's id names one change of one user (its sub and the
change's version): a retry keeps it, a later change gets a new one. With
--route and --sink-url, the route's sync settings apply and its events go to
the URL instead of its sink, without the route's authentication and static
headers (standard error says so) unless --keep-auth is given (https only).

The state file is locked for the run: a second sync of the same file fails,
naming the process that holds it. A damaged state file (empty, truncated,
overwritten) stops the run with exit status 1 before anything is sent;
start a new one with --state NEW_FILE (and --baseline to record the current
users without sending them).

AWS credentials and region come from the SDK's default chain;
AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER override
the endpoint. With --role-arn, those credentials call STS AssumeRole and
the sync reads the pool as that role, in the role's account (such as a
member account's cognito-events-sync-reader-REGION role).

One line per event on standard output, then a summary line. Progress, and
the reason of each failed event (the sink's status), go to
standard error. Exit status: 0 when every event was acknowledged, 1
otherwise, 2 on a usage error.

Flags:
`)
		fs.PrintDefaults()
	}
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	fs.Visit(func(fl *flag.Flag) { f.rateSet = f.rateSet || fl.Name == "rate" })
	if err := f.check(fs.NArg()); err != nil {
		fmt.Fprintf(stderr, "sync: %v\n", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	code, err := f.run(ctx, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "sync: %v\n", err)
		switch {
		case errors.Is(err, errUsage):
			return exitUsage
		case errors.Is(err, usersync.ErrDamaged):
			fmt.Fprintf(stderr, "sync: the state file %s is damaged; nothing was sent. Start a new state with --state NEW_FILE (every user is then sent as UserCreated), adding --baseline to record the current users without sending them.\n", f.state)
		}
	}
	return code
}

func (f *syncFlags) check(nargs int) error {
	switch {
	case nargs > 0:
		return errors.New("unexpected arguments")
	case f.pool == "":
		return errors.New("--user-pool-id is required")
	case f.state == "":
		return errors.New("--state is required: the file that records what was delivered")
	case f.sinkURL == "" && f.route == "" && !f.dryRun:
		return errors.New("--sink-url or --route is required (or --dry-run)")
	case f.rateSet && !(f.rate > 0 && f.rate <= maxSyncRate):
		return fmt.Errorf("--rate %v: want a number above 0 and at most %d (requests a second)", f.rate, maxSyncRate)
	}
	if f.roleARN != "" {
		if _, err := lambdafn.RoleAccount(f.roleARN); err != nil {
			return fmt.Errorf("--role-arn: %w", err)
		}
	}
	return checkPoolRegion(f.pool, f.region)
}

// env returns the sync's environment: the route's (SyncEnvironment) or an
// HTTP sink at --sink-url. With both, the route's sync settings and an HTTP
// sink at --sink-url, through applySinkOverride as replay and backfill do:
// the test URL gets none of the route's credentials unless --keep-auth, and
// notice (standard error) says what was dropped.
func (f *syncFlags) env(notice io.Writer) (map[string]string, error) {
	env := map[string]string{}
	if f.route != "" {
		cfg, err := readConfigFile(f.config)
		if err != nil {
			return nil, err
		}
		r, ok := cfg.Route(f.route)
		if !ok || r.Sync == nil {
			return nil, fmt.Errorf("%w: %s: no route %q with a sync key", errUsage, f.config, f.route)
		}
		region := f.region
		if region == "" && len(cfg.Regions) > 0 {
			region = cfg.Regions[0]
		}
		env = r.SyncEnvironment(region)
	}
	if f.sinkURL == "" {
		if f.keepAuth {
			return nil, fmt.Errorf("%w: --keep-auth needs --sink-url", errUsage)
		}
		return env, nil
	}
	if env[sink.EnvKind] != "" && env[sink.EnvKind] != string(sink.KindHTTP) {
		// A queue, topic, bus or log route: for the run, the test URL is
		// its HTTP sink, and its own target's settings do not apply.
		for k := range env {
			if strings.HasPrefix(k, "SINK_") {
				delete(env, k)
			}
		}
	}
	env[sink.EnvKind] = string(sink.KindHTTP)
	note, err := applySinkOverride(env, f.route, sinkOverride{URL: f.sinkURL, KeepAuth: f.keepAuth})
	if err != nil {
		return nil, err
	}
	if note != "" {
		fmt.Fprintf(notice, "sync: %s\n", note)
	}
	return env, nil
}

// readConfigFile reads the CDK configuration from cdk.json's context.
func readConfigFile(path string) (*infracfg.Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: reading the configuration: %w", errUsage, err)
	}
	var file struct {
		Context map[string]json.RawMessage `json:"context"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	raw, ok := file.Context[infracfg.ContextKey]
	if !ok {
		return nil, fmt.Errorf("%s: no context key %q", path, infracfg.ContextKey)
	}
	c, err := infracfg.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

func (f *syncFlags) run(ctx context.Context, stdout, stderr io.Writer) (int, error) {
	env, err := f.env(stderr)
	if err != nil {
		return exitFailures, err
	}
	getenv := func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return os.Getenv(k)
	}
	e := sink.NewEnv(getenv)
	policy := events.AttributePolicy{Allow: usersync.List(env[usersync.EnvAllow]), Deny: usersync.List(env[usersync.EnvDeny])}
	rateN := e.PositiveFloat(usersync.EnvRate, usersync.DefaultRate)
	if f.rateSet {
		rateN = f.rate
	}
	dc := delivery.Read(e)
	if err := e.Err(); err != nil && !f.dryRun {
		return exitFailures, fmt.Errorf("%w: %w", errUsage, err)
	}
	// The pool id names its region (checkPoolRegion refused a --region
	// that disagrees); AWS_REGION does not move it.
	ac, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(poolRegion(f.pool)))
	if err != nil {
		return exitFailures, fmt.Errorf("loading AWS configuration: %w", err)
	}
	if f.roleARN != "" {
		if ac, err = lambdafn.AssumeRole(ac, f.roleARN, nil); err != nil {
			return exitFailures, fmt.Errorf("%w: --role-arn: %w", errUsage, err)
		}
	}
	state := f.state
	if f.dryRun {
		if state, err = scratchCopy(f.state); err != nil {
			return exitFailures, err
		}
		defer os.RemoveAll(filepath.Dir(state))
	}
	_, statErr := os.Stat(state)
	isNew := os.IsNotExist(statErr)
	store, err := usersync.OpenBolt(state)
	if err != nil {
		return exitFailures, err
	}
	defer store.Close()
	var sender usersync.Sender = dryRunSender{}
	if !f.dryRun {
		s, err := delivery.New(ctx, dc, getenv, "cognito-events-sync")
		if err != nil {
			return exitFailures, fmt.Errorf("building the sink: %w", err)
		}
		sender = s
	}
	prog := newSyncProgress(stderr, isTerminal(stderr))
	if !f.dryRun {
		sender = &reasonSender{next: sender, w: stderr}
	}
	eng := &usersync.Engine{
		Cognito:              usersync.NewCognito(ac, nil),
		Limiter:              rate.NewLimiter(rate.Limit(rateN), 1),
		Retry:                usersync.CognitoRetry,
		Store:                store,
		Sender:               &printingSender{next: sender, w: stdout, dry: f.dryRun},
		Policy:               policy,
		Baseline:             f.baseline,
		Log:                  slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Progress:             prog.update,
		ResendOnPolicyChange: f.resendOnPolicy,
	}
	s, err := eng.SyncPool(ctx, f.pool)
	prog.done()
	if err != nil && s.Pages == 0 && isNew && !f.dryRun {
		// Nothing was learnt: leave no state file behind.
		store.Close()
		os.Remove(state)
	}
	writeSyncSummary(stdout, f.pool, s, f.dryRun)
	if err != nil {
		return exitFailures, err
	}
	if s.Failed > 0 {
		return exitFailures, nil
	}
	return exitOK, nil
}
