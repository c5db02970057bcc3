// Package events is the contract of cognito-events: it turns one CloudTrail
// record of an Amazon Cognito user pool into one CloudEvent of type
// com.amazon.cognito-idp.sync_trigger.
//
// It holds three things, each in its own file:
//
//   - the wire models (models.go): the EventBridge envelope and the CloudTrail
//     record, typed, tolerant of the irregularities of real records;
//   - the catalogue (catalogue.go): every cognito-idp API action and hosted-UI
//     endpoint event, with the resource kind it touches, whether it only reads,
//     and the selection presets it belongs to. It is the single source of
//     truth for the normaliser here and for the EventBridge rule patterns the
//     CDK app in infra/ generates;
//   - the normaliser (normalize.go): a pure function from record bytes to an
//     Event. It reads no clock, makes no random id and does no I/O, apart from
//     what a caller-supplied PoolResolver chooses to do.
//
// The forwarder Lambda (functions/forwarder), the CDK app (infra) and the
// cognito-events command all use this package. The event contract it
// implements is documented in docs/events.md.
package events
