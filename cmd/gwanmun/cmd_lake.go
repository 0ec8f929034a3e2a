package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/spf13/cobra"

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
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	c.AddCommand(newLakeLsCmd(a), newLakeVerifyCmd(a), newLakeCompactCmd(a), newLakeExportCmd(a))
	return c
}

// ---- ls

type lakeLsOptions struct {
	json  bool
	files bool
}

// datasetListing is one row of `lake ls`.
type datasetListing struct {
	Dataset    string     `json:"dataset"`
	Files      int        `json:"files"`
	Partitions int        `json:"partitions"`
	Rows       int64      `json:"rows"`
	Bytes      int64      `json:"bytes"`
	Runs       int        `json:"runs"`
	LastCommit *time.Time `json:"last_commit"`
}

type fileListing struct {
	Path        string    `json:"path"`
	Dataset     string    `json:"dataset"`
	Rows        int64     `json:"rows"`
	Bytes       int64     `json:"bytes"`
	RunID       string    `json:"run_id"`
	CommittedAt time.Time `json:"committed_at"`
}

type lakeListing struct {
	Lake      string              `json:"lake"`
	Manifests int                 `json:"manifests"`
	Datasets  []datasetListing    `json:"datasets"`
	Files     []fileListing       `json:"files,omitempty"`
	Writer    *lakestore.LockInfo `json:"writer,omitempty"`
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
	c.Flags().BoolVar(&o.json, "json", false, "print JSON")
	c.Flags().BoolVar(&o.files, "files", false, "also list every visible file")
	return c
}

// lakeDirFromConfig is the lake the lake subcommands work on, found as
// ingest finds it.
func (a *app) lakeDirFromConfig() (string, error) {
	cfg, err := a.config()
	if err != nil {
		return "", usageError{err}
	}
	return a.lakeFor(cfg), nil
}

func runLakeLs(a *app, o *lakeLsOptions) error {
	dir, err := a.lakeDirFromConfig()
	if err != nil {
		return err
	}
	ms, err := lakestore.ReadManifests(dir)
	if err != nil {
		return err
	}
	gone := lakestore.Superseded(ms)
	out := lakeListing{Lake: dir, Manifests: len(ms)}
	byName := map[string]*datasetListing{}
	parts := map[string]map[string]bool{}
	runs := map[string]map[string]bool{}
	for _, ds := range schema.Datasets() {
		byName[ds.Name] = &datasetListing{Dataset: ds.Name}
		parts[ds.Name], runs[ds.Name] = map[string]bool{}, map[string]bool{}
	}
	for _, m := range ms {
		for _, f := range m.Files {
			d, ok := byName[f.Dataset]
			if !ok || gone[f.Path] {
				continue
			}
			d.Files++
			d.Rows += f.Rows
			d.Bytes += f.Size
			parts[f.Dataset][path.Dir(f.Path)] = true
			runs[f.Dataset][m.RunID] = true
			at := m.CommittedAt
			d.LastCommit = &at
			if o.files {
				out.Files = append(out.Files, fileListing{Path: f.Path, Dataset: f.Dataset, Rows: f.Rows, Bytes: f.Size, RunID: m.RunID, CommittedAt: m.CommittedAt})
			}
		}
	}
	for _, ds := range schema.Datasets() {
		d := byName[ds.Name]
		d.Partitions, d.Runs = len(parts[ds.Name]), len(runs[ds.Name])
		out.Datasets = append(out.Datasets, *d)
	}
	if li, running := lakestore.Holder(dir); running {
		out.Writer = &li
	}
	if o.json {
		return printer{w: a.stdout}.json(out)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "dataset\tfiles\tpartitions\trows\tbytes\truns\tlast commit\t")
	for _, d := range out.Datasets {
		last := "-"
		if d.LastCommit != nil {
			last = d.LastCommit.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%d\t%s\t\n", d.Dataset, d.Files, d.Partitions, d.Rows, humanBytes(d.Bytes), d.Runs, last)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s: %d manifests\n", out.Lake, out.Manifests)
	if out.Writer != nil {
		fmt.Fprintf(a.stdout, "a writer holds the lake: %s\n", out.Writer)
	}
	if o.files {
		tw = tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "\npath\trows\tbytes\trun")
		for _, f := range out.Files {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", f.Path, f.Rows, humanBytes(f.Bytes), f.RunID)
		}
		return tw.Flush()
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
	var asJSON bool
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
		RunE: func(cmd *cobra.Command, _ []string) error { return runLakeVerify(a, asJSON) },
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return c
}

func runLakeVerify(a *app, asJSON bool) error {
	dir, err := a.lakeDirFromConfig()
	if err != nil {
		return err
	}
	rep, err := lakestore.Verify(dir)
	if err != nil {
		return err
	}
	if asJSON {
		if err := (printer{w: a.stdout}).json(rep); err != nil {
			return err
		}
	} else {
		tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "dataset\tfiles\trows\tkeys\tshadowed\tconflicts\tduplicates\t")
		for _, d := range rep.Datasets {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t\n", d.Dataset, d.Files, d.Rows, d.Keys, d.Shadowed, d.Conflicts, d.Duplicates)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		for _, n := range rep.Notes {
			fmt.Fprintf(a.stdout, "note: %s\n", n)
		}
		for _, p := range rep.Problems {
			fmt.Fprintf(a.stdout, "PROBLEM: %s\n", p)
		}
		if rep.OK() {
			fmt.Fprintf(a.stdout, "%s: %d manifests, ok\n", rep.Lake, rep.Manifests)
		}
	}
	if !rep.OK() {
		return fmt.Errorf("lake verify: %d problem(s) in %s", len(rep.Problems), rep.Lake)
	}
	return nil
}

