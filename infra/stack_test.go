package main

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/cognito-events/cognito-events/internal/config"
)

func TestStacksPerRegion(t *testing.T) {
	s := synth(t, fullConfig)
	if len(s.stacks) != 2 {
		t.Fatalf("got %d stacks, want one per region (2)", len(s.stacks))
	}
	for i, region := range []string{"us-east-1", "eu-west-1"} {
		st := s.stacks[i]
		if got := *st.Region(); got != region {
			t.Errorf("stack %d region = %s, want %s", i, got, region)
		}
		if got := *st.StackName(); got != "cognito-events-"+region {
			t.Errorf("stack %d name = %s", i, got)
		}
		if got := *st.Account(); got != "123456789012" {
			t.Errorf("stack %d account = %s, want the CDK_DEFAULT_ACCOUNT given", i, got)
		}
	}
	// users-readonly selects only a us-east-1 pool: it has no rule in
	// eu-west-1, the other three routes have one each.
	assert(t, func() {
		assertions.Template_FromStack(s.stacks[0], nil).ResourceCountIs(jsii.String("AWS::Events::Rule"), jsii.Number(4))
		assertions.Template_FromStack(s.stacks[1], nil).ResourceCountIs(jsii.String("AWS::Events::Rule"), jsii.Number(3))
	})
}

func TestTrailAndBucket(t *testing.T) {
	s := synth(t, fullConfig)
	tm := s.tmpl
	t.Run("trail", func(t *testing.T) {
		assert(t, func() { tm.ResourceCountIs(jsii.String("AWS::CloudTrail::Trail"), jsii.Number(1)) })
		assert(t, func() {
			tm.HasResourceProperties(jsii.String("AWS::CloudTrail::Trail"), map[string]any{
				"EnableLogFileValidation":   true,
				"IsLogging":                 true,
				"KMSKeyId":                  assertions.Match_ObjectLike(&map[string]any{"Fn::GetAtt": assertions.Match_AnyValue()}),
				"CloudWatchLogsLogGroupArn": assertions.Match_AnyValue(),
				"CloudWatchLogsRoleArn":     assertions.Match_AnyValue(),
				"IsMultiRegionTrail":        false,
				"TrailName":                 assertions.Match_Absent(),
				"EventSelectors":            assertions.Match_Absent(),
				"AdvancedEventSelectors": []any{assertions.Match_ObjectLike(&map[string]any{
					"FieldSelectors": []any{
						map[string]any{"Field": "eventCategory", "Equals": []any{"Management"}},
						map[string]any{"Field": "eventSource", "NotEquals": []any{"kms.amazonaws.com", "rdsdata.amazonaws.com"}},
					},
				})},
			})
		})
	})
	t.Run("key", func(t *testing.T) {
		assert(t, func() {
			tm.HasResourceProperties(jsii.String("AWS::KMS::Key"), map[string]any{
				"EnableKeyRotation": true,
				"KeyPolicy": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{
					assertions.Match_ObjectLike(&map[string]any{
						"Sid": "CloudTrailEncryptsLogs", "Action": "kms:GenerateDataKey*", "Effect": "Allow",
						"Principal": map[string]any{"Service": "cloudtrail.amazonaws.com"},
					}),
				})},
			})
		})
		assert(t, func() {
			tm.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{"RetentionInDays": 365})
		})
	})
	t.Run("bucket", func(t *testing.T) {
		assert(t, func() {
			tm.HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]any{
				"BucketName": assertions.Match_Absent(),
				"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{
					map[string]any{"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "AES256"}},
				}},
				"PublicAccessBlockConfiguration": map[string]any{
					"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true,
				},
				"VersioningConfiguration": map[string]any{"Status": "Enabled"},
				"LifecycleConfiguration": map[string]any{"Rules": assertions.Match_ArrayWith(&[]any{
					assertions.Match_ObjectLike(&map[string]any{"ExpirationInDays": 30, "Status": "Enabled"}),
				})},
			})
		})
	})
	t.Run("TLS only", func(t *testing.T) {
		assert(t, func() {
			tm.HasResourceProperties(jsii.String("AWS::S3::BucketPolicy"), map[string]any{
				"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{
					assertions.Match_ObjectLike(&map[string]any{
						"Effect":    "Deny",
						"Action":    "s3:*",
						"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
					}),
				})},
			})
		})
	})
}

func TestExistingTrail(t *testing.T) {
	s := synth(t, existingTrailConfig)
	for typ, n := range map[string]int{
		"AWS::CloudTrail::Trail": 0, "AWS::S3::Bucket": 0, "AWS::SNS::Topic": 0, "AWS::KMS::Key": 0,
		"AWS::Events::Rule": 1, "AWS::Lambda::Function": 1, "AWS::Events::Archive": 1,
	} {
		assert(t, func() { s.tmpl.ResourceCountIs(jsii.String(typ), jsii.Number(n)) })
	}
	for id, a := range s.ofType("AWS::CloudWatch::Alarm") {
		if actions, ok := a.Properties["AlarmActions"]; ok {
			t.Errorf("alarm %s has actions %v without an alarm e-mail", id, actions)
		}
	}
}

