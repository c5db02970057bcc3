package usersync

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BoltStore keeps the state in a local file with bbolt: one bucket per
// pool, holding the checkpoint under the key "pass" and a nested bucket
// "users" of records keyed by username. A record is 8 bytes of pass
// number, 1 byte delivered flag, then the data. Nothing is held in memory
// beyond a page: bbolt pages the file in.
type BoltStore struct {
	db *bolt.DB
}

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
func (s *BoltStore) Close() error { return s.db.Close() }

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
				r, err := decodeBoltRecord(name, v)
				if err != nil {
					return err
				}
				out[name] = r
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: reading users of %s: %w", ErrState, pool, err)
	}
	return out, nil
}

// Commit implements Store, in one transaction.
func (s *BoltStore) Commit(_ context.Context, pool string, batch Batch) error {
	pass, err := json.Marshal(batch.Pass)
	if err != nil {
		return fmt.Errorf("%w: encoding the checkpoint of %s: %w", ErrState, pool, err)
	}
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
	if err != nil {
		return fmt.Errorf("%w: writing the state of %s: %w", ErrState, pool, err)
	}
	return nil
}

// Unseen implements Store.
func (s *BoltStore) Unseen(_ context.Context, pool string, pass int64, after string, limit int) ([]Record, error) {
	var out []Record
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(poolBucket(pool))
		if b == nil || b.Bucket(boltUsersName) == nil {
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
		for ; k != nil && len(out) < limit; k, v = c.Next() {
			if len(v) < 9 {
				return fmt.Errorf("user %q: record of %d bytes", k, len(v))
			}
			if int64(binary.BigEndian.Uint64(v)) >= pass {
				continue
			}
			r, err := decodeBoltRecord(string(k), v)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: listing unseen users of %s: %w", ErrState, pool, err)
	}
	return out, nil
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
