// Package secret reads the HTTP sink's credential from AWS Secrets Manager or
// an SSM SecureString parameter. The forwarder reads it once per cold start
// and keeps it in memory; errors name the secret, never its value.
package secret
