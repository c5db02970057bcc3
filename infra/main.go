package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/cognito-events/cognito-events/internal/config"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "cognito-events:", err)
		closeJSII()
		os.Exit(1)
	}
	closeJSII()
}

// run reads the configuration from the app's context and adds one stack per
// region, checked by cdk-nag's AWS Solutions rules.
func run() error {
	app := awscdk.NewApp(nil)
	cfg, err := config.FromContext(app.Node().TryGetContext(jsii.String(config.ContextKey)))
	if err != nil {
		return err
	}
	if _, err := AddStacks(app, cfg, DefaultCodeDir, os.Getenv("CDK_DEFAULT_ACCOUNT")); err != nil {
		return err
	}
	app.Synth(nil)
	return nil
}

// AddStacks adds one stack per configured region to app, with cdk-nag's
// AWS Solutions checks on all of them. account may be empty. With an
// organization it adds the hub stack (in the hub's account) and, last,
// the member template's stack in the stage MemberStageID.
func AddStacks(app awscdk.App, cfg *config.Config, codeDir, account string) ([]awscdk.Stack, error) {
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	var member *Member
	var memberBody string
	if cfg.Organization != nil {
		// One hub stack, in the hub's account and region (config checks
		// that regions is exactly [hub.region]); the member template
		// comes first, since the hub's StackSet inlines it.
		account = cfg.Organization.Hub.Account
		var err error
		if member, memberBody, err = memberTemplate(app, cfg); err != nil {
			return nil, err
		}
	}
	stacks := make([]awscdk.Stack, 0, len(cfg.Regions)+1)
	for _, region := range cfg.Regions {
		stack, err := NewCognitoEventsStack(app, config.StackName(region), &StackProps{
			StackProps:     awscdk.StackProps{Env: Env(region, account)},
			Config:         cfg,
			CodeDir:        codeDir,
			MemberTemplate: memberBody,
		})
		if err != nil {
			return nil, err
		}
		stacks = append(stacks, stack)
	}
	if member != nil {
		stacks = append(stacks, member.Stack)
	}
	return stacks, nil
}

// Env pins a stack to region, and to account when it is known.
func Env(region, account string) *awscdk.Environment {
	env := &awscdk.Environment{Region: jsii.String(region)}
	if account != "" {
		env.Account = jsii.String(account)
	}
	return env
}