func TestNoPhysicalNames(t *testing.T) {
	s := synth(t, fullConfig)
	names := []string{"BucketName", "TrailName", "FunctionName", "QueueName", "TopicName", "LogGroupName", "RoleName", "Name", "ArchiveName", "AlarmName"}
	for id, r := range s.res {
		if r.Type == "AWS::Lambda::EventInvokeConfig" || r.Type == "AWS::Lambda::Permission" || r.Type == "AWS::Lambda::EventSourceMapping" {
			continue // FunctionName there references the function
		}
		if r.Type == "AWS::Logs::QueryDefinition" {
			// Name is required; it must start with the stack's name, so
			// two stacks never share one.
			if b, _ := json.Marshal(r.Properties["Name"]); !strings.Contains(string(b), `{"Ref":"AWS::StackName"}`) {
				t.Errorf("%s (%s) has a Name not made from the stack's name: %s", id, r.Type, b)
			}
			continue
		}
		for _, n := range names {
			if v, ok := r.Properties[n]; ok {
				t.Errorf("%s (%s) has a fixed %s: %v", id, r.Type, n, v)
			}
		}
	}
}

// TestCDKNag: cdk-nag's AWS Solutions checks find no unresolved error, and
// every suppression carries a reason.
func TestCDKNag(t *testing.T) {
	for name, raw := range map[string]string{"full": fullConfig, "existing trail": existingTrailConfig} {
		t.Run(name, func(t *testing.T) {
			s := synth(t, raw)
			for _, st := range s.stacks {
				ann := assertions.Annotations_FromStack(st)
				errs := ann.FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*")))
				for _, e := range *errs {
					t.Errorf("%s: %v", *e.Id, e.Entry.Data)
				}
				warns := ann.FindWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*")))
				for _, w := range *warns {
					t.Logf("warning %s: %v", *w.Id, w.Entry.Data)
				}
			}
			b, _ := json.Marshal(s.tmpl.ToJSON())
			var doc struct {
				Resources map[string]struct {
					Metadata struct {
						Nag struct {
							Rules []struct {
								ID     string `json:"id"`
								Reason string `json:"reason"`
							} `json:"rules_to_suppress"`
						} `json:"cdk_nag"`
					}
				}
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			for id, r := range doc.Resources {
				for _, rule := range r.Metadata.Nag.Rules {
					if len(rule.Reason) < 20 {
						t.Errorf("%s: suppression of %s has no written reason: %q", id, rule.ID, rule.Reason)
					}
				}
			}
		})
	}
}

func TestStackErrors(t *testing.T) {
	cfg, err := config.Parse([]byte(existingTrailConfig))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		props *StackProps
		want  string
		is    error
	}{
		{"nil props", nil, "no configuration", nil},
		{"nil config", &StackProps{}, "no configuration", nil},
		{"no bootstrap", &StackProps{Config: cfg, CodeDir: t.TempDir()}, `run "make build" first: `, ErrNoCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := awscdk.NewApp(nil)
			_, err := NewCognitoEventsStack(app, "s", tt.props)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err %v is not %v", err, tt.is)
			}
		})
	}
}

func TestCheckCodeMessage(t *testing.T) {
	err := CheckCode("build/forwarder-missing")
	if err == nil || err.Error() != `forwarder code not found: run "make build" first: build/forwarder-missing/bootstrap not found` {
		t.Errorf("CheckCode = %v", err)
	}
	if err := CheckCode(codeDir(t)); err != nil {
		t.Errorf("CheckCode with a bootstrap = %v", err)
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		want     string
	}{
		{"short", "abc", 5, "abc"},
		{"exact", "abcde", 5, "abcde"},
		{"cut", "abcdefgh", 6, "abc..."},
		{"no split rune", "ab€def", 6, "ab..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := truncate(tt.in, tt.n)
			if got != tt.want || len(got) > tt.n {
				t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

func TestDescriptionLengths(t *testing.T) {
	s := synth(t, fullConfig)
	limits := map[string]int{"AWS::Events::Rule": 512, "AWS::Events::Archive": 512, "AWS::Lambda::Function": 256}
	for id, r := range s.res {
		if max, ok := limits[r.Type]; ok {
			if d, _ := r.Properties["Description"].(string); len(d) > max {
				t.Errorf("%s description is %d bytes, more than %d", id, len(d), max)
			}
		}
	}
}
