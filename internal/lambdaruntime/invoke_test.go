package lambdaruntime

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// invokerFunc adapts a func to Invoker.
type invokerFunc func(ctx context.Context, payload []byte) ([]byte, error)

func (f invokerFunc) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	return f(ctx, payload)
}

func TestInvokeAPI(t *testing.T) {
	var background atomic.Int32
	echo := invokerFunc(func(_ context.Context, p []byte) ([]byte, error) { background.Add(1); return p, nil })
	api := NewInvokeAPI(map[string]Invoker{
		"echo": echo,
		"fails": invokerFunc(func(context.Context, []byte) ([]byte, error) {
			return nil, &FunctionError{RequestID: "r", Type: "Boom", Message: "it broke"}
		}),
		"slow": invokerFunc(func(context.Context, []byte) ([]byte, error) {
			return nil, fmt.Errorf("invocation r: %w after 1s", ErrTimeout)
		}),
		"closed": invokerFunc(func(context.Context, []byte) ([]byte, error) { return nil, ErrClosed }),
	})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		name, function, invocationType, body string
		status                               int
		functionError, errorType, wantBody   string
	}{
		{"response", "echo", "", `{"a":1}`, 200, "", "", `{"a":1}`},
		{"request-response named", "echo", "RequestResponse", `{"a":2}`, 200, "", "", `{"a":2}`},
		{"by ARN with qualifier", "arn:aws:lambda:local:123456789012:function:echo:$LATEST", "", `{}`, 200, "", "", `{}`},
		{"function error", "fails", "", `{}`, 200, "Unhandled", "", `"errorType":"Boom"`},
		{"timeout", "slow", "", `{}`, 200, "Unhandled", "", `Sandbox.Timedout`},
		{"runtime closed", "closed", "", `{}`, 502, "", "ServiceException", ``},
		{"unknown function", "nope", "", `{}`, 404, "", "ResourceNotFoundException", `Function not found`},
		{"not JSON", "echo", "", `{`, 400, "", "InvalidRequestContentException", ``},
		{"dry run", "echo", "DryRun", `{}`, 204, "", "", ``},
		{"event", "echo", "Event", `{}`, 202, "", "", ``},
		{"bad invocation type", "echo", "Later", `{}`, 400, "", "InvalidParameterValueException", ``},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, srv.URL+"/2015-03-31/functions/"+tc.function+"/invocations", strings.NewReader(tc.body))
			if err != nil {
				t.Fatalf("building request: %v", err)
			}
			if tc.invocationType != "" {
				req.Header.Set(HeaderInvocationType, tc.invocationType)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("invoking: %v", err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || resp.Header.Get(HeaderFunctionError) != tc.functionError || resp.Header.Get(HeaderErrorTypeAWS) != tc.errorType {
				t.Errorf("status %d, function error %q, error type %q; want %d %q %q (body %s)", resp.StatusCode, resp.Header.Get(HeaderFunctionError), resp.Header.Get(HeaderErrorTypeAWS), tc.status, tc.functionError, tc.errorType, body)
			}
			if !strings.Contains(string(body), tc.wantBody) {
				t.Errorf("body %s, want %s in it", body, tc.wantBody)
			}
		})
	}
	deadline := time.Now().Add(2 * time.Second)
	for background.Load() < 4 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := background.Load(); n != 4 {
		t.Errorf("echo ran %d times, want 4 (3 synchronous, 1 event)", n)
	}
}
