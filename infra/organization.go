package main

import (
	"encoding/json"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudformation"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/cognito-events/cognito-events/internal/config"
)

// MemberStageID is the id of the stage that holds the member template's
// stack; `cdk synth` writes its template under cdk.out/assembly-<id>/.
const MemberStageID = "Member"

// newHubBus creates the hub's event bus, whose policy admits
// events:PutEvents from the organization's accounts (aws:PrincipalOrgID)
// when organizational units are configured, and from the listed member
// accounts, and from no one else.
func newHubBus(stack awscdk.Stack, org *config.Organization) awsevents.EventBus {
	bus := awsevents.NewEventBus(stack, jsii.String("HubBus"), &awsevents.EventBusProps{
		EventBusName: jsii.String(org.BusName()),
		Description:  jsii.String("cognito-events hub: CloudTrail's Cognito events forwarded by the member accounts' rules"),
	})
	if len(org.Members.OrganizationalUnits) > 0 {
		bus.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("OrganizationPutEvents"),
			Principals: &[]awsiam.IPrincipal{awsiam.NewOrganizationPrincipal(jsii.String(org.OrgID))},
			Actions:    jsii.Strings("events:PutEvents"),
			Resources:  &[]*string{bus.EventBusArn()},
		}))
	}
	if len(org.Members.Accounts) > 0 {
		principals := make([]awsiam.IPrincipal, len(org.Members.Accounts))
		for i, a := range org.Members.Accounts {
			principals[i] = awsiam.NewAccountPrincipal(jsii.String(a))
		}
		bus.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("MemberAccountsPutEvents"),
			Principals: &principals,
			Actions:    jsii.Strings("events:PutEvents"),
			Resources:  &[]*string{bus.EventBusArn()},
		}))
	}
	awscdk.NewCfnOutput(stack, jsii.String("HubBusArn"), &awscdk.CfnOutputProps{
		Value: bus.EventBusArn(), Description: jsii.String("the hub event bus the member accounts' rules forward to"),
	})
	return bus
}

// MemberProps configures the member template.
type MemberProps struct {
	awscdk.StackProps
	// Config is the parsed configuration, with an organization.
	Config *config.Config
}

// Member is the member template's stack: on each member account's
// default bus a rule forwarding the union of what the hub's routes select
// to the hub bus, with a role allowed only events:PutEvents on that bus;
// and, when some route has a user sync, a read-only role for it that only
// the hub's sync function roles may assume. No function, no asset.
type Member struct {
	awscdk.Stack
	Rule           awsevents.Rule
	ForwarderRole  awsiam.Role
	SyncReaderRole awsiam.Role // nil when no route has a sync
}

