package doccheck

import (
	"strings"
	"testing"
)

func TestParseMarker(t *testing.T) {
	tests := []struct {
		line    string
		want    Marker
		wantErr string
	}{
		{line: "<!-- doc-test: run -->", want: Marker{Kind: Run}},
		{line: "<!-- doc-test: run exit=1 -->", want: Marker{Kind: Run, Exit: 1}},
		{line: "<!-- doc-test: aws -->", want: Marker{Kind: AWS}},
		{line: "<!-- doc-test: skip runs until interrupted -->", want: Marker{Kind: Skip, Reason: "runs until interrupted"}},
		{line: "<!-- doc-test: skip -->", wantErr: "skip needs a reason"},
		{line: "<!-- doc-test: maybe -->", wantErr: `unknown kind "maybe"`},
		{line: "<!-- doc-test: run exit=x -->", wantErr: "is not exit=N"},
		{line: "<!-- doc-test: run", wantErr: "does not end with -->"},
		{line: "<!-- doc-test: -->", wantErr: "names no kind"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			got, err := ParseMarker(tt.line)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseMarker(%q) error = %v, want one containing %q", tt.line, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseMarker(%q) = %+v, %v; want %+v", tt.line, got, err, tt.want)
			}
		})
	}
}

const sample = "# Title\n\nSome text.\n\n<!-- doc-test: run -->\n```sh\ncognito-events patterns\n```\n\n" +
	"<!-- doc-test: run exit=1 -->\n\n```\n$ cognito-events match a.json \\\n    b.json\nline one\n...\n$ echo hi\nhi\n```\n\n" +
	"```json\n{\"a\": 1}\n```\n\n- item\n\n  ```sh\n  go test ./...\n  ```\n\n```sh\nSINK_KIND=http\nSINK_URL=https://x\n```\n\n" +
	"```\ncognito-events demo: 84 events\n```\n"

func TestParseMarkdown(t *testing.T) {
	blocks, paras := ParseMarkdown("x.md", sample)
	if len(blocks) != 6 {
		t.Fatalf("got %d blocks, want 6: %+v", len(blocks), blocks)
	}
	wantShell := []bool{true, true, false, true, false, false}
	for i, b := range blocks {
		if b.IsShell() != wantShell[i] {
			t.Errorf("block %d (%s, first line %q): IsShell = %v, want %v", i, b.Where(), b.FirstLine(), b.IsShell(), wantShell[i])
		}
	}
	if m := blocks[0].Marker; m == nil || m.Kind != Run || blocks[0].Line != 6 {
		t.Errorf("block 0: marker %+v at line %d, want run at 6", m, blocks[0].Line)
	}
	if m := blocks[1].Marker; m == nil || m.Exit != 1 {
		t.Errorf("block 1: marker %+v, want run exit=1 (a blank line between marker and fence is allowed)", m)
	}
	if blocks[2].Marker != nil || blocks[3].Marker != nil {
		t.Errorf("blocks 2 and 3 have markers they were not given")
	}
	if got := blocks[3].FirstLine(); got != "go test ./..." {
		t.Errorf("indented block's first line = %q, want the indent removed", got)
	}
	steps := blocks[1].Steps()
	if len(steps) != 2 || steps[0].Command != "cognito-events match a.json  b.json" || len(steps[0].Want) != 2 || steps[1].Want[0] != "hi" {
		t.Errorf("steps = %+v, want two prompt steps, the first continued over two lines with two lines of output", steps)
	}
	if s := blocks[0].Steps(); len(s) != 1 || s[0].Prompt || s[0].Command != "cognito-events patterns" {
		t.Errorf("script steps = %+v, want one script", s)
	}
	if len(paras) != 3 || paras[1].Text != "Some text." || paras[1].Line != 3 {
		t.Errorf("paragraphs = %+v, want the heading, the text at line 3 and the list item", paras)
	}
}

