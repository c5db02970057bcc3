package usersync

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BoltStore keeps the state in a local file with bbolt: one bucket per
// pool, holding the checkpoint under the key "pass" and a nested bucket
// "users" of records keyed by username. A record is 8 bytes of pass
// number, 1 byte delivered flag, then the data. Nothing is held in memory
// beyond a page.
//
// bbolt reads the file through a shared memory map, and every page read
// stays in the process's resident set until unmapped: a pass touches the
// whole file, so its RSS grew with the pool (101 MB at 100,000 users, 89 MB
// of it the map). The store counts the bytes it reads and writes and,
// past DropBytes, tells the kernel to drop the map's pages
// (madvise MADV_DONTNEED: they come back from the page cache when read
// again); the delete scan reads at most boltScanKeys records per
// transaction. Reopening the file would do the same but release its lock
// between close and open, where a second sync could take it.
type BoltStore struct {
	mu sync.RWMutex
	db *bolt.DB
	// DropBytes is the budget of bytes read or written between two drops
	// of the mapped pages; 0 means DefaultDropBytes, negative never.
	DropBytes int64
	touched   atomic.Int64
}

// DefaultDropBytes is BoltStore's default budget between drops of the
// mapped pages: peak RSS stays within it of the Go heap's.
const DefaultDropBytes = 4 << 20

// boltScanKeys bounds the records one transaction of the delete scan
// reads (about 3 MB of file), so that drops happen during the scan.
const boltScanKeys = 4096

var _ Store = (*BoltStore)(nil)

var (
	boltPassKey   = []byte("pass")
	boltUsersName = []byte("users")
)

// OpenBolt opens (creating it if needed) the state file at path.
func OpenBolt(path string) (*BoltStore, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("%w: opening %s: another sync holds it", ErrState, path)
		}
		return nil, fmt.Errorf("%w: opening %s: %w", ErrState, path, err)
	}
	return &BoltStore{db: db}, nil
}

// Close closes the file.
func (s *BoltStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.db.Close()
}

// touch counts n bytes read or written and drops the mapped pages when
// the budget is spent. No transaction is open: the caller has ended its
// own, and the lock keeps others out while the pages are dropped.
func (s *BoltStore) touch(n int64) {
	budget := s.DropBytes
	if budget == 0 {
		budget = DefaultDropBytes
	}
	if budget < 0 || s.touched.Add(n) < budget {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.touched.Load() < budget {
		return // another caller dropped them
	}
	s.touched.Store(0)
	var size int64
	if err := s.db.View(func(tx *bolt.Tx) error { size = tx.Size(); return nil }); err != nil {
		return // closed: nothing mapped
	}
	dropMapped(s.db.Info().Data, size)
}

func poolBucket(pool string) []byte { return []byte("pool/" + pool) }

// LoadPass implements Store.
func (s *BoltStore) LoadPass(_ context.Context, pool string) (Pass, bool, error) {
	var p Pass
	found := false
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(poolBucket(pool))
		if b == nil {
			return nil
		}
		v := b.Get(boltPassKey)
		if v == nil {
			return nil
		}
		found = true
		return json.Unmarshal(v, &p)
	})
	if err != nil {
		return Pass{}, false, fmt.Errorf("%w: reading the checkpoint of %s: %w", ErrState, pool, err)
	}
	return p, found, nil
}

// GetUsers implements Store.
func (s *BoltStore) GetUsers(_ context.Context, pool string, usernames []string) (map[string]Record, error) {
	out := make(map[string]Record, len(usernames))
	var n int64
	s.mu.RLock()
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(poolBucket(pool))
		if b == nil {
			return nil
		}
		users := b.Bucket(boltUsersName)
		if users == nil {
			return nil
		}
		for _, name := range usernames {
			if v := users.Get([]byte(name)); v != nil {
				n += int64(len(name) + len(v))
				r, err := decodeBoltRecord(name, v)
				if err != nil {
					return err
				}
				out[name] = r
			}
		}
		return nil
	})
	s.mu.RUnlock()
	if err != nil {
		return nil, fmt.Errorf("%w: reading users of %s: %w", ErrState, pool, err)
	}
	s.touch(n)
	return out, nil
}