// NewMemberStack builds the member template. Its synthesizer needs no
// bootstrap (the StackSet deploys it to accounts that have none).
func NewMemberStack(scope constructs.Construct, id string, props *MemberProps) (*Member, error) {
	if props == nil || props.Config == nil || props.Config.Organization == nil {
		return nil, fmt.Errorf("building member template: no organization in MemberProps")
	}
	cfg, org := props.Config, props.Config.Organization
	rule, err := cfg.MemberRule()
	if err != nil {
		return nil, err
	}
	sprops := props.StackProps
	sprops.Synthesizer = awscdk.NewBootstraplessSynthesizer(&awscdk.BootstraplessSynthesizerProps{})
	if sprops.Description == nil {
		sprops.Description = jsii.String("cognito-events member: forwards this account's Cognito CloudTrail events to the hub bus " + org.BusName() + " in " + org.Hub.Account + "/" + org.Hub.Region)
	}
	stack := awscdk.NewStack(scope, jsii.String(id), &sprops)
	out := &Member{Stack: stack}

	busARN := resolve(org.BusARN())
	out.ForwarderRole = awsiam.NewRole(stack, jsii.String("ForwardRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("events.amazonaws.com"), nil),
		Description: jsii.String("cognito-events member: lets the rule put events on the hub bus, and nothing else"),
	})
	// The target grants the role events:PutEvents on the hub bus, and
	// nothing else is added to it.
	dlq := newQueue(stack, "DeadLetterQueue", nil)
	suppressDLQ(dlq, "It is the dead-letter queue of the rule's target: EventBridge puts here the events it could not deliver to the hub bus.")

	out.Rule = awsevents.NewRule(stack, jsii.String("ForwardToHub"), &awsevents.RuleProps{
		Description:  jsii.String(truncate("cognito-events member: the Cognito CloudTrail events some hub route selects, to the hub bus "+org.BusName(), 512)),
		EventPattern: &awsevents.EventPattern{Source: jsii.Strings("aws.cognito-idp")}, // replaced below, verbatim
	})
	var pattern map[string]any
	if err := json.Unmarshal(rule.Pattern, &pattern); err != nil {
		return nil, fmt.Errorf("member rule: %w", err)
	}
	cfn := out.Rule.Node().DefaultChild().(awsevents.CfnRule)
	cfn.AddPropertyOverride(jsii.String("EventPattern"), pattern)
	if rule.State != "ENABLED" {
		cfn.AddPropertyOverride(jsii.String("State"), jsii.String(rule.State))
	}
	out.Rule.AddTarget(awseventstargets.NewEventBus(awsevents.EventBus_FromEventBusArn(stack, jsii.String("HubBus"), busARN), &awseventstargets.EventBusProps{
		Role:            out.ForwarderRole,
		DeadLetterQueue: dlq,
	}))

	var syncRoles []awsiam.IPrincipal
	for i := range cfg.Routes {
		if cfg.Routes[i].Sync != nil {
			arn := awscdk.Fn_Sub(jsii.String("arn:${AWS::Partition}:iam::"+org.Hub.Account+":role/"+config.SyncRoleName(cfg.Routes[i].Name)), nil)
			syncRoles = append(syncRoles, awsiam.NewArnPrincipal(arn))
		}
	}
	if len(syncRoles) > 0 {
		out.SyncReaderRole = awsiam.NewRole(stack, jsii.String("SyncReaderRole"), &awsiam.RoleProps{
			RoleName:    awscdk.Fn_Sub(jsii.String(config.SyncReaderRolePrefix+"${AWS::Region}"), nil),
			AssumedBy:   awsiam.NewCompositePrincipal(syncRoles...),
			Description: jsii.String("cognito-events member: read-only access to this region's user pools for the hub's user sync"),
		})
		out.SyncReaderRole.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("SyncReadUsers"),
			Actions:   jsii.Strings(config.SyncCognitoActions...),
			Resources: &[]*string{awscdk.Fn_Sub(jsii.String("arn:${AWS::Partition}:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/*"), nil)},
		}))
		out.SyncReaderRole.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String(config.SidListUserPools),
			Actions:   jsii.Strings("cognito-idp:ListUserPools"),
			Resources: jsii.Strings("*"),
		}))
		cdknag.NagSuppressions_AddResourceSuppressions(out.SyncReaderRole, &[]*cdknag.NagPackSuppression{{
			Id:        jsii.String("AwsSolutions-IAM5"),
			Reason:    jsii.String("The hub's sync reads or discovers every pool of this account and region: cognito-idp:ListUserPools has no resource-level permissions, and the read actions are limited to user pool ARNs of this account and region."),
			AppliesTo: &[]any{"Resource::*", "Resource::arn:<AWS::Partition>:cognito-idp:<AWS::Region>:<AWS::AccountId>:userpool/*"},
		}}, jsii.Bool(true))
		awscdk.NewCfnOutput(stack, jsii.String("SyncReaderRoleArn"), &awscdk.CfnOutputProps{
			Value: out.SyncReaderRole.RoleArn(), Description: jsii.String("the role the hub's user sync assumes to read this region's pools"),
		})
	}
	awscdk.NewCfnOutput(stack, jsii.String("RuleArn"), &awscdk.CfnOutputProps{
		Value: out.Rule.RuleArn(), Description: jsii.String("the rule forwarding this account's Cognito events to the hub"),
	})
	return out, nil
}

