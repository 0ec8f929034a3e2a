// Package seedtest opens the analysis package's CSV snapshot of the seed
// lake (analysis/testdata/seed, see analysis/testdata/README.md) as a
// lake for tests: real, cited figures without importing ingest. The
// report, notebook and macro tests share it.
package seedtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/data/schema"
)

// Open opens an empty lake whose datasets are tables loaded from the
// snapshot's CSV files in dir, typed as the lake's views are. The snapshot
// is the latest rows, so every version (<dataset>_all) is that too.
func Open(tb testing.TB, dir string) *analysis.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := analysis.Open(ctx, tb.TempDir(), analysis.Options{Threads: 1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	q := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	for _, ds := range schema.Datasets() {
		file := filepath.Join(dir, ds.Name+".csv")
		if _, err := os.Stat(file); err != nil {
			continue
		}
		var sel []string
		for _, c := range ds.Columns() {
			sel = append(sel, fmt.Sprintf("CAST(%s AS %s) AS %s", q(c.Name), c.SQLType(), q(c.Name)))
		}
		stmt := fmt.Sprintf("DROP VIEW %s; CREATE TABLE %s AS SELECT %s FROM read_csv('%s', header = true, all_varchar = true); "+
			"DROP VIEW %s_all; CREATE VIEW %s_all AS SELECT * FROM %s",
			ds.Name, ds.Name, strings.Join(sel, ", "), strings.ReplaceAll(file, "'", "''"), ds.Name, ds.Name, ds.Name)
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			tb.Fatalf("seed table %s: %v", ds.Name, err)
		}
	}
	return db
}
