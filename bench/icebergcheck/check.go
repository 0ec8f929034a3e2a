// Package icebergcheck reads a lake's Iceberg tables with icebird, an
// Iceberg implementation in JavaScript that shares no code with
// iceberg-go, Arrow or DuckDB (bench/node/read_iceberg.mjs), and compares
// what it finds, table by table, with what gwanmun's own views read: row
// counts, sum of values, latest fetch time and source-URL bytes of every
// dataset's <dataset>_all, and the runs of the _runs commit log with the
// rows their manifests name.
package icebergcheck

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/gwanmun/gwanmun/analysis"
	icb "github.com/gwanmun/gwanmun/data/iceberg"
	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
)

// Stats is what one reader found in one table.
type Stats struct {
	Rows         int64            `json:"rows"`
	ValueSum     float64          `json:"value_sum"`
	FetchedMaxMS int64            `json:"fetched_max_ms"`
	URLBytes     int64            `json:"url_bytes"`
	Runs         map[string]int64 `json:"runs,omitempty"`
}

// Result compares the two readers on one table.
type Result struct {
	Table   string `json:"table"`
	Icebird Stats  `json:"icebird"`
	Gwanmun Stats  `json:"gwanmun"`
	Same    bool   `json:"same"`
}

// Check reads the lake's tables with icebird (node, the script at
// script, with bench/node_modules installed) and with gwanmun, and
// compares them. The lake must be adopted (its commit log is the _runs
// table).
func Check(ctx context.Context, lakeDir, script string) ([]Result, error) {
	m, err := icb.OpenAdopted(ctx, lakeDir, nil)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	if n, err := m.Sync(ctx); err != nil {
		return nil, fmt.Errorf("roll the tables forward: %w (%d registered)", err, len(n))
	}
	tables, err := m.Tables(ctx)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(tables)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "icebergcheck-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	list := filepath.Join(tmp, "tables.json")
	if err := os.WriteFile(list, b, 0o644); err != nil {
		return nil, err
	}
	out, err := exec.CommandContext(ctx, "node", script, list).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return nil, fmt.Errorf("node %s: %w\n%s", script, err, ee.Stderr)
		}
		return nil, fmt.Errorf("node %s: %w", script, err)
	}
	var got map[string]Stats
	if err := json.Unmarshal(out, &got); err != nil {
		return nil, fmt.Errorf("icebird's output %q: %w", out, err)
	}

	db, err := analysis.Open(ctx, lakeDir, analysis.Options{})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var res []Result
	for _, ds := range schema.Datasets() {
		value := "0"
		for _, c := range ds.Columns() {
			if c.Name == "value" {
				value = "coalesce(sum(value), 0)"
			}
		}
		var w Stats
		q := "SELECT count(*), " + value + ", coalesce(epoch_ms(max(fetched_at)), 0), coalesce(sum(strlen(source_url)), 0) FROM " + ds.Name + "_all"
		if err := db.QueryRowContext(ctx, q).Scan(&w.Rows, &w.ValueSum, &w.FetchedMaxMS, &w.URLBytes); err != nil {
			return nil, fmt.Errorf("%s: %w", ds.Name, err)
		}
		g := got[ds.Name]
		same := g.Rows == w.Rows && g.FetchedMaxMS == w.FetchedMaxMS && g.URLBytes == w.URLBytes &&
			math.Abs(g.ValueSum-w.ValueSum) <= 1e-9*math.Max(1, math.Abs(w.ValueSum))
		res = append(res, Result{Table: ds.Name, Icebird: g, Gwanmun: w, Same: same})
	}
	ms, err := lakestore.ReadManifests(lakeDir)
	if err != nil {
		return nil, err
	}
	w := Stats{Rows: int64(len(ms)), Runs: map[string]int64{}}
	for _, man := range ms {
		w.Runs[man.RunID] = 0
		for _, f := range man.Files {
			w.Runs[man.RunID] += f.Rows
		}
	}
	g := got[icb.RunsTable]
	res = append(res, Result{Table: icb.RunsTable, Icebird: g, Gwanmun: w, Same: g.Rows == w.Rows && maps.Equal(g.Runs, w.Runs)})
	return res, nil
}
