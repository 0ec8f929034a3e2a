package lakestore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/gwanmun/gwanmun/data/schema"
)

// ReadRows reads a lake Parquet file back into rows of its dataset. It is
// how the runs ledger is read; columns the file lacks (an older dataset
// version) stay at their zero value.
func ReadRows(path string, ds schema.Dataset) ([]schema.Row, error) {
	var rows []schema.Row
	err := EachBatch(path, ds, func(batch []schema.Row) error {
		rows = append(rows, batch...)
		return nil
	})
	return rows, err
}

// EachBatch streams a lake Parquet file as rows of its dataset, at most
// MaxRowGroup rows at a time, so verify and compaction hold one batch of
// a file in memory, not the file.
func EachBatch(path string, ds schema.Dataset, fn func([]schema.Row) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	pf, err := file.NewParquetReader(f)
	if err != nil {
		return fmt.Errorf("read parquet %s: %w", path, err)
	}
	defer pf.Close()
	if pf.NumRows() == 0 {
		return nil
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: MaxRowGroup}, memory.DefaultAllocator)
	if err != nil {
		return fmt.Errorf("read parquet %s: %w", path, err)
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		return fmt.Errorf("read parquet %s: %w", path, err)
	}
	defer rr.Release()
	cols := ds.Columns()
	fieldOf := make([]int, len(cols)) // file column per schema column, -1 if absent
	for i, c := range cols {
		fieldOf[i] = -1
		if idx := rr.Schema().FieldIndices(c.Name); len(idx) == 1 {
			fieldOf[i] = idx[0]
		}
	}
	for rr.Next() {
		rows, err := recordRows(ds, cols, fieldOf, rr.RecordBatch())
		if err != nil {
			return fmt.Errorf("read parquet %s: %w", path, err)
		}
		if err := fn(rows); err != nil {
			return err
		}
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read parquet %s: %w", path, err)
	}
	return nil
}

