package sink

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestStaticAuth(t *testing.T) {
	ev := testEvent(t, "update-client.json")
	for _, tc := range []struct {
		name   string
		make   func() (Authorizer, error)
		header string
		want   string
	}{
		{"bearer", func() (Authorizer, error) { return NewBearer([]byte(`{"token":"tok-123"}`)) }, "Authorization", "Bearer tok-123"},
		{"apikey", func() (Authorizer, error) { return NewAPIKey([]byte(`{"apiKey":"key-456"}`), "x-api-key") }, "X-Api-Key", "key-456"},
		{"basic", func() (Authorizer, error) { return NewBasic([]byte(`{"username":"svc","password":"p@ss:w0rd"}`)) },
			"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte("svc:p@ss:w0rd"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			r := newReceiver(t, func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
					got = req.Header.Get(tc.header)
					if got != tc.want {
						w.WriteHeader(http.StatusUnauthorized)
						return
					}
					next.ServeHTTP(w, req)
				})
			})
			auth, err := tc.make()
			if err != nil {
				t.Fatalf("creating authorizer: %v", err)
			}
			if err := (&HTTP{URL: r.srv.URL, Client: r.srv.Client(), Auth: auth}).Send(context.Background(), ev); err != nil {
				t.Fatalf("Send: %v (header %s = %q)", err, tc.header, got)
			}
			if n := len(r.events()); n != 1 {
				t.Fatalf("receiver got %d events", n)
			}
		})
	}
}

func TestBadSecrets(t *testing.T) {
	const secretValue = "s3cr3t-value"
	for _, tc := range []struct {
		name  string
		make  func() error
		field string
	}{
		{"bearer without token", func() error { _, err := NewBearer([]byte(`{"tok":"` + secretValue + `"}`)); return err }, "token"},
		{"apikey not JSON", func() error { _, err := NewAPIKey([]byte(secretValue), "x-api-key"); return err }, ""},
		{"basic without password", func() error { _, err := NewBasic([]byte(`{"username":"` + secretValue + `"}`)); return err }, "password"},
		{"oauth2 without secret", func() error {
			_, err := NewOAuth2([]byte(`{"clientId":"`+secretValue+`"}`), "https://x/token", nil, nil)
			return err
		}, "clientSecret"},
		{"oauth2 wrong types", func() error { _, err := NewOAuth2([]byte(`{"clientId":42}`), "https://x/token", nil, nil); return err }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.make()
			if !errors.Is(err, ErrBadSecret) {
				t.Fatalf("error %v does not wrap ErrBadSecret", err)
			}
			if strings.Contains(err.Error(), secretValue) || strings.Contains(err.Error(), "s3cr") {
				t.Fatalf("error quotes the secret: %v", err)
			}
			if tc.field != "" && !strings.Contains(err.Error(), tc.field) {
				t.Fatalf("error %v does not name field %q", err, tc.field)
			}
		})
	}
}

// tokenServer is an OAuth2 token endpoint (client credentials grant) on
// loopback.
type tokenServer struct {
	srv       *httptest.Server
	issued    atomic.Int32
	expiresIn int
	status    atomic.Int32 // when non-zero, answer this instead
}

