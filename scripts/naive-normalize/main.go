package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"time"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	failed := 0
	for in.Scan() {
		var doc map[string]any
		if err := json.Unmarshal(in.Bytes(), &doc); err != nil {
			failed++
			continue
		}
		detail, _ := doc["detail"].(map[string]any)
		id, _ := detail["eventID"].(string)
		name, _ := detail["eventName"].(string)
		source, _ := detail["eventSource"].(string)
		region, _ := detail["awsRegion"].(string)
		ev := cloudevent.New()
		ev.SetID(id)
		ev.SetType("com.amazonaws.cognito-idp.cloudtrail")
		ev.SetSource("aws:" + source + ":" + region)
		ev.SetSubject(name)
		if ts, ok := detail["eventTime"].(string); ok {
			if t, err := time.Parse(time.RFC3339, ts); err == nil {
				ev.SetTime(t)
			}
		}
		if err := ev.SetData(cloudevent.ApplicationJSON, detail); err != nil {
			failed++
			continue
		}
		b, err := json.Marshal(ev)
		if err != nil {
			failed++
			continue
		}
		out.Write(b)
		out.WriteByte('\n')
	}
	if err := in.Err(); err != nil {
		fmt.Fprintf(os.Stderr, "naive-normalize: reading: %v\n", err)
		os.Exit(1)
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(os.Stderr, "naive-normalize: writing: %v\n", err)
		os.Exit(1)
	}
	if failed > 0 {
		fmt.Fprintf(os.Stderr, "naive-normalize: %d records failed\n", failed)
	}
}
