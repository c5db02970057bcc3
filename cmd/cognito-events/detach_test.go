package main

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognito-events/cognito-events/internal/config"
	"github.com/cognito-events/cognito-events/internal/emulator/moto"
)

func TestDetachLambdaConfig(t *testing.T) {
	v2 := func(arn string) *types.PreTokenGenerationVersionConfigType {
		return &types.PreTokenGenerationVersionConfigType{LambdaArn: aws.String(arn), LambdaVersion: lambdaVersionV2}
	}
	cases := []struct {
		name    string
		cur     *types.LambdaConfigType
		want    *types.LambdaConfigType
		removed []string
	}{
		{"nothing", nil, &types.LambdaConfigType{}, nil},
		{"ours only", &types.LambdaConfigType{PreSignUp: aws.String(testFnARN), PostConfirmation: aws.String(otherFnARN), PreTokenGenerationConfig: v2(testFnARN), KMSKeyID: aws.String("k")},
			&types.LambdaConfigType{PostConfirmation: aws.String(otherFnARN), KMSKeyID: aws.String("k")}, []string{"PreSignUp", "PreTokenGenerationConfig"}},
		{"another's token trigger kept", &types.LambdaConfigType{PreTokenGenerationConfig: v2(otherFnARN), PostAuthentication: aws.String(testFnARN)},
			&types.LambdaConfigType{PreTokenGenerationConfig: v2(otherFnARN)}, []string{"PostAuthentication"}},
		{"version 1 of ours", &types.LambdaConfigType{PreTokenGeneration: aws.String(testFnARN)}, &types.LambdaConfigType{}, []string{"PreTokenGeneration"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var before types.LambdaConfigType
			if tc.cur != nil {
				before = *tc.cur
			}
			got, removed := detachLambdaConfig(tc.cur, testFnARN)
			var names []string
			for _, r := range removed {
				names = append(names, r.Entry)
			}
			if !reflect.DeepEqual(got, tc.want) || !reflect.DeepEqual(names, tc.removed) {
				t.Fatalf("LambdaConfig %+v removed %v, want %+v %v", got, names, tc.want, tc.removed)
			}
			if tc.cur != nil && !reflect.DeepEqual(*tc.cur, before) {
				t.Fatal("detachLambdaConfig changed its input")
			}
		})
	}
}

// TestDetachReportsDrift: the drift fake resets MFA on update; detach
// names it, as attach does.
func TestDetachReportsDrift(t *testing.T) {
	api := &driftingPool{pool: types.UserPoolType{Id: aws.String(testPoolARN), Name: aws.String("p"), MfaConfiguration: types.UserPoolMfaTypeOptional,
		LambdaConfig: &types.LambdaConfigType{PreSignUp: aws.String(testFnARN)}}}
	err := detach(context.Background(), api, detachOptions{PoolID: testPoolARN, FunctionARN: testFnARN}, &bytes.Buffer{})
	if !errors.Is(err, ErrSettingsDrift) || !strings.Contains(err.Error(), "MfaConfiguration") {
		t.Fatalf("detach = %v, want ErrSettingsDrift naming MfaConfiguration", err)
	}
}

func TestDetachUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no pool", []string{"--function-arn", testFnARN}, `--user-pool-id: "" is not a user pool id`},
		{"bad arn", []string{"--user-pool-id", testPoolARN, "--function-arn", "fn"}, "is not a Lambda function ARN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(append([]string{"detach-triggers"}, tc.args...), nil, &stdout, &stderr); code != exitUsage || !strings.Contains(stderr.String(), tc.want) {
				t.Fatalf("exit %d stderr %q, want %d and %q", code, &stderr, exitUsage, tc.want)
			}
		})
	}
}

// motoPool creates a pool on the shared moto server with settings that an
// UpdateUserPool without them would reset, and returns a client, its id
// and a describe function.
func motoPool(t *testing.T, tier types.UserPoolTierType, lc *types.LambdaConfigType) (string, func(testing.TB) *types.UserPoolType) {
	t.Helper()
	srv := moto.Shared(t)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", moto.Region)
	api := cip.NewFromConfig(srv.Config())
	var poolID string
	moto.Retry(t, "creating the pool", func(ctx context.Context) error {
		out, err := api.CreateUserPool(ctx, &cip.CreateUserPoolInput{
			PoolName:                 aws.String("pool-" + t.Name()),
			AutoVerifiedAttributes:   []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
			EmailVerificationSubject: aws.String("Your code"),
			MfaConfiguration:         types.UserPoolMfaTypeOff,
			AdminCreateUserConfig:    &types.AdminCreateUserConfigType{AllowAdminCreateUserOnly: true},
			UserPoolTags:             map[string]string{"team": "identity"},
			UserPoolTier:             tier,
			LambdaConfig:             lc,
		})
		if err == nil {
			poolID = aws.ToString(out.UserPool.Id)
		}
		return err
	}, nil)
	return poolID, func(tb testing.TB) *types.UserPoolType {
		tb.Helper()
		var p *types.UserPoolType
		moto.Retry(tb, "describing the pool", func(ctx context.Context) error {
			out, err := api.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(poolID)})
			if err == nil {
				p = out.UserPool
			}
			return err
		}, nil)
		return p
	}
}