// Commit implements Store, in one transaction.
func (s *BoltStore) Commit(_ context.Context, pool string, batch Batch) error {
	pass, err := json.Marshal(batch.Pass)
	if err != nil {
		return fmt.Errorf("%w: encoding the checkpoint of %s: %w", ErrState, pool, err)
	}
	n := int64(len(pass))
	s.mu.RLock()
	err = s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(poolBucket(pool))
		if err != nil {
			return err
		}
		users, err := b.CreateBucketIfNotExists(boltUsersName)
		if err != nil {
			return err
		}
		for _, r := range batch.Put {
			n += int64(len(r.Username) + 9 + len(r.Data))
			if err := users.Put([]byte(r.Username), encodeBoltRecord(r)); err != nil {
				return fmt.Errorf("user %q: %w", r.Username, err)
			}
		}
		for _, name := range batch.Delete {
			if err := users.Delete([]byte(name)); err != nil {
				return fmt.Errorf("user %q: %w", name, err)
			}
		}
		return b.Put(boltPassKey, pass)
	})
	s.mu.RUnlock()
	if err != nil {
		return fmt.Errorf("%w: writing the state of %s: %w", ErrState, pool, err)
	}
	s.touch(n)
	return nil
}

// Unseen implements Store, reading at most boltScanKeys records per
// transaction and resuming after the last key read (Seek).
func (s *BoltStore) Unseen(_ context.Context, pool string, pass int64, after string, limit int) ([]Record, error) {
	var out []Record
	for {
		last, end, err := s.unseenChunk(pool, pass, after, limit, &out)
		if err != nil {
			return nil, fmt.Errorf("%w: listing unseen users of %s: %w", ErrState, pool, err)
		}
		if end || len(out) >= limit {
			return out, nil
		}
		after = last
	}
}

// unseenChunk appends to out the unseen records among at most
// boltScanKeys after after; last is the last key read, end is true at the
// end of the bucket.
func (s *BoltStore) unseenChunk(pool string, pass int64, after string, limit int, out *[]Record) (last string, end bool, err error) {
	var n int64
	s.mu.RLock()
	err = s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(poolBucket(pool))
		if b == nil || b.Bucket(boltUsersName) == nil {
			end = true
			return nil
		}
		c := b.Bucket(boltUsersName).Cursor()
		k, v := c.First()
		if after != "" {
			k, v = c.Seek([]byte(after))
			if k != nil && bytes.Equal(k, []byte(after)) {
				k, v = c.Next()
			}
		}
		for read := 0; ; k, v = c.Next() {
			if k == nil {
				end = true
				return nil
			}
			if read == boltScanKeys || len(*out) >= limit {
				return nil
			}
			read++
			n += int64(len(k) + len(v))
			last = string(k)
			if len(v) < 9 {
				return fmt.Errorf("user %q: record of %d bytes", k, len(v))
			}
			if int64(binary.BigEndian.Uint64(v)) >= pass {
				continue
			}
			r, err := decodeBoltRecord(last, v)
			if err != nil {
				return err
			}
			*out = append(*out, r)
		}
	})
	s.mu.RUnlock()
	s.touch(n)
	return last, end, err
}

func encodeBoltRecord(r Record) []byte {
	v := make([]byte, 9, 9+len(r.Data))
	binary.BigEndian.PutUint64(v, uint64(r.Pass))
	if r.Delivered {
		v[8] = 1
	}
	return append(v, r.Data...)
}

func decodeBoltRecord(name string, v []byte) (Record, error) {
	if len(v) < 9 {
		return Record{}, fmt.Errorf("user %q: record of %d bytes, want at least 9", name, len(v))
	}
	return Record{
		Username:  name,
		Pass:      int64(binary.BigEndian.Uint64(v)),
		Delivered: v[8] == 1,
		Data:      bytes.Clone(v[9:]),
	}, nil
}
