package sink

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// declaredKinds reads the package's source for the constants of type Kind,
// so a kind added without a Spec fails TestEveryKindHasASpec.
func declaredKinds(tb testing.TB) []Kind {
	tb.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		tb.Fatalf("listing the package's files: %v", err)
	}
	var kinds []Kind
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			tb.Fatalf("parsing %s: %v", name, err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Kind" {
					continue
				}
				for _, v := range vs.Values {
					lit, ok := v.(*ast.BasicLit)
					if !ok {
						tb.Fatalf("%s: a Kind constant that is not a string literal", name)
					}
					s, err := strconv.Unquote(lit.Value)
					if err != nil {
						tb.Fatalf("%s: %v", name, err)
					}
					kinds = append(kinds, Kind(s))
				}
			}
		}
	}
	if len(kinds) == 0 {
		tb.Fatal("found no Kind constant in the package's source")
	}
	return kinds
}

func TestEveryKindHasASpec(t *testing.T) {
	declared := declaredKinds(t)
	for _, k := range declared {
		spec, ok := Lookup(k)
		if !ok {
			t.Errorf("kind %q has no Spec in the registry: add one beside its code and a line to registry", k)
			continue
		}
		missing := []string{}
		for name, set := range map[string]bool{
			"Read": spec.Read != nil, "Check": spec.Check != nil, "NeedsAWS": spec.NeedsAWS != nil,
			"New": spec.New != nil, "Keys": spec.Keys != nil, "Validate": spec.Validate != nil,
			"Environment": spec.Environment != nil, "Statements": spec.Statements != nil,
		} {
			if !set {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			slices.Sort(missing)
			t.Errorf("Spec of %q lacks %s", k, strings.Join(missing, ", "))
		}
	}
	listed := map[Kind]bool{}
	for _, spec := range Specs() {
		if !slices.Contains(declared, spec.Kind) {
			t.Errorf("registry has %q, which is no Kind constant", spec.Kind)
		}
		if listed[spec.Kind] {
			t.Errorf("registry lists %q twice", spec.Kind)
		}
		listed[spec.Kind] = true
	}
}

func TestOneOf(t *testing.T) {
	if got, want := OneOf(), "http, eventbridge, sqs, sns or log"; got != want {
		t.Fatalf("OneOf() = %q, want %q", got, want)
	}
	if got := oneOf(registry, kmsKinds); got != "sqs or sns" {
		t.Fatalf("kinds with a KMS key: %q", got)
	}
}

// TestSpecVarsDocumented checks that docs/forwarder.md documents every
// variable of every kind, and the endpoint override of its AWS service.
func TestSpecVarsDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "forwarder.md"))
	if err != nil {
		t.Fatalf("reading the forwarder's documentation: %v", err)
	}
	seen := map[string]Kind{}
	for _, spec := range Specs() {
		vars := append([]string{EnvKind, EnvTimeout}, spec.Vars...)
		for _, v := range vars {
			if !strings.Contains(string(doc), "`"+v+"`") {
				t.Errorf("%s: variable %s is not documented in docs/forwarder.md", spec.Kind, v)
			}
		}
		for _, v := range spec.Vars {
			if other, ok := seen[v]; ok {
				t.Errorf("variable %s is read by both %s and %s", v, other, spec.Kind)
			}
			seen[v] = spec.Kind
		}
		if spec.Service != "" && !strings.Contains(string(doc), "`"+spec.Service+"`") {
			t.Errorf("%s: the endpoint override AWS_ENDPOINT_URL_%s is not documented", spec.Kind, spec.Service)
		}
	}
}

