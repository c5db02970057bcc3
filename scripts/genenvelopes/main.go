package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Placeholders put into each fixture once, replaced on every line.
const (
	phEventID   = "@@EVENTID@@"
	phRequestID = "@@REQUESTID@@"
	phID        = "@@ID@@"
	phTime      = "@@TIME@@"
	phUser      = "@@USER@@"
)

func main() {
	n := flag.Int("n", 1000, "number of lines to write")
	dir := flag.String("fixtures", "testdata/envelopes", "directory of envelope fixtures (*.json)")
	flag.Parse()
	templates, err := loadTemplates(*dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "genenvelopes: %v\n", err)
		os.Exit(1)
	}
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	base := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	for i := range *n {
		t := templates[i%len(templates)]
		ts := base.Add(time.Duration(i) * time.Second).Format(time.RFC3339)
		line := t
		line = bytes.ReplaceAll(line, []byte(phEventID), []byte(uuidLike(i, 0xe1)))
		line = bytes.ReplaceAll(line, []byte(phRequestID), []byte(uuidLike(i, 0x5e)))
		line = bytes.ReplaceAll(line, []byte(phID), []byte(uuidLike(i, 0x1d)))
		line = bytes.ReplaceAll(line, []byte(phTime), []byte(ts))
		line = bytes.ReplaceAll(line, []byte(phUser), []byte("-u"+strconv.Itoa(i)))
		out.Write(line)
		out.WriteByte('\n')
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(os.Stderr, "genenvelopes: writing: %v\n", err)
		os.Exit(1)
	}
}

// uuidLike formats i as a UUID-shaped string, distinct per i and salt.
func uuidLike(i int, salt byte) string {
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", uint32(i)*2654435761, salt, i&0xfff, (i>>12)&0xfff, i)
}

// loadTemplates reads each fixture, puts placeholders where the varying
// fields are, and compacts it to one line.
func loadTemplates(dir string) ([][]byte, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("no *.json in %s", dir)
	}
	sort.Strings(paths)
	var templates [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("reading fixture: %w", err)
		}
		var env map[string]any
		if err := json.Unmarshal(data, &env); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		detail, ok := env["detail"].(map[string]any)
		if !ok {
			continue // not an envelope of a CloudTrail record
		}
		env["id"] = phID
		env["time"] = phTime
		detail["eventTime"] = phTime
		if _, ok := detail["eventID"]; ok {
			detail["eventID"] = phEventID
		}
		if _, ok := detail["requestID"]; ok {
			detail["requestID"] = phRequestID
		}
		if params, ok := detail["requestParameters"].(map[string]any); ok {
			for _, k := range []string{"username", "userName"} {
				if s, ok := params[k].(string); ok && !strings.HasPrefix(s, "HIDDEN") {
					params[k] = s + phUser
				}
			}
		}
		line, err := json.Marshal(env)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		templates = append(templates, line)
	}
	if len(templates) == 0 {
		return nil, fmt.Errorf("no envelope in %s", dir)
	}
	return templates, nil
}
