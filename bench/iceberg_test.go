package bench_test

import (
	"context"
	"encoding/json"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/bench/synth"
	"github.com/gwanmun/gwanmun/data"
	icb "github.com/gwanmun/gwanmun/data/iceberg"
	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/collectors/seed"
)

// TestIcebergReadsInIcebirdIntegration is the independent check of the
// Iceberg tables: icebird (JavaScript, from npm; Avro manifests and
// hyparquet, no code shared with iceberg-go, Arrow or DuckDB) follows each
// table from its metadata file and must find, table by table, the rows
// `gwanmun sql` counts in <dataset>_all, with the same sum of values,
// latest fetch time and source-URL bytes. The lake has appends, a
// compaction (an overwrite snapshot) and a run after it; it is adopted
// after its first run, so the later runs commit through the _runs table,
// which icebird reads too: the same runs, each with the rows its manifest
// names.
func TestIcebergReadsInIcebirdIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("installs an npm package and runs node")
	}
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found: install Debian's nodejs and npm (make deps does) to run the icebird check", tool)
		}
	}
	installNodePackages(t, "icebird")
	ctx := context.Background()
	lakeDir := t.TempDir()
	ingestRun := func(cols ...ingest.Collector) {
		t.Helper()
		sum, err := (&ingest.Runner{LakeDir: lakeDir, Mode: ingest.Live}).Run(ctx, cols)
		if err != nil || sum.Status != ingest.StatusOK {
			t.Fatalf("ingest: %v %+v", err, sum)
		}
	}
	ingestRun(seed.NewFS(data.Seed, "seed"))
	if n, err := icb.AdoptLake(ctx, lakeDir, icb.Config{}, 0, nil); err != nil || n != 1 {
		t.Fatalf("adopt: %d runs moved, %v", n, err)
	}
	ingestRun(&synth.Collector{Seed: 7, NewsRows: 1500, MAURows: 800})
	l, err := lakestore.Open(lakeDir, "compact-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if done, err := l.Compact("compact-1"); err != nil || len(done) == 0 {
		t.Fatalf("compact: %v %v", done, err)
	}
	l.Close()
	ingestRun(&synth.Collector{Seed: 8, NewsRows: 300, MAURows: 200})

	m, err := icb.Open(ctx, lakeDir, icb.Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	tables, err := m.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(tables)
	list := filepath.Join(t.TempDir(), "tables.json")
	if err := os.WriteFile(list, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("node", "node/read_iceberg.mjs", list).Output()
	if err != nil {
		t.Fatalf("node read_iceberg.mjs: %v\n%s", err, stderrOf(err))
	}
	var got map[string]nodeDataset
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node output %q: %v", out, err)
	}

	ms, err := lakestore.ReadManifests(lakeDir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{}
	for _, man := range ms {
		for _, f := range man.Files {
			want[man.RunID] += f.Rows
		}
	}
	if len(want) != 4 || !maps.Equal(got[icb.RunsTable].Runs, want) {
		t.Errorf("the _runs log: icebird reads %v, gwanmun's log %v (want 4 runs)", got[icb.RunsTable].Runs, want)
	}

	db, err := analysis.Open(ctx, lakeDir, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, ds := range schema.Datasets() {
		t.Run(ds.Name, func(t *testing.T) {
			value := "0"
			for _, c := range ds.Columns() {
				if c.Name == "value" {
					value = "coalesce(sum(value), 0)"
				}
			}
			var w nodeDataset
			q := "SELECT count(*), " + value + ", coalesce(epoch_ms(max(fetched_at)), 0), coalesce(sum(strlen(source_url)), 0) FROM " + ds.Name + "_all"
			if err := db.QueryRowContext(ctx, q).Scan(&w.Rows, &w.ValueSum, &w.FetchedMaxMS, &w.URLBytes); err != nil {
				t.Fatal(err)
			}
			g, ok := got[ds.Name]
			if !ok {
				t.Fatalf("icebird did not read table %s", ds.Name)
			}
			if w.Rows == 0 {
				t.Fatalf("gwanmun sees no %s rows: the test lake should cover every dataset", ds.Name)
			}
			if g.Rows != w.Rows {
				t.Errorf("rows: icebird %d, gwanmun sql %d", g.Rows, w.Rows)
			}
			if math.Abs(g.ValueSum-w.ValueSum) > 1e-9*math.Max(1, math.Abs(w.ValueSum)) {
				t.Errorf("sum(value): icebird %v, gwanmun sql %v", g.ValueSum, w.ValueSum)
			}
			if g.FetchedMaxMS != w.FetchedMaxMS {
				t.Errorf("max(fetched_at) ms: icebird %d, gwanmun sql %d", g.FetchedMaxMS, w.FetchedMaxMS)
			}
			if g.URLBytes != w.URLBytes {
				t.Errorf("source_url bytes: icebird %d, gwanmun sql %d", g.URLBytes, w.URLBytes)
			}
		})
	}
}

// installNodePackages runs npm install in bench once the named package is
// missing from bench/node_modules (bench/.gitignore keeps them out of git).
func installNodePackages(t *testing.T, pkg string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join("node_modules", pkg, "package.json")); err == nil {
		return
	}
	cmd := exec.Command("npm", "install", "--no-audit", "--no-fund", "--loglevel=error")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm install (bench/package.json): %v\n%s", err, out)
	}
}
