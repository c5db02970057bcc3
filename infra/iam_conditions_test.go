package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cognito-events/cognito-events/internal/config"
)

// conditionsConfig grants the forwarder KMS keys (an SQS sink's and a
// secret's) and ListUsers for enrich.user.
const conditionsConfig = `{
  "regions": ["us-east-1"],
  "trail": {"mode": "existing"},
  "routes": [
    {"name": "to-queue", "selection": {"operations": ["groups"]},
     "sink": {"kind": "sqs", "queueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/cognito-events",
              "kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"}},
    {"name": "enriched", "selection": {"operations": ["users"], "userPoolIds": ["us-east-1_AAAAAAAAA"]},
     "sink": {"kind": "http", "url": "https://hooks.example.com/cognito",
              "auth": {"type": "bearer", "secret": "/cognito-events/hook-token",
                       "secretKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/66666666-7777-8888-9999-000000000000"}},
     "enrich": {"user": true}}
  ]
}`

// TestIAMConditions: every KMS grant of a forwarder holds kms:ViaService (in the key's region, here us-east-1)
// for the service that uses the key; enrich.user lists users of the
// route's pools only; the alarm topic's key admits CloudWatch only for
// this account (aws:SourceAccount); the trail bucket admits only this
// account's trails in the region (aws:SourceArn) (issue #19 §6).
func TestIAMConditions(t *testing.T) {
	s := synth(t, conditionsConfig)
	via := func(st map[string]any) string {
		b, _ := json.Marshal(st["Condition"])
		return string(b)
	}
	q := statements(t, s, s.logicalID(t, "to-queue", "Role"))
	if st := q["EncryptForSink"]; st == nil || !strings.Contains(via(st), `"kms:ViaService"`) || !strings.Contains(via(st), `sqs.us-east-1.amazonaws.com`) {
		t.Errorf("the SQS key grant lacks kms:ViaService sqs: %v", st)
	}
	e := statements(t, s, s.logicalID(t, "enriched", "Role"))
	if st := e["DecryptSinkSecret"]; st == nil || !strings.Contains(via(st), `ssm.us-east-1.amazonaws.com`) {
		t.Errorf("the secret key grant lacks kms:ViaService ssm: %v", st)
	}
	lu := e[config.SidEnrichUser]
	res, _ := json.Marshal(lu["Resource"])
	if lu == nil || !strings.Contains(string(res), "userpool/us-east-1_AAAAAAAAA") || strings.Contains(string(res), "userpool/*") {
		t.Errorf("ListUsers on %s, want the route's pool only", res)
	}
	if _, err := config.Parse([]byte(strings.Replace(conditionsConfig, `, "userPoolIds": ["us-east-1_AAAAAAAAA"]`, "", 1))); err == nil || !strings.Contains(err.Error(), "enrich.user: needs selection.userPoolIds") {
		t.Errorf("enrich.user without userPoolIds: %v, want it refused", err)
	}

	full := synth(t, fullConfig)
	var keyOK bool
	var policies []string
	for _, k := range full.ofType("AWS::KMS::Key") {
		b, _ := json.Marshal(k.Properties["KeyPolicy"])
		policies = append(policies, string(b))
		if strings.Contains(string(b), "CloudWatchAlarmsPublish") {
			keyOK = strings.Contains(string(b), `"aws:SourceAccount"`)
		}
	}
	if !keyOK {
		t.Errorf("the alarm topic key admits CloudWatch without aws:SourceAccount: %s", policies)
	}
	var bucketOK bool
	for _, p := range full.ofType("AWS::S3::BucketPolicy") {
		b, _ := json.Marshal(p.Properties["PolicyDocument"])
		if strings.Contains(string(b), `"OnlyThisAccountsTrails"`) {
			bucketOK = strings.Contains(string(b), `"Effect":"Deny"`) && strings.Contains(string(b), `"ArnNotLike":{"aws:SourceArn"`) &&
				strings.Contains(string(b), `:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/*`)
		}
	}
	if !bucketOK {
		t.Error("the trail bucket policy does not limit CloudTrail to this account's trails by aws:SourceArn")
	}
}
