package report

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/data/schema"
)

// seedDir is the analysis package's CSV snapshot of the seed lake (see
// analysis/seedlake_test.go): real, cited figures, and no import of ingest.
const seedDir = "../testdata/seed"

// openSeed opens an empty lake whose datasets are tables loaded from the
// seed snapshot, typed as the lake's views are.
func openSeed(tb testing.TB) *analysis.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := analysis.Open(ctx, tb.TempDir(), analysis.Options{Threads: 1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	q := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	for _, ds := range schema.Datasets() {
		file := filepath.Join(seedDir, ds.Name+".csv")
		if _, err := os.Stat(file); err != nil {
			continue
		}
		var sel []string
		for _, c := range ds.Columns() {
			sel = append(sel, fmt.Sprintf("CAST(%s AS %s) AS %s", q(c.Name), c.SQLType(), q(c.Name)))
		}
		// The snapshot is the latest rows, so every version is that too.
		stmt := fmt.Sprintf("DROP VIEW %s; CREATE TABLE %s AS SELECT %s FROM read_csv('%s', header = true, all_varchar = true); "+
			"DROP VIEW %s_all; CREATE VIEW %s_all AS SELECT * FROM %s",
			ds.Name, ds.Name, strings.Join(sel, ", "), strings.ReplaceAll(file, "'", "''"), ds.Name, ds.Name, ds.Name)
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			tb.Fatalf("seed table %s: %v", ds.Name, err)
		}
	}
	return db
}

var (
	seedOnce    sync.Map // lang -> *Report
	seedBuildMu sync.Mutex
)

// seedReport builds the report over the seed snapshot once per language,
// at a fixed time so pages compare byte for byte.
func seedReport(t *testing.T, lang string) *Report {
	t.Helper()
	seedBuildMu.Lock()
	defer seedBuildMu.Unlock()
	if r, ok := seedOnce.Load(lang); ok {
		return r.(*Report)
	}
	db := openSeed(t)
	r, err := Build(context.Background(), db, Options{Lang: lang, Now: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	seedOnce.Store(lang, r)
	return r
}
