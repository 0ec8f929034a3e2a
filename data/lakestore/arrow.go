package lakestore

import (
	"fmt"
	"reflect"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gwanmun/gwanmun/data/schema"
)

// ArrowSchema is the Arrow schema of a dataset, with the dataset name and
// version in its metadata so a file explains itself to other engines.
func ArrowSchema(ds schema.Dataset) *arrow.Schema {
	cols := ds.Columns()
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.Name, Type: arrowType(c.Kind), Nullable: c.Nullable}
	}
	md := arrow.NewMetadata(
		[]string{"gwanmun.dataset", "gwanmun.dataset_version", "gwanmun.natural_key"},
		[]string{ds.Name, fmt.Sprint(ds.Version), fmt.Sprint(ds.Key)},
	)
	return arrow.NewSchema(fields, &md)
}

func arrowType(k schema.Kind) arrow.DataType {
	switch k {
	case schema.Int64:
		return arrow.PrimitiveTypes.Int64
	case schema.Float64:
		return arrow.PrimitiveTypes.Float64
	case schema.Bool:
		return arrow.FixedWidthTypes.Boolean
	case schema.Timestamp:
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	case schema.Date:
		return arrow.FixedWidthTypes.Date32
	case schema.StringList:
		return arrow.ListOf(arrow.BinaryTypes.String)
	default:
		return arrow.BinaryTypes.String
	}
}

// BuildRecord turns rows of one dataset into an Arrow record batch of
// ArrowSchema(ds): the lake's row path, and the reference a bulk path's
// records are tested against.
func BuildRecord(mem memory.Allocator, ds schema.Dataset, rows []schema.Row) (arrow.RecordBatch, error) {
	return buildRecord(mem, ds, ArrowSchema(ds), rows)
}

// buildRecord turns rows of one dataset into an Arrow record batch.
func buildRecord(mem memory.Allocator, ds schema.Dataset, sc *arrow.Schema, rows []schema.Row) (arrow.RecordBatch, error) {
	b := array.NewRecordBuilder(mem, sc)
	defer b.Release()
	cols := ds.Columns()
	for _, r := range rows {
		v := reflect.ValueOf(r)
		if v.Kind() == reflect.Pointer {
			v = v.Elem()
		}
		if v.Type() != ds.RowType {
			return nil, fmt.Errorf("dataset %s: row of type %s, want %s", ds.Name, v.Type(), ds.RowType)
		}
		for i, c := range cols {
			appendValue(b.Field(i), c, v.FieldByIndex(c.Index))
		}
	}
	return b.NewRecordBatch(), nil
}

func appendValue(fb array.Builder, c schema.Column, v reflect.Value) {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			fb.AppendNull()
			return
		}
		v = v.Elem()
	}
	switch c.Kind {
	case schema.String:
		fb.(*array.StringBuilder).Append(v.String())
	case schema.Int64:
		fb.(*array.Int64Builder).Append(v.Int())
	case schema.Float64:
		fb.(*array.Float64Builder).Append(v.Float())
	case schema.Bool:
		fb.(*array.BooleanBuilder).Append(v.Bool())
	case schema.Timestamp:
		t := v.Interface().(time.Time)
		if t.IsZero() {
			fb.AppendNull()
			return
		}
		fb.(*array.TimestampBuilder).Append(arrow.Timestamp(t.UTC().UnixMicro()))
	case schema.Date:
		t := v.Interface().(time.Time)
		if t.IsZero() {
			fb.AppendNull()
			return
		}
		y, m, d := t.Date()
		fb.(*array.Date32Builder).Append(arrow.Date32FromTime(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)))
	case schema.StringList:
		lb := fb.(*array.ListBuilder)
		if v.IsNil() {
			lb.AppendNull()
			return
		}
		lb.Append(true)
		vb := lb.ValueBuilder().(*array.StringBuilder)
		for i := 0; i < v.Len(); i++ {
			vb.Append(v.Index(i).String())
		}
	}
}
