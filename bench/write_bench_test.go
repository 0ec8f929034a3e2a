package bench_test

import (
	"database/sql"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/gwanmun/gwanmun/bench/synth"
	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
)

// These micro-benchmarks write one runner batch (50,000 SYNTHETIC news
// rows) with data/lakestore and with DuckDB's COPY, for `go test -bench`.
// bench/cmd/gwbench measures the same at 1M rows in separate processes.

const batch = 50_000

func newsBatch(b *testing.B) []schema.Row {
	b.Helper()
	rows := make([]schema.Row, batch)
	for i := range rows {
		r := synth.News(1, int64(i))
		r.Collector, r.CollectorVersion, r.RunID = synth.CollectorName, synth.Version, "bench"
		rows[i] = r
	}
	return rows
}

func BenchmarkLakeWrite50k(b *testing.B) {
	rows := newsBatch(b)
	ds, _ := schema.Lookup("news")
	b.ResetTimer()
	cpu0 := cpuSeconds(b)
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		lk, err := lakestore.Open(dir, "run"+strconv.Itoa(i), nil)
		if err != nil {
			b.Fatal(err)
		}
		txn := lk.Begin("run" + strconv.Itoa(i))
		if err := txn.Write(ds, "year=2022", rows); err != nil {
			b.Fatal(err)
		}
		if _, err := txn.Commit([]string{"bench"}); err != nil {
			b.Fatal(err)
		}
		lk.Close()
	}
	report(b, batch, cpu0)
}

func BenchmarkDuckDBCopy50k(b *testing.B) {
	rows := newsBatch(b)
	ds, _ := schema.Lookup("news")
	src := b.TempDir()
	lk, err := lakestore.Open(src, "src", nil)
	if err != nil {
		b.Fatal(err)
	}
	txn := lk.Begin("src")
	if err := txn.Write(ds, "year=2022", rows); err != nil {
		b.Fatal(err)
	}
	if _, err := txn.Commit([]string{"bench"}); err != nil {
		b.Fatal(err)
	}
	lk.Close()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("CREATE TABLE t AS SELECT * FROM read_parquet('" + filepath.Join(src, "news", "*", "*.parquet") + "')"); err != nil {
		b.Fatal(err)
	}
	out := b.TempDir()
	b.ResetTimer()
	cpu0 := cpuSeconds(b)
	for i := 0; i < b.N; i++ {
		dst := filepath.Join(out, strconv.Itoa(i)+".parquet")
		if _, err := db.Exec("COPY t TO '" + dst + "' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 65536)"); err != nil {
			b.Fatal(err)
		}
	}
	report(b, batch, cpu0)
}
