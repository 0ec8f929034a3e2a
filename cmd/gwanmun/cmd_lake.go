package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	icb "github.com/gwanmun/gwanmun/data/iceberg"

	"github.com/spf13/cobra"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
)

func newLakeCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "lake",
		Short: "Inspect, check, compact and export the Parquet lake",
		Long: `Work on the lake itself: list what committed manifests hold, verify files against
them, compact small files into one per partition, and export the datasets for
tools that do not read Parquet (R, Stata, DBeaver).`,
		Example: `  gwanmun lake ls
  gwanmun lake verify --json
  gwanmun lake compact mau
  gwanmun lake export --format duckdb -o gwanmun.duckdb`,
		Args: unknownSubcommand,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	c.AddCommand(newLakeLsCmd(a), newLakeVerifyCmd(a), newLakeCompactCmd(a), newLakeExportCmd(a))
	return c
}

// ---- ls

type lakeLsOptions struct {
	out   outputFlags
	files bool
}

func newLakeLsCmd(a *app) *cobra.Command {
	o := &lakeLsOptions{}
	c := &cobra.Command{
		Use:   "ls",
		Short: "List datasets with their files and rows, from the committed manifests",
		Long: `List what the lake holds as its readers see it: per dataset, the files committed
manifests name (superseded ones excluded), their partitions, rows and bytes, how
many runs wrote them and when the last did. Rows count every committed row; the
dataset's view shows the latest per natural key (see 'lake verify').`,
		Example: `  gwanmun lake ls
  gwanmun lake ls --files
  gwanmun --lake /mnt/research/lake lake ls --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runLakeLs(a, o) },
	}
	o.out.add(c)
	c.Flags().BoolVar(&o.files, "files", false, "list every visible file instead of the per-dataset summary (table and csv)")
	return c
}

// existingLake is the lake a command that reads (or compacts) works on:
// found as ingest finds it, and a folder that is not a lake is a usage
// error, so a typo is not read as an empty lake (nor created as one).
func (a *app) existingLake() (string, error) {
	dir, err := a.lakeDirFromConfig()
	if err != nil {
		return "", err
	}
	if err := lakestore.CheckLake(dir); err != nil {
		return "", usageError{err}
	}
	return dir, nil
}

// lakeDirFromConfig is the lake a command works on, found as ingest finds
// it.
func (a *app) lakeDirFromConfig() (string, error) {
	cfg, err := a.config()
	if err != nil {
		return "", usageError{err}
	}
	return a.lakeFor(cfg), nil
}

func runLakeLs(a *app, o *lakeLsOptions) error {
	format, err := o.out.resolve()
	if err != nil {
		return err
	}
	dir, err := a.existingLake()
	if err != nil {
		return err
	}
	out, err := lakestore.List(dir, o.files)
	if err != nil {
		return err
	}
	p := printer{w: a.stdout, format: format}
	switch {
	case format == "json":
		return p.json(out)
	case o.files:
		t := &analysis.Table{Columns: []string{"path", "dataset", "rows", "bytes", "run_id", "committed_at"}}
		for _, f := range out.Files {
			t.Rows = append(t.Rows, []any{f.Path, f.Dataset, f.Rows, f.Bytes, f.RunID, f.CommittedAt})
		}
		return p.table(t)
	}
	t := &analysis.Table{Columns: []string{"dataset", "files", "partitions", "rows", "bytes", "runs", "last_commit"}}
	for _, d := range out.Datasets {
		var last, size any
		if d.LastCommit != nil {
			last = *d.LastCommit
		}
		size = d.Bytes
		if format == "table" {
			size = humanBytes(d.Bytes)
		}
		t.Rows = append(t.Rows, []any{d.Dataset, d.Files, d.Partitions, d.Rows, size, d.Runs, last})
	}
	if err := p.table(t); err != nil {
		return err
	}
	if format == "table" {
		fmt.Fprintf(a.stdout, "%s: %d manifests\n", out.Lake, out.Manifests)
		if out.Writer != nil {
			fmt.Fprintf(a.stdout, "a writer holds the lake: %s\n", out.Writer)
		}
	}
	return nil
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// ---- verify

func newLakeVerifyCmd(a *app) *cobra.Command {
	var out outputFlags
	c := &cobra.Command{
		Use:   "verify",
		Short: "Check every file against its manifest and look for ambiguous keys",
		Long: `Check the lake without changing it: every file a committed manifest names exists
with the recorded size and sha256 and reads as Parquet with its dataset's schema
and row count; no file is named twice or sits in a dataset directory unnamed
(other engines would read it); and no natural key has two different newest rows.
Per dataset it counts rows, distinct keys and rows shadowed by a newer version
of their key (what the views hide).

Notes are states the next ingest repairs by itself (a run interrupted before or
just after its commit). Exit code 1 if there are problems.`,
		Example: `  gwanmun lake verify
  gwanmun lake verify --json | jq .problems`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runLakeVerify(a, &out) },
	}
	out.add(c)
	return c
}

func runLakeVerify(a *app, o *outputFlags) error {
	format, err := o.resolve()
	if err != nil {
		return err
	}
	dir, err := a.existingLake()
	if err != nil {
		return err
	}
	rep, err := lakestore.Verify(dir)
	if err != nil {
		return err
	}
	p := printer{w: a.stdout, format: format}
	if format == "json" {
		if err := p.json(rep); err != nil {
			return err
		}
	} else {
		t := &analysis.Table{Columns: []string{"dataset", "files", "rows", "keys", "shadowed", "conflicts", "duplicates"}}
		for _, d := range rep.Datasets {
			t.Rows = append(t.Rows, []any{d.Dataset, d.Files, d.Rows, d.Keys, d.Shadowed, d.Conflicts, d.Duplicates})
		}
		if err := p.table(t); err != nil {
			return err
		}
	}
	// Notes and problems go to stdout in a table, to stderr with csv so the
	// file stays one table.
	if format != "json" {
		w := a.stdout
		if format == "csv" {
			w = a.stderr
		}
		for _, n := range rep.Notes {
			fmt.Fprintf(w, "note: %s\n", n)
		}
		for _, p := range rep.Problems {
			fmt.Fprintf(w, "PROBLEM: %s\n", p)
		}
		if rep.CommitLog != "" {
			fmt.Fprintf(w, "commit log: %s\n", rep.CommitLog)
		}
		if rep.OK() {
			fmt.Fprintf(w, "%s: %d manifests, ok\n", rep.Lake, rep.Manifests)
		}
	}
	if !rep.OK() {
		return fmt.Errorf("lake verify: %d problem(s) in %s", len(rep.Problems), rep.Lake)
	}
	return nil
}

// ---- compact

type lakeCompactOptions struct {
	out  outputFlags
	wait time.Duration
}

func newLakeCompactCmd(a *app) *cobra.Command {
	o := &lakeCompactOptions{}
	c := &cobra.Command{
		Use:   "compact [DATASET...]",
		Short: "Merge each partition's files into one, keeping every version of every row",
		Long: `Rewrite every partition (of the named datasets, or all) that has several files
into one file. Every version of every key is kept, so no view and no analysis
changes (<dataset>_all still holds the history); only exact copies of a row
are dropped. It is atomic: the new files
and a manifest superseding the old ones commit together, readers switch at that
instant, and the old files are deleted only after. It takes the writer lock, so
it never runs alongside an ingest (exit 4 if one is running, unless --wait).`,
		Example: `  gwanmun lake compact
  gwanmun lake compact news mau --json`,
		RunE: func(cmd *cobra.Command, args []string) error { return runLakeCompact(cmd.Context(), a, o, args) },
	}
	o.out.add(c)
	c.Flags().DurationVar(&o.wait, "wait", 0, "wait this long for a running ingest instead of exiting 4")
	return c
}

func runLakeCompact(ctx context.Context, a *app, o *lakeCompactOptions, datasets []string) error {
	format, err := o.out.resolve()
	if err != nil {
		return err
	}
	if o.wait < 0 {
		return usageError{fmt.Errorf("--wait %v: want a duration of 0 or more", o.wait)}
	}
	for _, d := range datasets {
		if _, err := schema.Lookup(d); err != nil {
			return usageError{err}
		}
	}
	dir, err := a.existingLake()
	if err != nil {
		return err
	}
	cfg, err := a.config()
	if err != nil {
		return usageError{err}
	}
	if err := a.adoptIceberg(ctx, cfg, dir, o.wait); err != nil {
		return err
	}
	runID := ingest.NewRunID(time.Now()) + "-compact"
	l, err := lakestore.OpenContext(ctx, dir, runID, lakestore.Options{Log: a.logger(), Wait: o.wait})
	if err != nil {
		return err
	}
	defer l.Close()
	done, err := l.Compact(runID, datasets...)
	if err != nil {
		return err
	}
	if len(done) > 0 {
		// The replace snapshot: superseded files leave the Iceberg tables.
		a.syncIceberg(ctx, cfg, dir)
	}
	// The commit log's own small files (one per run) become one.
	if n, err := icb.CompactRuns(ctx, dir); err != nil {
		return fmt.Errorf("compact the commit log: %w", err)
	} else if n > 0 {
		a.logger().Info("compacted the commit log", "table", icb.Namespace+"."+icb.RunsTable, "files_replaced", n)
	}
	p := printer{w: a.stdout, format: format}
	if format == "json" {
		if done == nil {
			done = []lakestore.Compaction{}
		}
		return p.json(done)
	}
	if len(done) == 0 && format == "table" {
		fmt.Fprintln(a.stdout, "nothing to compact")
		return nil
	}
	t := &analysis.Table{Columns: []string{"dataset", "partition", "files", "rows_before", "rows_after"}}
	for _, c := range done {
		t.Rows = append(t.Rows, []any{c.Dataset, c.Partition, c.Files, c.RowsIn, c.RowsOut})
	}
	return p.table(t)
}

// ---- export

type lakeExportOptions struct {
	format   string
	out      string
	datasets []string
	all      bool
	bom      bool
}

func newLakeExportCmd(a *app) *cobra.Command {
	o := &lakeExportOptions{}
	c := &cobra.Command{
		Use:   "export --format csv|duckdb [-o PATH]",
		Short: "Export the datasets as CSV files or one DuckDB database",
		Long: `Export every dataset (or those named with --dataset) as its view shows it, the
latest row per natural key, for tools that do not read Parquet:

  csv     one <dataset>.csv per dataset in the directory PATH (default out/export);
          UTF-8 with a header row, timestamps in RFC 3339 UTC, list columns as JSON
          arrays. R: read.csv("mau.csv", encoding = "UTF-8"); Stata: import delimited.
          datapackage.json beside them describes every column, unit, natural key and
          licence as a Frictionless Data Package (frictionless validate datapackage.json).
  duckdb  one database file PATH (default out/gwanmun.duckdb) with a table per
          dataset; opens in DBeaver, the DuckDB CLI, R (duckdb package) and Python.

--all exports every committed row instead (older versions of each key too).
--bom starts each CSV file with a UTF-8 byte-order mark, so Excel reads Hangul
right. Files are written under a temporary name, renamed into place, and
readable by everyone (0644).`,
		Example: `  gwanmun lake export --format csv -o export/
  gwanmun lake export --format duckdb -o gwanmun.duckdb
  gwanmun lake export --format csv --dataset mau --dataset platforms`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runLakeExport(cmd.Context(), a, o) },
	}
	c.Flags().StringVar(&o.format, "format", "", "csv or duckdb (required)")
	c.Flags().StringVarP(&o.out, "out", "o", "", "output directory (csv) or file (duckdb)")
	c.Flags().StringArrayVar(&o.datasets, "dataset", nil, "dataset to export (repeatable; default all)")
	c.Flags().BoolVar(&o.all, "all", false, "every committed row, not only the latest per key")
	c.Flags().BoolVar(&o.bom, "bom", false, "start each CSV file with a UTF-8 byte-order mark (for Excel)")
	return c
}

func runLakeExport(ctx context.Context, a *app, o *lakeExportOptions) error {
	eo := lakestore.ExportOptions{All: o.all, BOM: o.bom}
	for _, name := range o.datasets {
		ds, err := schema.Lookup(name)
		if err != nil {
			return usageError{err}
		}
		eo.Datasets = append(eo.Datasets, ds)
	}
	if o.bom && o.format != "csv" {
		return usageError{errors.New("--bom applies to --format csv only")}
	}
	dir, err := a.existingLake()
	if err != nil {
		return err
	}
	var done []lakestore.Exported
	switch o.format {
	case "csv":
		if o.out == "" {
			o.out = filepath.Join("out", "export")
		}
		if done, err = lakestore.ExportCSV(ctx, dir, o.out, eo); err != nil {
			return err
		}
		for _, d := range done {
			fmt.Fprintf(a.stdout, "%s\t%d rows\n", d.Path, d.Rows)
		}
		// The exported folder is a Frictionless Data Package.
		described := eo.Datasets
		if len(described) == 0 {
			described = schema.Datasets()
		}
		return lakestore.WriteDataPackage(o.out, described)
	case "duckdb":
		if o.out == "" {
			o.out = filepath.Join("out", "gwanmun.duckdb")
		}
		if done, err = lakestore.ExportDuckDB(ctx, dir, o.out, eo); err != nil {
			return err
		}
		for _, d := range done {
			fmt.Fprintf(a.stdout, "%s\t%d rows\n", d.Dataset, d.Rows)
		}
		fmt.Fprintf(a.stdout, "wrote %s\n", o.out)
		return nil
	}
	return usageError{fmt.Errorf("--format %q: want csv or duckdb", o.format)}
}
