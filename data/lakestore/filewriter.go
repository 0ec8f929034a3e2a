package lakestore

import (
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/gwanmun/gwanmun/data/rowhash"
	"github.com/gwanmun/gwanmun/data/schema"
)

// FileWriter is one staged file of a transaction that grows batch by batch:
// a writer with a memory budget flushes a partition's buffered rows into it
// whenever it needs room, and the partition still ends as one file per run
// instead of one file per flush.
type FileWriter struct {
	sf     *stagedFile
	closed bool
}

// Create opens a staged file for ds in partition. Nothing is visible until
// Close and Commit; Abort (of the writer or the transaction) discards it.
func (t *Txn) Create(ds schema.Dataset, partition string) (*FileWriter, error) {
	sf, err := t.create(ds, partition)
	if err != nil {
		return nil, err
	}
	return &FileWriter{sf: sf}, nil
}

// Write appends rows as row groups of at most MaxRowGroup rows.
func (w *FileWriter) Write(rows []schema.Row) error { return w.WriteSummed(rows, nil) }

// WriteSummed is Write for rows whose data/rowhash sums the caller already
// computed (sums[i] is rows[i]'s), so each row is hashed once per run; nil
// sums are computed here.
func (w *FileWriter) WriteSummed(rows []schema.Row, sums [][rowhash.Size]byte) error {
	if w.closed {
		return errors.New("write after close")
	}
	if sums != nil && len(sums) != len(rows) {
		return fmt.Errorf("%s: %d rows but %d sums", w, len(rows), len(sums))
	}
	for len(rows) > 0 {
		n := min(len(rows), MaxRowGroup)
		var part [][rowhash.Size]byte
		if sums != nil {
			part, sums = sums[:n], sums[n:]
		}
		if err := w.sf.write(rows[:n], part); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// WriteRecord appends a record batch of ArrowSchema(ds) whose rows'
// data/rowhash sums the caller computed (rowhash.RecordHasher): the bulk
// path, with no row struct between the reader and Parquet. Row groups hold
// at most MaxRowGroup rows, as with WriteSummed.
func (w *FileWriter) WriteRecord(rec arrow.RecordBatch, sums [][rowhash.Size]byte) error {
	if w.closed {
		return errors.New("write after close")
	}
	n := int(rec.NumRows())
	if len(sums) != n {
		return fmt.Errorf("%s: %d rows but %d sums", w, n, len(sums))
	}
	if err := sameFields(w.sf.pw.sc, rec.Schema()); err != nil {
		return fmt.Errorf("%s: %w", w, err)
	}
	for off := 0; off < n; off += MaxRowGroup {
		end := min(n, off+MaxRowGroup)
		part := rec.NewSlice(int64(off), int64(end))
		err := w.sf.writeRecord(part, sums[off:end])
		part.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

// sameFields says whether a record's columns are the dataset's, in order.
func sameFields(want, got *arrow.Schema) error {
	if got.NumFields() != want.NumFields() {
		return fmt.Errorf("record has %d columns, the dataset %d", got.NumFields(), want.NumFields())
	}
	for i, f := range want.Fields() {
		g := got.Field(i)
		if g.Name != f.Name || !arrow.TypeEqual(g.Type, f.Type) {
			return fmt.Errorf("record column %d is %s %s, want %s %s", i, g.Name, g.Type, f.Name, f.Type)
		}
	}
	return nil
}

// Rows is how many rows the file holds so far.
func (w *FileWriter) Rows() int64 { return w.sf.rows }

// Close finishes the file and adds it to the transaction, unless the lake
// already holds exactly these rows (a rerun on unchanged input): then the
// file is dropped, the transaction counts it in Skipped, and written is
// false.
func (w *FileWriter) Close() (written bool, err error) {
	if w.closed {
		return false, errors.New("close twice")
	}
	w.closed = true
	t := w.sf.t
	if w.sf.rows == 0 || t.lake.known(w.sf.ds.Name, &w.sf.sums) {
		w.sf.abort()
		if w.sf.rows > 0 {
			t.Skipped++
		}
		return false, nil
	}
	if _, err := w.sf.close(); err != nil {
		return false, err
	}
	return true, nil
}

// Abort discards the file; it is never part of the transaction.
func (w *FileWriter) Abort() {
	if !w.closed {
		w.closed = true
		w.sf.abort()
	}
}

// String names the file in errors.
func (w *FileWriter) String() string { return fmt.Sprintf("staged %s", w.sf.rel) }
