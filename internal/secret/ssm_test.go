package secret

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"
)

func TestSSMGetParameter(t *testing.T) {
	for _, tc := range []struct {
		name, param     string
		status          int
		answer          string
		want, wantErr   string
		wantErrIsSSMErr bool
	}{
		{"SecureString", "/sink/key", 200, `{"Parameter":{"Name":"/sink/key","Type":"SecureString","Value":"{\"apiKey\":\"k\"}","Version":3}}`, `{"apiKey":"k"}`, "", false},
		{"by ARN", "arn:aws:ssm:eu-west-1:111122223333:parameter/sink/key", 200, `{"Parameter":{"Value":"v"}}`, "v", "", false},
		{"not found", "/nope", 400, `{"__type":"com.amazonaws.ssm#ParameterNotFound","message":"Parameter /nope not found."}`, "", "ParameterNotFound", true},
		{"access denied", "/sink/key", 400, `{"__type":"AccessDeniedException","message":"not authorized to perform: ssm:GetParameter"}`, "", "AccessDeniedException", true},
		{"garbage answer", "/sink/key", 200, `<html>`, "", "not the expected JSON", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var target, auth string
			var in struct {
				Name           string
				WithDecryption bool
			}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				target, auth = r.Header.Get("X-Amz-Target"), r.Header.Get("Authorization")
				b, _ := io.ReadAll(r.Body)
				json.Unmarshal(b, &in)
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.answer)
			}))
			defer srv.Close()
			s := &SSM{Endpoint: srv.URL, Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "tok")}
			got, err := s.GetParameter(context.Background(), tc.param)
			if target != "AmazonSSM.GetParameter" || in.Name != tc.param || !in.WithDecryption {
				t.Fatalf("request target %q body %+v", target, in)
			}
			if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDTEST/") || !strings.Contains(auth, "/eu-west-1/ssm/aws4_request") {
				t.Fatalf("request not signed for ssm in eu-west-1: %q", auth)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || errors.Is(err, ErrSSM) != tc.wantErrIsSSMErr {
					t.Fatalf("GetParameter = %q, %v; want error %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("GetParameter = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}