// TestDetachMoto runs attach then detach against moto's Cognito: detach
// removes only our entries, keeps another function's and every setting,
// --dry-run writes nothing, and a second run has nothing to do.
func TestDetachMoto(t *testing.T) {
	poolID, describe := motoPool(t, types.UserPoolTierTypeEssentials, &types.LambdaConfigType{PostConfirmation: aws.String(otherFnARN)})
	cmd := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(append(args[:1:1], append([]string{"--user-pool-id", poolID, "--function-arn", testFnARN}, args[1:]...)...), nil, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	if code, out, errOut := cmd("attach-triggers", "--triggers", "PreSignUp,PostAuthentication,PreTokenGeneration"); code != exitOK {
		t.Fatalf("attach: exit %d, stdout %s, stderr %s", code, out, errOut)
	}
	attached := describe(t)
	t.Run("dry run writes nothing", func(t *testing.T) {
		code, out, errOut := cmd("detach-triggers", "--dry-run")
		if code != exitOK || !strings.Contains(out, "PreTokenGenerationConfig: removed") || !strings.Contains(out, "dry run: nothing written") {
			t.Fatalf("exit %d, stdout %s, stderr %s", code, out, errOut)
		}
		if after := describe(t); !reflect.DeepEqual(after.LambdaConfig, attached.LambdaConfig) {
			t.Fatalf("LambdaConfig changed by a dry run: %+v", after.LambdaConfig)
		}
	})
	t.Run("detach", func(t *testing.T) {
		code, out, errOut := cmd("detach-triggers")
		if code != exitOK || !strings.Contains(out, "every other setting read back unchanged") {
			t.Fatalf("exit %d, stdout %s, stderr %s", code, out, errOut)
		}
		after := describe(t)
		if d := driftedSettings(attached, after); len(d) > 0 {
			t.Fatalf("settings changed: %v", d)
		}
		want := types.LambdaConfigType{PostConfirmation: aws.String(otherFnARN)}
		if got := lcWithout(after.LambdaConfig); !reflect.DeepEqual(got, want) {
			t.Fatalf("LambdaConfig = %+v, want only the other function's PostConfirmation", got)
		}
	})
	t.Run("again changes nothing", func(t *testing.T) {
		code, out, errOut := cmd("detach-triggers")
		if code != exitOK || !strings.Contains(out, "no entry calls the function") {
			t.Fatalf("exit %d, stdout %s, stderr %s", code, out, errOut)
		}
	})
}

// TestAttachPlanMoto: attach-triggers reads the pool's feature plan and
// refuses PreTokenGeneration (version 2) on Lite, with the reason and the
// way out; other triggers attach on Lite, and PreTokenGeneration on
// Essentials.
func TestAttachPlanMoto(t *testing.T) {
	lite, describeLite := motoPool(t, types.UserPoolTierTypeLite, nil)
	var stdout, stderr bytes.Buffer
	code := run([]string{"attach-triggers", "--user-pool-id", lite, "--function-arn", testFnARN, "--triggers", "PostAuthentication,PreTokenGeneration", "--dry-run"}, nil, &stdout, &stderr)
	for _, want := range []string{"Lite", "Essentials or Plus", "Feature plan", "leave PreTokenGeneration out"} {
		if code != exitFailures || !strings.Contains(stderr.String(), want) {
			t.Errorf("exit %d, stderr %q lacks %q", code, &stderr, want)
		}
	}
	stdout.Reset()
	if code := run([]string{"attach-triggers", "--user-pool-id", lite, "--function-arn", testFnARN, "--triggers", "PostAuthentication"}, nil, &stdout, &stderr); code != exitOK ||
		!strings.Contains(stdout.String(), "feature plan LITE") || aws.ToString(describeLite(t).LambdaConfig.PostAuthentication) != testFnARN {
		t.Errorf("attach on Lite without PreTokenGeneration: exit %d, stdout %s", code, &stdout)
	}
	ess, _ := motoPool(t, types.UserPoolTierTypeEssentials, nil)
	stdout.Reset()
	if code := run([]string{"attach-triggers", "--user-pool-id", ess, "--function-arn", testFnARN, "--triggers", "PreTokenGeneration", "--dry-run"}, nil, &stdout, &stderr); code != exitOK {
		t.Errorf("PreTokenGeneration on Essentials: exit %d, stderr %s", code, &stderr)
	}
	if err := checkPlan(&types.UserPoolType{}, []config.Trigger{config.TriggerPreTokenGeneration}); err != nil {
		t.Errorf("a pool whose plan is not given is refused: %v", err)
	}
}

// TestAttachPlanDriftFake: on the drift fake, a Lite pool with
// PreTokenGeneration is refused before anything is written.
func TestAttachPlanDriftFake(t *testing.T) {
	api := &driftingPool{pool: types.UserPoolType{Id: aws.String(testPoolARN), Name: aws.String("p"), UserPoolTier: types.UserPoolTierTypeLite}}
	err := attach(context.Background(), api, attachOptions{PoolID: testPoolARN, FunctionARN: testFnARN, Triggers: []config.Trigger{"PreSignUp", "PreTokenGeneration"}}, &bytes.Buffer{})
	if !errors.Is(err, ErrFeaturePlan) || api.updated {
		t.Fatalf("attach = %v (updated %v), want ErrFeaturePlan and nothing written", err, api.updated)
	}
	api.pool.UserPoolTier = types.UserPoolTierTypePlus
	api.updated = false
	var out bytes.Buffer
	if err := attach(context.Background(), api, attachOptions{PoolID: testPoolARN, FunctionARN: testFnARN, Triggers: []config.Trigger{"PreTokenGeneration"}, DryRun: true}, &out); err != nil ||
		!strings.Contains(out.String(), "feature plan PLUS") {
		t.Fatalf("attach on Plus = %v, stdout %s", err, &out)
	}
}
