package sink

import "testing"

func TestResourceRegion(t *testing.T) {
	for _, tc := range []struct{ ref, want string }{
		{"https://sqs.us-east-1.amazonaws.com/123456789012/q", "us-east-1"},
		{"https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q.fifo", "cn-north-1"},
		{"arn:aws:sns:eu-west-1:123456789012:t", "eu-west-1"},
		{"arn:aws-us-gov:events:us-gov-west-1:123456789012:event-bus/b", "us-gov-west-1"},
		{"arn:aws:secretsmanager:ap-south-1:123456789012:secret:s-AbCdEf", "ap-south-1"},
		{"arn:aws:ssm:us-west-2:123456789012:parameter/p", "us-west-2"},
		{"arn:aws:execute-api:eu-central-1:123456789012:abc/prod/POST/hook", "eu-central-1"},
		{"my-bus", ""},
		{"/cognito-events/token", ""},
		{"arn:aws:s3:::bucket", ""},
		{"https://example.com/hook", ""},
	} {
		if got := ResourceRegion(tc.ref); got != tc.want {
			t.Errorf("ResourceRegion(%q) = %q, want %q", tc.ref, got, tc.want)
		}
	}
}

// TestViaServiceFollowsKey: a KMS grant names the service in the key's
// region (that of the resource it encrypts), the stack's only for a key
// whose region is unknown.
func TestViaServiceFollowsKey(t *testing.T) {
	d := Declaration{Kind: KindSQS, SQSKeys: SQSKeys{QueueURL: "https://sqs.us-east-1.amazonaws.com/123456789012/q"}, KMSKeyARN: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
	for _, st := range d.Statements() {
		if st.Sid != "EncryptForSink" {
			continue
		}
		if len(st.Conditions) != 1 || st.Conditions[0].Values[0] != "sqs.us-east-1.amazonaws.com" {
			t.Fatalf("conditions %+v, want kms:ViaService sqs.us-east-1.amazonaws.com", st.Conditions)
		}
		return
	}
	t.Fatal("no EncryptForSink statement")
}
