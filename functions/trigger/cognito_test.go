package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/cesink"
	"github.com/cognito-events/cognito-events/internal/emulator/cognitolocal"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime/lambdatest"
)

// cognitoLocalTriggers are the triggers cognito-local calls; they all
// invoke the one function, as the deployed wiring attaches it.
var cognitoLocalTriggers = []string{"PreSignUp", "PostConfirmation", "PostAuthentication", "PreTokenGeneration", "CustomMessage", "UserMigration"}

// TestCognitoLocalFlows drives real user-pool flows on cognito-local,
// which calls the real bootstrap through the Invoke API for each trigger;
// the bootstrap sends to a real CloudEvents receiver. Every flow must
// succeed and every trigger call become one event.
func TestCognitoLocalFlows(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the bootstrap and runs cognito-local")
	}
	if _, _, err := cognitolocal.Script(t); err != nil {
		cognitolocal.Start(t, cognitolocal.Options{}) // skips, or fails under CI=true
	}
	receiver := cesink.New(cesink.Options{})
	sinkSrv := httptest.NewServer(receiver)
	t.Cleanup(sinkSrv.Close)
	var stderr lambdatest.Output
	fn := startTrigger(t, "arn:aws:lambda:local:123456789012:function:trigger", &stderr,
		"SINK_KIND=http", "SINK_URL="+sinkSrv.URL, "SINK_ALLOW_INSECURE=true")
	front, err := lambdaruntime.StartInvokeAPI(map[string]lambdaruntime.Invoker{"trigger": fn})
	if err != nil {
		t.Fatalf("starting the invoke API: %v", err)
	}
	t.Cleanup(func() { front.Close() })
	triggers := map[string]string{}
	for _, tr := range cognitoLocalTriggers {
		triggers[tr] = "trigger"
	}
	var emuOut lambdatest.Output
	emu := cognitolocal.Start(t, cognitolocal.Options{LambdaEndpoint: front.URL(), TriggerFunctions: triggers, Output: &emuOut})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("cognito-local output:\n%s\nfunction log:\n%s", emuOut.String(), stderr.String())
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := emu.Client()

	pool, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("trigger-test"),
		AutoVerifiedAttributes: []ciptypes.VerifiedAttributeType{ciptypes.VerifiedAttributeTypeEmail}})
	if err != nil {
		t.Fatalf("creating the pool: %v", err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	client, err := c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("app")})
	if err != nil {
		t.Fatalf("creating the client: %v", err)
	}
	clientID := client.UserPoolClient.ClientId
	const password = "Correct-Horse-9-canary"

	flows := []struct {
		name string
		run  func() error
		want []string // trigger sources of the events it makes
	}{
		{"SignUp", func() error {
			_, err := c.SignUp(ctx, &cip.SignUpInput{ClientId: clientID, Username: aws.String("alice"), Password: aws.String(password),
				UserAttributes: []ciptypes.AttributeType{{Name: aws.String("email"), Value: aws.String("alice@example.com")}},
				ClientMetadata: map[string]string{"locale": "en", "invite": "SECRET-invite-canary"}})
			return err
		}, []string{"PreSignUp_SignUp", "CustomMessage_SignUp"}},
		{"ConfirmSignUp", func() error {
			_, err := c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: clientID, Username: aws.String("alice"), ConfirmationCode: aws.String(cognitolocal.Code)})
			return err
		}, []string{"PostConfirmation_ConfirmSignUp"}},
		{"InitiateAuth USER_PASSWORD_AUTH", func() error {
			out, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: clientID, AuthFlow: ciptypes.AuthFlowTypeUserPasswordAuth,
				AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": password}})
			if err == nil && (out.AuthenticationResult == nil || aws.ToString(out.AuthenticationResult.IdToken) == "") {
				err = errors.New("no tokens")
			}
			return err
		}, []string{"PostAuthentication_Authentication", "TokenGeneration_Authentication"}},
		{"AdminCreateUser", func() error {
			_, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("bob"),
				TemporaryPassword:      aws.String(password),
				DesiredDeliveryMediums: []ciptypes.DeliveryMediumType{ciptypes.DeliveryMediumTypeEmail},
				UserAttributes:         []ciptypes.AttributeType{{Name: aws.String("email"), Value: aws.String("bob@example.com")}}})
			return err
		}, []string{"CustomMessage_AdminCreateUser"}},
		{"ForgotPassword", func() error {
			_, err := c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: clientID, Username: aws.String("alice")})
			return err
		}, []string{"CustomMessage_ForgotPassword"}},
	}
	for _, fl := range flows {
		t.Run(fl.name, func(t *testing.T) {
			before := receiver.Count()
			if err := fl.run(); err != nil {
				t.Fatalf("%s failed: %v", fl.name, err)
			}
			got := names(receiver.Events()[before:])
			for _, w := range fl.want {
				if !slices.Contains(got, w) {
					t.Errorf("events %v lack %s", got, w)
				}
			}
		})
	}

	for _, rc := range receiver.Events() {
		ev, err := events.ParseStructured(mustJSON(t, rc.Event))
		if err != nil {
			t.Errorf("received event %s is not of the contract: %v", rc.Event.ID(), err)
			continue
		}
		if !strings.HasPrefix(ev.Source, "arn:aws:cognito-idp:local:123456789012:userpool/"+poolID) || ev.UserPoolID != poolID {
			t.Errorf("event %s source %s, pool %s", ev.ID, ev.Source, ev.UserPoolID)
		}
		if strings.Contains(string(ev.Data), "canary") {
			t.Errorf("a secret reached event %s: %s", ev.ID, ev.Data)
		}
	}
	if strings.Contains(stderr.String(), "canary") {
		t.Errorf("a secret reached the function's log:\n%s", stderr.String())
	}
}

func names(rs []cesink.Received) []string {
	var out []string
	for _, r := range rs {
		if v, ok := r.Event.Extensions()[events.ExtEventName].(string); ok {
			out = append(out, v)
		}
	}
	return out
}

func mustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("encoding: %v", err)
	}
	return b
}
