package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // the "duckdb" database/sql driver
)

// runWriteDuckDB loads the rows the lake writer wrote into a DuckDB table
// (not timed) and times DuckDB's own writer on them: COPY ... TO with the
// same codec and row group size.
func runWriteDuckDB(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("write-duckdb", flag.ExitOnError)
	src := fs.String("lake", "", "lake whose news files hold the rows")
	out := fs.String("out", "", "output Parquet file")
	threads := fs.Int("threads", 0, "DuckDB threads (0: all cores)")
	fs.Parse(args)
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if *threads > 0 {
		if _, err := db.ExecContext(ctx, fmt.Sprintf("SET threads = %d", *threads)); err != nil {
			return err
		}
	}
	glob := filepath.Join(*src, "news", "*", "*.parquet")
	if _, err := db.ExecContext(ctx, "CREATE TABLE t AS SELECT * FROM read_parquet("+quote(glob)+")"); err != nil {
		return err
	}
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil {
		return err
	}
	os.Remove(*out)
	start, cpu0 := time.Now(), cpuNow()
	if _, err := db.ExecContext(ctx, "COPY t TO "+quote(*out)+" (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 65536)"); err != nil {
		return err
	}
	secs, cpu := time.Since(start).Seconds(), cpuNow()-cpu0
	st, err := os.Stat(*out)
	if err != nil {
		return err
	}
	report(map[string]any{"seconds": secs, "cpu_s": cpu, "rows": n, "bytes": st.Size()})
	return nil
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
