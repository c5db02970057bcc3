package logs

import (
	"testing"
	"time"
)

// benchLines are a log sink's event line and the forwarder's outcome line
// after it, as the forwarder writes them (shortened data).
var benchLines = []string{
	`{"time":"2026-12-07T01:04:35.494706619Z","level":"INFO","msg":"cloudevent","requestId":"8f5c0d1e-1111-4a7b-8c9d-0e1f2a3b4c5d","sink":"log","eventID":"a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d","cloudevent":{"specversion":"1.0","id":"a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d","source":"arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_AbCdEfGhI","type":"com.amazon.cognito-idp.sync_trigger","subject":"client/3n4b5urk1ft4fl3mg5e62d9ado","eventname":"UpdateUserPoolClient","userpoolid":"eu-west-1_AbCdEfGhI","data":{"requestParameters":{"userPoolId":"eu-west-1_AbCdEfGhI","clientId":"3n4b5urk1ft4fl3mg5e62d9ado","clientName":"web"}}}}`,
	`{"time":"2026-12-07T01:04:35.494906619Z","level":"INFO","msg":"event","requestId":"8f5c0d1e-1111-4a7b-8c9d-0e1f2a3b4c5d","eventID":"a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d","eventName":"UpdateUserPoolClient","userPoolId":"eu-west-1_AbCdEfGhI","subject":"client/3n4b5urk1ft4fl3mg5e62d9ado","sink":"log","outcome":"delivered","attempts":1,"latencyMs":0.147}`,
}

// BenchmarkDecodeAndJoin decodes a pair of lines and joins them into one
// entry, the work `cognito-events logs` does per event.
//
//	go test -run '^$' -bench DecodeAndJoin -benchmem ./internal/logs
func BenchmarkDecodeAndJoin(b *testing.B) {
	at := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		var j joiner
		for _, l := range benchLines {
			e, ok := Decode(l, at)
			if !ok {
				b.Fatal("a line was not decoded")
			}
			e.LogGroup = "g"
			if done := j.add(e); len(done) > 1 {
				b.Fatal("joined wrongly")
			}
		}
	}
}
