package fakecognito

import (
	"bytes"
	"io"
	"net/http"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// HTTPClient is the HTTP client for an SDK client of the fake: the SDK's
// own, with each request's body read into memory before it is sent.
//
// Why: the SDK hands net/http a body it does not know the length of in
// memory, so the transport flushes the headers first, then copies the
// body straight to the socket and reads it once more for its end. On
// loopback the fake can answer within that window; the SDK, holding the
// answer, closes the request body, the transport's last read of it fails,
// and the transport closes the connection while the answer is being read:
// "deserialization failed, read tcp …: use of closed network connection"
// (aws/aws-sdk-go-v2#2737). Measured with the fake's tests built once
// (go test -c -o /tmp/fc.test ./internal/emulator/fakecognito/) and
// /tmp/fc.test -test.run TestListUsersPages -test.count 2000: without this
// client 9 runs of 1,000 failed so (the calls answering 60 users, never the
// short last page), with it none of 2,000. A
// body in memory (a *bytes.Reader) is written with the headers in one
// flush, before the request is on the wire, so the window is gone. The
// SDK's default retryer retries the error; the fake's tests turn retries
// off to count requests, and the sync retries it itself (usersync).
func HTTPClient() interface {
	Do(*http.Request) (*http.Response, error)
} {
	return bufferedBody{next: awshttp.NewBuildableClient()}
}

type bufferedBody struct {
	next *awshttp.BuildableClient
}

func (b bufferedBody) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		data, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(data))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
		r.ContentLength = int64(len(data))
	}
	return b.next.Do(r)
}