// ---- compact

type lakeCompactOptions struct {
	json bool
	wait time.Duration
}

func newLakeCompactCmd(a *app) *cobra.Command {
	o := &lakeCompactOptions{}
	c := &cobra.Command{
		Use:   "compact [DATASET...]",
		Short: "Merge each partition's files into one, keeping the latest row per key",
		Long: `Rewrite every partition (of the named datasets, or all) that has several files, or
rows hidden by a newer version of their key, into one file holding what the
dataset's view shows: the latest row per natural key. It is atomic: the new files
and a manifest superseding the old ones commit together, readers switch at that
instant, and the old files are deleted only after. It takes the writer lock, so
it never runs alongside an ingest (exit 4 if one is running, unless --wait).`,
		Example: `  gwanmun lake compact
  gwanmun lake compact news mau --json`,
		RunE: func(cmd *cobra.Command, args []string) error { return runLakeCompact(cmd.Context(), a, o, args) },
	}
	c.Flags().BoolVar(&o.json, "json", false, "print JSON")
	c.Flags().DurationVar(&o.wait, "wait", 0, "wait this long for a running ingest instead of exiting 4")
	return c
}

func runLakeCompact(ctx context.Context, a *app, o *lakeCompactOptions, datasets []string) error {
	for _, d := range datasets {
		if _, err := schema.Lookup(d); err != nil {
			return usageError{err}
		}
	}
	dir, err := a.lakeDirFromConfig()
	if err != nil {
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
	if o.json {
		if done == nil {
			done = []lakestore.Compaction{}
		}
		return printer{w: a.stdout}.json(done)
	}
	if len(done) == 0 {
		fmt.Fprintln(a.stdout, "nothing to compact")
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "dataset\tpartition\tfiles\trows before\trows after")
	for _, c := range done {
		fmt.Fprintf(tw, "%s\t%s\t%d → 1\t%d\t%d\n", c.Dataset, c.Partition, c.Files, c.RowsIn, c.RowsOut)
	}
	return tw.Flush()
}

// ---- export

type lakeExportOptions struct {
	format   string
	out      string
	datasets []string
	all      bool
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
Files are written under a temporary name and renamed into place.`,
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
	return c
}

func runLakeExport(ctx context.Context, a *app, o *lakeExportOptions) error {
	var datasets []schema.Dataset
	for _, name := range o.datasets {
		ds, err := schema.Lookup(name)
		if err != nil {
			return usageError{err}
		}
		datasets = append(datasets, ds)
	}
	if len(datasets) == 0 {
		datasets = schema.Datasets()
	}
	dir, err := a.lakeDirFromConfig()
	if err != nil {
		return err
	}
	files, err := lakestore.VisibleFiles(dir)
	if err != nil {
		return err
	}
	switch o.format {
	case "csv":
		if o.out == "" {
			o.out = filepath.Join("out", "export")
		}
		if err := exportCSV(ctx, o, datasets, files, a.stdout); err != nil {
			return err
		}
		// study helper: the exported folder is a Frictionless Data Package.
		return lakestore.WriteDataPackage(o.out, datasets)
	case "duckdb":
		if o.out == "" {
			o.out = filepath.Join("out", "gwanmun.duckdb")
		}
		return exportDuckDB(ctx, o, datasets, files, a.stdout)
	}
	return usageError{fmt.Errorf("--format %q: want csv or duckdb", o.format)}
}

// exportQuery selects a dataset's rows from the Parquet files bound as the
// query's one parameter: the latest per natural key unless all. Only
// identifiers from the schema are spliced in.
func exportQuery(ds schema.Dataset, all bool) string {
	cols := ds.Columns()
	sel := make([]string, len(cols))
	for i, c := range cols {
		sel[i] = fmt.Sprintf("CAST(%s AS %s) AS %s", quoteIdent(c.Name), c.SQLType(), quoteIdent(c.Name))
	}
	keys := make([]string, len(ds.Key))
	for i, k := range ds.Key {
		keys[i] = quoteIdent(k)
	}
	q := fmt.Sprintf("SELECT %s FROM read_parquet(?::VARCHAR[], union_by_name = true, hive_partitioning = false)", strings.Join(sel, ", "))
	if !all {
		q += fmt.Sprintf(" QUALIFY row_number() OVER (PARTITION BY %s ORDER BY fetched_at DESC, run_id DESC) = 1", strings.Join(keys, ", "))
	}
	return q + " ORDER BY " + strings.Join(keys, ", ")
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// openDuckDB opens a DuckDB database; "" is in memory. The path is the
// connector's DSN, never part of a statement.
func openDuckDB(path string) (*sql.DB, error) {
	conn, err := duckdb.NewConnector(path, nil)
	if err != nil {
		return nil, fmt.Errorf("open duckdb %s: %w", path, err)
	}
	db := sql.OpenDB(conn)
	db.SetMaxOpenConns(1)
	return db, nil
}

func exportDuckDB(ctx context.Context, o *lakeExportOptions, datasets []schema.Dataset, files map[string][]string, stdout io.Writer) error {
	if err := os.MkdirAll(filepath.Dir(o.out), 0o755); err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(o.out), "."+filepath.Base(o.out)+".tmp")
	os.Remove(tmp)
	db, err := openDuckDB(tmp)
	if err != nil {
		return err
	}
	fail := func(err error) error {
		db.Close()
		os.Remove(tmp)
		os.Remove(tmp + ".wal")
		return err
	}
	for _, ds := range datasets {
		cols := ds.Columns()
		defs := make([]string, len(cols))
		for i, c := range cols {
			defs[i] = quoteIdent(c.Name) + " " + c.SQLType()
		}
		if _, err := db.ExecContext(ctx, fmt.Sprintf("CREATE TABLE %s (%s)", quoteIdent(ds.Name), strings.Join(defs, ", "))); err != nil {
			return fail(fmt.Errorf("export %s: %w", ds.Name, err))
		}
		var n int64
		if fs := files[ds.Name]; len(fs) > 0 {
			res, err := db.ExecContext(ctx, fmt.Sprintf("INSERT INTO %s %s", quoteIdent(ds.Name), exportQuery(ds, o.all)), fs)
			if err != nil {
				return fail(fmt.Errorf("export %s: %w", ds.Name, err))
			}
			n, _ = res.RowsAffected()
		}
		fmt.Fprintf(stdout, "%s\t%d rows\n", ds.Name, n)
	}
	if _, err := db.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return fail(err)
	}
	if err := db.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, o.out); err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, "wrote %s\n", o.out)
	return nil
}

func exportCSV(ctx context.Context, o *lakeExportOptions, datasets []schema.Dataset, files map[string][]string, stdout io.Writer) error {
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	db, err := openDuckDB("")
	if err != nil {
		return err
	}
	defer db.Close()
	for _, ds := range datasets {
		dst := filepath.Join(o.out, ds.Name+".csv")
		n, err := writeCSV(ctx, db, ds, files[ds.Name], o.all, dst)
		if err != nil {
			return fmt.Errorf("export %s: %w", ds.Name, err)
		}
		fmt.Fprintf(stdout, "%s\t%d rows\n", dst, n)
	}
	return nil
}

// writeCSV streams one dataset to dst through a temporary file.
func writeCSV(ctx context.Context, db *sql.DB, ds schema.Dataset, files []string, all bool, dst string) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*.tmp")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	cols := ds.Columns()
	w := csv.NewWriter(tmp)
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.Name
	}
	if err := w.Write(header); err != nil {
		tmp.Close()
		return 0, err
	}
	var n int64
	if len(files) > 0 {
		rows, err := db.QueryContext(ctx, exportQuery(ds, all), files)
		if err != nil {
			tmp.Close()
			return 0, err
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		rec := make([]string, len(cols))
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				tmp.Close()
				return n, err
			}
			for i, c := range cols {
				rec[i] = csvCell(c, vals[i])
			}
			if err := w.Write(rec); err != nil {
				rows.Close()
				tmp.Close()
				return n, err
			}
			n++
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			tmp.Close()
			return n, err
		}
	}
	w.Flush()
	if err := errors.Join(w.Error(), tmp.Close()); err != nil {
		return n, err
	}
	return n, os.Rename(tmp.Name(), dst)
}

// csvCell formats a value the way R's read.csv and Stata's import
// delimited read it back: ISO dates, RFC 3339 UTC times, JSON lists.
func csvCell(c schema.Column, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		if c.Kind == schema.Date {
			return x.UTC().Format(time.DateOnly)
		}
		return x.UTC().Format(time.RFC3339Nano)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		b, _ := json.Marshal(x)
		return string(b)
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}