func newTokenServer(tb testing.TB, clientID, clientSecret, scope string, expiresIn int) *tokenServer {
	tb.Helper()
	ts := &tokenServer{expiresIn: expiresIn}
	ts.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if code := ts.status.Load(); code != 0 {
			w.WriteHeader(int(code))
			io.WriteString(w, `{"error":"invalid_client","error_description":"client secret `+clientSecret+` is wrong"}`)
			return
		}
		id, secret, ok := r.BasicAuth()
		if err := r.ParseForm(); err != nil || !ok || id != clientID || secret != clientSecret ||
			r.PostForm.Get("grant_type") != "client_credentials" || r.PostForm.Get("scope") != scope {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":"invalid_client"}`)
			return
		}
		n := ts.issued.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"access-%d","token_type":"Bearer","expires_in":%d}`, n, ts.expiresIn)
	}))
	tb.Cleanup(ts.srv.Close)
	return ts
}

func TestOAuth2(t *testing.T) {
	ev := testEvent(t, "update-client.json")
	secret := []byte(`{"clientId":"client-1","clientSecret":"shh-secret"}`)
	scopes := []string{"events/write", "events/read"}

	t.Run("token cached and refreshed once on 401", func(t *testing.T) {
		ts := newTokenServer(t, "client-1", "shh-secret", "events/write events/read", 3600)
		var accepted atomic.Value
		accepted.Store("access-1")
		var seen []string
		r := newReceiver(t, func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				seen = append(seen, req.Header.Get("Authorization"))
				if req.Header.Get("Authorization") != "Bearer "+accepted.Load().(string) {
					w.WriteHeader(http.StatusUnauthorized)
					return
				}
				next.ServeHTTP(w, req)
			})
		})
		auth, err := NewOAuth2(secret, ts.srv.URL, scopes, ts.srv.Client())
		if err != nil {
			t.Fatalf("NewOAuth2: %v", err)
		}
		s := &HTTP{URL: r.srv.URL, Client: r.srv.Client(), Auth: auth}
		for i := range 3 {
			if err := s.Send(context.Background(), ev); err != nil {
				t.Fatalf("Send %d: %v", i, err)
			}
		}
		if n := ts.issued.Load(); n != 1 {
			t.Fatalf("token endpoint issued %d tokens for 3 sends, want 1 (cached)", n)
		}
		// The sink revokes the token: the next send gets a 401, drops the
		// token, fetches a new one and retries once.
		accepted.Store("access-2")
		if err := s.Send(context.Background(), ev); err != nil {
			t.Fatalf("Send after revocation: %v", err)
		}
		if n := ts.issued.Load(); n != 2 {
			t.Fatalf("issued %d tokens, want 2", n)
		}
		want := []string{"Bearer access-1", "Bearer access-1", "Bearer access-1", "Bearer access-1", "Bearer access-2"}
		if fmt.Sprint(seen) != fmt.Sprint(want) {
			t.Fatalf("Authorization headers = %v, want %v", seen, want)
		}
		// A sink that keeps refusing gets exactly one retry.
		accepted.Store("never")
		err = s.Send(context.Background(), ev)
		var se *StatusError
		if !errors.As(err, &se) || se.Code != 401 || !IsPermanent(err) {
			t.Fatalf("Send to a refusing sink = %v, want a permanent 401", err)
		}
		if n := ts.issued.Load(); n != 3 {
			t.Fatalf("issued %d tokens, want 3 (one refresh per 401)", n)
		}
		if len(r.events()) != 4 {
			t.Fatalf("receiver got %d events, want 4", len(r.events()))
		}
	})

	t.Run("token renewed shortly before expiry", func(t *testing.T) {
		ts := newTokenServer(t, "client-1", "shh-secret", "", 120)
		r := newReceiver(t, nil)
		auth, err := NewOAuth2(secret, ts.srv.URL, nil, ts.srv.Client())
		if err != nil {
			t.Fatalf("NewOAuth2: %v", err)
		}
		now := time.Now()
		auth.now = func() time.Time { return now }
		s := &HTTP{URL: r.srv.URL, Client: r.srv.Client(), Auth: auth}
		send := func() {
			t.Helper()
			if err := s.Send(context.Background(), ev); err != nil {
				t.Fatalf("Send: %v", err)
			}
		}
		send()
		now = now.Add(60 * time.Second) // 60s left: still cached
		send()
		if n := ts.issued.Load(); n != 1 {
			t.Fatalf("issued %d tokens, want 1", n)
		}
		now = now.Add(40 * time.Second) // 20s left, inside the 30s margin
		send()
		if n := ts.issued.Load(); n != 2 {
			t.Fatalf("issued %d tokens, want 2", n)
		}
	})

	t.Run("refused token request is permanent and quotes nothing", func(t *testing.T) {
		ts := newTokenServer(t, "client-1", "shh-secret", "", 3600)
		ts.status.Store(400)
		r := newReceiver(t, nil)
		auth, err := NewOAuth2(secret, ts.srv.URL, nil, ts.srv.Client())
		if err != nil {
			t.Fatalf("NewOAuth2: %v", err)
		}
		err = (&HTTP{URL: r.srv.URL, Client: r.srv.Client(), Auth: auth}).Send(context.Background(), ev)
		if !errors.Is(err, ErrTokenRequest) || !IsPermanent(err) {
			t.Fatalf("Send = %v, want a permanent ErrTokenRequest", err)
		}
		if strings.Contains(err.Error(), "shh-secret") {
			t.Fatalf("error quotes the client secret: %v", err)
		}
		ts.status.Store(503)
		err = (&HTTP{URL: r.srv.URL, Client: r.srv.Client(), Auth: auth}).Send(context.Background(), ev)
		if !errors.Is(err, ErrTokenRequest) || IsPermanent(err) {
			t.Fatalf("Send = %v, want a transient ErrTokenRequest", err)
		}
		if len(r.events()) != 0 {
			t.Fatalf("receiver got an event without a token")
		}
	})
}
