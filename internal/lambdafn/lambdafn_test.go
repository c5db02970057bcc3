package lambdafn

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestReportInitError(t *testing.T) {
	var path, errType string
	var body struct{ ErrorMessage, ErrorType string }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path, errType = r.URL.Path, r.Header.Get("Lambda-Runtime-Function-Error-Type")
		json.NewDecoder(r.Body).Decode(&body)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	cause := errors.New("SINK_KIND is required")
	if err := ReportInitError(context.Background(), strings.TrimPrefix(srv.URL, "http://"), ErrorTypeConfig, cause); err != nil {
		t.Fatalf("ReportInitError: %v", err)
	}
	if path != "/2018-06-01/runtime/init/error" || errType != ErrorTypeConfig || body.ErrorMessage != cause.Error() || body.ErrorType != ErrorTypeConfig {
		t.Fatalf("got %s %s %+v", path, errType, body)
	}
}

func TestLoggerHonoursLambdaSettings(t *testing.T) {
	for _, tc := range []struct {
		name, format, level string
		wantJSON, wantDebug bool
	}{
		{"JSON INFO", "JSON", "INFO", true, false},
		{"Text DEBUG", "Text", "DEBUG", false, true},
		{"defaults", "", "", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			format, err := ParseLogFormat(tc.format)
			if err != nil {
				t.Fatalf("ParseLogFormat(%q): %v", tc.format, err)
			}
			level, err := ParseLogLevel(tc.level)
			if err != nil {
				t.Fatalf("ParseLogLevel(%q): %v", tc.level, err)
			}
			var buf bytes.Buffer
			l := Logger(format, level, &buf)
			l.Debug("d")
			l.Info("i", "k", "v")
			out := buf.String()
			if strings.Contains(out, `"msg":"d"`) || strings.Contains(out, "msg=d") {
				if !tc.wantDebug {
					t.Fatalf("debug logged at %s: %s", tc.level, out)
				}
			} else if tc.wantDebug {
				t.Fatalf("debug not logged at %s: %s", tc.level, out)
			}
			if json.Valid([]byte(strings.Split(out, "\n")[0])) != tc.wantJSON {
				t.Fatalf("format %q gave %s", tc.format, out)
			}
		})
	}
}

func TestAWSConfig(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := AWSConfig(env(map[string]string{"AWS_REGION": "eu-west-1", EnvAccessKeyID: "AKID", EnvSecretAccessKey: "s", EnvSessionToken: "tok"}))
	if err != nil {
		t.Fatalf("LambdaAWSConfig: %v", err)
	}
	creds, err := c.Credentials.Retrieve(context.Background())
	if err != nil || c.Region != "eu-west-1" || creds.AccessKeyID != "AKID" || creds.SecretAccessKey != "s" || creds.SessionToken != "tok" {
		t.Fatalf("config %+v, credentials %+v, %v", c, creds, err)
	}
	if _, err := AWSConfig(env(map[string]string{"AWS_REGION": "eu-west-1", EnvAccessKeyID: "AKID"})); !errors.Is(err, ErrNoCredentials) || strings.Contains(err.Error(), "AKID") {
		t.Fatalf("missing secret key: %v", err)
	}
	if _, err := AWSConfig(env(map[string]string{EnvAccessKeyID: "AKID", EnvSecretAccessKey: "s"})); err == nil || !strings.Contains(err.Error(), "AWS_REGION") {
		t.Fatalf("missing region: %v", err)
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"service override", map[string]string{"AWS_ENDPOINT_URL_SQS": "http://127.0.0.1:1", "AWS_ENDPOINT_URL": "http://other"}, "http://127.0.0.1:1"},
		{"global override", map[string]string{"AWS_ENDPOINT_URL": "http://other"}, "http://other"},
		{"none", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Endpoint(env(tc.env), ServiceSQS)
			if (got == nil) != (tc.want == "") || (got != nil && *got != tc.want) {
				t.Fatalf("endpoint = %v, want %q", got, tc.want)
			}
		})
	}
}

func TestParseLogSettingsRejects(t *testing.T) {
	for _, v := range []string{"yaml", "JSONL"} {
		if _, err := ParseLogFormat(v); err == nil || !strings.Contains(err.Error(), v) {
			t.Errorf("ParseLogFormat(%q) = %v, want an error naming it", v, err)
		}
	}
	for _, v := range []string{"LOUD", "0"} {
		if _, err := ParseLogLevel(v); err == nil || !strings.Contains(err.Error(), v) {
			t.Errorf("ParseLogLevel(%q) = %v, want an error naming it", v, err)
		}
	}
}

func TestFailReportsAndNamesTheFunction(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Path + " " + r.Header.Get("Lambda-Runtime-Function-Error-Type")
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	var stderr bytes.Buffer
	getenv := func(k string) string {
		if k == EnvRuntimeAPI {
			return strings.TrimPrefix(srv.URL, "http://")
		}
		return ""
	}
	code := Fail(context.Background(), "forwarder", ErrorTypeConfig, errors.New("SINK_KIND is required"), getenv, &stderr)
	if code != 1 || stderr.String() != "forwarder: SINK_KIND is required\n" {
		t.Fatalf("Fail = %d, stderr %q", code, stderr.String())
	}
	if got != "/2018-06-01/runtime/init/error "+ErrorTypeConfig {
		t.Fatalf("runtime API got %q", got)
	}
	stderr.Reset()
	if code := Fail(context.Background(), "forwarder", ErrorTypeInit, errors.New("boom"), func(string) string { return "" }, &stderr); code != 1 || !strings.Contains(stderr.String(), "boom") {
		t.Fatalf("Fail without a runtime API = %d, %q", code, stderr.String())
	}
}
