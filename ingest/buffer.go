package ingest

import (
	"fmt"
	"sort"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/rowhash"
	"github.com/gwanmun/gwanmun/data/schema"
)

// DefaultBufferRows is the runner's default row budget per collector: a
// few row groups' worth, so memory stays flat however many rows and
// partitions a run has.
const DefaultBufferRows = 4 * lakestore.MaxRowGroup

// partBuffer holds one collector's rows by dataset and partition under one
// budget. When the budget is full, the partition holding the most rows is
// appended to its staged file (opened on its first flush); at the end
// every partition is flushed and its file closed, so a run writes one file
// per partition, and memory holds at most budget rows whatever the spread.
// Rows come one at a time (Emit) or as Arrow record batches (EmitRecord,
// the bulk path); both count against the budget and land in the same file.
type partBuffer struct {
	mu     sync.Mutex // collectors may emit from several goroutines
	txn    *lakestore.Txn
	budget int
	total  int
	parts  map[string]*partRows
	files  map[string]*lakestore.FileWriter
	err    error
}

// partRows is what one partition holds until it is flushed.
type partRows struct {
	ds        schema.Dataset
	partition string
	rows      []schema.Row
	sums      [][rowhash.Size]byte // rows[i]'s data/rowhash sum is sums[i]
	recs      []arrow.RecordBatch
	recSums   [][][rowhash.Size]byte // recs[i]'s rows' sums
	n         int                    // rows held, in rows and recs
}

func newPartBuffer(txn *lakestore.Txn, budget int) *partBuffer {
	return &partBuffer{txn: txn, budget: max(budget, 1), parts: map[string]*partRows{}, files: map[string]*lakestore.FileWriter{}}
}

func partKey(dataset, partition string) string { return dataset + "\x00" + partition }

// part returns the partition's holder, making it on first use.
func (b *partBuffer) part(dataset, partition string) (*partRows, error) {
	k := partKey(dataset, partition)
	p := b.parts[k]
	if p == nil {
		ds, err := schema.Lookup(dataset)
		if err != nil {
			return nil, err
		}
		p = &partRows{ds: ds, partition: partition}
		b.parts[k] = p
	}
	return p, nil
}

// add buffers one row with its rowhash sum; the error is the lake's, and
// sticks.
func (b *partBuffer) add(r schema.Row, sum [rowhash.Size]byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return b.err
	}
	p, err := b.part(r.Dataset(), r.Partition())
	if err != nil {
		return err
	}
	p.rows = append(p.rows, r)
	p.sums = append(p.sums, sum)
	p.n++
	b.total++
	if b.total >= b.budget {
		b.flush(b.largest())
	}
	return b.err
}

// addRecord buffers a record batch of one partition with its rows' sums;
// the buffer keeps a reference to rec until it is written.
func (b *partBuffer) addRecord(ds schema.Dataset, partition string, rec arrow.RecordBatch, sums [][rowhash.Size]byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return b.err
	}
	p, err := b.part(ds.Name, partition)
	if err != nil {
		return err
	}
	rec.Retain()
	p.recs = append(p.recs, rec)
	p.recSums = append(p.recSums, sums)
	n := int(rec.NumRows())
	p.n += n
	b.total += n
	for b.total >= b.budget && b.err == nil {
		b.flush(b.largest())
	}
	return b.err
}

// largest is the partition holding the most rows (ties: the first key,
// so the same input flushes the same way).
func (b *partBuffer) largest() string {
	best, n := "", -1
	for k, p := range b.parts {
		if p.n > n || (p.n == n && k < best) {
			best, n = k, p.n
		}
	}
	return best
}

func (b *partBuffer) flush(k string) {
	p := b.parts[k]
	if p == nil {
		return
	}
	delete(b.parts, k)
	b.total -= p.n
	defer func() {
		for _, r := range p.recs {
			r.Release()
		}
	}()
	if p.n == 0 || b.err != nil {
		return
	}
	w := b.files[k]
	if w == nil {
		var err error
		if w, err = b.txn.Create(p.ds, p.partition); err != nil {
			b.err = err
			return
		}
		b.files[k] = w
	}
	if len(p.rows) > 0 {
		if err := w.WriteSummed(p.rows, p.sums); err != nil {
			b.err = fmt.Errorf("%s: %w", w, err)
			return
		}
	}
	for i, rec := range p.recs {
		if err := w.WriteRecord(rec, p.recSums[i]); err != nil {
			b.err = fmt.Errorf("%s: %w", w, err)
			return
		}
	}
}

// close flushes every partition and closes its file, in key order; written
// counts the rows of files the lake did not already hold.
func (b *partBuffer) close() (written int64, err error) {
	for _, k := range sortedKeys(b.parts) {
		b.flush(k)
	}
	if b.err != nil {
		return 0, b.err
	}
	for _, k := range sortedKeys(b.files) {
		w := b.files[k]
		delete(b.files, k)
		ok, err := w.Close()
		if err != nil {
			return 0, err
		}
		if ok {
			written += w.Rows()
		}
	}
	return written, nil
}

// abort discards files still open (a failed run) and the records held;
// closed files belong to the transaction, which the caller commits or
// aborts.
func (b *partBuffer) abort() {
	for k, p := range b.parts {
		for _, r := range p.recs {
			r.Release()
		}
		delete(b.parts, k)
	}
	for _, w := range b.files {
		w.Abort()
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
