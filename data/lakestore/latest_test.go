package lakestore

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/gwanmun/gwanmun/data/schema"
)

// TestLatestSQLAndGoPickTheSameRows writes versions of MAU keys, with
// fetch-time ties that the run id breaks (including "r10" < "r2", which
// both sides compare as bytes), and checks that DuckDB with LatestSQL and
// Go with Latest keep exactly the same rows.
func TestLatestSQLAndGoPickTheSameRows(t *testing.T) {
	ds, _ := schema.Lookup("mau")
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	rnd := rand.New(rand.NewPCG(1, 2))
	var rows []schema.Row
	value := 0.0
	for _, platform := range []string{"kakaotalk", "naver"} {
		for _, year := range []int{2021, 2022} {
			for _, source := range []string{"IR", "panel"} {
				for _, fetched := range []time.Time{t0, t0.Add(time.Microsecond), t0.Add(time.Hour)} {
					for _, run := range []string{"r1", "r2", "r10"} {
						if rnd.IntN(3) == 0 { // leave some versions out so winners vary by key
							continue
						}
						value++
						rows = append(rows, &schema.MAU{
							PlatformID: platform, Country: "KR", Metric: "mau", PeriodGrain: "year",
							PeriodStart: time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC),
							Value:       value, Unit: "persons", Estimator: "panel", Source: source,
							Provenance: schema.Provenance{SourceURL: "test://", FetchedAt: fetched, RunID: run},
						})
					}
				}
			}
		}
	}
	rnd.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })

	var want []float64
	for _, r := range Latest(ds, rows) {
		want = append(want, r.(*schema.MAU).Value)
	}
	slices.Sort(want)

	// Two files, as two runs would write them.
	dir := t.TempDir()
	half := len(rows) / 2
	var files []string
	for i, part := range [][]schema.Row{rows[:half], rows[half:]} {
		p := filepath.Join(dir, fmt.Sprintf("part-%d.parquet", i))
		if _, _, err := writeParquet(p, ds, part); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := "SELECT value FROM read_parquet(?::VARCHAR[]) " + LatestSQL(ds) + " ORDER BY value"
	res, err := db.QueryContext(context.Background(), q, files)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	var got []float64
	for res.Next() {
		var v float64
		if err := res.Scan(&v); err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	if len(want) != 8 { // 2 platforms × 2 years × 2 sources
		t.Fatalf("Go kept %d rows, want one per key (8)", len(want))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("DuckDB kept values %v, Go kept %v", got, want)
	}
}

func TestLatestSQL(t *testing.T) {
	ds, _ := schema.Lookup("runs")
	want := `QUALIFY row_number() OVER (PARTITION BY "run_id", "collector" ORDER BY fetched_at DESC, run_id DESC) = 1`
	if got := LatestSQL(ds); got != want {
		t.Fatalf("LatestSQL(runs) = %s", got)
	}
}

// TestLatestSelectRevisions fetches one key three times (10, then 12,
// then 12 again) and another once, and checks the latest-row view keeps
// the restated value with its history: revision 2, restated, previous 10.
// The third file is written by an older gwanmun, without the origin
// columns: the view still reads it, with NULL origins.
func TestLatestSelectRevisions(t *testing.T) {
	ds, _ := schema.Lookup("mau")
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	row := func(platform string, v float64, at time.Time, run string) schema.Row {
		return &schema.MAU{
			PlatformID: platform, Country: "KR", Metric: "mau", PeriodGrain: "month",
			PeriodStart: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC),
			Value:       v, Unit: "persons", Estimator: "panel", Source: "P",
			Provenance: schema.Provenance{SourceURL: "test://", FetchedAt: at, RunID: run},
		}
	}
	dir := t.TempDir()
	files := []string{filepath.Join(dir, "a.parquet"), filepath.Join(dir, "b.parquet")}
	if _, _, err := writeParquet(files[0], ds, []schema.Row{row("k", 10, t0, "r1"), row("l", 5, t0, "r1")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := writeParquet(files[1], ds, []schema.Row{row("k", 12, t0.Add(time.Hour), "r2")}); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	old := filepath.Join(dir, "old.parquet")
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`COPY (SELECT * EXCLUDE (origin_source, origin_url) FROM read_parquet('%s')
		) TO '%s' (FORMAT parquet)`, files[1], old)); err != nil {
		t.Fatal(err)
	}
	// The old-layout copy is the third fetch: same value, a later run.
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`COPY (SELECT * REPLACE (fetched_at + INTERVAL 1 HOUR AS fetched_at, 'r3' AS run_id)
		FROM read_parquet('%s')) TO '%s' (FORMAT parquet)`, old, old+".tmp")); err != nil {
		t.Fatal(err)
	}
	files = append(files, old+".tmp")
	// A lake of old files only: the columns no file has are typed NULLs.
	if sel, err := SelectColumns(ds, files[2:]); err != nil || !strings.Contains(sel, `CAST(NULL AS VARCHAR) AS "origin_url"`) {
		t.Fatalf("SelectColumns(old files) = %q, %v", sel, err)
	}
	sel, err := SelectColumns(ds, files)
	if err != nil {
		t.Fatal(err)
	}
	all := "(SELECT " + sel + " FROM read_parquet(?::VARCHAR[], union_by_name = true))"
	q := "SELECT platform_id, value, value_revision, restated, previous_value, run_id, origin_source FROM (" +
		LatestSelect(ds, all) + ") ORDER BY platform_id"
	res, err := db.QueryContext(ctx, q, files)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer res.Close()
	var got []string
	for res.Next() {
		var id, run string
		var v float64
		var rev int64
		var restated bool
		var prev sql.NullFloat64
		var origin sql.NullString
		if err := res.Scan(&id, &v, &rev, &restated, &prev, &run, &origin); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %v rev=%d restated=%v prev=%v run=%s origin=%v", id, v, rev, restated, prev, run, origin.Valid))
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"k 12 rev=2 restated=true prev={10 true} run=r3 origin=false",
		"l 5 rev=1 restated=false prev={0 false} run=r1 origin=false",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("latest rows\n got %q\nwant %q", got, want)
	}
}

func TestSelectColumnsWithoutFiles(t *testing.T) {
	ds, _ := schema.Lookup("mau")
	sel, err := SelectColumns(ds, nil)
	if err != nil || !strings.Contains(sel, `CAST("origin_source" AS VARCHAR) AS "origin_source"`) {
		t.Fatalf("SelectColumns(no files) = %q, %v", sel, err)
	}
}
