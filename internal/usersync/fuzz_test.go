package usersync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// validBolt is a state file of 300 users of two pools, written once.
var validBolt = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "usersync-fuzz-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "state.db")
	s, err := OpenBolt(path)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	for _, pool := range []string{"us-east-1_a", "us-east-1_b"} {
		var put []Record
		for i := range 150 {
			put = append(put, Record{Sub: fmt.Sprintf("sub-%04d", i), Username: fmt.Sprintf("user%04d", i), Pass: 1, Delivered: true, Version: 1,
				Data: []byte(`{"Attributes":[{"Name":"sub","Value":"sub-` + fmt.Sprint(i) + `"}],"Username":"user` + fmt.Sprint(i) + `"}`)})
		}
		if err := s.Commit(ctx, pool, Batch{Put: put, Pass: Pass{Number: 1, Completed: 1, Format: StateFormat}}); err != nil {
			return nil, err
		}
	}
	if err := s.Close(); err != nil {
		return nil, err
	}
	return os.ReadFile(path)
})

// FuzzBoltDamaged damages a valid state file (cut at an offset, or bytes
// written over it there) and uses it as a run would: every call either
// works or fails with an error wrapping ErrState that names the file;
// none panics, none hangs (each damaged file is used in a goroutine
// watched for a minute), and Close always returns.
func FuzzBoltDamaged(f *testing.F) {
	valid, err := validBolt()
	if err != nil {
		f.Fatalf("writing the valid state: %v", err)
	}
	f.Add(uint32(0), []byte{}, true)
	f.Add(uint32(10000), []byte{}, true)
	f.Add(uint32(len(valid)/2), []byte{}, true)
	f.Add(uint32(len(valid)-1), []byte{}, true)
	f.Add(uint32(16), []byte("\xff\xff\xff\xff\xff\xff\xff\xff"), false)
	f.Add(uint32(4096+16), []byte("\x00\x00\x00\x00"), false)
	f.Add(uint32(8192), bytes.Repeat([]byte{0xa5}, 4096), false)
	f.Add(uint32(3*4096+3), []byte("\x01\x00\x00\x00\x00\x00\x00\x00\xff\xff"), false)
	f.Add(uint32(len(valid)/2), bytes.Repeat([]byte("garbage"), 2000), false)
	f.Fuzz(func(t *testing.T, at uint32, junk []byte, cut bool) {
		b := bytes.Clone(valid)
		off := int(at) % (len(b) + 1)
		if cut {
			b = b[:off]
		} else {
			copy(b[off:], junk)
		}
		path := filepath.Join(t.TempDir(), "state.db")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatalf("writing: %v", err)
		}
		done := make(chan error, 1)
		go func() { done <- useState(path) }()
		select {
		case err := <-done:
			if err != nil && (!errors.Is(err, ErrState) || !strings.Contains(err.Error(), path)) {
				t.Fatalf("error %q: want one wrapping ErrState naming the file", err)
			}
		case <-time.After(time.Minute):
			t.Fatalf("a damaged state file (at %d, cut %v) hung the store", off, cut)
		}
	})
}

// useState opens the file and calls every Store method on it, as a pass
// does; the first error is returned, after Close.
func useState(path string) (err error) {
	s, err := OpenBolt(path)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, s.Close()) }()
	ctx := context.Background()
	for _, pool := range []string{"us-east-1_a", "us-east-1_b"} {
		if _, _, err := s.LoadPass(ctx, pool); err != nil {
			return err
		}
		if _, err := s.GetUsers(ctx, pool, []string{"sub-0000", "sub-0077", "sub-0149"}); err != nil {
			return err
		}
		if _, err := s.Unseen(ctx, pool, 2, "", 1000); err != nil {
			return err
		}
		if err := s.Commit(ctx, pool, Batch{Put: []Record{{Sub: "sub-new", Username: "new", Pass: 2, Data: []byte("{}")}}, Delete: []string{"sub-0001"}, Pass: Pass{Number: 2, Format: StateFormat}}); err != nil {
			return err
		}
	}
	return nil
}
