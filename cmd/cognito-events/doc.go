// Command cognito-events is the project's command-line tool: it runs the
// contract, the rule patterns and the forwarder's own code on a laptop.
//
//	cognito-events normalize [--client-pool CLIENT=POOL]... [FILE...]
//	cognito-events patterns  [--config cdk.json | --template FILE | --templates DIR]
//	cognito-events match     [--config … | --template … | --templates …] FILE...
//	cognito-events sink      [--listen ADDR] [--out FILE] [--status CODE]
//	cognito-events replay    --route NAME [--config cdk.json] [--sink-url URL] [--dry-run] FILE...
//	cognito-events backfill  --route NAME --since DURATION [--until …] [--region …] [--dry-run]
//	cognito-events demo      --templates DIR --bootstrap FILE --fixtures DIR
//	cognito-events attach-triggers --user-pool-id ID --function-arn ARN --triggers LIST [--dry-run] [--replace]
//	cognito-events detach-triggers --user-pool-id ID --function-arn ARN [--dry-run]
//
// normalize reads EventBridge envelopes or bare CloudTrail records (a JSON
// object, a JSON array of them, or JSON lines; standard input when no file is
// named) and writes one CloudEvent per record in structured mode, one JSON
// object per line. patterns and match show each route's EventBridge pattern
// and why an event does or does not match it; sink is a local CloudEvents
// receiver; replay and backfill send events through a route's pattern and the
// forwarder's own sink code; demo runs the synthesized rules and the real
// forwarder binary locally (make demo); attach-triggers points an existing
// pool's triggers at a triggers route's function, writing every other
// setting back as read (attach.go, docs/triggers.md), and detach-triggers
// removes the entries that call it (detach.go). Every command exits 0 on success, 1
// when some input failed (after processing the rest), and 2 on a usage
// error; --help documents each. docs/cli.md describes them in full.
package main
