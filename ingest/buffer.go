package ingest

import (
	"fmt"
	"sort"
	"sync"

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
type partBuffer struct {
	mu     sync.Mutex // collectors may emit from several goroutines
	txn    *lakestore.Txn
	budget int
	total  int
	rows   map[string][]schema.Row
	sums   map[string][][rowhash.Size]byte // rows[k][i]'s data/rowhash sum is sums[k][i]
	files  map[string]*lakestore.FileWriter
	err    error
}

func newPartBuffer(txn *lakestore.Txn, budget int) *partBuffer {
	return &partBuffer{txn: txn, budget: max(budget, 1), rows: map[string][]schema.Row{}, sums: map[string][][rowhash.Size]byte{}, files: map[string]*lakestore.FileWriter{}}
}

func partKey(r schema.Row) string { return r.Dataset() + "\x00" + r.Partition() }

// add buffers one row with its rowhash sum; the error is the lake's, and
// sticks.
func (b *partBuffer) add(r schema.Row, sum [rowhash.Size]byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return b.err
	}
	k := partKey(r)
	b.rows[k] = append(b.rows[k], r)
	b.sums[k] = append(b.sums[k], sum)
	b.total++
	if b.total >= b.budget {
		b.flush(b.largest())
	}
	return b.err
}

// largest is the partition holding the most rows (ties: the first key,
// so the same input flushes the same way).
func (b *partBuffer) largest() string {
	best, n := "", -1
	for k, rs := range b.rows {
		if len(rs) > n || (len(rs) == n && k < best) {
			best, n = k, len(rs)
		}
	}
	return best
}

func (b *partBuffer) flush(k string) {
	rows, sums := b.rows[k], b.sums[k]
	delete(b.rows, k)
	delete(b.sums, k)
	b.total -= len(rows)
	if len(rows) == 0 || b.err != nil {
		return
	}
	w := b.files[k]
	if w == nil {
		ds, err := schema.Lookup(rows[0].Dataset())
		if err != nil {
			b.err = err
			return
		}
		if w, err = b.txn.Create(ds, rows[0].Partition()); err != nil {
			b.err = err
			return
		}
		b.files[k] = w
	}
	if err := w.WriteSummed(rows, sums); err != nil {
		b.err = fmt.Errorf("%s: %w", w, err)
	}
}

// close flushes every partition and closes its file, in key order; written
// counts the rows of files the lake did not already hold.
func (b *partBuffer) close() (written int64, err error) {
	for _, k := range sortedKeys(b.rows) {
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

// abort discards files still open (a failed run); closed files belong to
// the transaction, which the caller commits or aborts.
func (b *partBuffer) abort() {
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
