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

const (
	testFnARN   = "arn:aws:lambda:us-east-1:123456789012:function:cognito-events-trigger"
	otherFnARN  = "arn:aws:lambda:us-east-1:123456789012:function:existing-hook"
	testPoolARN = "us-east-1_AbCdEfGhI"
)

// fill sets every field reachable from v to a non-zero value.
func fill(v reflect.Value, depth int) {
	if depth > 6 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.Type().Elem().Kind() == reflect.Struct && v.Type().Elem().PkgPath() == "time" {
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), depth+1)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth+1)
			}
		}
	case reflect.String:
		v.SetString("x")
	case reflect.Int, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), depth+1)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, depth+1)
		fill(e, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	}
}

// TestUpdateInputCopiesEverySetting fails when UpdateUserPool gains a
// setting updateInput does not write back, which the call would reset.
func TestUpdateInputCopiesEverySetting(t *testing.T) {
	var pool types.UserPoolType
	fill(reflect.ValueOf(&pool).Elem(), 0)
	lc := &types.LambdaConfigType{PreSignUp: aws.String(testFnARN)}
	in := reflect.ValueOf(*updateInput(&pool, lc))
	src := reflect.ValueOf(pool)
	for i := range in.NumField() {
		f := in.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		t.Run(f.Name, func(t *testing.T) {
			got := in.Field(i).Interface()
			var want any
			switch f.Name {
			case "LambdaConfig":
				want = lc
			case "UserPoolId":
				want = pool.Id
			case "PoolName":
				want = pool.Name
			case "AdminCreateUserConfig":
				c := *pool.AdminCreateUserConfig
				c.UnusedAccountValidityDays = 0 // refused beside TemporaryPasswordValidityDays
				want = &c
			default:
				sf := src.FieldByName(f.Name)
				if !sf.IsValid() {
					t.Fatalf("UpdateUserPoolInput.%s has no UserPoolType field of that name: map it in updateInput", f.Name)
				}
				want = sf.Interface()
			}
			if in.Field(i).IsZero() {
				t.Fatalf("%s is not written back: UpdateUserPool would reset it", f.Name)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s = %#v, want %#v", f.Name, got, want)
			}
		})
	}
}

func TestUnusedAccountValidityDaysKeptAlone(t *testing.T) {
	pool := &types.UserPoolType{AdminCreateUserConfig: &types.AdminCreateUserConfigType{UnusedAccountValidityDays: 7}}
	if got := updateInput(pool, nil).AdminCreateUserConfig.UnusedAccountValidityDays; got != 7 {
		t.Fatalf("UnusedAccountValidityDays = %d without a temporary password validity, want 7 kept", got)
	}
}

