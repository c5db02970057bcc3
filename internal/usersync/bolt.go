package usersync

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
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
	mu   sync.RWMutex
	db   *bolt.DB
	path string
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
	boltPassKey = []byte("pass")
	// boltSubsName is the bucket of format 2 records, keyed by sub;
	// boltUsersName the format 1 one, keyed by username (migrated).
	boltSubsName  = []byte("subs")
	boltUsersName = []byte("users")
)

// boltMigrateKeys bounds the records one migrating transaction moves.
const boltMigrateKeys = 10000

// OpenBolt opens (creating it if needed) the state file at path. An
// existing empty file is damaged, not a new state: every user would be
// sent again as created. When another process holds the file, the error
// names it (its pid, from /proc/locks on Linux).
func OpenBolt(path string) (s *BoltStore, err error) {
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		if fi.Size() == 0 {
			return nil, fmt.Errorf("%w: %w: state file %s is empty (0 bytes), not a state", ErrState, ErrDamaged, path)
		}
		if err := checkBoltMeta(path, fi.Size()); err != nil {
			return nil, fmt.Errorf("%w: %w: state file %s: %w", ErrState, ErrDamaged, path, err)
		}
	}
	// A read of the file's memory map past its end is a fault (SIGBUS):
	// made a panic, recovered below, instead of the end of the process.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			s, err = nil, fmt.Errorf("%w: %w: opening state file %s: %v", ErrState, ErrDamaged, path, p)
		}
	}()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("%w: opening %s: %s holds it (another sync of this file is running)", ErrState, path, lockHolder(path))
		}
		if errors.Is(err, bolt.ErrInvalid) || errors.Is(err, bolt.ErrChecksum) || errors.Is(err, bolt.ErrVersionMismatch) {
			return nil, fmt.Errorf("%w: %w: opening state file %s: %w", ErrState, ErrDamaged, path, err)
		}
		return nil, fmt.Errorf("%w: opening %s: %w", ErrState, path, err)
	}
	return &BoltStore{db: db, path: path}, nil
}

// Close closes the file.
func (s *BoltStore) Close() (err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() {
		if p := recover(); p != nil {
			err = s.damaged(p)
		}
	}()
	return s.db.Close()
}

// damaged is the error of a panic of bbolt on the file.
func (s *BoltStore) damaged(p any) error {
	return fmt.Errorf("%w: %w: state file %s: %v", ErrState, ErrDamaged, s.path, p)
}

// view runs fn in a read transaction under the read lock, bbolt's panics
// turned into errors.
func (s *BoltStore) view(fn func(*bolt.Tx) error) (err error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			err = s.damaged(p)
		}
	}()
	return s.db.View(fn)
}

// update runs fn in a write transaction, as view.
func (s *BoltStore) update(fn func(*bolt.Tx) error) (err error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			err = s.damaged(p)
		}
	}()
	return s.db.Update(fn)
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

// LoadPass implements Store, migrating a format 1 pool first.
func (s *BoltStore) LoadPass(_ context.Context, pool string) (Pass, bool, error) {
	var p Pass
	found, old := false, false
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(poolBucket(pool))
		if b == nil {
			return nil
		}
		old = b.Bucket(boltUsersName) != nil
		v := b.Get(boltPassKey)
		if v == nil {
			return nil
		}
		found = true
		if err := json.Unmarshal(v, &p); err != nil {
			return fmt.Errorf("%w: the checkpoint of %s: %w", ErrDamaged, pool, err)
		}
		return nil
	})
	if err != nil {
		return Pass{}, false, fmt.Errorf("%w: reading the checkpoint of %s from %s: %w", ErrState, pool, s.path, err)
	}
	if found && (old || p.Format < StateFormat) {
		if p, err = s.migrate(pool, p); err != nil {
			return Pass{}, false, err
		}
	}
	return p, found, nil
}

