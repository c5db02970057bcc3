package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudtrail"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/cognito-events/cognito-events/internal/config"
)

// DefaultCodeDir is where `make build` puts the forwarder.
const DefaultCodeDir = "build/forwarder"

// ErrNoCode says the forwarder has not been built.
var ErrNoCode = errors.New("forwarder code not found")

// StackProps configures one region's stack.
type StackProps struct {
	awscdk.StackProps
	// Config is the parsed configuration. Required.
	Config *config.Config
	// CodeDir holds the forwarder's bootstrap. Default DefaultCodeDir.
	CodeDir string
	// TriggerCodeDir holds the trigger function's bootstrap, needed when a
	// route has triggers. Default: the folder "trigger" beside CodeDir
	// (build/trigger).
	TriggerCodeDir string
	// MemberTemplate is the member template's JSON, the body of the hub's
	// StackSet; used only with an organization (organization.go).
	MemberTemplate string
}

// CheckCode reports whether dir holds the forwarder's bootstrap, with the
// fix in the error.
func CheckCode(dir string) error {
	bootstrap := filepath.Join(dir, "bootstrap")
	if fi, err := os.Stat(bootstrap); err != nil || fi.IsDir() {
		return fmt.Errorf("%w: run \"make build\" first: %s not found", ErrNoCode, filepath.ToSlash(bootstrap))
	}
	return nil
}

// NewCognitoEventsStack builds the stack of one region: the trail (unless
// an existing one is used), and per route the rule, its archive, the
// forwarder with its log group and role, the dead-letter and failure
// queues, the optional buffer queue, and the alarms.
func NewCognitoEventsStack(scope constructs.Construct, id string, props *StackProps) (awscdk.Stack, error) {
	if props == nil || props.Config == nil {
		return nil, errors.New("building stack: no configuration in StackProps")
	}
	codeDir := props.CodeDir
	if codeDir == "" {
		codeDir = DefaultCodeDir
	}
	if err := CheckCode(codeDir); err != nil {
		return nil, err
	}
	cfg := props.Config
	for i := range cfg.Routes {
		if !cfg.Routes[i].HasRule() {
			continue
		}
		if _, err := cfg.Routes[i].Pattern(); err != nil {
			return nil, fmt.Errorf("route %q: %w", cfg.Routes[i].Name, err)
		}
	}

	sprops := props.StackProps
	if sprops.Description == nil {
		sprops.Description = jsii.String("cognito-events: Cognito user-pool changes as CloudEvents (CloudTrail -> EventBridge -> Lambda -> sink)")
	}
	stack := awscdk.NewStack(scope, jsii.String(id), &sprops)

	if cfg.Trail.Mode == config.TrailCreate {
		newTrail(stack, cfg.Trail)
	}
	var alarmAction awscloudwatch.IAlarmAction
	if cfg.Alarms.Email != "" {
		alarmAction = newAlarmTopic(stack, cfg.Alarms.Email)
	}
	var bus awsevents.IEventBus
	if org := cfg.Organization; org != nil {
		bus = newHubBus(stack, org)
	} else {
		bus = awsevents.EventBus_FromEventBusName(stack, jsii.String("DefaultBus"), jsii.String("default"))
	}
	for i := range cfg.Routes {
		r := &cfg.Routes[i]
		if r.IsTriggers() {
			if region := sprops.Env; region != nil && region.Region != nil && !r.Triggers.UserPool.InRegion(*region.Region) {
				continue // a created pool lives in the one region its route names
			}
			triggerDir := props.TriggerCodeDir
			if triggerDir == "" {
				triggerDir = filepath.Join(filepath.Dir(codeDir), "trigger")
			}
			tr, err := NewTriggerRoute(stack, r.Name, &TriggerRouteProps{Route: r, CodeDir: codeDir, TriggerCodeDir: triggerDir, AlarmAction: alarmAction})
			if err != nil {
				return nil, err
			}
			if cfg.Organization != nil {
				admitOrganization(tr, cfg.Organization)
			}
			continue
		}
		if region := sprops.Env; region != nil && region.Region != nil && !r.InRegion(*region.Region) {
			continue // every selected pool lies in another region
		}
		if err := addRoute(stack, r, codeDir, bus, alarmAction); err != nil { // rule and/or sync: sync.go
			return nil, err
		}
	}
	if cfg.Organization != nil {
		if err := addHub(stack, cfg, props.MemberTemplate); err != nil {
			return nil, err
		}
	}
	newOperations(stack, cfg) // the dashboard and saved queries: operations.go
	return stack, nil
}