// recordRows turns a record batch into row structs; fieldOf[i] is the
// record column of cols[i], -1 when the record lacks it (an older file).
func recordRows(ds schema.Dataset, cols []schema.Column, fieldOf []int, rec arrow.RecordBatch) ([]schema.Row, error) {
	rows := make([]schema.Row, 0, rec.NumRows())
	for r := 0; r < int(rec.NumRows()); r++ {
		pv := reflect.New(ds.RowType)
		v := pv.Elem()
		for i, c := range cols {
			if fieldOf[i] < 0 {
				continue
			}
			if err := setValue(v.FieldByIndex(c.Index), c, rec.Column(fieldOf[i]), r); err != nil {
				return nil, fmt.Errorf("column %s: %w", c.Name, err)
			}
		}
		row, ok := pv.Interface().(schema.Row)
		if !ok {
			return nil, fmt.Errorf("dataset %s: %s is not a row type", ds.Name, ds.RowType)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// RecordRows turns a record batch of ArrowSchema(ds) into row structs.
func RecordRows(ds schema.Dataset, rec arrow.RecordBatch) ([]schema.Row, error) {
	cols := ds.Columns()
	fieldOf := make([]int, len(cols))
	for i, c := range cols {
		fieldOf[i] = -1
		if idx := rec.Schema().FieldIndices(c.Name); len(idx) == 1 {
			fieldOf[i] = idx[0]
		}
	}
	return recordRows(ds, cols, fieldOf, rec)
}

// checkSchema compares a file's Arrow schema with its dataset's.
func checkSchema(path string, ds schema.Dataset) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	pf, err := file.NewParquetReader(f)
	if err != nil {
		return fmt.Errorf("read parquet: %w", err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return fmt.Errorf("read parquet: %w", err)
	}
	got, err := fr.Schema()
	if err != nil {
		return fmt.Errorf("read parquet schema: %w", err)
	}
	want := ArrowSchema(ds)
	if got.NumFields() != want.NumFields() {
		return fmt.Errorf("schema has %d columns, dataset %s v%d has %d", got.NumFields(), ds.Name, ds.Version, want.NumFields())
	}
	for i, w := range want.Fields() {
		g := got.Field(i)
		if g.Name != w.Name || !arrow.TypeEqual(g.Type, w.Type) {
			return fmt.Errorf("column %d is %s %s, dataset %s v%d wants %s %s", i, g.Name, g.Type, ds.Name, ds.Version, w.Name, w.Type)
		}
	}
	return nil
}

// setValue is the inverse of appendValue.
func setValue(dst reflect.Value, c schema.Column, col arrow.Array, i int) error {
	if col.IsNull(i) {
		return nil // nil pointer, zero time, nil list
	}
	if dst.Kind() == reflect.Pointer {
		p := reflect.New(dst.Type().Elem())
		dst.Set(p)
		dst = p.Elem()
	}
	switch c.Kind {
	case schema.String:
		a, ok := col.(*array.String)
		if !ok {
			return typeErr(col)
		}
		dst.SetString(a.Value(i))
	case schema.Int64:
		a, ok := col.(*array.Int64)
		if !ok {
			return typeErr(col)
		}
		dst.SetInt(a.Value(i))
	case schema.Float64:
		a, ok := col.(*array.Float64)
		if !ok {
			return typeErr(col)
		}
		dst.SetFloat(a.Value(i))
	case schema.Bool:
		a, ok := col.(*array.Boolean)
		if !ok {
			return typeErr(col)
		}
		dst.SetBool(a.Value(i))
	case schema.Timestamp:
		a, ok := col.(*array.Timestamp)
		if !ok {
			return typeErr(col)
		}
		unit := a.DataType().(*arrow.TimestampType).Unit
		dst.Set(reflect.ValueOf(a.Value(i).ToTime(unit).UTC()))
	case schema.Date:
		a, ok := col.(*array.Date32)
		if !ok {
			return typeErr(col)
		}
		dst.Set(reflect.ValueOf(a.Value(i).ToTime().UTC()))
	case schema.StringList:
		a, ok := col.(*array.List)
		if !ok {
			return typeErr(col)
		}
		vals, ok := a.ListValues().(*array.String)
		if !ok {
			return typeErr(col)
		}
		start, end := a.ValueOffsets(i)
		out := make([]string, 0, end-start)
		for j := start; j < end; j++ {
			out = append(out, vals.Value(int(j)))
		}
		dst.Set(reflect.ValueOf(out))
	}
	return nil
}

func typeErr(col arrow.Array) error {
	return fmt.Errorf("unexpected Arrow type %s", col.DataType())
}

// Keyer renders a row's natural key as one comparable string (a JSON
// array of the key's values), the identity the readers' views dedupe on.
type Keyer []schema.Column

// NewKeyer returns the keyer of a dataset.
func NewKeyer(ds schema.Dataset) Keyer {
	byName := map[string]schema.Column{}
	for _, c := range ds.Columns() {
		byName[c.Name] = c
	}
	k := make(Keyer, len(ds.Key))
	for i, name := range ds.Key {
		k[i] = byName[name]
	}
	return k
}

// Key renders r's natural key; r must be a row of the keyer's dataset.
func (k Keyer) Key(r schema.Row) string {
	v := reflect.Indirect(reflect.ValueOf(r))
	parts := make([]any, len(k))
	for i, c := range k {
		f := v.FieldByIndex(c.Index)
		switch {
		case f.Kind() == reflect.Pointer && f.IsNil():
			parts[i] = nil
		case c.Kind == schema.Date:
			parts[i] = reflect.Indirect(f).Interface().(time.Time).UTC().Format(time.DateOnly)
		case c.Kind == schema.Timestamp:
			parts[i] = reflect.Indirect(f).Interface().(time.Time).UTC().UnixMicro()
		default:
			parts[i] = reflect.Indirect(f).Interface()
		}
	}
	b, _ := json.Marshal(parts)
	return string(b)
}

// rowJSON is a row's full content, run id included, for comparisons.
func rowJSON(r schema.Row) string {
	b, _ := json.Marshal(r)
	return string(b)
}

// KeyRecord renders the natural key of row i of a record batch of
// ArrowSchema(ds) exactly as Key renders the row struct it holds.
func (k Keyer) KeyRecord(rec arrow.RecordBatch, i int) (string, error) {
	cols, err := k.recordColumns(rec)
	if err != nil {
		return "", err
	}
	return k.keyAt(cols, i)
}

// RecordKeys is KeyRecord for every row of rec.
func (k Keyer) RecordKeys(rec arrow.RecordBatch) ([]string, error) {
	cols, err := k.recordColumns(rec)
	if err != nil {
		return nil, err
	}
	keys := make([]string, rec.NumRows())
	for i := range keys {
		if keys[i], err = k.keyAt(cols, i); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

func (k Keyer) recordColumns(rec arrow.RecordBatch) ([]arrow.Array, error) {
	cols := make([]arrow.Array, len(k))
	for j, c := range k {
		idx := rec.Schema().FieldIndices(c.Name)
		if len(idx) != 1 {
			return nil, fmt.Errorf("key column %s is not in the record", c.Name)
		}
		cols[j] = rec.Column(idx[0])
	}
	return cols, nil
}

func (k Keyer) keyAt(cols []arrow.Array, i int) (string, error) {
	if len(k) == 1 {
		// One plain string (news' article_id): what json.Marshal writes,
		// without building a []any for every row.
		if a, ok := cols[0].(*array.String); ok && a.IsValid(i) {
			if v := a.Value(i); jsonPlain(v) {
				return `["` + v + `"]`, nil
			}
		}
	}
	parts := make([]any, len(k))
	for j, c := range k {
		col := cols[j]
		if col.IsNull(i) && c.Nullable {
			parts[j] = nil
			continue
		}
		switch a := col.(type) {
		case *array.String:
			parts[j] = a.Value(i)
		case *array.Int64:
			parts[j] = a.Value(i)
		case *array.Float64:
			parts[j] = a.Value(i)
		case *array.Boolean:
			parts[j] = a.Value(i)
		case *array.Date32:
			t := time.Time{}
			if a.IsValid(i) {
				t = a.Value(i).ToTime()
			}
			parts[j] = t.UTC().Format(time.DateOnly)
		case *array.Timestamp:
			t := time.Time{}
			if a.IsValid(i) {
				t = time.UnixMicro(int64(a.Value(i)))
			}
			parts[j] = t.UTC().UnixMicro()
		default:
			return "", fmt.Errorf("key column %s holds %s", c.Name, col.DataType())
		}
	}
	b, err := json.Marshal(parts)
	return string(b), err
}

// jsonPlain says whether json.Marshal writes s as it is between quotes:
// printable ASCII without the characters it escapes.
func jsonPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}
