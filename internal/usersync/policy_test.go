package usersync

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognito-events/cognito-events/events"
)

// TestSyncMotoPolicyChange: a new attribute policy changes the form of
// every record; they are recorded without events and counted, except a
// user that also changed otherwise; the next pass sends nothing; with
// ResendOnPolicyChange, a policy change sends each as UserUpdated.
func TestSyncMotoPolicyChange(t *testing.T) {
	client, pool := motoPool(t, 12)
	state := filepath.Join(t.TempDir(), "state.db")
	rec := &recorder{}
	withPolicy := func(p events.AttributePolicy, resend bool) func(*Engine) {
		return func(e *Engine) { e.Policy, e.ResendOnPolicyChange = p, resend }
	}
	all, noPhone := events.AttributePolicy{}, events.AttributePolicy{Deny: []string{"phone_number"}}
	if _, err := syncOnce(t, client, state, pool, rec, withPolicy(all, false)); err != nil || len(rec.take()) != 12 {
		t.Fatalf("first pass: %v", err)
	}
	motoCall(t, "updating", func(ctx context.Context) error {
		_, err := client.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(pool), Username: aws.String("user003"),
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("changed@example.com")}}})
		return err
	})
	s, err := syncOnce(t, client, state, pool, rec, withPolicy(noPhone, false))
	got := rec.take()
	if err != nil || s.PolicyChanged != 11 || len(got) != 1 || got[0].EventName != "UserUpdated" {
		t.Fatalf("pass under a new policy: %v, %d policy changes, err %v; want 11 recorded silently and user003's UserUpdated", byKind(got), s.PolicyChanged, err)
	}
	s, err = syncOnce(t, client, state, pool, rec, withPolicy(noPhone, false))
	if got := rec.take(); err != nil || len(got) != 0 || s.PolicyChanged != 0 {
		t.Fatalf("next pass: %v, %d policy changes, err %v; want nothing", byKind(got), s.PolicyChanged, err)
	}
	s, err = syncOnce(t, client, state, pool, rec, withPolicy(all, true))
	got = rec.take()
	if err != nil || len(got) != 12 || fmt.Sprint(byKind(got)) != "map[UserUpdated:12]" || s.PolicyChanged != 0 {
		t.Fatalf("policy change with resend: %v, err %v; want 12 UserUpdated", byKind(got), err)
	}
}
