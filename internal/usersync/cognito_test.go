package usersync

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// TestTransient classifies the failures the sync retries.
func TestTransient(t *testing.T) {
	answer := func(status int, err error) error {
		return &smithy.OperationError{ServiceID: "Cognito Identity Provider", OperationName: "ListUsers", Err: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err}}
	}
	api := func(status int, code string) error {
		return answer(status, &smithy.GenericAPIError{Code: code, Message: "m"})
	}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"TooManyRequestsException 400", api(400, codeTooManyRequests), true},
		{"ThrottlingException 400", api(400, codeThrottling), true},
		{"InternalErrorException 500", api(500, codeInternal), true},
		{"bare 429", answer(429, fmt.Errorf("http 429")), true},
		{"bare 503", answer(503, fmt.Errorf("http 503")), true},
		{"body cut: closed connection", answer(200, &smithy.DeserializationError{Err: fmt.Errorf("reading: %w", net.ErrClosed)}), true},
		{"body cut: unexpected EOF", answer(200, &smithy.DeserializationError{Err: io.ErrUnexpectedEOF}), true},
		{"connection reset", &smithy.OperationError{Err: fmt.Errorf("send: %w", syscall.ECONNRESET)}, true},
		{"no answer", &smithy.OperationError{Err: fmt.Errorf("dial: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED})}, true},
		{"UserNotFoundException", api(400, codeUserNotFound), false},
		{"InvalidParameterException", api(400, codeInvalidParam), false},
		{"bad body of a 200", answer(200, &smithy.DeserializationError{Err: fmt.Errorf("invalid character")}), false},
		{"canceled", fmt.Errorf("waiting: %w", context.Canceled), false},
		{"deadline", answer(200, &smithy.DeserializationError{Err: context.DeadlineExceeded}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := transient(tt.err); got != tt.want {
				t.Fatalf("transient(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