// newMemberStackSet deploys the member template to every account of the
// organizational units and regions, and to accounts that join the units
// later (service-managed permissions, automatic deployment). dependsOn
// are the hub's resources the template names (the sync roles its reader
// role trusts).
func newMemberStackSet(stack awscdk.Stack, org *config.Organization, templateBody string, dependsOn []constructs.IConstruct) awscloudformation.CfnStackSet {
	set := awscloudformation.NewCfnStackSet(stack, jsii.String("MemberStackSet"), &awscloudformation.CfnStackSetProps{
		StackSetName:    jsii.String(config.MemberStackName),
		Description:     jsii.String("cognito-events member template: forwards each member account's Cognito CloudTrail events to the hub bus " + org.BusName()),
		PermissionModel: jsii.String("SERVICE_MANAGED"),
		AutoDeployment: &awscloudformation.CfnStackSet_AutoDeploymentProperty{
			Enabled:                      jsii.Bool(true),
			RetainStacksOnAccountRemoval: jsii.Bool(false),
		},
		Capabilities: jsii.Strings("CAPABILITY_NAMED_IAM"),
		// Generic values: jsii writes these two structs' keys in lower
		// case, which CloudFormation refuses.
		ManagedExecution:     map[string]any{"Active": true},
		OperationPreferences: map[string]any{"RegionConcurrencyType": "PARALLEL", "MaxConcurrentPercentage": 100},
		StackInstancesGroup: []any{&awscloudformation.CfnStackSet_StackInstancesProperty{
			DeploymentTargets: &awscloudformation.CfnStackSet_DeploymentTargetsProperty{
				OrganizationalUnitIds: jsii.Strings(org.Members.OrganizationalUnits...),
			},
			Regions: jsii.Strings(org.Members.Regions...),
		}},
		TemplateBody: jsii.String(templateBody),
	})
	for _, c := range dependsOn {
		set.Node().AddDependency(c)
	}
	awscdk.NewCfnOutput(stack, jsii.String("MemberStackSetId"), &awscdk.CfnOutputProps{
		Value: set.AttrStackSetId(), Description: jsii.String("the StackSet that deploys the member template to the organizational units"),
	})
	return set
}

// memberTemplate synthesizes the member template in a stage of its own
// under app (so `cdk synth` also writes it as a plain stack for accounts
// outside the units) and returns its JSON, the StackSet's TemplateBody.
func memberTemplate(app constructs.Construct, cfg *config.Config) (*Member, string, error) {
	stage := awscdk.NewStage(app, jsii.String(MemberStageID), nil)
	awscdk.Aspects_Of(stage).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	member, err := NewMemberStack(stage, config.MemberStackName, &MemberProps{Config: cfg})
	if err != nil {
		return nil, "", err
	}
	asm := stage.Synth(nil)
	tmpl := asm.GetStackArtifact(member.ArtifactId()).Template()
	body, err := json.Marshal(tmpl)
	if err != nil {
		return nil, "", fmt.Errorf("encoding the member template: %w", err)
	}
	return member, string(body), nil
}

// addHub adds what makes a region's stack the organization's hub beyond
// its bus (newHubBus) and its routes: fixed names for the sync functions'
// roles, which the member template's reader role trusts, and the StackSet
// when organizational units are configured.
func addHub(stack awscdk.Stack, cfg *config.Config, memberTemplate string) error {
	org := cfg.Organization
	var roles []constructs.IConstruct
	for i := range cfg.Routes {
		r := &cfg.Routes[i]
		if r.Sync == nil {
			continue
		}
		role, ok := findChild(stack, r.Name, "Sync", "Role").(awsiam.Role)
		if !ok {
			continue // the route's pools are all in other regions
		}
		role.Node().DefaultChild().(awsiam.CfnRole).AddPropertyOverride(jsii.String("RoleName"), config.SyncRoleName(r.Name))
		roles = append(roles, role)
	}
	if len(org.Members.OrganizationalUnits) == 0 {
		return nil
	}
	if memberTemplate == "" {
		return fmt.Errorf("building hub stack: no member template for the StackSet in StackProps")
	}
	newMemberStackSet(stack, org, memberTemplate, roles)
	return nil
}

// admitOrganization lets the organization's accounts send to a triggers
// route's queue, so that trigger functions in member accounts can use it
// as their sink (docs/organizations.md).
func admitOrganization(tr *TriggerRoute, org *config.Organization) {
	tr.Queue.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("OrganizationSendMessage"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewOrganizationPrincipal(jsii.String(org.OrgID))},
		Actions:    jsii.Strings("sqs:SendMessage"),
		Resources:  &[]*string{tr.Queue.QueueArn()},
	}))
	awscdk.NewCfnOutput(tr.Construct, jsii.String("TriggerQueueOrganization"), &awscdk.CfnOutputProps{
		Value:       jsii.String(org.OrgID),
		Description: jsii.String("the organization whose accounts may send to this trigger queue"),
	})
}

// findChild returns the construct at path below scope, or nil.
func findChild(scope constructs.IConstruct, path ...string) constructs.IConstruct {
	c := scope
	for _, p := range path {
		if c = c.Node().TryFindChild(jsii.String(p)); c == nil {
			return nil
		}
	}
	return c
}
