package events_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/cognito-events/cognito-events/events"
)

func ExampleNormalize() {
	record := []byte(`{
	  "version": "0", "id": "6f1c5c1e-0000-4000-8000-000000000001",
	  "detail-type": "AWS API Call via CloudTrail", "source": "aws.cognito-idp",
	  "account": "111122223333", "time": "2025-03-14T09:26:53Z", "region": "eu-west-1", "resources": [],
	  "detail": {
	    "eventVersion": "1.09", "eventTime": "2025-03-14T09:26:53Z",
	    "eventSource": "cognito-idp.amazonaws.com", "eventName": "UpdateUserPoolClient",
	    "awsRegion": "eu-west-1", "recipientAccountId": "111122223333",
	    "eventID": "0e5b7d0c-1111-4222-8333-444455556666",
	    "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/alice"},
	    "requestParameters": {"userPoolId": "eu-west-1_AbCdEfGhI", "clientId": "5example", "clientSecret": "not-for-your-eyes"}
	  }
	}`)
	ev, err := events.Normalize(record)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ev.ID)
	fmt.Println(ev.Source)
	fmt.Println(ev.Subject)
	for _, a := range ev.Attributes()[8:] {
		fmt.Printf("%s=%s\n", a.Name, a.Value)
	}
	// Output:
	// 0e5b7d0c-1111-4222-8333-444455556666
	// arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_AbCdEfGhI
	// client/5example
	// eventname=UpdateUserPoolClient
	// userpoolid=eu-west-1_AbCdEfGhI
	// awsregion=eu-west-1
	// awsaccountid=111122223333
	// resourcetype=client
}

// Records of other services are skipped: the caller drops them without
// retrying.
func ExampleIsSkip() {
	_, err := events.Normalize([]byte(`{"eventSource":"cognito-identity.amazonaws.com","eventName":"GetId","eventID":"x","eventTime":"2025-01-01T00:00:00Z"}`))
	fmt.Println(events.IsSkip(err), errors.Is(err, events.ErrSkip))
	// Output: true true
}

// A Normalizer with a resolver finds the pool of records that name only an
// app client.
func ExampleNormalizer() {
	n := events.Normalizer{Resolver: events.StaticPoolResolver{"3n4b5urk1ft4": "us-east-1_Xk3mQ9pLw"}}
	ev, err := n.Normalize(context.Background(), []byte(`{"eventSource":"cognito-idp.amazonaws.com","eventName":"InitiateAuth","eventID":"x","eventTime":"2025-01-01T00:00:00Z","awsRegion":"us-east-1","recipientAccountId":"111122223333","requestParameters":{"clientId":"3n4b5urk1ft4","authParameters":"HIDDEN_DUE_TO_SECURITY_REASONS"}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ev.Source)
	// Output: arn:aws:cognito-idp:us-east-1:111122223333:userpool/us-east-1_Xk3mQ9pLw
}
