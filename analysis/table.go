package analysis

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"
)

// Table is a query result in a form the CLI, the report and tests share.
type Table struct {
	Columns []string `json:"columns"`
	Rows    [][]any  `json:"rows"`
}

// Query runs SQL with bound arguments and collects the result. If it
// fails because a lake file moved under it, it runs once more on the
// files where they are now.
//
// On a sandboxed DB the SQL must be one query (see CheckQuery): the
// driver would otherwise run every statement before the last.
func (d *DB) Query(ctx context.Context, query string, args ...any) (*Table, error) {
	if d.sandbox {
		err := d.CheckQuery(ctx, query)
		if err != nil && !errors.Is(err, ErrNotOneQuery) && ctx.Err() == nil && d.reresolve(ctx) {
			err = d.CheckQuery(ctx, query)
		}
		if err != nil {
			return nil, explainSandbox(err)
		}
	}
	t, err := d.query(ctx, query, args...)
	if err != nil && ctx.Err() == nil && d.reresolve(ctx) {
		return d.query(ctx, query, args...)
	}
	return t, err
}

func (d *DB) query(ctx context.Context, query string, args ...any) (*Table, error) {
	rows, err := d.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scan(rows)
}

func scan(rows *sql.Rows) (*Table, error) {
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	t := &Table{Columns: cols}
	types, _ := rows.ColumnTypes()
	isDate := make([]bool, len(cols))
	for i, ct := range types {
		isDate[i] = ct.DatabaseTypeName() == "DATE"
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		for i, v := range vals {
			vals[i] = normalize(v)
			// A DATE is a calendar day, not an instant: keep it as text so
			// no printer or JSON encoder shows it as midnight UTC.
			if tm, ok := vals[i].(time.Time); ok && isDate[i] {
				vals[i] = tm.Format("2006-01-02")
			}
		}
		t.Rows = append(t.Rows, vals)
	}
	return t, rows.Err()
}

// normalize makes driver values JSON-friendly: NaN and infinities become
// null, times become UTC, byte slices strings.
func normalize(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
	case float32:
		return normalize(float64(x))
	case time.Time:
		return x.UTC()
	case []byte:
		return string(x)
	case []any:
		for i := range x {
			x[i] = normalize(x[i])
		}
	}
	return v
}

// Col returns the index of a column, or -1.
func (t *Table) Col(name string) int {
	for i, c := range t.Columns {
		if c == name {
			return i
		}
	}
	return -1
}

// Records returns rows as maps, for tests and templates.
func (t *Table) Records() []map[string]any {
	out := make([]map[string]any, len(t.Rows))
	for i, r := range t.Rows {
		m := make(map[string]any, len(t.Columns))
		for j, c := range t.Columns {
			m[c] = r[j]
		}
		out[i] = m
	}
	return out
}
