package main

import (
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/cognito-events/cognito-events/internal/config"
)

// preTokenGenerationV2 is the LambdaVersion of a version-2 pre token
// generation trigger (access and ID token customisation).
const preTokenGenerationV2 = "V2_0"

// newUserPool creates a triggers route's user pool and its app client: the
// sign-up and e-mail verification switches of the configuration, a strong
// password policy, optional TOTP MFA (free), e-mail-only account recovery,
// and a client without a secret that signs in with SRP. The pool is
// retained when the stack is deleted: it holds users. The Essentials
// feature plan is chosen only when PreTokenGeneration is wired, which as
// version 2 needs it; otherwise Lite, the cheapest.
func newUserPool(scope constructs.Construct, t *config.Triggers) (awscognito.UserPool, awscognito.UserPoolClient) {
	plan := awscognito.FeaturePlan_LITE
	if slices.Contains(t.Events, config.TriggerPreTokenGeneration) {
		plan = awscognito.FeaturePlan_ESSENTIALS
	}
	pool := awscognito.NewUserPool(scope, jsii.String("UserPool"), &awscognito.UserPoolProps{
		SelfSignUpEnabled: jsii.Bool(t.UserPool.SelfSignUp),
		AutoVerify:        &awscognito.AutoVerifiedAttrs{Email: jsii.Bool(t.UserPool.AutoVerifyEmail)},
		SignInAliases:     &awscognito.SignInAliases{Username: jsii.Bool(true), Email: jsii.Bool(true)},
		PasswordPolicy: &awscognito.PasswordPolicy{
			MinLength:        jsii.Number(12),
			RequireLowercase: jsii.Bool(true),
			RequireUppercase: jsii.Bool(true),
			RequireDigits:    jsii.Bool(true),
			RequireSymbols:   jsii.Bool(true),
		},
		Mfa:             awscognito.Mfa_OPTIONAL,
		MfaSecondFactor: &awscognito.MfaSecondFactor{Otp: jsii.Bool(true), Sms: jsii.Bool(false)},
		AccountRecovery: awscognito.AccountRecovery_EMAIL_ONLY,
		FeaturePlan:     plan,
		RemovalPolicy:   awscdk.RemovalPolicy_RETAIN,
	})
	cdknag.NagSuppressions_AddResourceSuppressions(pool, &[]*cdknag.NagPackSuppression{
		{
			Id:     jsii.String("AwsSolutions-COG2"),
			Reason: jsii.String("MFA is optional (TOTP, no SMS cost): requiring it on a pool that public sign-up may open is the application's choice, not this template's."),
		},
		{
			Id:     jsii.String("AwsSolutions-COG8"),
			Reason: jsii.String("The Plus feature plan (threat protection) is billed per monthly active user at several times Lite's price; the template keeps the cheapest plan that runs the chosen triggers (Essentials for PreTokenGeneration version 2, else Lite)."),
		},
	}, jsii.Bool(false))
	client := pool.AddClient(jsii.String("Client"), &awscognito.UserPoolClientOptions{
		AuthFlows:                  &awscognito.AuthFlow{UserSrp: jsii.Bool(true)},
		GenerateSecret:             jsii.Bool(false),
		PreventUserExistenceErrors: jsii.Bool(true),
		EnableTokenRevocation:      jsii.Bool(true),
	})
	return pool, client
}

// lambdaConfig is the pool's LambdaConfig for the chosen triggers, every
// one answered by fn: PreTokenGeneration as version 2 through
// PreTokenGenerationConfig, the others by their LambdaConfig key.
func lambdaConfig(events []config.Trigger, fn awslambda.IFunction) map[string]any {
	m := map[string]any{}
	for _, e := range events {
		if e == config.TriggerPreTokenGeneration {
			m["PreTokenGenerationConfig"] = map[string]any{"LambdaArn": fn.FunctionArn(), "LambdaVersion": preTokenGenerationV2}
			continue
		}
		m[string(e)] = fn.FunctionArn()
	}
	return m
}

// wireTriggers writes the LambdaConfig into the created pool's template.
func wireTriggers(pool awscognito.UserPool, events []config.Trigger, fn awslambda.IFunction) {
	cfn := pool.Node().DefaultChild().(awscognito.CfnUserPool)
	cfn.AddPropertyOverride(jsii.String("LambdaConfig"), lambdaConfig(events, fn))
}