func TestCheckOutput(t *testing.T) {
	stdout := "route app-clients\nid:          9749cc3c-ce6c-4060-9ca3-6ecbb5d3abbc\ntime: 2025-01-14T00:02:55Z\nlistening on http://127.0.0.1:34669\n  took 23.7 s\n"
	stderr := "skipped: a.json: record 1\n"
	tests := []struct {
		name    string
		want    []string
		wantErr bool
	}{
		{name: "same lines", want: []string{"route app-clients", "listening on http://127.0.0.1:34669"}},
		{name: "other id, time, port and duration", want: []string{"id: 00000000-1111-2222-3333-444444444444", "time: 2026-12-07T01:00:00Z", "listening on http://127.0.0.1:8080", "took 40 s"}},
		{name: "stderr interleaved", want: []string{"route app-clients", "skipped: a.json: record 1", "listening on http://127.0.0.1:1"}},
		{name: "elisions and a prefix", want: []string{"...", "route app-…", "^C"}},
		{name: "a line not printed", want: []string{"route users-to-bus"}, wantErr: true},
		{name: "out of order", want: []string{"listening on http://127.0.0.1:1", "route app-clients"}, wantErr: true},
		{name: "other count", want: []string{"route app-clients 2"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckOutput(tt.want, stdout, stderr)
			if (err != nil) != tt.wantErr {
				t.Fatalf("CheckOutput = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}

func TestRewrite(t *testing.T) {
	if got := Rewrite("go run ./cmd/cognito-events normalize x"); got != "cognito-events normalize x" {
		t.Errorf("Rewrite = %q", got)
	}
}

func TestMeasuredConvention(t *testing.T) {
	tests := []struct {
		text   string
		claims bool
		cmds   int
	}{
		{text: "Measured on 2 cores: 5.7 times (`go test -run '^$'\n-bench Normalize ./events`).", claims: true, cmds: 1},
		{text: "about 40 s, measured.", claims: true, cmds: 0},
		{text: "Performance targets are measured by benchmarks:", claims: false},
		{text: "### Measured: memory 3 MB", claims: false},
		{text: "It takes 3 s (`make bench`).", claims: false, cmds: 1},
	}
	for _, tt := range tests {
		p := Paragraph{File: "x.md", Line: 1, Text: tt.text}
		if ClaimsMeasured(p) != tt.claims {
			t.Errorf("ClaimsMeasured(%q) = %v, want %v", tt.text, !tt.claims, tt.claims)
		}
		if got := MeasuringCommands(p); len(got) != tt.cmds {
			t.Errorf("MeasuringCommands(%q) = %q, want %d", tt.text, got, tt.cmds)
		}
	}
}

func TestCheckCommand(t *testing.T) {
	tests := []struct {
		cmd     string
		wantErr bool
	}{
		{cmd: "go test -run '^$' -bench Match -benchmem ./internal/routes"},
		{cmd: "go test -run '^$' -bench NoSuchBenchmark ./internal/routes", wantErr: true},
		{cmd: "go test -run '^$' -bench . ./internal/nosuchpackage", wantErr: true},
		{cmd: "scripts/bench-cli.sh"},
		{cmd: "scripts/nosuch.sh", wantErr: true},
		{cmd: "make bench"},
		{cmd: "make nosuchtarget", wantErr: true},
	}
	for _, tt := range tests {
		if err := CheckCommand(root, tt.cmd); (err != nil) != tt.wantErr {
			t.Errorf("CheckCommand(%q) = %v, want error %v", tt.cmd, err, tt.wantErr)
		}
	}
}

func TestEnvVarsScanner(t *testing.T) {
	reads, err := EnvVars(root)
	if err != nil {
		t.Fatalf("scanning: %v", err)
	}
	want := map[string]string{"SINK_KIND": "internal/sink", "FORWARDER_INPUT": "internal/forwarder/config", "CI": "internal/emulator/moto"}
	for _, r := range reads {
		if dir, ok := want[r.Name]; ok && r.Dir == dir {
			delete(want, r.Name)
		}
	}
	for name, dir := range want {
		t.Errorf("EnvVars did not find %s read in %s", name, dir)
	}
	if got := OwningDocs("internal/usersync"); strings.Join(got, ",") != "docs/forwarder.md,docs/sync.md" {
		t.Errorf("OwningDocs(internal/usersync) = %v", got)
	}
	if !Mentions("set `SINK_URL` here", "SINK_URL") || Mentions("set `SINK_URL_X`", "SINK_URL") {
		t.Error("Mentions must match whole names only")
	}
}

func TestHeadingSaysMeasured(t *testing.T) {
	_, paras := ParseMarkdown("x.md", "### Measured: memory\n\nFigures on a 2-core machine.\n")
	if len(paras) != 2 || !HeadingSaysMeasured(paras[0]) || HeadingSaysMeasured(paras[1]) || ClaimsMeasured(paras[0]) {
		t.Fatalf("paragraphs %+v: want the heading to say measured and not claim a figure itself", paras)
	}
}

func TestMeasuredNeighbours(t *testing.T) {
	doc := "<!-- doc-test: skip benchmark -->\n```sh\ngo test -run '^$' -bench Match ./internal/routes   # µs/op\n```\n\nMeasured: 34 µs.\n\nMeasured on 2 cores:\n\n| what | command |\n|---|---|\n| match | `make bench` |\n\nMeasured alone: 3 s.\n"
	_, paras := ParseMarkdown("x.md", doc)
	want := [][]string{
		{"go test -run '^$' -bench Match ./internal/routes"},
		{"make bench"},
		{"make bench"},
		nil,
	}
	if len(paras) != 4 {
		t.Fatalf("got %d paragraphs, want 4: %+v", len(paras), paras)
	}
	for i, p := range paras {
		if got := MeasuringCommands(p); strings.Join(got, "|") != strings.Join(want[i], "|") {
			t.Errorf("paragraph %d (%q): commands %q, want %q", i, p.Text, got, want[i])
		}
	}
}
