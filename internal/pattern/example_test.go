package pattern_test

import (
	"fmt"

	"github.com/cognito-events/cognito-events/internal/pattern"
)

func ExamplePattern_Match() {
	p, err := pattern.Compile([]byte(`{
	  "source": ["aws.cognito-idp"],
	  "detail": {
	    "eventName": ["CreateUserPoolClient", "DeleteUserPoolClient"],
	    "$or": [{"errorCode": [{"exists": false}]}, {"errorCode": [""]}]
	  }
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, event := range []string{
		`{"source": "aws.cognito-idp", "detail": {"eventName": "CreateUserPoolClient"}}`,
		`{"source": "aws.cognito-idp", "detail": {"eventName": "AdminGetUser"}}`,
		`{"source": "aws.cognito-idp", "detail": {"eventName": "DeleteUserPoolClient", "errorCode": "AccessDenied"}}`,
	} {
		res, err := p.Match([]byte(event))
		if err != nil {
			fmt.Println(err)
			continue
		}
		if res.Matched {
			fmt.Println("MATCH")
		} else {
			fmt.Println("no match:", res.Reason)
		}
	}
	// Output:
	// MATCH
	// no match: detail.eventName: "AdminGetUser" is not one of [CreateUserPoolClient, DeleteUserPoolClient]
	// no match: detail.errorCode: want absent or "", found "AccessDenied"
}
