package lakestore

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
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