// migrate moves a format 1 pool's records (keyed by username) to format 2
// (keyed by sub, version 0), boltMigrateKeys per transaction, each moved
// record deleted from the old bucket, so a migration stopped anywhere goes
// on at the next run. Nothing is sent: the records keep their data.
func (s *BoltStore) migrate(pool string, p Pass) (Pass, error) {
	for more := true; more; {
		err := s.update(func(tx *bolt.Tx) error {
			b := tx.Bucket(poolBucket(pool))
			old := b.Bucket(boltUsersName)
			if old == nil {
				more = false
				return nil
			}
			subs, err := b.CreateBucketIfNotExists(boltSubsName)
			if err != nil {
				return err
			}
			var moved [][]byte
			c := old.Cursor()
			for k, v := c.First(); k != nil && len(moved) < boltMigrateKeys; k, v = c.Next() {
				r, err := decodeV1Record(string(k), v)
				if err != nil {
					return err
				}
				if err := subs.Put([]byte(r.Sub), encodeBoltRecord(r)); err != nil {
					return err
				}
				moved = append(moved, bytes.Clone(k))
			}
			for _, k := range moved {
				if err := old.Delete(k); err != nil {
					return err
				}
			}
			if len(moved) < boltMigrateKeys {
				more = false
				return b.DeleteBucket(boltUsersName)
			}
			return nil
		})
		if err != nil {
			return Pass{}, fmt.Errorf("%w: migrating the state of %s in %s: %w", ErrState, pool, s.path, err)
		}
	}
	p = migratedPass(p)
	c, err := json.Marshal(p)
	if err != nil {
		return Pass{}, fmt.Errorf("%w: encoding the checkpoint of %s: %w", ErrState, pool, err)
	}
	if err := s.update(func(tx *bolt.Tx) error { return tx.Bucket(poolBucket(pool)).Put(boltPassKey, c) }); err != nil {
		return Pass{}, fmt.Errorf("%w: migrating the checkpoint of %s in %s: %w", ErrState, pool, s.path, err)
	}
	return p, nil
}

// GetUsers implements Store.
func (s *BoltStore) GetUsers(_ context.Context, pool string, subs []string) (map[string]Record, error) {
	out := make(map[string]Record, len(subs))
	var n int64
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(poolBucket(pool))
		if b == nil {
			return nil
		}
		users := b.Bucket(boltSubsName)
		if users == nil {
			return nil
		}
		for _, sub := range subs {
			if v := users.Get([]byte(sub)); v != nil {
				n += int64(len(sub) + len(v))
				r, err := decodeBoltRecord(sub, v)
				if err != nil {
					return err
				}
				out[sub] = r
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: reading users of %s from %s: %w", ErrState, pool, s.path, err)
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
	err = s.update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(poolBucket(pool))
		if err != nil {
			return err
		}
		users, err := b.CreateBucketIfNotExists(boltSubsName)
		if err != nil {
			return err
		}
		for _, r := range batch.Put {
			v := encodeBoltRecord(r)
			n += int64(len(r.Sub) + len(v))
			if err := users.Put([]byte(r.Sub), v); err != nil {
				return fmt.Errorf("sub %s: %w", r.Sub, err)
			}
		}
		for _, sub := range batch.Delete {
			if err := users.Delete([]byte(sub)); err != nil {
				return fmt.Errorf("sub %s: %w", sub, err)
			}
		}
		return b.Put(boltPassKey, pass)
	})
	if err != nil {
		return fmt.Errorf("%w: writing the state of %s to %s: %w", ErrState, pool, s.path, err)
	}
	s.touch(n)
	return nil
}

// Lease implements Store: the file's lock, taken by OpenBolt and held
// until Close, already keeps every other process out.
func (s *BoltStore) Lease(context.Context, string, string, time.Time) (func(context.Context) error, error) {
	return func(context.Context) error { return nil }, nil
}

// Unseen implements Store, reading at most boltScanKeys records per
// transaction and resuming after the last key read (Seek).
func (s *BoltStore) Unseen(_ context.Context, pool string, pass int64, after string, limit int) ([]Record, error) {
	var out []Record
	for {
		last, end, err := s.unseenChunk(pool, pass, after, limit, &out)
		if err != nil {
			return nil, fmt.Errorf("%w: listing unseen users of %s in %s: %w", ErrState, pool, s.path, err)
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
	err = s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(poolBucket(pool))
		if b == nil || b.Bucket(boltSubsName) == nil {
			end = true
			return nil
		}
		c := b.Bucket(boltSubsName).Cursor()
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
			if len(v) < boltHeader {
				return fmt.Errorf("%w: sub %q: record of %d bytes", ErrDamaged, k, len(v))
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
	s.touch(n)
	return last, end, err
}
