package main

import (
	"context"
	"flag"
	"runtime"
	"sort"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gwanmun/gwanmun/bench/synth"
	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/rowhash"
	"github.com/gwanmun/gwanmun/data/schema"
)

// runWriteLake times data/lakestore writing rows already in memory: the
// idempotency hash, Arrow record building, Parquet encoding (zstd, row
// groups ≤ 64k), fsync, the manifest commit. Generating the rows is not
// timed.
func runWriteLake(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("write-lake", flag.ExitOnError)
	dir := fs.String("lake", "", "lake directory (must not exist)")
	n := fs.Int64("rows", 1_000_000, "news rows")
	batch := fs.Int("batch", 50_000, "rows per file, as the runner batches them")
	records := fs.Bool("records", false, "write Arrow record batches (the bulk path: FileWriter.WriteRecord, one file per partition) instead of rows")
	fs.Parse(args)
	if *records {
		return writeLakeRecords(*dir, *n, *batch)
	}
	ds, _ := schema.Lookup("news")
	const runID = "20000101T000000Z-bench0"
	parts := map[string][]schema.Row{}
	for i := int64(0); i < *n; i++ {
		r := synth.News(1, i)
		r.Collector, r.CollectorVersion, r.RunID = synth.CollectorName, synth.Version, runID
		parts[r.Partition()] = append(parts[r.Partition()], r)
	}
	keys := make([]string, 0, len(parts))
	for k := range parts {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	start, cpu0 := time.Now(), cpuNow()
	lk, err := lakestore.Open(*dir, runID, nil)
	if err != nil {
		return err
	}
	defer lk.Close()
	txn := lk.Begin(runID)
	for _, k := range keys {
		rows := parts[k]
		for lo := 0; lo < len(rows); lo += *batch {
			if err := txn.Write(ds, k, rows[lo:min(lo+*batch, len(rows))]); err != nil {
				return err
			}
		}
	}
	m, err := txn.Commit([]string{synth.CollectorName})
	if err != nil {
		return err
	}
	total, cpu := time.Since(start).Seconds(), cpuNow()-cpu0

	// The idempotency hash alone, to show its share of the write.
	hstart := time.Now()
	for _, k := range keys {
		rows := parts[k]
		for lo := 0; lo < len(rows); lo += *batch {
			if _, err := lakestore.RowsSHA256(rows[lo:min(lo+*batch, len(rows))]); err != nil {
				return err
			}
		}
	}
	var bytes int64
	for _, f := range m.Files {
		bytes += f.Size
	}
	report(map[string]any{
		"seconds": total, "cpu_s": cpu, "hash_seconds": time.Since(hstart).Seconds(),
		"files": len(m.Files), "bytes": bytes,
	})
	return nil
}

// writeLakeRecords is runWriteLake for the bulk path: the rows are turned
// into Arrow record batches before the clock starts (as DuckDB's contender
// copies a table already in memory); timed are the rows' sums from the
// columns (rowhash.RecordHasher), Parquet encoding through
// FileWriter.WriteRecord, one file per partition as the runner writes
// them, fsync and the commit.
func writeLakeRecords(dir string, n int64, batch int) error {
	ds, _ := schema.Lookup("news")
	const runID = "20000101T000000Z-bench1"
	keys, recs, err := recordsByPartition(ds, n, batch, runID)
	if err != nil {
		return err
	}
	// The rows the batches were built from are garbage: collect it now,
	// not while the clock runs (run E of 2026-12-05 did not, and varied
	// 7.9-14.4 s with when the GC ran).
	runtime.GC()

	start, cpu0 := time.Now(), cpuNow()
	lk, err := lakestore.Open(dir, runID, nil)
	if err != nil {
		return err
	}
	defer lk.Close()
	txn := lk.Begin(runID)
	var hashSecs float64
	for _, k := range keys {
		w, err := txn.Create(ds, k)
		if err != nil {
			return err
		}
		for _, rec := range recs[k] {
			hs := time.Now()
			rh, err := rowhash.NewRecordHasher(ds, rec.Schema())
			if err != nil {
				return err
			}
			sums := make([][rowhash.Size]byte, rec.NumRows())
			for i := range sums {
				if sums[i], err = rh.Sum(rec, i); err != nil {
					return err
				}
			}
			hashSecs += time.Since(hs).Seconds()
			if err := w.WriteRecord(rec, sums); err != nil {
				return err
			}
		}
		if _, err := w.Close(); err != nil {
			return err
		}
	}
	m, err := txn.Commit([]string{synth.CollectorName})
	if err != nil {
		return err
	}
	total, cpu := time.Since(start).Seconds(), cpuNow()-cpu0
	var bytes, rows int64
	for _, f := range m.Files {
		bytes += f.Size
		rows += f.Rows
	}
	report(map[string]any{
		"seconds": total, "cpu_s": cpu, "hash_seconds": hashSecs,
		"files": len(m.Files), "bytes": bytes, "rows": rows,
	})
	return nil
}

// recordsByPartition builds n synthetic news rows as record batches of at
// most batch rows per partition; the row structs are garbage on return.
func recordsByPartition(ds schema.Dataset, n int64, batch int, runID string) ([]string, map[string][]arrow.RecordBatch, error) {
	parts := map[string][]schema.Row{}
	for i := int64(0); i < n; i++ {
		r := synth.News(1, i)
		r.Collector, r.CollectorVersion, r.RunID = synth.CollectorName, synth.Version, runID
		parts[r.Partition()] = append(parts[r.Partition()], r)
	}
	keys := make([]string, 0, len(parts))
	recs := map[string][]arrow.RecordBatch{}
	for k, rows := range parts {
		keys = append(keys, k)
		for lo := 0; lo < len(rows); lo += batch {
			rec, err := lakestore.BuildRecord(memory.DefaultAllocator, ds, rows[lo:min(lo+batch, len(rows))])
			if err != nil {
				return nil, nil, err
			}
			recs[k] = append(recs[k], rec)
		}
	}
	sort.Strings(keys)
	return keys, recs, nil
}
