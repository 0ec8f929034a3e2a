package lakestore

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/gwanmun/gwanmun/data/schema"
)

// ExportOptions choose what an export holds.
type ExportOptions struct {
	// Datasets to export; empty means all.
	Datasets []schema.Dataset
	// All exports every committed row, not only the latest per key.
	All bool
	// BOM starts each CSV file with a UTF-8 byte-order mark, which Excel
	// needs to read Hangul in a CSV correctly.
	BOM bool
}

func (o ExportOptions) datasets() []schema.Dataset {
	if len(o.Datasets) == 0 {
		return schema.Datasets()
	}
	return o.Datasets
}

// Exported is one dataset an export wrote.
type Exported struct {
	Dataset string `json:"dataset"`
	Path    string `json:"path"`
	Rows    int64  `json:"rows"`
}

// exportQuery selects a dataset's rows from files, which the query binds
// as its one parameter: the latest per natural key unless all. Only
// identifiers from the schema are spliced in.
func exportQuery(ds schema.Dataset, files []string, all bool) (string, error) {
	sel, err := SelectColumns(ds, files)
	if err != nil {
		return "", err
	}
	keys := make([]string, len(ds.Key))
	for i, k := range ds.Key {
		keys[i] = QuoteIdent(k)
	}
	q := "SELECT " + sel + " FROM read_parquet(?::VARCHAR[], union_by_name = true, hive_partitioning = false)"
	if !all {
		q += " " + LatestSQL(ds)
	}
	return q + " ORDER BY " + strings.Join(keys, ", "), nil
}

// OpenDuckDB opens a DuckDB database; "" is in memory. The path is the
// connector's DSN, never part of a statement.
func OpenDuckDB(path string) (*sql.DB, error) {
	conn, err := duckdb.NewConnector(path, nil)
	if err != nil {
		return nil, fmt.Errorf("open duckdb %s: %w", path, err)
	}
	db := sql.OpenDB(conn)
	db.SetMaxOpenConns(1)
	return db, nil
}

// ExportDuckDB writes the lake at lakeDir as one DuckDB database file at
// dst with a table per dataset. The database is built under a temporary
// name and renamed into place.
func ExportDuckDB(ctx context.Context, lakeDir, dst string, o ExportOptions) ([]Exported, error) {
	files, err := VisibleFiles(lakeDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return nil, err
	}
	tmp := filepath.Join(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp")
	os.Remove(tmp)
	db, err := OpenDuckDB(tmp)
	if err != nil {
		return nil, err
	}
	fail := func(err error) ([]Exported, error) {
		db.Close()
		os.Remove(tmp)
		os.Remove(tmp + ".wal")
		return nil, err
	}
	var out []Exported
	for _, ds := range o.datasets() {
		cols := ds.Columns()
		defs := make([]string, len(cols))
		for i, c := range cols {
			defs[i] = QuoteIdent(c.Name) + " " + c.SQLType()
		}
		if _, err := db.ExecContext(ctx, fmt.Sprintf("CREATE TABLE %s (%s)", QuoteIdent(ds.Name), strings.Join(defs, ", "))); err != nil {
			return fail(fmt.Errorf("export %s: %w", ds.Name, err))
		}
		var n int64
		if fs := files[ds.Name]; len(fs) > 0 {
			q, err := exportQuery(ds, fs, o.All)
			if err != nil {
				return fail(fmt.Errorf("export %s: %w", ds.Name, err))
			}
			res, err := db.ExecContext(ctx, fmt.Sprintf("INSERT INTO %s %s", QuoteIdent(ds.Name), q), fs)
			if err != nil {
				return fail(fmt.Errorf("export %s: %w", ds.Name, err))
			}
			n, _ = res.RowsAffected()
		}
		out = append(out, Exported{Dataset: ds.Name, Path: dst, Rows: n})
	}
	if _, err := db.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return fail(err)
	}
	if err := db.Close(); err != nil {
		return fail(err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fail(err)
	}
	return out, nil
}

// ExportCSV writes one <dataset>.csv per dataset into dir: UTF-8 with a
// header row, RFC 3339 UTC timestamps, ISO dates and lists as JSON arrays,
// readable by everyone (0644) like any other export.
func ExportCSV(ctx context.Context, lakeDir, dir string, o ExportOptions) ([]Exported, error) {
	files, err := VisibleFiles(lakeDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	db, err := OpenDuckDB("")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var out []Exported
	for _, ds := range o.datasets() {
		dst := filepath.Join(dir, ds.Name+".csv")
		n, err := writeCSV(ctx, db, ds, files[ds.Name], o, dst)
		if err != nil {
			return out, fmt.Errorf("export %s: %w", ds.Name, err)
		}
		out = append(out, Exported{Dataset: ds.Name, Path: dst, Rows: n})
	}
	return out, nil
}

// utf8BOM is the byte-order mark spreadsheet programs look for.
const utf8BOM = "\uFEFF"

// writeCSV streams one dataset to dst through a temporary file.
func writeCSV(ctx context.Context, db *sql.DB, ds schema.Dataset, files []string, o ExportOptions, dst string) (n int64, err error) {
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*.tmp")
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if o.BOM {
		if _, err := tmp.WriteString(utf8BOM); err != nil {
			return 0, err
		}
	}
	cols := ds.Columns()
	w := csv.NewWriter(tmp)
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.Name
	}
	if err := w.Write(header); err != nil {
		return 0, err
	}
	if len(files) > 0 {
		q, err := exportQuery(ds, files, o.All)
		if err != nil {
			return 0, err
		}
		rows, err := db.QueryContext(ctx, q, files)
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		rec := make([]string, len(cols))
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				return n, err
			}
			for i, c := range cols {
				rec[i] = csvCell(c, vals[i])
			}
			if err := w.Write(rec); err != nil {
				return n, err
			}
			n++
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return n, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return n, err
	}
	// CreateTemp makes 0600 files; an export is meant to be shared.
	if err := tmp.Chmod(0o644); err != nil {
		return n, err
	}
	if err := tmp.Close(); err != nil {
		return n, err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		os.Remove(tmp.Name())
		return n, err
	}
	return n, nil
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
