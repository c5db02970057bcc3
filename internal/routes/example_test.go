package routes_test

import (
	"fmt"
	"os"

	"github.com/cognito-events/cognito-events/internal/routes"
)

func ExampleRoute_Match() {
	cdk, err := os.ReadFile("testdata/cdk.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	rs, err := routes.FromConfig(cdk)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, event := range []string{
		`{"source": "aws.cognito-idp", "detail-type": "AWS API Call via CloudTrail", "detail": {"eventSource": "cognito-idp.amazonaws.com", "eventName": "UpdateUserPoolClient"}}`,
		`{"source": "aws.cognito-idp", "detail-type": "AWS API Call via CloudTrail", "detail": {"eventSource": "cognito-idp.amazonaws.com", "eventName": "UpdateUserPoolClient", "readOnly": true}}`,
	} {
		r := rs[0] // app-clients in us-east-1, state ENABLED
		res, err := r.Match([]byte(event))
		if err != nil {
			fmt.Println(err)
			continue
		}
		if res.Matched {
			fmt.Printf("%s (%s): MATCH\n", r.Name, r.Region)
		} else {
			fmt.Printf("%s (%s): no match: %s\n", r.Name, r.Region, res.Reason)
		}
	}
	// Output:
	// app-clients (us-east-1): MATCH
	// app-clients (us-east-1): no match: detail.readOnly: true, and a rule in state ENABLED receives no read-only CloudTrail management events (state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS does)
}
