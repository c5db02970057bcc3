package doccheck

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Kind is what a doc-test marker asks for a fenced block.
type Kind string

// The marker kinds: <!-- doc-test: run -->, <!-- doc-test: aws --> and
// <!-- doc-test: skip REASON -->.
const (
	// Run: the test runs the block and checks its output and exit status.
	Run Kind = "run"
	// AWS: the block needs an AWS account; the test never runs it.
	AWS Kind = "aws"
	// Skip: the block is not run, for the reason given (a server that runs
	// until interrupted, make demo or make synth which CI runs otherwise, a
	// benchmark, a usage synopsis).
	Skip Kind = "skip"
)

// MarkerPrefix starts the HTML comment that marks a fenced block.
const MarkerPrefix = "<!-- doc-test:"

// Marker is a parsed doc-test comment.
type Marker struct {
	Kind   Kind
	Exit   int    // the exit status a run block must end with (exit=N), default 0
	Reason string // why a skip block is not run
}

// Block is one fenced code block of a Markdown file.
type Block struct {
	File   string // the file's name, as given to ParseMarkdown
	Line   int    // 1-based line of the opening fence
	Info   string // the fence's info string ("sh", "json", "")
	Lines  []string
	Marker *Marker // nil when no marker comment precedes the fence
	// MarkerErr is set when a marker comment precedes the fence but does
	// not parse.
	MarkerErr error
}

// Where names the block for messages: FILE:LINE.
func (b Block) Where() string { return fmt.Sprintf("%s:%d", b.File, b.Line) }

// Paragraph is a run of non-blank lines outside fenced blocks.
type Paragraph struct {
	File string
	Line int // 1-based line of its first line
	Text string
	// BlockBefore holds the lines of the fenced block right before the
	// paragraph (blank lines and markers between), if any.
	BlockBefore []string
	// TableAfter is the next paragraph when it is a table (its first line
	// starts with "|") and follows with only blank lines between.
	TableAfter string
}

var fenceRe = regexp.MustCompile("^(\\s*)(```+|~~~+)\\s*(.*)$")

// ParseMarkdown returns the fenced blocks and the paragraphs of a Markdown
// text. A marker is the last non-blank line before a fence.
func ParseMarkdown(file, text string) ([]Block, []Paragraph) {
	lines := strings.Split(text, "\n")
	var blocks []Block
	var paras []Paragraph
	var para []string
	paraLine := 0
	flush := func() {
		if len(para) > 0 {
			paras = append(paras, Paragraph{File: file, Line: paraLine, Text: strings.Join(para, "\n")})
		}
		para = nil
	}
	lastNonBlank := ""
	for i := 0; i < len(lines); i++ {
		m := fenceRe.FindStringSubmatch(lines[i])
		if m == nil {
			if t := strings.TrimSpace(lines[i]); t == "" || strings.HasPrefix(t, "<!--") {
				flush()
				if t != "" {
					lastNonBlank = t
				}
			} else {
				if para == nil {
					paraLine = i + 1
				}
				para = append(para, lines[i])
				lastNonBlank = strings.TrimSpace(lines[i])
			}
			continue
		}
		flush()
		indent, fence := m[1], m[2]
		b := Block{File: file, Line: i + 1, Info: strings.TrimSpace(m[3])}
		if strings.HasPrefix(lastNonBlank, MarkerPrefix) {
			mk, err := ParseMarker(lastNonBlank)
			if err != nil {
				b.MarkerErr = err
			} else {
				b.Marker = &mk
			}
		}
		for i++; i < len(lines); i++ {
			t := strings.TrimSpace(lines[i])
			if strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == "" {
				break
			}
			b.Lines = append(b.Lines, strings.TrimPrefix(lines[i], indent))
		}
		blocks = append(blocks, b)
		lastNonBlank = ""
	}
	flush()
	for i := range paras {
		for _, b := range blocks {
			if b.Line < paras[i].Line && onlyBlankBetween(lines, b.Line+len(b.Lines)+2, paras[i].Line-1) {
				paras[i].BlockBefore = b.Lines
			}
		}
		if i+1 < len(paras) && strings.HasPrefix(strings.TrimSpace(paras[i+1].Text), "|") {
			end := paras[i].Line + strings.Count(paras[i].Text, "\n")
			if onlyBlankBetween(lines, end+1, paras[i+1].Line-1) {
				paras[i].TableAfter = paras[i+1].Text
			}
		}
	}
	return blocks, paras
}

// onlyBlankBetween reports whether the 1-based lines from..to (inclusive)
// are blank or comments, and there is at least one line boundary.
func onlyBlankBetween(lines []string, from, to int) bool {
	if from < 1 || from > to+1 || to > len(lines) {
		return false
	}
	for l := from; l <= to; l++ {
		t := strings.TrimSpace(lines[l-1])
		if t != "" && !strings.HasPrefix(t, "<!--") {
			return false
		}
	}
	return true
}

