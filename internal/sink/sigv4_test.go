package sink

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// verifySigV4 recomputes the AWS Signature Version 4 of r from scratch
// (canonical request, string to sign, signing key) and compares it with the
// Authorization header. It returns the service and region of the scope.
func verifySigV4(r *http.Request, body []byte, accessKey, secretKey string) (service, region string, err error) {
	auth := r.Header.Get("Authorization")
	const algo = "AWS4-HMAC-SHA256 "
	if !strings.HasPrefix(auth, algo) {
		return "", "", fmt.Errorf("authorization %q is not SigV4", auth)
	}
	fields := map[string]string{}
	for _, part := range strings.Split(strings.TrimPrefix(auth, algo), ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		fields[k] = v
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 || scope[0] != accessKey || scope[4] != "aws4_request" {
		return "", "", fmt.Errorf("credential %q", fields["Credential"])
	}
	date, region, service := scope[1], scope[2], scope[3]
	amzDate := r.Header.Get("X-Amz-Date")
	if !strings.HasPrefix(amzDate, date) {
		return "", "", fmt.Errorf("x-amz-date %q outside scope date %s", amzDate, date)
	}
	sum := sha256.Sum256(body)
	payloadHash := hex.EncodeToString(sum[:])
	if got := r.Header.Get("X-Amz-Content-Sha256"); got != payloadHash {
		return "", "", fmt.Errorf("x-amz-content-sha256 %q, body hashes to %q", got, payloadHash)
	}
	signed := strings.Split(fields["SignedHeaders"], ";")
	if !sort.StringsAreSorted(signed) {
		return "", "", fmt.Errorf("signed headers not sorted: %v", signed)
	}
	var canonHeaders strings.Builder
	for _, h := range signed {
		var v string
		switch h {
		case "host":
			v = r.Host
		case "content-length":
			v = fmt.Sprint(r.ContentLength)
		default:
			v = strings.Join(r.Header.Values(h), ",")
		}
		fmt.Fprintf(&canonHeaders, "%s:%s\n", h, strings.TrimSpace(v))
	}
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	canonical := strings.Join([]string{r.Method, path, r.URL.Query().Encode(), canonHeaders.String(), fields["SignedHeaders"], payloadHash}, "\n")
	ch := sha256.Sum256([]byte(canonical))
	stringToSign := strings.Join([]string{"AWS4-HMAC-SHA256", amzDate, strings.Join(scope[1:], "/"), hex.EncodeToString(ch[:])}, "\n")
	mac := func(key []byte, s string) []byte {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(s))
		return m.Sum(nil)
	}
	key := mac(mac(mac(mac([]byte("AWS4"+secretKey), date), region), service), "aws4_request")
	want := hex.EncodeToString(mac(key, stringToSign))
	if fields["Signature"] != want {
		return "", "", fmt.Errorf("signature %s, recomputed %s", fields["Signature"], want)
	}
	return service, region, nil
}

func TestSigV4(t *testing.T) {
	ev := testEvent(t, "update-client.json")
	const accessKey, secretKey, token = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "session-token"
	for _, tc := range []struct {
		name, service, region string
		mode                  Mode
		path                  string
	}{
		{"API Gateway, binary", "execute-api", "eu-west-1", Binary, "/prod/events"},
		{"function URL, structured", "lambda", "us-east-1", Structured, "/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var verr error
			var gotService, gotRegion string
			r := newReceiver(t, func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
					body, _ := io.ReadAll(req.Body)
					gotService, gotRegion, verr = verifySigV4(req, body, accessKey, secretKey)
					if verr != nil || req.Header.Get("X-Amz-Security-Token") != token {
						w.WriteHeader(http.StatusForbidden)
						return
					}
					req.Body = io.NopCloser(strings.NewReader(string(body)))
					next.ServeHTTP(w, req)
				})
			})
			auth := &SigV4{
				Credentials: credentials.NewStaticCredentialsProvider(accessKey, secretKey, token),
				Service:     tc.service, Region: tc.region,
			}
			s := &HTTP{URL: r.srv.URL + tc.path, Mode: tc.mode, Client: r.srv.Client(), Auth: auth}
			if err := s.Send(context.Background(), ev); err != nil {
				t.Fatalf("Send: %v (verification: %v)", err, verr)
			}
			if gotService != tc.service || gotRegion != tc.region {
				t.Fatalf("signed for %s/%s, want %s/%s", gotService, gotRegion, tc.service, tc.region)
			}
			if len(r.events()) != 1 {
				t.Fatalf("receiver got %d events", len(r.events()))
			}
		})
	}

	t.Run("a wrong secret key fails verification", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPost, "http://example.com/x", strings.NewReader("{}"))
		auth := &SigV4{Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(accessKey, "other", "")), Service: "execute-api", Region: "eu-west-1"}
		if err := auth.Authorize(context.Background(), req, []byte("{}")); err != nil {
			t.Fatalf("Authorize: %v", err)
		}
		if _, _, err := verifySigV4(req, []byte("{}"), accessKey, secretKey); err == nil {
			t.Fatal("verification accepted a signature made with another key")
		}
	})
}
