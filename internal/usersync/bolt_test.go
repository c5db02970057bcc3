package usersync

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// TestBoltDropsAndChunks: with the mapped pages dropped after every call
// and a delete scan longer than a transaction's boltScanKeys, the store
// reads back every record, in order, none twice.
func TestBoltDropsAndChunks(t *testing.T) {
	for _, drop := range []int64{1, 0, -1} {
		t.Run(fmt.Sprintf("DropBytes=%d", drop), func(t *testing.T) {
			s, err := OpenBolt(filepath.Join(t.TempDir(), "state.db"))
			if err != nil {
				t.Fatalf("opening: %v", err)
			}
			defer s.Close()
			s.DropBytes = drop
			ctx := context.Background()
			const n = 3*boltScanKeys + 7
			put := make([]Record, 0, n)
			for i := range n {
				put = append(put, Record{Sub: fmt.Sprintf("u%06d", i), Username: "x", Data: []byte(`{}`), Pass: int64(1 + i%3), Delivered: true})
			}
			if err := s.Commit(ctx, "p", Batch{Put: put, Pass: Pass{Number: 3}}); err != nil {
				t.Fatalf("commit: %v", err)
			}
			var got []string
			after := ""
			for {
				recs, err := s.Unseen(ctx, "p", 3, after, 1000)
				if err != nil {
					t.Fatalf("unseen after %q: %v", after, err)
				}
				for _, r := range recs {
					got = append(got, r.Sub)
					after = r.Sub
				}
				if len(recs) < 1000 {
					break
				}
			}
			// Pass 3 users (i%3 == 2) are seen: two thirds remain.
			want := 0
			for i := range n {
				if i%3 != 2 {
					if want >= len(got) || got[want] != fmt.Sprintf("u%06d", i) {
						t.Fatalf("unseen[%d] = %v, want u%06d", want, got[min(want, len(got)-1)], i)
					}
					want++
				}
			}
			if len(got) != want {
				t.Fatalf("%d unseen, want %d", len(got), want)
			}
			users, err := s.GetUsers(ctx, "p", []string{"u000000", fmt.Sprintf("u%06d", n-1)})
			if err != nil || len(users) != 2 {
				t.Fatalf("GetUsers after drops: %v, %v", users, err)
			}
		})
	}
}