func TestMergeLambdaConfig(t *testing.T) {
	cases := []struct {
		name     string
		cur      *types.LambdaConfigType
		triggers []config.Trigger
		replace  bool
		want     *types.LambdaConfigType
		changes  []string
		err      error
	}{
		{"empty pool", nil, []config.Trigger{"PreSignUp", "PostAuthentication"}, false,
			&types.LambdaConfigType{PreSignUp: aws.String(testFnARN), PostAuthentication: aws.String(testFnARN)},
			[]string{"PreSignUp: (none) -> " + testFnARN, "PostAuthentication: (none) -> " + testFnARN}, nil},
		{"others kept", &types.LambdaConfigType{PostConfirmation: aws.String(otherFnARN), KMSKeyID: aws.String("k")}, []config.Trigger{"CustomMessage"}, false,
			&types.LambdaConfigType{PostConfirmation: aws.String(otherFnARN), KMSKeyID: aws.String("k"), CustomMessage: aws.String(testFnARN)},
			[]string{"CustomMessage: (none) -> " + testFnARN}, nil},
		{"already ours", &types.LambdaConfigType{PreAuthentication: aws.String(testFnARN)}, []config.Trigger{"PreAuthentication"}, false,
			&types.LambdaConfigType{PreAuthentication: aws.String(testFnARN)},
			[]string{"PreAuthentication: " + testFnARN + " (unchanged)"}, nil},
		{"taken", &types.LambdaConfigType{PostConfirmation: aws.String(otherFnARN)}, []config.Trigger{"PostConfirmation"}, false, nil, nil, ErrTriggerTaken},
		{"taken replaced", &types.LambdaConfigType{PostConfirmation: aws.String(otherFnARN)}, []config.Trigger{"PostConfirmation"}, true,
			&types.LambdaConfigType{PostConfirmation: aws.String(testFnARN)},
			[]string{"PostConfirmation: " + otherFnARN + " -> " + testFnARN}, nil},
		{"token v2", nil, []config.Trigger{"PreTokenGeneration"}, false,
			&types.LambdaConfigType{PreTokenGenerationConfig: &types.PreTokenGenerationVersionConfigType{LambdaArn: aws.String(testFnARN), LambdaVersion: lambdaVersionV2}},
			[]string{"PreTokenGeneration: (none) -> " + testFnARN}, nil},
		{"token v1 of ours becomes v2", &types.LambdaConfigType{PreTokenGeneration: aws.String(testFnARN)}, []config.Trigger{"PreTokenGeneration"}, false,
			&types.LambdaConfigType{PreTokenGenerationConfig: &types.PreTokenGenerationVersionConfigType{LambdaArn: aws.String(testFnARN), LambdaVersion: lambdaVersionV2}},
			[]string{"PreTokenGeneration: " + testFnARN + " (unchanged)"}, nil},
		{"token taken", &types.LambdaConfigType{PreTokenGenerationConfig: &types.PreTokenGenerationVersionConfigType{LambdaArn: aws.String(otherFnARN), LambdaVersion: types.PreTokenGenerationLambdaVersionTypeV10}},
			[]config.Trigger{"PreTokenGeneration"}, false, nil, nil, ErrTriggerTaken},
		{"every conflict named", &types.LambdaConfigType{PostConfirmation: aws.String(otherFnARN), PreSignUp: aws.String(otherFnARN + "2")},
			[]config.Trigger{"PreSignUp", "PostAuthentication", "PostConfirmation"}, false, nil,
			[]string{"PreSignUp calls " + otherFnARN + "2", "PostConfirmation calls " + otherFnARN}, ErrTriggerTaken},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var before types.LambdaConfigType
			if tc.cur != nil {
				before = *tc.cur
			}
			got, changes, err := mergeLambdaConfig(tc.cur, testFnARN, tc.triggers, tc.replace)
			if tc.err != nil {
				if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), otherFnARN) || !strings.Contains(err.Error(), wrapperImport) {
					t.Fatalf("err = %v, want %v naming the function and the wrapper's import path", err, tc.err)
				}
				for _, want := range tc.changes { // here: every conflict
					if !strings.Contains(err.Error(), want) {
						t.Errorf("err = %v, does not name %q", err, want)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("mergeLambdaConfig: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("LambdaConfig = %+v, want %+v", got, tc.want)
			}
			var lines []string
			for _, c := range changes {
				lines = append(lines, c.String())
			}
			if !reflect.DeepEqual(lines, tc.changes) {
				t.Fatalf("changes = %q, want %q", lines, tc.changes)
			}
			if tc.cur != nil && !reflect.DeepEqual(*tc.cur, before) {
				t.Fatal("mergeLambdaConfig changed its input")
			}
		})
	}
}

// driftingPool answers DescribeUserPool from pool, and after an update
// answers with MFA switched off, as a call that reset a setting would.
type driftingPool struct {
	pool    types.UserPoolType
	updated bool
}

func (d *driftingPool) DescribeUserPool(context.Context, *cip.DescribeUserPoolInput, ...func(*cip.Options)) (*cip.DescribeUserPoolOutput, error) {
	p := d.pool
	if d.updated {
		p.MfaConfiguration = types.UserPoolMfaTypeOff
	}
	return &cip.DescribeUserPoolOutput{UserPool: &p}, nil
}

func (d *driftingPool) UpdateUserPool(context.Context, *cip.UpdateUserPoolInput, ...func(*cip.Options)) (*cip.UpdateUserPoolOutput, error) {
	d.updated = true
	return &cip.UpdateUserPoolOutput{}, nil
}

func TestAttachReportsDrift(t *testing.T) {
	api := &driftingPool{pool: types.UserPoolType{Id: aws.String(testPoolARN), Name: aws.String("p"), MfaConfiguration: types.UserPoolMfaTypeOptional}}
	err := attach(context.Background(), api, attachOptions{PoolID: testPoolARN, FunctionARN: testFnARN, Triggers: []config.Trigger{"PreSignUp"}}, &bytes.Buffer{})
	if !errors.Is(err, ErrSettingsDrift) || !strings.Contains(err.Error(), "MfaConfiguration") {
		t.Fatalf("attach = %v, want ErrSettingsDrift naming MfaConfiguration", err)
	}
}

func TestAttachUsage(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no pool", []string{"--function-arn", testFnARN, "--triggers", "PreSignUp"}, `--user-pool-id: "" is not a user pool id`},
		{"bad arn", []string{"--user-pool-id", testPoolARN, "--function-arn", "arn:aws:lambda:x", "--triggers", "PreSignUp"}, "is not a Lambda function ARN"},
		{"other region", []string{"--user-pool-id", "eu-west-1_AbC", "--function-arn", testFnARN, "--triggers", "PreSignUp"}, "the function is in us-east-1, the pool in eu-west-1"},
		{"deciding trigger", []string{"--user-pool-id", testPoolARN, "--function-arn", testFnARN, "--triggers", "PreSignUp,DefineAuthChallenge"}, `--triggers: item 1: "DefineAuthChallenge"`},
		{"twice", []string{"--user-pool-id", testPoolARN, "--function-arn", testFnARN, "--triggers", "PreSignUp, PreSignUp"}, "listed twice"},
		{"no triggers", []string{"--user-pool-id", testPoolARN, "--function-arn", testFnARN}, `--triggers: item 0: ""`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(append([]string{"attach-triggers"}, tc.args...), nil, &stdout, &stderr); code != exitUsage {
				t.Fatalf("exit %d, want %d; stderr %s", code, exitUsage, &stderr)
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Fatalf("stderr %q does not contain %q", &stderr, tc.want)
			}
		})
	}
}

