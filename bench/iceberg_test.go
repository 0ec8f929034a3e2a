package bench_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gwanmun/gwanmun/bench/icebergcheck"
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

	res, err := icebergcheck.Check(ctx, lakeDir, "node/read_iceberg.mjs")
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(schema.Datasets())+1 {
		t.Fatalf("%d tables compared, want every dataset and _runs", len(res))
	}
	for _, r := range res {
		if r.Gwanmun.Rows == 0 {
			t.Errorf("gwanmun sees no %s rows: the test lake should cover every table", r.Table)
		}
		if !r.Same {
			t.Errorf("%s: icebird read %+v, gwanmun %+v", r.Table, r.Icebird, r.Gwanmun)
		}
	}
	if runs := res[len(res)-1]; runs.Table != icb.RunsTable || len(runs.Gwanmun.Runs) != 4 {
		t.Errorf("the log: %+v, want 4 runs", runs)
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
