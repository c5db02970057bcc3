package main

import (
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
// deletion protection, the Essentials feature plan (which PreTokenGeneration
// version 2 needs), SES when configured, and a client without a secret that
// signs in with SRP and refresh tokens, with the OAuth code flow only when
// callback URLs are configured. The pool is retained when the stack is
// deleted: it holds users. Their logical ids are the configured pool name
// (and name+"Client"), not the route's, so renaming the route keeps them.
func newUserPool(scope constructs.Construct, t *config.Triggers) (awscognito.UserPool, awscognito.UserPoolClient) {
	p := t.UserPool
	pool := awscognito.NewUserPool(scope, jsii.String("UserPool"), &awscognito.UserPoolProps{
		SelfSignUpEnabled: jsii.Bool(p.SelfSignUp),
		AutoVerify:        &awscognito.AutoVerifiedAttrs{Email: jsii.Bool(p.AutoVerifyEmail)},
		SignInAliases:     &awscognito.SignInAliases{Username: jsii.Bool(true), Email: jsii.Bool(true)},
		PasswordPolicy: &awscognito.PasswordPolicy{
			MinLength:        jsii.Number(12),
			RequireLowercase: jsii.Bool(true),
			RequireUppercase: jsii.Bool(true),
			RequireDigits:    jsii.Bool(true),
			RequireSymbols:   jsii.Bool(true),
		},
		Mfa:                awscognito.Mfa_OPTIONAL,
		MfaSecondFactor:    &awscognito.MfaSecondFactor{Otp: jsii.Bool(true), Sms: jsii.Bool(false)},
		AccountRecovery:    awscognito.AccountRecovery_EMAIL_ONLY,
		FeaturePlan:        awscognito.FeaturePlan_ESSENTIALS,
		DeletionProtection: jsii.Bool(true),
		RemovalPolicy:      awscdk.RemovalPolicy_RETAIN,
	})
	cfn := pool.Node().DefaultChild().(awscognito.CfnUserPool)
	cfn.OverrideLogicalId(jsii.String(p.Name))
	if e := p.Email; e != nil {
		email := map[string]any{"EmailSendingAccount": "DEVELOPER", "From": e.From, "SourceArn": e.IdentityARN}
		if e.ReplyTo != "" {
			email["ReplyToEmailAddress"] = e.ReplyTo
		}
		cfn.AddPropertyOverride(jsii.String("EmailConfiguration"), email)
	}
	cdknag.NagSuppressions_AddResourceSuppressions(pool, &[]*cdknag.NagPackSuppression{
		{
			Id:     jsii.String("AwsSolutions-COG2"),
			Reason: jsii.String("MFA is optional (TOTP, no SMS cost): requiring it on a pool that public sign-up may open is the application's choice, not this template's."),
		},
		{
			Id:     jsii.String("AwsSolutions-COG8"),
			Reason: jsii.String("The Plus feature plan (threat protection) is billed per monthly active user at several times Essentials' price; the template keeps Essentials, the plan PreTokenGeneration version 2 needs."),
		},
	}, jsii.Bool(false))
	opts := &awscognito.UserPoolClientOptions{
		AuthFlows:                  &awscognito.AuthFlow{UserSrp: jsii.Bool(true)},
		GenerateSecret:             jsii.Bool(false),
		PreventUserExistenceErrors: jsii.Bool(true),
		EnableTokenRevocation:      jsii.Bool(true),
		DisableOAuth:               jsii.Bool(true),
	}
	if o := p.OAuth; o != nil {
		opts.DisableOAuth = jsii.Bool(false)
		opts.OAuth = &awscognito.OAuthSettings{
			Flows:        &awscognito.OAuthFlows{AuthorizationCodeGrant: jsii.Bool(true), ImplicitCodeGrant: jsii.Bool(false), ClientCredentials: jsii.Bool(false)},
			CallbackUrls: jsii.Strings(o.CallbackURLs...),
			Scopes:       &[]awscognito.OAuthScope{awscognito.OAuthScope_OPENID(), awscognito.OAuthScope_EMAIL(), awscognito.OAuthScope_PROFILE()},
		}
		if len(o.LogoutURLs) > 0 {
			opts.OAuth.LogoutUrls = jsii.Strings(o.LogoutURLs...)
		}
	}
	client := pool.AddClient(jsii.String("Client"), opts)
	client.Node().DefaultChild().(awscognito.CfnUserPoolClient).OverrideLogicalId(jsii.String(p.Name + "Client"))
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