// examples are valid cdk.json declarations of every kind, each setting
// every key that adds an IAM statement.
var examples = map[Kind][]Declaration{
	KindHTTP: {
		{Kind: KindHTTP, HTTPKeys: HTTPKeys{URL: "https://example.com/hook"}},
		{Kind: KindHTTP, HTTPKeys: HTTPKeys{URL: "https://abc.execute-api.eu-west-1.amazonaws.com/prod/events", Auth: AuthKeys{
			Type: AuthSigV4, InvokeARN: "arn:aws:execute-api:eu-west-1:123456789012:abc/prod/POST/events"}}},
		{Kind: KindHTTP, HTTPKeys: HTTPKeys{URL: "https://example.com/hook", Auth: AuthKeys{
			Type: AuthBearer, Secret: "/cognito-events/token", SecretKMSKeyARN: "arn:aws:kms:eu-west-1:123456789012:key/k1"}}},
		{Kind: KindHTTP, HTTPKeys: HTTPKeys{URL: "https://example.com/hook", Auth: AuthKeys{
			Type: AuthBearer, Secret: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hook"}}},
	},
	KindEventBridge: {
		{Kind: KindEventBridge, EventBridgeKeys: EventBridgeKeys{Bus: "identity"}},
	},
	KindSQS: {
		{Kind: KindSQS, SQSKeys: SQSKeys{QueueURL: "https://sqs.eu-west-1.amazonaws.com/123456789012/events.fifo"},
			KMSKeyARN: "arn:aws:kms:eu-west-1:123456789012:key/k1"},
	},
	KindSNS: {
		{Kind: KindSNS, SNSKeys: SNSKeys{TopicARN: "arn:aws:sns:eu-west-1:123456789012:events"}},
	},
	KindLog: {
		{Kind: KindLog},
	},
}

// TestSpecsEndToEnd takes each kind's example declarations through every
// step: defaults and validation, IAM statements without wildcards, the
// forwarder's environment read back by ReadSettings, and the constructor.
func TestSpecsEndToEnd(t *testing.T) {
	deps := Deps{
		AWS: func() (aws.Config, error) {
			return aws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")}, nil
		},
		Getenv:     func(string) string { return "" },
		ReadSecret: func(context.Context, string) ([]byte, error) { return []byte(`{"token":"t"}`), nil },
	}
	for _, spec := range Specs() {
		decls := examples[spec.Kind]
		if len(decls) == 0 {
			t.Errorf("kind %q has no example declaration in this test", spec.Kind)
		}
		for i, d := range decls {
			t.Run(string(spec.Kind)+"/"+strconv.Itoa(i), func(t *testing.T) {
				d.ApplyDefaults()
				d.Timeout = "10s"
				if err := d.CheckKeys(); err != nil {
					t.Fatalf("CheckKeys: %v", err)
				}
				if err := d.Validate(); err != nil {
					t.Fatalf("Validate: %v", err)
				}
				for _, st := range d.Statements() {
					if st.Sid == "" || len(st.Actions) == 0 || len(st.Resources) == 0 {
						t.Errorf("statement %+v is incomplete", st)
					}
					for _, a := range st.Actions {
						if strings.Contains(a, "*") {
							t.Errorf("statement %s: wildcard action %q", st.Sid, a)
						}
					}
					for _, r := range st.Resources {
						if r == "*" || r == "" {
							t.Errorf("statement %s: resource %q", st.Sid, r)
						}
					}
				}
				env := map[string]string{EnvAWSRegion: "eu-west-1"}
				d.Environment(func(k, v string) { env[k] = v })
				for k := range env {
					if k != EnvKind && k != EnvTimeout && k != EnvAWSRegion && !slices.Contains(spec.Vars, k) {
						t.Errorf("environment sets %s, which the kind does not read", k)
					}
				}
				e := NewEnv(func(k string) string { return env[k] })
				s := ReadSettings(e)
				if err := e.Err(); err != nil {
					t.Fatalf("the forwarder would refuse the environment %v: %v", env, err)
				}
				snk, err := spec.New(context.Background(), &s, deps)
				if err != nil || snk == nil {
					t.Fatalf("New = %v, %v", snk, err)
				}
				if got, want := s.NeedsAWS(), spec.Kind != KindLog && (spec.Kind != KindHTTP || d.Auth.Type != AuthNone); got != want {
					t.Errorf("NeedsAWS = %v, want %v", got, want)
				}
			})
		}
	}
}

func TestDeclarationRefusesOtherKindsKeys(t *testing.T) {
	for _, spec := range Specs() {
		for _, other := range Specs() {
			if other.Kind == spec.Kind || len(other.Keys(&examples[other.Kind][0])) == 0 {
				continue // a kind without keys of its own (log) has none to refuse
			}
			d := examples[other.Kind][0]
			d.Kind = spec.Kind
			err := d.CheckKeys()
			if err == nil || !strings.Contains(err.Error(), "only for kind "+string(other.Kind)) {
				t.Errorf("%s with %s keys: CheckKeys = %v", spec.Kind, other.Kind, err)
			}
		}
	}
}

func TestUnknownKind(t *testing.T) {
	e := NewEnv(func(k string) string { return map[string]string{EnvKind: "kafka"}[k] })
	ReadSettings(e)
	if err := e.Err(); err == nil || !strings.Contains(err.Error(), `SINK_KIND "kafka" is not one of http, eventbridge, sqs, sns or log`) {
		t.Fatalf("ReadSettings: %v", err)
	}
	d := Declaration{Kind: "kafka"}
	if err := d.Validate(); err == nil || err.Error() != `sink.kind: unknown kind "kafka": one of http, eventbridge, sqs, sns or log` {
		t.Fatalf("Validate: %v", err)
	}
	if _, err := New(context.Background(), &Settings{Kind: "kafka"}, Deps{}); err == nil {
		t.Fatal("New built a sink of an unknown kind")
	}
}
