package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/cognito-events/cognito-events/internal/emulator/moto"
	"github.com/cognito-events/cognito-events/internal/forwarder/fwtest"
	"github.com/cognito-events/cognito-events/internal/lambdaruntime/lambdatest"
)

// TestBootstrapReadsSecretInItsRegion: a forwarder in eu-west-1 reads its
// http sink's bearer token from a Secrets Manager secret and from an SSM
// SecureString parameter that live in us-east-1, named by ARN.
func TestBootstrapReadsSecretInItsRegion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bootstrap binary against moto")
	}
	srv := moto.Shared(t)
	cfg := srv.Config() // us-east-1
	suffix := strconv.FormatInt(time.Now().UnixNano(), 36)
	const token = "region-test-token"
	const value = `{"token":"` + token + `"}`

	var secretARN string
	moto.Retry(t, "creating secret", func(ctx context.Context) error {
		out, err := secretsmanager.NewFromConfig(cfg).CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("fw-region-" + suffix), SecretString: aws.String(value)})
		if err == nil {
			secretARN = aws.ToString(out.ARN)
		}
		return err
	}, nil)
	param := "/fw-region/" + suffix
	putParameter(t, srv.URL, cfg, param, value)
	paramARN := "arn:aws:ssm:" + moto.Region + ":" + moto.Account + ":parameter" + param

	var mu sync.Mutex
	var auth []string
	sinkSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth = append(auth, r.Header.Get("Authorization"))
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	defer sinkSrv.Close()

	path := bootstrap(t)
	for _, ref := range []string{secretARN, paramARN} {
		t.Run(strings.SplitN(ref, ":", 4)[2], func(t *testing.T) {
			var stderr lambdatest.Output
			f := startBootstrap(t, path, &stderr, "AWS_REGION=eu-west-1", "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
				"AWS_ENDPOINT_URL="+srv.URL, "SINK_KIND=http", "SINK_URL="+sinkSrv.URL, "SINK_ALLOW_INSECURE=true",
				"SINK_AUTH=bearer", "SINK_AUTH_SECRET="+ref)
			body, err := f.Invoke(context.Background(), fwtest.Fixture(t, "update-client.json"))
			if err != nil || !strings.Contains(string(body), `"outcome":"delivered"`) {
				t.Fatalf("invocation: %s %v\nstderr:\n%s", body, err, stderr.String())
			}
			mu.Lock()
			defer mu.Unlock()
			if len(auth) == 0 || auth[len(auth)-1] != "Bearer "+token {
				t.Fatalf("the sink saw Authorization %q", auth)
			}
		})
	}
}

// putParameter stores a SecureString parameter on moto in cfg's region
// (the module has no SSM SDK client: internal/secret reads SSM by hand).
func putParameter(tb testing.TB, url string, cfg aws.Config, name, value string) {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"Name": name, "Value": value, "Type": "SecureString"})
	moto.Retry(tb, "putting parameter "+name, func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/", bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "AmazonSSM.PutParameter")
		sum := sha256.Sum256(body)
		creds, err := cfg.Credentials.Retrieve(ctx)
		if err != nil {
			return err
		}
		if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "ssm", cfg.Region, time.Now()); err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			tb.Fatalf("PutParameter: HTTP %d", resp.StatusCode)
		}
		return nil
	}, nil)
}
