package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/gwanmun/gwanmun/bench/synth"
	"github.com/gwanmun/gwanmun/data"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/collectors/seed"
)

// runIngestChild lands synthetic rows (and optionally the embedded seed)
// in a lake through ingest.Runner: validation, batching, Arrow, Parquet and
// the atomic commit, exactly as `gwanmun ingest` does.
func runIngestChild(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("ingest", flag.ExitOnError)
	lakeDir := fs.String("lake", "", "lake directory")
	news := fs.Int64("news", 1_000_000, "synthetic news rows")
	mau := fs.Int64("mau", 0, "synthetic monthly-user rows")
	withSeed := fs.Bool("seed", false, "also load the embedded seed (platforms, thresholds, ...)")
	batch := fs.Int("batch", 0, "rows buffered across partitions before the largest is flushed (0: runner default)")
	fs.Parse(args)
	if *lakeDir == "" {
		return fmt.Errorf("ingest: -lake is required")
	}
	var cols []ingest.Collector
	if *withSeed {
		cols = append(cols, seed.NewFS(data.Seed, "seed"))
	}
	cols = append(cols, &synth.Collector{Seed: 1, NewsRows: *news, MAURows: *mau})
	r := &ingest.Runner{LakeDir: *lakeDir, Mode: ingest.Live, BufferRows: *batch}
	start := time.Now()
	sum, err := r.Run(ctx, cols)
	if err != nil {
		return err
	}
	if sum.Status != ingest.StatusOK {
		return fmt.Errorf("ingest status %s: %+v", sum.Status, sum.Collectors)
	}
	report(map[string]any{
		"rows_written": sum.RowsWritten, "files": sum.FilesWritten,
		"seconds": time.Since(start).Seconds(),
	})
	return nil
}
