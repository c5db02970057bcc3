package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// detach-triggers mirrors attach-triggers: it removes from an existing
// pool's LambdaConfig every entry that calls the given function, and only
// those, with the same read, write-back-as-read and read-back check.

// removal is one LambdaConfig entry detach-triggers removes.
type removal struct {
	// Entry is the LambdaConfig key, such as PostAuthentication or
	// PreTokenGenerationConfig.
	Entry string
}

// detachLambdaConfig returns a copy of cur without the entries that call
// fnARN: each string entry equal to it, and each entry whose LambdaArn is
// it (PreTokenGenerationConfig, the custom senders). Every other entry,
// KMSKeyID included, is kept. It reads the SDK type's fields, so a trigger
// the SDK adds later is covered too.
func detachLambdaConfig(cur *types.LambdaConfigType, fnARN string) (*types.LambdaConfigType, []removal) {
	lc := types.LambdaConfigType{}
	if cur != nil {
		lc = *cur
	}
	var out []removal
	v := reflect.ValueOf(&lc).Elem()
	for i := range v.NumField() {
		f, field := v.Field(i), v.Type().Field(i)
		if !field.IsExported() || f.Kind() != reflect.Pointer || f.IsNil() {
			continue
		}
		switch e := f.Elem(); {
		case e.Kind() == reflect.String:
			if e.String() != fnARN {
				continue
			}
		case e.Kind() == reflect.Struct:
			arn := e.FieldByName("LambdaArn")
			if !arn.IsValid() || arn.Kind() != reflect.Pointer || arn.IsNil() || arn.Elem().String() != fnARN {
				continue
			}
		default:
			continue
		}
		f.Set(reflect.Zero(f.Type()))
		out = append(out, removal{Entry: field.Name})
	}
	return &lc, out
}

// detachOptions are detach-triggers' flags.
type detachOptions struct {
	PoolID, FunctionARN string
	DryRun              bool
}

// detach plans the removal, prints it, and unless DryRun writes it and
// checks the pool read back.
func detach(ctx context.Context, api poolAPI, o detachOptions, stdout io.Writer) error {
	before, err := describePool(ctx, api, o.PoolID)
	if err != nil {
		return err
	}
	lc, removed := detachLambdaConfig(before.LambdaConfig, o.FunctionARN)
	fmt.Fprintf(stdout, "user pool %s (%s): LambdaConfig entries calling %s\n", o.PoolID, aws.ToString(before.Name), o.FunctionARN)
	for _, r := range removed {
		fmt.Fprintf(stdout, "  %s: removed\n", r.Entry)
	}
	fmt.Fprintln(stdout, "every entry calling another function is kept")
	fmt.Fprintf(stdout, "written back as read (UpdateUserPool resets what it is not given): %s\n", strings.Join(keptSettings(), ", "))
	switch {
	case len(removed) == 0:
		fmt.Fprintln(stdout, "no entry calls the function: nothing written")
		return nil
	case o.DryRun:
		fmt.Fprintln(stdout, "dry run: nothing written")
		return nil
	}
	after, err := writeBack(ctx, api, o.PoolID, before, lc)
	if err != nil {
		return err
	}
	if _, left := detachLambdaConfig(after.LambdaConfig, o.FunctionARN); len(left) > 0 {
		return fmt.Errorf("reading user pool %s back: LambdaConfig still calls %s", o.PoolID, o.FunctionARN)
	}
	if want, got := lcWithout(lc), lcWithout(after.LambdaConfig); !reflect.DeepEqual(want, got) {
		return fmt.Errorf("%w: LambdaConfig's other entries differ from what was written: compare with DescribeUserPool", ErrSettingsDrift)
	}
	fmt.Fprintln(stdout, "written: the function's entries removed, every other setting read back unchanged")
	return nil
}

// lcWithout is lc with nil made empty, for comparison.
func lcWithout(lc *types.LambdaConfigType) types.LambdaConfigType {
	if lc == nil {
		return types.LambdaConfigType{}
	}
	return *lc
}

func runDetach(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("detach-triggers", flag.ContinueOnError)
	fs.SetOutput(stderr)
	poolID := fs.String("user-pool-id", "", "the user pool's `ID` (required)")
	fnARN := fs.String("function-arn", "", "the trigger function's `ARN`: the stack output TriggerFunctionArn (required)")
	dryRun := fs.Bool("dry-run", false, "print the change and write nothing")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: cognito-events detach-triggers --user-pool-id ID --function-arn ARN [--dry-run]

Removes from a user pool's LambdaConfig every trigger that calls the given
function, and only those: run it before destroying the stack of an attached
pool (the stack output DetachCommand is this command, filled in), or the
pool's sign-ins fail calling a deleted function. Like attach-triggers it
reads the pool, writes every mutable setting back as read with only
LambdaConfig changed, reads the pool again and fails if another setting or
another trigger differs. AWS credentials come from the SDK's default chain;
the region is the pool id's.

Flags:
`)
		fs.PrintDefaults()
	}
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	usageErr := func(msg string) int {
		fmt.Fprintf(stderr, "detach-triggers: %s\n", msg)
		return exitUsage
	}
	m := poolIDRE.FindStringSubmatch(*poolID)
	if m == nil {
		return usageErr(fmt.Sprintf("--user-pool-id: %q is not a user pool id (region_id, for example us-east-1_AbCdEfGhI)", *poolID))
	}
	if functionARNRE.FindStringSubmatch(*fnARN) == nil {
		return usageErr(fmt.Sprintf("--function-arn: %q is not a Lambda function ARN", *fnARN))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ac, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(m[1]))
	if err != nil {
		fmt.Fprintf(stderr, "detach-triggers: loading AWS configuration: %v\n", err)
		return exitFailures
	}
	if err := detach(ctx, cip.NewFromConfig(ac), detachOptions{PoolID: *poolID, FunctionARN: *fnARN, DryRun: *dryRun}, stdout); err != nil {
		fmt.Fprintf(stderr, "detach-triggers: %v\n", err)
		return exitFailures
	}
	return exitOK
}
