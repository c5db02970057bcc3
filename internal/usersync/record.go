package usersync

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"

	"github.com/cognito-events/cognito-events/events"
)

// boltHeader is the fixed part of a format 2 record in the bolt file: 8
// bytes pass, 1 byte flags (bit 0: delivered), 8 bytes version, 8 bytes
// pending version, the pending digest, 2 bytes username length; then the
// username and the data.
const boltHeader = 8 + 1 + 8 + 8 + pendingSumLen + 2

func encodeBoltRecord(r Record) []byte {
	v := make([]byte, boltHeader, boltHeader+len(r.Username)+len(r.Data))
	binary.BigEndian.PutUint64(v, uint64(r.Pass))
	if r.Delivered {
		v[8] = 1
	}
	binary.BigEndian.PutUint64(v[9:], uint64(r.Version))
	binary.BigEndian.PutUint64(v[17:], uint64(r.Pending))
	copy(v[25:], r.PendingSum[:])
	binary.BigEndian.PutUint16(v[25+pendingSumLen:], uint16(len(r.Username)))
	v = append(v, r.Username...)
	return append(v, r.Data...)
}

func decodeBoltRecord(sub string, v []byte) (Record, error) {
	if len(v) < boltHeader {
		return Record{}, fmt.Errorf("%w: sub %q: record of %d bytes, want at least %d", ErrDamaged, sub, len(v), boltHeader)
	}
	ulen := int(binary.BigEndian.Uint16(v[25+pendingSumLen:]))
	if len(v) < boltHeader+ulen || v[8] > 1 {
		return Record{}, fmt.Errorf("%w: sub %q: record does not decode", ErrDamaged, sub)
	}
	r := Record{
		Sub:       sub,
		Pass:      int64(binary.BigEndian.Uint64(v)),
		Delivered: v[8] == 1,
		Version:   int64(binary.BigEndian.Uint64(v[9:])),
		Pending:   int64(binary.BigEndian.Uint64(v[17:])),
		Username:  string(v[boltHeader : boltHeader+ulen]),
		Data:      bytes.Clone(v[boltHeader+ulen:]),
	}
	copy(r.PendingSum[:], v[25:])
	if r.Pass < 0 || r.Version < 0 || r.Pending < 0 {
		return Record{}, fmt.Errorf("%w: sub %q: negative pass or version", ErrDamaged, sub)
	}
	return r, nil
}

// decodeV1Record reads a format 1 bolt record (keyed by username: 8 bytes
// pass, 1 byte delivered, the data), its sub taken from the data.
func decodeV1Record(username string, v []byte) (Record, error) {
	if len(v) < 9 {
		return Record{}, fmt.Errorf("%w: user %q: record of %d bytes, want at least 9", ErrDamaged, username, len(v))
	}
	return v1Record(username, int64(binary.BigEndian.Uint64(v)), v[8] == 1, bytes.Clone(v[9:]))
}

// v1Record makes a format 2 record (version 0) of a format 1 one.
func v1Record(username string, pass int64, delivered bool, data []byte) (Record, error) {
	var u events.User
	if err := json.Unmarshal(data, &u); err != nil {
		return Record{}, fmt.Errorf("%w: user %q: record does not decode: %w", ErrDamaged, username, err)
	}
	sub, ok := u.Attr(events.AttrSub)
	if !ok || sub == "" {
		return Record{}, fmt.Errorf("%w: user %q: record without a sub", ErrDamaged, username)
	}
	return Record{Sub: sub, Username: username, Pass: pass, Delivered: delivered, Data: data}, nil
}

// migratedPass is a format 1 checkpoint as format 2: a deleting phase's
// cursor was a username, so the phase starts over (users found are
// compared, not sent again).
func migratedPass(p Pass) Pass {
	p.Format = StateFormat
	p.After = ""
	return p
}

// checkBoltMeta reads the two meta pages of a bbolt file of size bytes
// (little-endian, as bbolt writes them on the platforms it is built for
// here) and refuses a file none of whose meta pages is valid, or whose
// valid meta page counts more pages than the file holds (truncated): bbolt
// would read past the end of its memory map, a fault.
func checkBoltMeta(path string, size int64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	const pageHeader, metaLen = 16, 64
	var best *boltMeta
	pageSize := int64(0)
	for i := range 2 {
		buf := make([]byte, pageHeader+metaLen)
		off := int64(i) * pageSize
		if i == 1 && pageSize == 0 {
			break
		}
		if _, err := f.ReadAt(buf, off); err != nil {
			continue
		}
		m := buf[pageHeader:]
		h := fnv.New64a()
		h.Write(m[:56])
		if binary.LittleEndian.Uint32(m[0:]) != boltMagic || h.Sum64() != binary.LittleEndian.Uint64(m[56:]) {
			if i == 0 {
				pageSize = int64(os.Getpagesize())
			}
			continue
		}
		meta := &boltMeta{pageSize: int64(binary.LittleEndian.Uint32(m[8:])), pgid: binary.LittleEndian.Uint64(m[40:]), txid: binary.LittleEndian.Uint64(m[48:])}
		if i == 0 {
			pageSize = meta.pageSize
		}
		if best == nil || meta.txid > best.txid {
			best = meta
		}
	}
	if best == nil {
		return fmt.Errorf("no valid meta page: not a state file, or overwritten")
	}
	if best.pageSize < 512 || best.pgid > uint64(size/best.pageSize) {
		return fmt.Errorf("truncated: %d bytes, its pages need %d", size, int64(best.pgid)*best.pageSize)
	}
	return nil
}

// boltMagic marks a bbolt meta page.
const boltMagic = 0xED0CDAED

type boltMeta struct {
	pageSize int64
	pgid     uint64
	txid     uint64
}
