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
	defer jsii.Close()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "cognito-events:", err)
		jsii.Close()
		os.Exit(1)
	}
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
// AWS Solutions checks on all of them. account may be empty.
func AddStacks(app awscdk.App, cfg *config.Config, codeDir, account string) ([]awscdk.Stack, error) {
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	stacks := make([]awscdk.Stack, 0, len(cfg.Regions))
	for _, region := range cfg.Regions {
		stack, err := NewCognitoEventsStack(app, config.StackName(region), &StackProps{
			StackProps: awscdk.StackProps{Env: Env(region, account)},
			Config:     cfg,
			CodeDir:    codeDir,
		})
		if err != nil {
			return nil, err
		}
		stacks = append(stacks, stack)
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
