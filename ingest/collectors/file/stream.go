package file

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"

	"github.com/gwanmun/gwanmun/data/rowhash"
	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
)

// streamed says whether the source is read record by record (CSV and
// TSV) and with which delimiter. JSON Lines needs every line for its
// header, Parquet and xlsx are read through libraries that hold them.
func (s source) streamed() (rune, bool) {
	format, _ := formatOf(s.Format, s.Path)
	if s.Delimiter != "" {
		return []rune(s.Delimiter)[0], format == "csv" || format == "tsv"
	}
	switch format {
	case "csv":
		return ',', true
	case "tsv":
		return '\t', true
	}
	return 0, false
}

func (c *Collector) open(src source) (io.ReadCloser, error) {
	if src.fsys != nil {
		return src.fsys.Open(src.Path)
	}
	return os.Open(src.Path)
}

// stream lands a CSV or TSV file in two passes, holding one record at a
// time instead of the file: the first maps and checks every row and finds
// keys given twice with different values, emitting nothing; only when the
// file is good (or bad rows may be skipped) does the second read it again
// and emit. A bad row therefore still lands nothing, and memory holds 32
// bytes per distinct key, not every cell with its position. News terms
// are matched in the second pass only: matching cannot fail a row.
func (c *Collector) stream(ctx context.Context, s *ingest.Session, src source, delim rune) error {
	pass := c.pass
	if c.bulk(src) {
		pass = c.passBulk
	}
	first, err := pass(ctx, src, delim, false, "", nil)
	if err != nil {
		return err
	}
	if first.nbad > 0 && !src.skip {
		return badFile(src, append(first.bad, first.dups...), first.nbad)
	}
	second, err := pass(ctx, src, delim, true, first.sha, s)
	if err != nil {
		return err
	}
	if second.sha != first.sha {
		return fmt.Errorf("%s changed while it was read (sha256 %s, then %s): its rows may mix both versions; run the import again", src.name, first.sha, second.sha)
	}
	return nil
}

// passResult is what one pass over a file found.
type passResult struct {
	sha  string  // the file's SHA-256
	bad  []error // the first maxErrors bad rows, in file order
	dups []error // the first maxErrors keys given twice, after them
	nbad int     // every bad row and conflicting key
}

// pass reads the file once. With emit set, rows that map and check are
// handed to s (a bad row, possible only when skip_bad_rows is set, is
// recorded as a parse failure); without it, rows are only checked.
func (c *Collector) pass(ctx context.Context, src source, delim rune, emit bool, sha string, s *ingest.Session) (passResult, error) {
	var res passResult
	cr, m, h, closeFile, err := c.openPass(src, delim, emit, sha)
	if err != nil {
		return res, err
	}
	defer closeFile()
	keys := newKeySet()
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return res, err
			}
		}
		rec, err := cr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return res, err
		}
		row, err := m.row(rec)
		if err == nil {
			if kerr := keys.check(m, row, rec.line); kerr != nil {
				// Listed as bad; with skip_bad_rows the row still goes on
				// to the session, which keeps the first of a key's values
				// from one fetch.
				if emit {
					s.ParseFailure(src.name, kerr)
					s.Emit(row)
					continue
				}
				res.nbad++
				if len(res.dups) < maxErrors {
					res.dups = append(res.dups, kerr)
				}
				continue
			}
		}
		switch {
		case err != nil && emit:
			s.ParseFailure(src.name, err)
		case err != nil:
			res.nbad++
			if len(res.bad) < maxErrors {
				res.bad = append(res.bad, err)
			}
		case emit:
			s.Emit(row)
		}
	}
	res.sha = hashHex(h)
	return res, nil
}

// openPass opens the file for one pass: its CSV reader, hashing what it
// reads, and the mapper of its header; the matcher only when emitting.
func (c *Collector) openPass(src source, delim rune, emit bool, sha string) (*csvReader, *mapper, hash.Hash, func(), error) {
	f, err := c.open(src)
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("read %s: %w", src.name, err)
	}
	h := sha256.New()
	cr, err := newCSVReader(src.name, io.TeeReader(f, h), delim)
	if err != nil {
		f.Close()
		return nil, nil, nil, nil, err
	}
	m, err := newMapper(src, cr.table())
	if err != nil {
		f.Close()
		return nil, nil, nil, nil, err
	}
	m.now, m.sha = c.now(), sha
	if emit {
		m.matcher = c.matcher
	}
	return cr, m, h, func() { f.Close() }, nil
}

func hashHex(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// keySet remembers, per natural key of a file, the line it was first
// given on and a digest of its row, in 40 bytes a key: the same key again
// with other values is a bad row (the lake could not tell which is right).
type keySet struct {
	first  map[[16]byte]keySeen
	hasher *rowhash.Hasher
}

type keySeen struct {
	line int
	sum  [16]byte
}

func newKeySet() *keySet { return &keySet{first: map[[16]byte]keySeen{}, hasher: rowhash.New()} }

func (k *keySet) check(m *mapper, row schema.Row, line int) error {
	key := sha256.Sum256([]byte(m.keyer.Key(row)))
	var id [16]byte
	copy(id[:], key[:])
	full, err := k.hasher.Sum(row)
	if err != nil {
		return err
	}
	var sum [16]byte
	copy(sum[:], full[:])
	prev, ok := k.first[id]
	if !ok {
		k.first[id] = keySeen{line: line, sum: sum}
		return nil
	}
	if prev.sum != sum {
		return fmt.Errorf("%s:%d: same %s key as line %d with different values", m.t.name, line, m.ds.Name, prev.line)
	}
	return nil
}
