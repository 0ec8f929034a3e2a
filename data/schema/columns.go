package schema

import (
	"reflect"
	"strings"
	"time"
)

// Kind is a column's logical type.
type Kind int

const (
	String Kind = iota
	Int64
	Float64
	Bool
	Timestamp // UTC, microseconds
	Date      // calendar day
	StringList
)

// Column is one column of a dataset, derived from a struct field's `col`
// tag: `col:"name"` or `col:"name,date"` for a time.Time kept as a date.
type Column struct {
	Name     string
	Kind     Kind
	Nullable bool
	// Index is the field path into the row struct (embedded Provenance).
	Index []int
}

// SQLType is the DuckDB type of the column.
func (c Column) SQLType() string {
	switch c.Kind {
	case Int64:
		return "BIGINT"
	case Float64:
		return "DOUBLE"
	case Bool:
		return "BOOLEAN"
	case Timestamp:
		return "TIMESTAMPTZ"
	case Date:
		return "DATE"
	case StringList:
		return "VARCHAR[]"
	default:
		return "VARCHAR"
	}
}

var timeType = reflect.TypeFor[time.Time]()

// ColumnsOf reads the `col` tags of a row struct, Provenance last.
func ColumnsOf(t reflect.Type) []Column {
	var own, prov []Column
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			for _, c := range ColumnsOf(f.Type) {
				c.Index = append([]int{i}, c.Index...)
				prov = append(prov, c)
			}
			continue
		}
		tag, ok := f.Tag.Lookup("col")
		if !ok {
			continue
		}
		name, opt, _ := strings.Cut(tag, ",")
		c := Column{Name: name, Index: []int{i}}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			c.Nullable = true
			ft = ft.Elem()
		}
		switch {
		case ft == timeType && opt == "date":
			c.Kind = Date
		case ft == timeType:
			c.Kind = Timestamp
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.String:
			c.Kind = StringList
			c.Nullable = true
		case ft.Kind() == reflect.Int64:
			c.Kind = Int64
		case ft.Kind() == reflect.Float64:
			c.Kind = Float64
		case ft.Kind() == reflect.Bool:
			c.Kind = Bool
		case ft.Kind() == reflect.String:
			c.Kind = String
		default:
			panic("schema: unsupported field type " + ft.String() + " for column " + name)
		}
		own = append(own, c)
	}
	return append(own, prov...)
}
