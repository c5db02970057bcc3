package sink

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/cognito-events/cognito-events/events"
	"github.com/cognito-events/cognito-events/internal/forwarder/fwtest"
)

// testEvent normalises a fixture of internal/forwarder/fwtest/testdata.
func testEvent(tb testing.TB, name string) *events.Event {
	tb.Helper()
	ev, err := events.Normalize(fwtest.Fixture(tb, name))
	if err != nil {
		tb.Fatalf("normalising %s: %v", name, err)
	}
	return ev
}

// receiver is a real CloudEvents receiver, the sdk-go one, on loopback.
type receiver struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []event.Event
	hdr []http.Header
}

func newReceiver(tb testing.TB, wrap func(http.Handler) http.Handler) *receiver {
	tb.Helper()
	r := &receiver{}
	p, err := cloudevents.NewHTTP()
	if err != nil {
		tb.Fatalf("creating protocol: %v", err)
	}
	h, err := cloudevents.NewHTTPReceiveHandler(context.Background(), p, func(ev event.Event) {
		r.mu.Lock()
		r.got = append(r.got, ev)
		r.mu.Unlock()
	})
	if err != nil {
		tb.Fatalf("creating receive handler: %v", err)
	}
	var handler http.Handler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.hdr = append(r.hdr, req.Header.Clone())
		r.mu.Unlock()
		h.ServeHTTP(w, req)
	})
	if wrap != nil {
		handler = wrap(handler)
	}
	r.srv = httptest.NewServer(handler)
	tb.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) events() []event.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]event.Event(nil), r.got...)
}

func TestHTTPModes(t *testing.T) {
	ev := testEvent(t, "update-client.json")
	for _, tc := range []struct {
		name        string
		mode        HTTPMode
		contentType string
	}{
		{"binary", Binary, "application/json"},
		{"structured", Structured, "application/cloudevents+json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newReceiver(t, nil)
			s := &HTTP{URL: r.srv.URL, Mode: tc.mode, Client: r.srv.Client(), Headers: map[string]string{"X-Team": "identity"}}
			if err := s.Send(context.Background(), ev); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := r.events()
			if len(got) != 1 {
				t.Fatalf("receiver got %d events, want 1", len(got))
			}
			g := got[0]
			checks := map[string][2]string{
				"id":          {g.ID(), ev.ID},
				"source":      {g.Source(), ev.Source},
				"type":        {g.Type(), events.EventType},
				"subject":     {g.Subject(), ev.Subject},
				"specversion": {g.SpecVersion(), "1.0"},
				"dataschema":  {g.DataSchema(), events.DataSchema},
				"time":        {g.Time().UTC().Format(time.RFC3339), ev.Time},
				"eventname":   {fmt.Sprint(g.Extensions()[events.ExtEventName]), ev.EventName},
				"userpoolid":  {fmt.Sprint(g.Extensions()[events.ExtUserPoolID]), ev.UserPoolID},
			}
			for name, c := range checks {
				if c[0] != c[1] {
					t.Errorf("%s = %q, want %q", name, c[0], c[1])
				}
			}
			if !jsonEqual(t, g.Data(), ev.Data) {
				t.Errorf("data = %s, want %s", g.Data(), ev.Data)
			}
			h := r.hdr[0]
			if ct := h.Get("Content-Type"); ct != tc.contentType {
				t.Errorf("Content-Type = %q, want %q", ct, tc.contentType)
			}
			if h.Get("X-Team") != "identity" {
				t.Errorf("static header X-Team missing: %v", h)
			}
			if hasCE := h.Get("Ce-Id") != ""; hasCE != (tc.mode == Binary) {
				t.Errorf("ce-id header present = %v in %s mode", hasCE, tc.name)
			}
		})
	}
}

func jsonEqual(tb testing.TB, a, b []byte) bool {
	tb.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		tb.Fatalf("decoding %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		tb.Fatalf("decoding %s: %v", b, err)
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

func TestEncodeHeaderValue(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "user/abc-123", "user/abc-123"},
		{"space", "a b", "a%20b"},
		{"quote and percent", `"50%"`, "%2250%25%22"},
		{"non-ASCII", "user/zoë", "user/zo%C3%AB"},
		{"control", "a\nb", "a%0Ab"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := encodeHeaderValue(tc.in)
			if got != tc.want {
				t.Fatalf("encodeHeaderValue(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if back, err := url.PathUnescape(got); err != nil || back != tc.in {
				t.Fatalf("decoding %q gave %q, %v", got, back, err)
			}
		})
	}
}

func TestHTTPStatusClassification(t *testing.T) {
	ev := testEvent(t, "update-client.json")
	for _, tc := range []struct {
		name       string
		status     int
		retryAfter string
		permanent  bool
		after      time.Duration
	}{
		{"201 is an ack", 201, "", false, 0},
		{"400 is permanent", 400, "", true, 0},
		{"403 is permanent", 403, "", true, 0},
		{"404 is permanent", 404, "", true, 0},
		{"408 is transient", 408, "", false, 0},
		{"429 with Retry-After seconds", 429, "7", false, 7 * time.Second},
		{"503 with Retry-After date", 503, time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat), false, 89 * time.Second},
		{"500 is transient", 500, "", false, 0},
		{"302 is not an ack", 302, "", true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.retryAfter != "" {
					w.Header().Set("Retry-After", tc.retryAfter)
				}
				if tc.status == 302 {
					w.Header().Set("Location", "/elsewhere")
				}
				w.WriteHeader(tc.status)
				io.WriteString(w, "token=should-not-appear")
			}))
			defer srv.Close()
			client := srv.Client()
			client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			err := (&HTTP{URL: srv.URL, Client: client}).Send(context.Background(), ev)
			if tc.status/100 == 2 {
				if err != nil {
					t.Fatalf("Send: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Send succeeded on %d", tc.status)
			}
			if IsPermanent(err) != tc.permanent {
				t.Errorf("IsPermanent(%v) = %v, want %v", err, IsPermanent(err), tc.permanent)
			}
			var se *StatusError
			if !errors.As(err, &se) || se.Code != tc.status {
				t.Errorf("error %v does not carry status %d", err, tc.status)
			}
			after, ok := RetryAfter(err)
			if ok != (tc.after > 0) || after < tc.after || after > tc.after+2*time.Second {
				t.Errorf("RetryAfter = %v, %v; want about %v", after, ok, tc.after)
			}
			if strings.Contains(err.Error(), "should-not-appear") {
				t.Errorf("error quotes the answer's body: %v", err)
			}
		})
	}
}

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
		mode                  HTTPMode
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

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		in   string
		want time.Duration
		ok   bool
	}{
		{"seconds", "3", 3 * time.Second, true},
		{"zero", "0", 0, true},
		{"date", now.Add(time.Minute).Format(http.TimeFormat), time.Minute, true},
		{"past date", now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"negative", "-1", 0, false},
		{"garbage", "soon", 0, false},
		{"empty", "", 0, false},
		{"huge", "99999999999", 24 * time.Hour, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseRetryAfter(tc.in, now)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}