// ParseMarker parses "<!-- doc-test: KIND [exit=N] [REASON] -->".
func ParseMarker(line string) (Marker, error) {
	body, ok := strings.CutPrefix(strings.TrimSpace(line), MarkerPrefix)
	if !ok {
		return Marker{}, fmt.Errorf("marker %q does not start with %q", line, MarkerPrefix)
	}
	body, ok = strings.CutSuffix(body, "-->")
	if !ok {
		return Marker{}, fmt.Errorf("marker %q does not end with -->", line)
	}
	fields := strings.Fields(body)
	if len(fields) == 0 {
		return Marker{}, fmt.Errorf("marker %q names no kind: want run, aws or skip", line)
	}
	m := Marker{Kind: Kind(fields[0])}
	rest := fields[1:]
	switch m.Kind {
	case Run:
		for _, f := range rest {
			v, ok := strings.CutPrefix(f, "exit=")
			n, err := strconv.Atoi(v)
			if !ok || err != nil || n < 0 || n > 255 {
				return Marker{}, fmt.Errorf("marker %q: %q is not exit=N", line, f)
			}
			m.Exit = n
		}
	case AWS:
		m.Reason = strings.Join(rest, " ")
	case Skip:
		m.Reason = strings.Join(rest, " ")
		if m.Reason == "" {
			return Marker{}, fmt.Errorf("marker %q: skip needs a reason", line)
		}
	default:
		return Marker{}, fmt.Errorf("marker %q: unknown kind %q: want run, aws or skip", line, fields[0])
	}
	return m, nil
}

// shellInfos are the info strings of fenced shell blocks.
var shellInfos = map[string]bool{"sh": true, "bash": true, "shell": true, "console": true, "shell-session": true}

// commandWords start the first line of an unlabelled fence that holds
// commands.
var commandWords = []string{"cognito-events", "go", "make", "aws", "npm", "npx", "curl", "moto_server", "node", "scripts/", "./"}

// IsShell reports whether a block holds shell commands: a shell info
// string, a first line starting with "$ ", or, with no info string, a
// first line starting with a known command.
func (b Block) IsShell() bool {
	if b.isEnvListing() {
		return false
	}
	first := b.FirstLine()
	if strings.HasPrefix(first, "$ ") {
		return true
	}
	word, _, _ := strings.Cut(strings.Fields(b.Info + " x")[0], "{")
	if shellInfos[word] {
		return true
	}
	if b.Info != "" {
		return false
	}
	fields := strings.Fields(first)
	if len(fields) > 1 && strings.HasSuffix(fields[1], ":") {
		return false // output such as "cognito-events demo: 84 events ..."
	}
	for _, w := range commandWords {
		if first == w || strings.HasPrefix(first, w+" ") || (strings.HasSuffix(w, "/") && strings.HasPrefix(first, w)) {
			return true
		}
	}
	return false
}

var assignRe = regexp.MustCompile(`^[A-Z][A-Z0-9_]*=`)

// isEnvListing reports whether every line of a block (comments and blank
// lines aside) sets a variable: a function's environment, not commands.
func (b Block) isEnvListing() bool {
	n := 0
	for _, l := range b.Lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if !assignRe.MatchString(t) {
			return false
		}
		n++
	}
	return n > 0
}

// FirstLine is the block's first non-blank line, trimmed.
func (b Block) FirstLine() string {
	for _, l := range b.Lines {
		if t := strings.TrimSpace(l); t != "" {
			return t
		}
	}
	return ""
}

// Step is one command of a block and the output the doc shows for it.
type Step struct {
	Command string   // a shell command or script
	Want    []string // lines the doc shows as its output (prompt form only)
	Prompt  bool     // written "$ command" with its output below
}

// Steps splits a shell block. In the prompt form (some line starts with
// "$ ") each "$ " line is a command (continued by a trailing backslash) and
// the lines up to the next one are its output. Otherwise the whole block
// is one script and its output is not shown.
func (b Block) Steps() []Step {
	prompt := false
	for _, l := range b.Lines {
		if strings.HasPrefix(strings.TrimSpace(l), "$ ") {
			prompt = true
			break
		}
	}
	if !prompt {
		return []Step{{Command: strings.Join(b.Lines, "\n")}}
	}
	var steps []Step
	for i := 0; i < len(b.Lines); i++ {
		t := strings.TrimSpace(b.Lines[i])
		cmd, ok := strings.CutPrefix(t, "$ ")
		if !ok {
			if len(steps) > 0 {
				steps[len(steps)-1].Want = append(steps[len(steps)-1].Want, b.Lines[i])
			}
			continue
		}
		for strings.HasSuffix(cmd, "\\") && i+1 < len(b.Lines) {
			i++
			cmd = strings.TrimSuffix(cmd, "\\") + " " + strings.TrimSpace(b.Lines[i])
		}
		steps = append(steps, Step{Command: cmd, Prompt: true})
	}
	return steps
}
