package analysis

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/data/schema"
)

// The real-data tests read a CSV snapshot of the lake the seed collector
// builds (testdata/seed/<dataset>.csv): analysis may not import ingest, so
// the snapshot stands in for it. Regenerate it from a fresh lake with
//
//	gwanmun --lake /tmp/lake ingest --source seed
//	go test ./analysis -run TestSeedSnapshot -update -lake /tmp/lake
var (
	update  = flag.Bool("update", false, "rewrite testdata/seed from the lake named by -lake")
	lakeArg = flag.String("lake", "", "lake directory to snapshot with -update")
)

const seedDir = "testdata/seed"

// openSeed opens an empty lake whose datasets are replaced by tables
// loaded from the seed snapshot, typed exactly as the lake's own views are
// (tables, not views over the CSV, so a test does not re-parse it per
// query).
func openSeed(tb testing.TB) *DB {
	tb.Helper()
	ctx := context.Background()
	db, err := Open(ctx, tb.TempDir(), Options{Threads: 1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	for _, ds := range schema.Datasets() {
		file := filepath.Join(seedDir, ds.Name+".csv")
		if _, err := os.Stat(file); err != nil {
			continue // no snapshot: the empty view Open made stays
		}
		cols := ds.Columns()
		sel := make([]string, len(cols))
		for i, c := range cols {
			sel[i] = fmt.Sprintf("CAST(%s AS %s) AS %s", ident(c.Name), c.SQLType(), ident(c.Name))
		}
		stmt := fmt.Sprintf("DROP VIEW %s; CREATE TABLE %s AS SELECT %s FROM read_csv(%s, header = true, all_varchar = true); "+
			"CREATE OR REPLACE VIEW %s_all AS SELECT * FROM %s",
			ds.Name, ds.Name, strings.Join(sel, ", "), sqlString(file), ds.Name, ds.Name)
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			tb.Fatalf("seed table %s: %v", ds.Name, err)
		}
	}
	return db
}

// runAnalysis runs a catalog analysis and returns its rows as records.
func runAnalysis(tb testing.TB, db *DB, name string, params map[string]string) []map[string]any {
	tb.Helper()
	a, err := Lookup(name)
	if err != nil {
		tb.Fatal(err)
	}
	res, err := db.Run(context.Background(), a, params)
	if err != nil {
		tb.Fatal(err)
	}
	return res.Records()
}

// benchAnalysis times an analysis on the seed snapshot.
func benchAnalysis(b *testing.B, name string, params map[string]string) {
	db := openSeed(b)
	a, err := Lookup(name)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := db.Run(ctx, a, params); err != nil {
			b.Fatal(err)
		}
	}
}

// where returns the records whose columns equal the given values.
func where(recs []map[string]any, kv ...any) []map[string]any {
	var out []map[string]any
next:
	for _, r := range recs {
		for i := 0; i+1 < len(kv); i += 2 {
			if fmt.Sprint(r[kv[i].(string)]) != fmt.Sprint(kv[i+1]) {
				continue next
			}
		}
		out = append(out, r)
	}
	return out
}

// near reports whether got is a number within tol of want.
func near(got any, want, tol float64) bool {
	f, ok := asFloat(got)
	return ok && math.Abs(f-want) <= tol
}

func TestSeedSnapshot(t *testing.T) {
	if *update {
		if *lakeArg == "" {
			t.Fatal("-update needs -lake DIR")
		}
		ctx := context.Background()
		db, err := Open(ctx, *lakeArg, Options{Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for _, ds := range schema.Datasets() {
			if ds.Name == "runs" || ds.Name == "news" {
				continue // runs change on every ingest; the seed has no news
			}
			keys := make([]string, len(ds.Key))
			for i, k := range ds.Key {
				keys[i] = ident(k)
			}
			file := filepath.Join(seedDir, ds.Name+".csv")
			// Sorted by natural key so a regenerated snapshot diffs cleanly.
			stmt := fmt.Sprintf("COPY (SELECT * FROM %s ORDER BY %s) TO %s (HEADER, DELIMITER ',')",
				ds.Name, strings.Join(keys, ", "), sqlString(file))
			if _, err := db.ExecContext(ctx, stmt); err != nil {
				t.Fatalf("snapshot %s: %v", ds.Name, err)
			}
		}
	}
	db := openSeed(t)
	for _, name := range []string{"platforms", "mau", "financials", "services", "dependencies", "incidents", "thresholds"} {
		res, err := db.Query(context.Background(), "SELECT count(*) AS n FROM "+name)
		if err != nil {
			t.Fatal(err)
		}
		if n := res.Rows[0][0].(int64); n == 0 {
			t.Errorf("seed snapshot %s is empty", name)
		}
	}
}
