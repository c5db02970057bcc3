package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognito-events/cognito-events/internal/config"
)

// attach-triggers writes the LambdaConfig of an existing user pool.
// UpdateUserPool resets every setting it is not given, so the command
// reads the pool (DescribeUserPool), writes every mutable setting back as
// read with only the chosen triggers changed, then reads the pool again
// and fails if anything but LambdaConfig differs.

// poolAPI is the part of the Cognito client attach-triggers uses.
type poolAPI interface {
	DescribeUserPool(context.Context, *cip.DescribeUserPoolInput, ...func(*cip.Options)) (*cip.DescribeUserPoolOutput, error)
	UpdateUserPool(context.Context, *cip.UpdateUserPoolInput, ...func(*cip.Options)) (*cip.UpdateUserPoolOutput, error)
}

var _ poolAPI = (*cip.Client)(nil)

// Errors of attach-triggers, classified with errors.Is.
var (
	// ErrTriggerTaken: a chosen trigger already calls another function.
	ErrTriggerTaken = errors.New("trigger already calls another function")
	// ErrSettingsDrift: the pool read back differs from what was written
	// in a setting other than LambdaConfig.
	ErrSettingsDrift = errors.New("user pool settings changed by the update")
	// ErrFeaturePlan: the pool's feature plan cannot run a chosen trigger.
	ErrFeaturePlan = errors.New("the user pool's feature plan does not allow the trigger")
)

// wrapperImport is the import path of the public wrapper package, named in
// refusals so that the way out can be pasted.
const wrapperImport = config.WrapperPackage

