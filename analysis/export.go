package analysis

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// exportTable is the temporary table a computed result passes through on
// its way to Parquet; the DB has one connection, so one name suffices.
const exportTable = "gwanmun_export"

// writeParquet writes a table computed in Go to a Parquet file through a
// DuckDB temporary table, so computed and SQL results share one writer.
func (d *DB) writeParquet(ctx context.Context, t *Table, dst string, meta map[string]string) error {
	cols := make([]string, len(t.Columns))
	marks := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = ident(c) + " " + columnType(t, i)
		marks[i] = "?"
	}
	// Identifiers are the analysis's own column names, never user input.
	if _, err := d.ExecContext(ctx, fmt.Sprintf("CREATE OR REPLACE TEMP TABLE %s (%s)", exportTable, strings.Join(cols, ", "))); err != nil {
		return err
	}
	defer d.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+exportTable)
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, fmt.Sprintf("INSERT INTO %s VALUES (%s)", exportTable, strings.Join(marks, ", ")))
	if err != nil {
		tx.Rollback()
		return err
	}
	for _, r := range t.Rows {
		args := make([]any, len(r))
		for i, v := range r {
			args[i] = bindable(v)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			stmt.Close()
			tx.Rollback()
			return err
		}
	}
	stmt.Close()
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = d.ExecContext(ctx, fmt.Sprintf("COPY %s TO %s (FORMAT parquet, COMPRESSION zstd, %s)", exportTable, sqlString(dst), kvMetadata(meta)))
	return err
}

// columnType infers a column's DuckDB type from its first non-null value.
// Scanned DATEs arrive as "2006-01-02" text and go back out as DATE.
func columnType(t *Table, i int) string {
	for _, r := range t.Rows {
		if r[i] == nil {
			continue
		}
		if _, ok := r[i].(string); ok && allDates(t, i) {
			return "DATE"
		}
		return duckType(r[i])
	}
	return "VARCHAR"
}

// ColumnType is a column's DuckDB type from its first non-null value's Go
// type (text stays VARCHAR), for loading a result back into DuckDB.
func ColumnType(t *Table, i int) string {
	for _, r := range t.Rows {
		if r[i] != nil {
			return duckType(r[i])
		}
	}
	return "VARCHAR"
}

// duckType is the DuckDB type a scanned Go value came from.
func duckType(v any) string {
	switch v.(type) {
	case float64, float32:
		return "DOUBLE"
	case int, int32, int64:
		return "BIGINT"
	case bool:
		return "BOOLEAN"
	case time.Time:
		return "TIMESTAMPTZ"
	case []string, []any:
		return "VARCHAR[]"
	default:
		return "VARCHAR"
	}
}

func allDates(t *Table, i int) bool {
	for _, r := range t.Rows {
		if r[i] == nil {
			continue
		}
		s, ok := r[i].(string)
		if !ok {
			return false
		}
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return false
		}
	}
	return true
}

// bindable turns a table value into something the driver binds: lists of
// anything become lists of strings.
func bindable(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			out[i] = fmt.Sprint(e)
		}
		return out
	case int:
		return int64(x)
	}
	return v
}
