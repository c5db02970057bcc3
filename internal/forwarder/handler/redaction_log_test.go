package handler

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestRedactedValuesLeaveNoTraceInLogs: credential-like members of each
// kind (issue #19 §3), under their names and under names encoding/json
// folds onto them, and a record that repeats an identifier key, reach no
// log or metrics line, at debug level either (which logs the data).
func TestRedactedValuesLeaveNoTraceInLogs(t *testing.T) {
	const pool = "eu-west-1_AbCdEfGhI"
	record := func(request, response string) string {
		return fmt.Sprintf(`{"version":"0","id":"e1","detail-type":"AWS API Call via CloudTrail","source":"aws.cognito-idp","account":"111122223333","time":"2026-11-20T10:00:00Z","region":"eu-west-1","resources":[],
	"detail":{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","accountId":"111122223333"},"eventTime":"2026-11-20T10:00:00Z","eventSource":"cognito-idp.amazonaws.com","eventName":"AdminInitiateAuth","awsRegion":"eu-west-1",
	"requestParameters":%s,"responseElements":%s,"eventID":"d1d1d1d1-0000-4a7b-8c9d-0e1f2a3b4c5d","eventType":"AwsApiCall","recipientAccountId":"111122223333"}}`, request, response)
	}
	inputs := map[string]string{
		"kinds": record(`{"userPoolId":"`+pool+`","clientId":"c1","pa\u017f\u017fword":"canary-1","to\u212aen":"canary-2","smsConfiguration":{"externalId":"canary-3"},"deviceSecretVerifierConfig":{"salt":"canary-4"}}`,
			`{"challengeParameters":{"SALT":"canary-5","SECRET_BLOCK":"canary-6","SRP_B":"canary-7"},"newDeviceMetadata":{"deviceGroupKey":"canary-8"},"credentialCreationOptions":{"challenge":"canary-9"}}`),
		"repeated identifier": record(`{"userPoolId":"`+pool+`","username":"canary-alice","USERNAME":"canary-mallory","password":"canary-10"}`, `null`),
	}
	for name, input := range inputs {
		for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
			t.Run(name+"/"+level.String(), func(t *testing.T) {
				hs := newHarness(t, &fakeSink{}, nil, level)
				_, _ = hs.invoke(context.Background(), []byte(input))
				if out := hs.logs.String() + hs.metrics.String(); strings.Contains(out, "canary") {
					t.Fatalf("a planted value reached a log line:\n%s", out)
				}
				if len(lines(t, hs.logs)) == 0 {
					t.Fatal("no log line at all")
				}
			})
		}
	}
}
