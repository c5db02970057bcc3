package events_test

import (
	"errors"
	"fmt"

	"github.com/cognito-events/cognito-events/events"
)

// Select mixes preset names and operation names; the result is deduplicated
// and sorted by name.
func ExampleSelect() {
	ops, err := events.Select("domains", "AdminCreateUser", "CreateUserPoolDomain")
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	for _, op := range ops {
		fmt.Printf("%s %s read-only=%v\n", op.Name, op.Resource, op.ReadOnly)
	}
	// Output:
	// AdminCreateUser user read-only=false
	// CreateUserPoolDomain domain read-only=false
	// DeleteUserPoolDomain domain read-only=false
	// DescribeUserPoolDomain domain read-only=true
	// UpdateUserPoolDomain domain read-only=false
}

// An unknown name is an error that wraps ErrUnknownOperation and suggests the
// nearest known names.
func ExampleSelect_unknown() {
	_, err := events.Select("UpdateUserPoolClinet")
	fmt.Println(errors.Is(err, events.ErrUnknownOperation))
	fmt.Println(err)
	// Output:
	// true
	// unknown operation or preset "UpdateUserPoolClinet": did you mean UpdateUserPoolClient, CreateUserPoolClient, DeleteUserPoolClient?
}

func ExamplePreset() {
	ops, ok := events.Preset("resource-servers")
	fmt.Println(ok, len(ops))
	for _, op := range ops {
		fmt.Println(op.Name, op.ReadOnly)
	}
	// Output:
	// true 5
	// CreateResourceServer false
	// DeleteResourceServer false
	// DescribeResourceServer true
	// ListResourceServers true
	// UpdateResourceServer false
}

func ExampleLookupOperation() {
	op, ok := events.LookupOperation("Token_POST")
	fmt.Println(ok, op.Resource, op.Category, op.HostedUI)
	fmt.Println(op.DetailType())
	_, ok = events.LookupOperation("token_post")
	fmt.Println(ok)
	// Output:
	// true client hosted-ui true
	// AWS Service Event via CloudTrail
	// false
}