var (
	poolIDRE      = regexp.MustCompile(`^([a-z]{2}(-[a-z]+)+-\d+)_[0-9A-Za-z]+$`)
	functionARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:lambda:([a-z]{2}(-[a-z]+)+-\d+):\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$`)
)

// lambdaVersionV2 is PreTokenGenerationConfig's version 2 (access and ID
// token customisation).
const lambdaVersionV2 = types.PreTokenGenerationLambdaVersionTypeV20

// triggerChange is one LambdaConfig entry before and after; From is empty
// when the trigger was not set.
type triggerChange struct {
	Trigger  config.Trigger
	From, To string
}

func (c triggerChange) String() string {
	from := c.From
	if from == "" {
		from = "(none)"
	}
	if c.From == c.To {
		return fmt.Sprintf("%s: %s (unchanged)", c.Trigger, c.To)
	}
	return fmt.Sprintf("%s: %s -> %s", c.Trigger, from, c.To)
}

// parseTriggers reads a comma list of trigger names, each one a trigger
// the trigger function can observe (package config's list).
func parseTriggers(list string) ([]config.Trigger, error) {
	var out []config.Trigger
	for i, name := range strings.Split(list, ",") {
		t := config.Trigger(strings.TrimSpace(name))
		if !slices.Contains(config.ObservableTriggers, t) {
			return nil, fmt.Errorf("--triggers: item %d: %q: want a comma list of %s", i, t, joinTriggers(config.ObservableTriggers))
		}
		if slices.Contains(out, t) {
			return nil, fmt.Errorf("--triggers: item %d: %q is listed twice", i, t)
		}
		out = append(out, t)
	}
	return out, nil
}

func joinTriggers(ts []config.Trigger) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// mergeLambdaConfig returns a copy of cur with the triggers pointing at
// fnARN (PreTokenGeneration as version 2), and the change of each. A
// trigger that calls another function is refused unless replace.
func mergeLambdaConfig(cur *types.LambdaConfigType, fnARN string, triggers []config.Trigger, replace bool) (*types.LambdaConfigType, []triggerChange, error) {
	lc := types.LambdaConfigType{}
	if cur != nil {
		lc = *cur
	}
	var changes []triggerChange
	var taken []string
	for _, t := range triggers {
		var slot **string
		switch t {
		case config.TriggerPreSignUp:
			slot = &lc.PreSignUp
		case config.TriggerPostConfirmation:
			slot = &lc.PostConfirmation
		case config.TriggerPreAuthentication:
			slot = &lc.PreAuthentication
		case config.TriggerPostAuthentication:
			slot = &lc.PostAuthentication
		case config.TriggerCustomMessage:
			slot = &lc.CustomMessage
		case config.TriggerPreTokenGeneration:
			from := aws.ToString(lc.PreTokenGeneration)
			if c := lc.PreTokenGenerationConfig; c != nil && c.LambdaArn != nil {
				from = *c.LambdaArn
			}
			if from != "" && from != fnARN && !replace {
				taken = append(taken, fmt.Sprintf("%s calls %s", t, from))
				continue
			}
			lc.PreTokenGeneration = nil
			lc.PreTokenGenerationConfig = &types.PreTokenGenerationVersionConfigType{LambdaArn: aws.String(fnARN), LambdaVersion: lambdaVersionV2}
			changes = append(changes, triggerChange{Trigger: t, From: from, To: fnARN})
			continue
		default:
			return nil, nil, fmt.Errorf("trigger %q: not one the trigger function observes", t)
		}
		from := aws.ToString(*slot)
		if from != "" && from != fnARN && !replace {
			taken = append(taken, fmt.Sprintf("%s calls %s", t, from))
			continue
		}
		*slot = aws.String(fnARN)
		changes = append(changes, triggerChange{Trigger: t, From: from, To: fnARN})
	}
	if len(taken) > 0 {
		return nil, nil, fmt.Errorf("%w: %s: wrap those functions with package %s (docs/triggers.md), or pass --replace, which stops them from running", ErrTriggerTaken, strings.Join(taken, "; "), wrapperImport)
	}
	return &lc, changes, nil
}

// updateInput is the UpdateUserPool request that writes back every
// mutable setting of pool as DescribeUserPool returned it, with lc as its
// LambdaConfig. AdminCreateUserConfig's deprecated UnusedAccountValidityDays
// is left out when the password policy's TemporaryPasswordValidityDays
// is set: Cognito refuses the two together.
func updateInput(pool *types.UserPoolType, lc *types.LambdaConfigType) *cip.UpdateUserPoolInput {
	admin := pool.AdminCreateUserConfig
	if admin != nil && pool.Policies != nil && pool.Policies.PasswordPolicy != nil && pool.Policies.PasswordPolicy.TemporaryPasswordValidityDays != 0 {
		c := *admin
		c.UnusedAccountValidityDays = 0
		admin = &c
	}
	return &cip.UpdateUserPoolInput{
		UserPoolId:                  pool.Id,
		LambdaConfig:                lc,
		PoolName:                    pool.Name,
		AccountRecoverySetting:      pool.AccountRecoverySetting,
		AdminCreateUserConfig:       admin,
		AutoVerifiedAttributes:      pool.AutoVerifiedAttributes,
		DeletionProtection:          pool.DeletionProtection,
		DeviceConfiguration:         pool.DeviceConfiguration,
		EmailConfiguration:          pool.EmailConfiguration,
		EmailVerificationMessage:    pool.EmailVerificationMessage,
		EmailVerificationSubject:    pool.EmailVerificationSubject,
		IssuerConfiguration:         pool.IssuerConfiguration,
		KeyConfiguration:            pool.KeyConfiguration,
		MfaConfiguration:            pool.MfaConfiguration,
		Policies:                    pool.Policies,
		SmsAuthenticationMessage:    pool.SmsAuthenticationMessage,
		SmsConfiguration:            pool.SmsConfiguration,
		SmsVerificationMessage:      pool.SmsVerificationMessage,
		UserAttributeUpdateSettings: pool.UserAttributeUpdateSettings,
		UserPoolAddOns:              pool.UserPoolAddOns,
		UserPoolTags:                pool.UserPoolTags,
		UserPoolTier:                pool.UserPoolTier,
		VerificationMessageTemplate: pool.VerificationMessageTemplate,
	}
}

// keptSettings names the settings updateInput writes back unchanged.
func keptSettings() []string {
	var names []string
	t := reflect.TypeOf(cip.UpdateUserPoolInput{})
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() && f.Name != "UserPoolId" && f.Name != "LambdaConfig" {
			names = append(names, f.Name)
		}
	}
	return names
}

// driftedSettings names the settings whose write-back differs between two
// readings of the pool, LambdaConfig aside.
func driftedSettings(before, after *types.UserPoolType) []string {
	a, b := reflect.ValueOf(*updateInput(before, nil)), reflect.ValueOf(*updateInput(after, nil))
	var out []string
	for i := range a.NumField() {
		f := a.Type().Field(i)
		if f.IsExported() && !reflect.DeepEqual(a.Field(i).Interface(), b.Field(i).Interface()) {
			out = append(out, f.Name)
		}
	}
	return out
}

// attachOptions are attach-triggers' flags.
type attachOptions struct {
	PoolID, FunctionARN string
	Triggers            []config.Trigger
	DryRun, Replace     bool
}

// attach plans the change, prints it, and unless DryRun writes it and
// checks the pool read back.
func attach(ctx context.Context, api poolAPI, o attachOptions, stdout io.Writer) error {
	before, err := describePool(ctx, api, o.PoolID)
	if err != nil {
		return err
	}
	if err := checkPlan(before, o.Triggers); err != nil {
		return fmt.Errorf("user pool %s: %w", o.PoolID, err)
	}
	lc, changes, err := mergeLambdaConfig(before.LambdaConfig, o.FunctionARN, o.Triggers, o.Replace)
	if err != nil {
		return fmt.Errorf("user pool %s: %w", o.PoolID, err)
	}
	fmt.Fprintf(stdout, "user pool %s (%s), feature plan %s: LambdaConfig\n", o.PoolID, aws.ToString(before.Name), planName(before.UserPoolTier))
	changed := false
	var stopping []string
	for _, c := range changes {
		fmt.Fprintf(stdout, "  %s\n", c)
		changed = changed || c.From != c.To
		if c.From != "" && c.From != c.To {
			stopping = append(stopping, fmt.Sprintf("%s (%s)", c.From, c.Trigger))
		}
	}
	if len(stopping) > 0 {
		fmt.Fprintf(stdout, "--replace: these functions will stop running for the pool: %s\n", strings.Join(stopping, ", "))
	}
	fmt.Fprintf(stdout, "written back as read (UpdateUserPool resets what it is not given): %s\n", strings.Join(keptSettings(), ", "))
	switch {
	case o.DryRun:
		fmt.Fprintln(stdout, "dry run: nothing written")
		return nil
	case !changed:
		fmt.Fprintln(stdout, "nothing to change: nothing written")
		return nil
	}
	after, err := writeBack(ctx, api, o.PoolID, before, lc)
	if err != nil {
		return err
	}
	if _, after, _ := mergeLambdaConfig(after.LambdaConfig, o.FunctionARN, o.Triggers, false); slices.ContainsFunc(after, func(c triggerChange) bool { return c.From != c.To }) {
		return fmt.Errorf("reading user pool %s back: LambdaConfig does not call %s for every trigger", o.PoolID, o.FunctionARN)
	}
	fmt.Fprintln(stdout, "written: LambdaConfig set, every other setting read back unchanged")
	fmt.Fprintf(stdout, "to emit events from a trigger that keeps its own function, wrap it with package %s (docs/triggers.md)\n", wrapperImport)
	return nil
}

// describePool reads the pool as DescribeUserPool gives it.
func describePool(ctx context.Context, api poolAPI, poolID string) (*types.UserPoolType, error) {
	desc, err := api.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(poolID)})
	if err != nil {
		return nil, fmt.Errorf("describing user pool %s: %w", poolID, err)
	}
	if desc.UserPool == nil {
		return nil, fmt.Errorf("describing user pool %s: the answer has no pool", poolID)
	}
	return desc.UserPool, nil
}

// writeBack writes lc with every other setting as read in before
// (UpdateUserPool resets what it is not given), reads the pool back and
// returns it, or ErrSettingsDrift naming the settings that changed.
// attach-triggers and detach-triggers both write through it.
func writeBack(ctx context.Context, api poolAPI, poolID string, before *types.UserPoolType, lc *types.LambdaConfigType) (*types.UserPoolType, error) {
	if _, err := api.UpdateUserPool(ctx, updateInput(before, lc)); err != nil {
		return nil, fmt.Errorf("updating user pool %s: %w", poolID, err)
	}
	after, err := describePool(ctx, api, poolID)
	if err != nil {
		return nil, fmt.Errorf("reading user pool %s back: %w", poolID, err)
	}
	if d := driftedSettings(before, after); len(d) > 0 {
		return nil, fmt.Errorf("%w: %s: compare with DescribeUserPool and restore them", ErrSettingsDrift, strings.Join(d, ", "))
	}
	return after, nil
}

// checkPlan refuses PreTokenGeneration, wired as version 2, on a pool on
// the Lite feature plan: Cognito accepts only version 1 there.
func checkPlan(pool *types.UserPoolType, triggers []config.Trigger) error {
	if pool.UserPoolTier != types.UserPoolTierTypeLite || !slices.Contains(triggers, config.TriggerPreTokenGeneration) {
		return nil
	}
	return fmt.Errorf("%w: PreTokenGeneration is wired as version 2 (access and ID token customisation), which needs the Essentials or Plus plan, and the pool is on Lite: "+
		"move the pool to Essentials in the Cognito console (User pool > Settings > Feature plan; billed per monthly active user), not with a bare `aws cognito-idp update-user-pool`, which resets every setting it is not given; "+
		"or leave PreTokenGeneration out of --triggers", ErrFeaturePlan)
}

// planName is the feature plan as DescribeUserPool gives it, or "unknown"
// when the answer has none.
func planName(t types.UserPoolTierType) string {
	if t == "" {
		return "unknown"
	}
	return string(t)
}

func runAttach(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("attach-triggers", flag.ContinueOnError)
	fs.SetOutput(stderr)
	poolID := fs.String("user-pool-id", "", "the existing user pool's `ID` (required)")
	fnARN := fs.String("function-arn", "", "the trigger function's `ARN`: the stack output TriggerFunctionArn (required)")
	triggers := fs.String("triggers", "", "comma `LIST` of triggers to point at the function: "+joinTriggers(config.ObservableTriggers)+" (required)")
	dryRun := fs.Bool("dry-run", false, "print the change and write nothing")
	replace := fs.Bool("replace", false, "point a trigger at the function even when it calls another function")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: cognito-events attach-triggers --user-pool-id ID --function-arn ARN --triggers LIST [--dry-run] [--replace]

Points the chosen triggers of an existing user pool at the trigger function
of a triggers route (the stack output AttachCommand is this command, filled
in). UpdateUserPool resets every setting it is not given, so the command
reads the pool, writes every mutable setting back as read with only
LambdaConfig changed, reads the pool again and fails if another setting
differs. Triggers that already call another function are refused, all named,
unless --replace, which lists the functions that stop running; to keep such
a function, wrap it with package `+wrapperImport+`. PreTokenGeneration
(version 2) is refused on a pool on the Lite feature plan. AWS credentials come from the SDK's default chain; the region
is the pool id's.

Flags:
`)
		fs.PrintDefaults()
	}
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	usageErr := func(msg string) int {
		fmt.Fprintf(stderr, "attach-triggers: %s\n", msg)
		return exitUsage
	}
	m := poolIDRE.FindStringSubmatch(*poolID)
	if m == nil {
		return usageErr(fmt.Sprintf("--user-pool-id: %q is not a user pool id (region_id, for example us-east-1_AbCdEfGhI)", *poolID))
	}
	fm := functionARNRE.FindStringSubmatch(*fnARN)
	if fm == nil {
		return usageErr(fmt.Sprintf("--function-arn: %q is not a Lambda function ARN", *fnARN))
	}
	if fm[1] != m[1] {
		return usageErr(fmt.Sprintf("--function-arn: the function is in %s, the pool in %s: Cognito calls triggers in the pool's region", fm[1], m[1]))
	}
	ts, err := parseTriggers(*triggers)
	if err != nil {
		return usageErr(err.Error())
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ac, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(m[1]))
	if err != nil {
		fmt.Fprintf(stderr, "attach-triggers: loading AWS configuration: %v\n", err)
		return exitFailures
	}
	opts := attachOptions{PoolID: *poolID, FunctionARN: *fnARN, Triggers: ts, DryRun: *dryRun, Replace: *replace}
	if err := attach(ctx, cip.NewFromConfig(ac), opts, stdout); err != nil {
		fmt.Fprintf(stderr, "attach-triggers: %v\n", err)
		return exitFailures
	}
	return exitOK
}
