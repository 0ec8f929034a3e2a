package bench_test

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/bench/synth"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/collectors/file"
)

// The file-import benchmarks land one CSV of SYNTHETIC news through the
// file collector and ingest.Runner (mapping, validation, provenance, the
// lake's transaction) and, beside it, have DuckDB convert the same file
// with `COPY (FROM read_csv(...)) TO '....parquet'`. Rows:
// BENCH_IMPORT_ROWS (default 200,000; bench/run.sh passes 10,000,000 for
// the full-size run).

func importRows(b *testing.B) int {
	n := 200_000
	if s := os.Getenv("BENCH_IMPORT_ROWS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			b.Fatalf("BENCH_IMPORT_ROWS=%q: want a positive number", s)
		}
		n = v
	}
	return n
}

// newsCSV writes n SYNTHETIC news rows (the generator's re-fetched copies
// left out: a file holds each article once) and returns its path.
func newsCSV(b *testing.B, dir string, n int) string {
	b.Helper()
	p := filepath.Join(dir, "news.csv")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"article_id", "url", "title", "lead", "outlet", "lang", "published_at"})
	for i, written := int64(0), 0; written < n; i++ {
		if i > 0 && i%synth.DupEvery == synth.DupEvery-1 {
			continue
		}
		r := synth.News(1, i)
		_ = w.Write([]string{r.ArticleID, r.URL, r.Title, r.Lead, r.Outlet, r.Lang, r.PublishedAt.Format(time.RFC3339)})
		written++
	}
	w.Flush()
	if err := w.Error(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return p
}

// cpuSeconds is the process's user + system CPU time so far (DuckDB's
// threads included: they run in this process).
func cpuSeconds(b *testing.B) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// report adds rows/s and CPU seconds per run: on a shared machine the CPU
// ratio is the load-robust one (BENCHMARKS.md).
func report(b *testing.B, n int, cpu0 float64) {
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric((cpuSeconds(b)-cpu0)/float64(b.N), "cpu-s/op")
}

func BenchmarkFileImportCSV(b *testing.B) {
	n := importRows(b)
	dir := b.TempDir()
	csvPath := newsCSV(b, dir, n)
	cfg, err := ingest.ParseConfig(fmt.Appendf(nil, `
[sources.file]
[[sources.file.files]]
path = %q
dataset = "news"
[sources.file.files.citation]
url = "https://bench.invalid/synthetic-news"
title = "SYNTHETIC news for the file-import benchmark"
publisher = "gwanmun bench (SYNTHETIC)"
accessed = "2026-12-01"
`, csvPath))
	if err != nil {
		b.Fatal(err)
	}
	sc, err := cfg.Source(file.Name)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu0 := cpuSeconds(b)
	for i := 0; i < b.N; i++ {
		c, err := file.New(sc)
		if err != nil {
			b.Fatal(err)
		}
		r := &ingest.Runner{LakeDir: filepath.Join(dir, "lake"+strconv.Itoa(i)), Mode: ingest.Live}
		sum, err := r.Run(context.Background(), []ingest.Collector{c})
		if err != nil || sum.Status != ingest.StatusOK || sum.RowsWritten != int64(n) {
			b.Fatalf("import: %s, %d rows written of %d, %v %v", sum.Status, sum.RowsWritten, n, err, sum.Collectors)
		}
	}
	report(b, n, cpu0)
}

func BenchmarkDuckDBCopyCSV(b *testing.B) {
	n := importRows(b)
	dir := b.TempDir()
	csvPath := newsCSV(b, dir, n)
	db, err := sql.Open("duckdb", "")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("SELECT 1"); err != nil { // start DuckDB outside the timing
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu0 := cpuSeconds(b)
	for i := 0; i < b.N; i++ {
		dst := filepath.Join(dir, strconv.Itoa(i)+".parquet")
		q := fmt.Sprintf("COPY (FROM read_csv('%s')) TO '%s' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 65536)", csvPath, dst)
		if _, err := db.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	report(b, n, cpu0)
}
