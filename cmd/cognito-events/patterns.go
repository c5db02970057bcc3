package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cognito-events/cognito-events/internal/config"
	"github.com/cognito-events/cognito-events/internal/routes"
)

// ruleFlags choose where patterns and match read the routes' rules: the
// configuration (cdk.json), one synthesized template, or a cdk.out
// directory of them.
type ruleFlags struct {
	config    string
	template  string
	templates string
}

func (f *ruleFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.config, "config", "cdk.json", "read the rules from the CDK app's configuration `FILE` (context key \"cognito-events\")")
	fs.StringVar(&f.template, "template", "", "read the rules from a synthesized CloudFormation template `FILE` (cdk.out/*.template.json)")
	fs.StringVar(&f.templates, "templates", "", "read the rules from every *.template.json in `DIR` (cdk.out)")
}

// load reads the rules from the one source the flags chose; choosing more
// than one is a usage error (errRuleFlags).
func (f *ruleFlags) load(fs *flag.FlagSet) ([]routes.Route, string, error) {
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	n := 0
	for _, name := range []string{"config", "template", "templates"} {
		if set[name] {
			n++
		}
	}
	if n > 1 {
		return nil, "", fmt.Errorf("%w: give one of --config, --template and --templates", errRuleFlags)
	}
	var rs []routes.Route
	var source string
	var err error
	switch {
	case set["template"]:
		source = f.template
		var data []byte
		if data, err = os.ReadFile(f.template); err == nil {
			rs, err = routes.FromTemplate(data)
		}
	case set["templates"]:
		source = f.templates
		rs, err = routes.FromTemplates(f.templates)
	default:
		source = f.config
		var data []byte
		if data, err = os.ReadFile(f.config); err == nil {
			rs, err = routes.FromConfig(data)
		}
	}
	if err != nil {
		return nil, source, fmt.Errorf("reading rules from %s: %w", source, err)
	}
	if len(rs) == 0 {
		return nil, source, fmt.Errorf("reading rules from %s: no EventBridge rule with an event pattern", source)
	}
	return rs, source, nil
}

var errRuleFlags = errors.New("conflicting flags")

// ruleLabel names a route's rule in reports: "name (region)".
func ruleLabel(r routes.Route) string {
	if r.Region == "" {
		return r.Name
	}
	return r.Name + " (" + r.Region + ")"
}

// ruleExit reports a failure of ruleFlags.load and returns the exit code.
func ruleExit(cmd string, err error, stderr io.Writer) int {
	fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
	if errors.Is(err, errRuleFlags) {
		return exitUsage
	}
	return exitFailures
}

func runPatterns(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("patterns", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var rf ruleFlags
	rf.register(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: cognito-events patterns [--config cdk.json | --template FILE | --templates DIR]

With an organization in the configuration, first the member accounts' rule
(where it is deployed, the hub bus it forwards to, its state and pattern),
then the hub's routes, each with its bus.
Prints each route's EventBridge rules: its name, region, rule state and the
event pattern of each rule (indented JSON); a route whose pattern would
exceed EventBridge's 2048 characters has several rules, each introduced by
"rule N of M" and, from the configuration, a "#" line saying why. With --config (the default, ./cdk.json) the patterns
are generated from the configuration as the CDK app generates them; with
--template or --templates they are read from the synthesized templates
(make synth writes them to cdk.out/).
Exit status: 0 ok, 1 the rules could not be read, 2 usage error.

Flags:
`)
		fs.PrintDefaults()
	}
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "patterns: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	rs, _, err := rf.load(fs)
	if err != nil {
		return ruleExit("patterns", err, stderr)
	}
	var b bytes.Buffer
	if m := rs[0].Member; m != nil {
		writeMember(&b, m)
	}
	for i, r := range rs {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "route %s\n", r.Name)
		if r.Region != "" {
			fmt.Fprintf(&b, "region %s\n", r.Region)
		}
		if r.Member != nil {
			fmt.Fprintf(&b, "bus %s\n", r.Member.Org.BusName())
		}
		if r.Rule != "" {
			fmt.Fprintf(&b, "rule %s\n", r.Rule)
		}
		fmt.Fprintf(&b, "state %s\n", r.State)
		rules := r.Rules
		if len(rules) == 0 {
			rules = []routes.Rule{{ID: r.Rule, Pattern: r.Pattern}}
		}
		for j, rule := range rules {
			if len(rules) > 1 {
				fmt.Fprintf(&b, "rule %d of %d", j+1, len(rules))
				if rule.ID != "" {
					fmt.Fprintf(&b, " (%s)", rule.ID)
				}
				b.WriteByte('\n')
				if rule.Note != "" {
					fmt.Fprintf(&b, "# %s\n", rule.Note)
				}
			}
			if err := json.Indent(&b, []byte(rule.Pattern.String()), "", "  "); err != nil {
				fmt.Fprintf(stderr, "patterns: route %s: %v\n", r.Name, err) // a compiled pattern is JSON: cannot happen
				return exitFailures
			}
			b.WriteByte('\n')
		}
	}
	if _, err := stdout.Write(b.Bytes()); err != nil {
		fmt.Fprintf(stderr, "patterns: writing output: %v\n", err)
		return exitFailures
	}
	return exitOK
}

// writeMember writes the member accounts' rule of an organization, before
// the hub's routes: where it is deployed, its state and its pattern.
func writeMember(b *bytes.Buffer, m *routes.Member) {
	o := m.Org
	fmt.Fprintf(b, "member rule %s\n", config.MemberStackName)
	if len(o.Members.OrganizationalUnits) > 0 {
		fmt.Fprintf(b, "organizational units %s\n", strings.Join(o.Members.OrganizationalUnits, ", "))
	}
	if len(o.Members.Accounts) > 0 {
		fmt.Fprintf(b, "accounts %s\n", strings.Join(o.Members.Accounts, ", "))
	}
	fmt.Fprintf(b, "regions %s\n", strings.Join(o.Members.Regions, ", "))
	fmt.Fprintf(b, "target bus %s in %s/%s\n", o.BusName(), o.Hub.Account, o.Hub.Region)
	fmt.Fprintf(b, "state %s\n", m.State)
	_ = json.Indent(b, []byte(m.Pattern.String()), "", "  ") // a compiled pattern is JSON
	b.WriteString("\n\n")
}
