package status

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// TestTriggersOfEmptyAnswer: a DescribeUserPool answer without UserPool
// (an emulator, a proxy) is an error naming the pool, not a nil
// dereference.
func TestTriggersOfEmptyAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	api := cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: aws.AnonymousCredentials{}})
	_, err := triggersOf(context.Background(), api, "us-east-1_abc", "arn:aws:lambda:us-east-1:123456789012:function:t")
	if err == nil || !strings.Contains(err.Error(), "us-east-1_abc") {
		t.Fatalf("triggersOf = %v, want an error naming the pool", err)
	}
}
