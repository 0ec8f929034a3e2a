package bench_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2" // the "duckdb" database/sql driver

	"github.com/gwanmun/gwanmun/bench/synth"
	"github.com/gwanmun/gwanmun/data"
	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/collectors/seed"
)

// nodeDataset is what bench/node/read_lake.mjs reports for one dataset.
type nodeDataset struct {
	Files        int     `json:"files"`
	Rows         int64   `json:"rows"`
	FooterRows   int64   `json:"footer_rows"`
	ValueSum     float64 `json:"value_sum"`
	FetchedMaxMS int64   `json:"fetched_max_ms"`
	URLBytes     int64   `json:"url_bytes"`
	// Runs is the _runs commit log: rows each run committed.
	Runs map[string]int64 `json:"runs"`
}

// TestLakeReadsInNodeParquetIntegration is the portability promise: a lake
// written by gwanmun opens, unchanged, in a second Parquet implementation
// that shares no code with ours (hyparquet, JavaScript, from npm) and that
// finds the files itself the way Spark or Trino would, skipping the
// _-prefixed folders. Every dataset must come out with DuckDB's row count,
// sum of values, latest fetch time and source-URL bytes.
func TestLakeReadsInNodeParquetIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("installs an npm package and runs node")
	}
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found: install Debian's nodejs and npm (make deps does) to run the Node Parquet portability test", tool)
		}
	}
	installHyparquet(t)

	ctx := context.Background()
	lakeDir := t.TempDir()
	// Two runs, so the lake has several manifests: the cited seed, then
	// SYNTHETIC news and monthly users (lists, nulls, many partitions).
	for _, cols := range [][]ingest.Collector{
		{seed.NewFS(data.Seed, "seed")},
		{&synth.Collector{Seed: 7, NewsRows: 3000, MAURows: 2000}},
	} {
		sum, err := (&ingest.Runner{LakeDir: lakeDir, Mode: ingest.Live}).Run(ctx, cols)
		if err != nil || sum.Status != ingest.StatusOK {
			t.Fatalf("ingest: %v %+v", err, sum)
		}
	}
	// A leftover in staging must be skipped by both readers.
	junk := filepath.Join(lakeDir, lakestore.StagingDir, "crashed-run", "news", "year=2022")
	if err := os.MkdirAll(junk, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(junk, "part-x.parquet"), []byte("not parquet"), 0o644); err != nil {
		t.Fatal(err)
	}

	out, err := exec.Command("node", "node/read_lake.mjs", lakeDir).Output()
	if err != nil {
		t.Fatalf("node read_lake.mjs: %v\n%s", err, stderrOf(err))
	}
	var got map[string]nodeDataset
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node output %q: %v", out, err)
	}

	want := duckdbView(t, lakeDir)
	for _, ds := range schema.Datasets() {
		w, g := want[ds.Name], got[ds.Name]
		t.Run(ds.Name, func(t *testing.T) {
			if w.Rows == 0 {
				t.Fatalf("DuckDB sees no %s rows: the test lake should cover every dataset", ds.Name)
			}
			if g.Rows != w.Rows || g.FooterRows != w.Rows {
				t.Errorf("rows: node decoded %d (footers say %d), DuckDB %d", g.Rows, g.FooterRows, w.Rows)
			}
			if g.Files != w.Files {
				t.Errorf("files: node found %d, the manifests name %d", g.Files, w.Files)
			}
			if math.Abs(g.ValueSum-w.ValueSum) > 1e-9*math.Max(1, math.Abs(w.ValueSum)) {
				t.Errorf("sum(value): node %v, DuckDB %v", g.ValueSum, w.ValueSum)
			}
			if g.FetchedMaxMS != w.FetchedMaxMS {
				t.Errorf("max(fetched_at) ms: node %d, DuckDB %d", g.FetchedMaxMS, w.FetchedMaxMS)
			}
			if g.URLBytes != w.URLBytes {
				t.Errorf("source_url bytes: node %d, DuckDB %d", g.URLBytes, w.URLBytes)
			}
		})
	}
	for name := range got {
		if _, err := schema.Lookup(name); err != nil {
			t.Errorf("node found a dataset folder %q that is not in the schema", name)
		}
	}
}

// installHyparquet installs the pinned npm packages into bench/node_modules
// once (bench/.gitignore keeps them out of git).
func installHyparquet(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join("node_modules", "hyparquet-compressors", "package.json")); err == nil {
		return
	}
	cmd := exec.Command("npm", "install", "--no-audit", "--no-fund", "--loglevel=error")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm install (bench/package.json): %v\n%s", err, out)
	}
}

// duckdbView reads the files the committed manifests name, the way
// gwanmun's own views do, and returns the same figures node computes.
func duckdbView(t *testing.T, lakeDir string) map[string]nodeDataset {
	t.Helper()
	files, err := lakestore.VisibleFiles(lakeDir)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string]nodeDataset{}
	for _, ds := range schema.Datasets() {
		fs := files[ds.Name]
		if len(fs) == 0 {
			continue
		}
		quoted := make([]string, len(fs))
		for i, f := range fs {
			quoted[i] = "'" + strings.ReplaceAll(f, "'", "''") + "'"
		}
		value := "0"
		for _, c := range ds.Columns() {
			if c.Name == "value" {
				value = "coalesce(sum(value), 0)"
			}
		}
		q := "SELECT count(*), " + value + ", coalesce(epoch_ms(max(fetched_at)), 0), coalesce(sum(strlen(source_url)), 0) FROM read_parquet([" +
			strings.Join(quoted, ", ") + "], union_by_name = true, hive_partitioning = false)"
		var d nodeDataset
		if err := db.QueryRow(q).Scan(&d.Rows, &d.ValueSum, &d.FetchedMaxMS, &d.URLBytes); err != nil {
			t.Fatalf("%s: %v", ds.Name, err)
		}
		d.Files = len(fs)
		out[ds.Name] = d
	}
	return out
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}