// newTrail creates a single-region trail of management events and its
// bucket: encrypted, private, TLS only, versioned, expiring, validated.
func newTrail(stack awscdk.Stack, t config.Trail) {
	scope := constructs.NewConstruct(stack, jsii.String("Trail"))
	bucket := awss3.NewBucket(scope, jsii.String("Bucket"), &awss3.BucketProps{
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:        jsii.Bool(true),
		Versioned:         jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:                          jsii.String("ExpireTrailLogs"),
			Expiration:                  awscdk.Duration_Days(jsii.Number(t.BucketExpirationDays)),
			NoncurrentVersionExpiration: awscdk.Duration_Days(jsii.Number(1)),
		}},
	})
	cdknag.NagSuppressions_AddResourceSuppressions(bucket, &[]*cdknag.NagPackSuppression{{
		Id:     jsii.String("AwsSolutions-S1"),
		Reason: jsii.String("This bucket only receives CloudTrail log files, whose integrity log file validation proves; access logs of it would be a second log of a log, billed per request."),
	}}, jsii.Bool(false))

	// CloudTrail may write into the bucket only for trails of this account
	// and region: the construct's own bucket policy has no aws:SourceArn
	// for a trail that is not an organization's, so a deny adds it. The
	// trail's own ARN cannot be named (the trail depends on this policy,
	// and its name is not fixed), so the condition is the account's trails.
	trails := awscdk.Fn_Sub(jsii.String("arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/*"), nil)
	bucket.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("OnlyThisAccountsTrails"),
		Effect:     awsiam.Effect_DENY,
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudtrail.amazonaws.com"), nil)},
		Actions:    jsii.Strings("s3:GetBucketAcl", "s3:PutObject"),
		Resources:  &[]*string{bucket.BucketArn(), bucket.ArnForObjects(jsii.String("*"))},
		Conditions: &map[string]any{"ArnNotLike": map[string]any{"aws:SourceArn": trails}},
	}))
	// SSE-KMS for the log files (Security Hub CloudTrail.2): a key of the
	// stack, rotated, that CloudTrail may use only for this account's
	// trails; the account's principals read through IAM as usual.
	key := awskms.NewKey(scope, jsii.String("Key"), &awskms.KeyProps{
		Description:       jsii.String("cognito-events: encrypts the CloudTrail log files"),
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
	})
	trailARNs := awscdk.Fn_Sub(jsii.String("arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*"), nil)
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("CloudTrailEncryptsLogs"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudtrail.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:GenerateDataKey*"),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]any{
			"StringLike":   map[string]any{"kms:EncryptionContext:aws:cloudtrail:arn": trailARNs},
			"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()},
		},
	}), jsii.Bool(false))
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("CloudTrailDescribesKey"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudtrail.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:DescribeKey"),
		Resources:  jsii.Strings("*"),
	}), jsii.Bool(false))

	props := &awscloudtrail.TrailProps{
		Bucket:                     bucket,
		EncryptionKey:              key,
		EnableFileValidation:       jsii.Bool(true),
		IsMultiRegionTrail:         jsii.Bool(false),
		IncludeGlobalServiceEvents: jsii.Bool(false),
		SendToCloudWatchLogs:       jsii.Bool(t.CloudWatchLogs),
	}
	if t.CloudWatchLogs {
		props.CloudWatchLogsRetention = awslogs.RetentionDays_ONE_YEAR
	}
	trail := awscloudtrail.NewTrail(scope, jsii.String("Trail"), props)
	if len(t.ExcludeEventSources) > 0 {
		cfn := trail.Node().DefaultChild().(awscloudtrail.CfnTrail)
		cfn.AddPropertyOverride(jsii.String("AdvancedEventSelectors"), []any{map[string]any{
			"Name": "Management events, less the excluded sources",
			"FieldSelectors": []any{
				map[string]any{"Field": "eventCategory", "Equals": []string{"Management"}},
				map[string]any{"Field": "eventSource", "NotEquals": t.ExcludeEventSources},
			},
		}})
		cfn.AddPropertyDeletionOverride(jsii.String("EventSelectors"))
	}
}

// newAlarmTopic creates the SNS topic alarms notify, encrypted with a key
// CloudWatch may use, and subscribes email to it.
func newAlarmTopic(stack awscdk.Stack, email string) awscloudwatch.IAlarmAction {
	key := awskms.NewKey(stack, jsii.String("AlarmTopicKey"), &awskms.KeyProps{
		Description:       jsii.String("cognito-events: encrypts the alarm topic"),
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     awscdk.RemovalPolicy_DESTROY,
	})
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("CloudWatchAlarmsPublish"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey*"),
		Resources:  jsii.Strings("*"),
		// Only alarms of this account (confused deputy).
		Conditions: &map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()}},
	}), jsii.Bool(false))
	topic := awssns.NewTopic(stack, jsii.String("AlarmTopic"), &awssns.TopicProps{
		DisplayName: jsii.String("cognito-events alarms"),
		MasterKey:   key,
		EnforceSSL:  jsii.Bool(true),
	})
	topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(email), nil))
	return awscloudwatchactions.NewSnsAction(topic)
}
