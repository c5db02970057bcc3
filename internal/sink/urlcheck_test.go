package sink

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

const queryKey = "k3y-canary-4242"

// TestSinkURLSecretsOutOfConfiguration: a URL whose query carries a key is
// refused in cdk.json and in SINK_URL, and no message shows the key; such a
// URL comes from sink.urlSecret (SINK_URL_SECRET), read at cold start; the
// OAuth 2.0 token URL is https even with SINK_ALLOW_INSECURE (issue #19 §4).
func TestSinkURLSecretsOutOfConfiguration(t *testing.T) {
	decl := func(k HTTPKeys) *Declaration { return &Declaration{Kind: KindHTTP, HTTPKeys: k} }
	declTests := []struct {
		name    string
		d       *Declaration
		wantErr string
	}{
		{"query key refused", decl(HTTPKeys{URL: "https://hooks.example.com/in?code=" + queryKey}), `query parameter "code"`},
		{"api_key refused", decl(HTTPKeys{URL: "https://hooks.example.com/in?tenant=a&api_key=" + queryKey}), "sink.urlSecret"},
		{"signature refused", decl(HTTPKeys{URL: "https://x.blob.example.net/c?sv=1&sig=" + queryKey}), `"sig"`},
		{"plain query passes", decl(HTTPKeys{URL: "https://hooks.example.com/in?tenant=a"}), ""},
		{"http message hides the query", decl(HTTPKeys{URL: "http://hooks.example.com/in?tenant=" + queryKey}), "http://hooks.example.com/in is not HTTPS"},
		{"url secret", decl(HTTPKeys{URLSecret: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:sink-url-AbCdEf"}), ""},
		{"url secret parameter", decl(HTTPKeys{URLSecret: "/cognito-events/sink-url"}), ""},
		{"url and url secret", decl(HTTPKeys{URL: "https://hooks.example.com/", URLSecret: "/p"}), "give one"},
		{"url secret not a reference", decl(HTTPKeys{URLSecret: "https://hooks.example.com/?key=" + queryKey}), "sink.urlSecret: want"},
	}
	for _, tc := range declTests {
		t.Run("cdk/"+tc.name, func(t *testing.T) {
			tc.d.ApplyDefaults()
			err := tc.d.Validate()
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Validate = %v, want %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), queryKey) {
				t.Fatalf("the error shows the key: %v", err)
			}
		})
	}
	t.Run("cdk/url secret is readable", func(t *testing.T) {
		d := decl(HTTPKeys{URLSecret: "/cognito-events/sink-url"})
		d.ApplyDefaults()
		var env = map[string]string{}
		d.Environment(func(k, v string) {
			if v != "" {
				env[k] = v
			}
		})
		if env[EnvURLSecret] != "/cognito-events/sink-url" || env[EnvURL] != "" {
			t.Errorf("environment %v", env)
		}
		var read bool
		for _, st := range d.Statements() {
			read = read || st.Sid == "ReadSinkURLSecret" && st.Actions[0] == "ssm:GetParameter" && strings.HasSuffix(st.Resources[0], ":parameter/cognito-events/sink-url")
		}
		if !read {
			t.Errorf("no statement reads the URL secret: %+v", d.Statements())
		}
	})

	envTests := []struct {
		name    string
		env     map[string]string
		wantErr string // a variable the error names
	}{
		{"SINK_URL with a key", map[string]string{EnvURL: "https://hooks.example.com/in?apikey=" + queryKey}, EnvURLSecret},
		{"SINK_URL_SECRET", map[string]string{EnvURLSecret: "/cognito-events/sink-url"}, ""},
		{"both", map[string]string{EnvURL: "https://hooks.example.com/", EnvURLSecret: "/p"}, EnvURLSecret},
		{"oauth2 token URL over http with SINK_ALLOW_INSECURE", map[string]string{EnvURL: "http://127.0.0.1:9/", EnvAllowInsecure: "true",
			EnvAuth: "oauth2", EnvAuthSecret: "/k", EnvOAuth2TokenURL: "http://127.0.0.1:9/token"}, EnvOAuth2TokenURL},
		{"oauth2 token URL https", map[string]string{EnvURL: "http://127.0.0.1:9/", EnvAllowInsecure: "true",
			EnvAuth: "oauth2", EnvAuthSecret: "/k", EnvOAuth2TokenURL: "https://idp.example.com/token"}, ""},
	}
	for _, tc := range envTests {
		t.Run("env/"+tc.name, func(t *testing.T) {
			tc.env[EnvKind] = string(KindHTTP)
			e := NewEnv(func(k string) string { return tc.env[k] })
			ReadSettings(e)
			err := e.Err()
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("settings: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("settings error = %v, want one naming %s", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), queryKey) {
				t.Fatalf("the error shows the key: %v", err)
			}
		})
	}
}

// TestSinkURLFromSecret: the HTTP sink reads SINK_URL_SECRET once at cold
// start and delivers to the URL it holds, query and all; a secret holding
// no usable URL fails the start without showing it.
func TestSinkURLFromSecret(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.RawQuery
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(srv.Close)
	reads := 0
	deps := func(value string) Deps {
		return Deps{
			AWS: func() (aws.Config, error) {
				return aws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")}, nil
			},
			Getenv: func(string) string { return "" },
			ReadSecret: func(_ context.Context, ref string) ([]byte, error) {
				reads++
				if ref != "/cognito-events/sink-url" {
					return nil, errors.New("unexpected secret " + ref)
				}
				return []byte(value + "\n"), nil
			},
		}
	}
	env := map[string]string{EnvKind: string(KindHTTP), EnvURLSecret: "/cognito-events/sink-url", EnvAllowInsecure: "true"}
	e := NewEnv(func(k string) string { return env[k] })
	s := ReadSettings(e)
	if err := e.Err(); err != nil {
		t.Fatal(err)
	}
	if !s.NeedsAWS() {
		t.Error("a URL secret needs AWS")
	}
	snk, err := New(context.Background(), &s, deps(srv.URL+"/in?code="+queryKey))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ev := testEvent(t, "update-client.json")
	if err := snk.Send(context.Background(), ev); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got != "code="+queryKey || reads != 1 {
		t.Errorf("sink got query %q after %d reads, want the secret's URL read once", got, reads)
	}
	_, err = New(context.Background(), &s, deps("not a url "+queryKey))
	if err == nil || !strings.Contains(err.Error(), EnvURLSecret) || strings.Contains(err.Error(), queryKey) {
		t.Fatalf("New with a bad URL = %v, want an error naming %s without the value", err, EnvURLSecret)
	}
}
