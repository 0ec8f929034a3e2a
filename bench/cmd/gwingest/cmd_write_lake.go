package main

import (
	"context"
	"flag"
	"sort"
	"time"

	"github.com/gwanmun/gwanmun/bench/synth"
	"github.com/gwanmun/gwanmun/data/lakestore"
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
	fs.Parse(args)
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