// TestAttachMoto runs the command against moto's Cognito: the chosen
// triggers are written, every other setting reads back as before, a
// trigger of another function is refused, and --dry-run writes nothing.
func TestAttachMoto(t *testing.T) {
	srv := moto.Shared(t)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", moto.Region)
	api := cip.NewFromConfig(srv.Config())
	var poolID string
	moto.Retry(t, "creating the pool", func(ctx context.Context) error {
		out, err := api.CreateUserPool(ctx, &cip.CreateUserPoolInput{
			PoolName: aws.String("attach-" + t.Name()),
			Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{
				MinimumLength: aws.Int32(10), RequireSymbols: true, TemporaryPasswordValidityDays: 3,
			}},
			AutoVerifiedAttributes:   []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
			EmailVerificationSubject: aws.String("Your code"),
			EmailVerificationMessage: aws.String("Code: {####}"),
			MfaConfiguration:         types.UserPoolMfaTypeOff,
			AdminCreateUserConfig:    &types.AdminCreateUserConfigType{AllowAdminCreateUserOnly: true},
			AccountRecoverySetting: &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{
				{Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: aws.Int32(1)},
			}},
			UserPoolTags: map[string]string{"team": "identity"},
			LambdaConfig: &types.LambdaConfigType{PostConfirmation: aws.String(otherFnARN)},
		})
		if err == nil {
			poolID = aws.ToString(out.UserPool.Id)
		}
		return err
	}, nil)
	describe := func(tb testing.TB) *types.UserPoolType {
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
	before := describe(t)
	attachRun := func(extra ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		args := append([]string{"attach-triggers", "--user-pool-id", poolID, "--function-arn", testFnARN}, extra...)
		code := run(args, nil, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}

	t.Run("dry run writes nothing", func(t *testing.T) {
		code, out, errOut := attachRun("--triggers", "PreSignUp,PreTokenGeneration", "--dry-run")
		if code != exitOK || !strings.Contains(out, "PreSignUp: (none) -> "+testFnARN) || !strings.Contains(out, "dry run: nothing written") {
			t.Fatalf("exit %d, stdout %s, stderr %s", code, out, errOut)
		}
		if after := describe(t); !reflect.DeepEqual(after.LambdaConfig, before.LambdaConfig) {
			t.Fatalf("LambdaConfig changed by a dry run: %+v", after.LambdaConfig)
		}
	})
	t.Run("taken trigger refused", func(t *testing.T) {
		code, _, errOut := attachRun("--triggers", "PostConfirmation")
		if code != exitFailures || !strings.Contains(errOut, "PostConfirmation calls "+otherFnARN) || !strings.Contains(errOut, wrapperImport) {
			t.Fatalf("exit %d, stderr %s", code, errOut)
		}
	})
	t.Run("replace lists what stops running", func(t *testing.T) {
		code, out, errOut := attachRun("--triggers", "PostConfirmation", "--replace", "--dry-run")
		if code != exitOK || !strings.Contains(out, "will stop running for the pool: "+otherFnARN+" (PostConfirmation)") {
			t.Fatalf("exit %d, stdout %s, stderr %s", code, out, errOut)
		}
	})
	t.Run("attach", func(t *testing.T) {
		code, out, errOut := attachRun("--triggers", "PreSignUp,PreTokenGeneration")
		if code != exitOK || !strings.Contains(out, "every other setting read back unchanged") || !strings.Contains(out, wrapperImport) {
			t.Fatalf("exit %d, stdout %s, stderr %s", code, out, errOut)
		}
		after := describe(t)
		if d := driftedSettings(before, after); len(d) > 0 {
			t.Fatalf("settings changed: %v", d)
		}
		lc := after.LambdaConfig
		if aws.ToString(lc.PreSignUp) != testFnARN || aws.ToString(lc.PostConfirmation) != otherFnARN {
			t.Fatalf("LambdaConfig = %+v, want PreSignUp ours and PostConfirmation kept", lc)
		}
		if c := lc.PreTokenGenerationConfig; c == nil || aws.ToString(c.LambdaArn) != testFnARN || c.LambdaVersion != lambdaVersionV2 {
			t.Fatalf("PreTokenGenerationConfig = %+v, want ours as V2_0", c)
		}
	})
	t.Run("again changes nothing", func(t *testing.T) {
		code, out, errOut := attachRun("--triggers", "PreSignUp")
		if code != exitOK || !strings.Contains(out, "nothing to change") {
			t.Fatalf("exit %d, stdout %s, stderr %s", code, out, errOut)
		}
	})
}
