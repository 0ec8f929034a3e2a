// Package rowhash hashes a row's logical content in one streaming pass
// over its columns, without encoding it to JSON first: SHA-256 of every
// column of its dataset but run_id, each written as its kind, a null flag
// and its value in a fixed binary form (strings length-prefixed, times as
// UTC microseconds, dates as days, floats as IEEE bits). The sum depends
// only on what the lake stores for the row, so it is stable across
// processes and runs, and two rows that read back the same have the same
// sum.
package rowhash

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"math"
	"reflect"
	"sync"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
)

// Size is the length of a sum.
const Size = sha256.Size

// columns caches each row type's columns less run_id.
var columns sync.Map // reflect.Type → []schema.Column

func columnsOf(t reflect.Type) []schema.Column {
	if c, ok := columns.Load(t); ok {
		return c.([]schema.Column)
	}
	var cols []schema.Column
	for _, c := range schema.ColumnsOf(t) {
		if c.Name != "run_id" {
			cols = append(cols, c)
		}
	}
	columns.Store(t, cols)
	return cols
}

// Hasher hashes rows one after another, reusing its buffers; it is not
// safe for concurrent use.
type Hasher struct {
	h   hash.Hash
	buf []byte
}

// New returns a Hasher.
func New() *Hasher { return &Hasher{h: sha256.New()} }

// Sum returns r's content hash; r is a row struct or a pointer to one.
func (x *Hasher) Sum(r schema.Row) ([Size]byte, error) {
	var out [Size]byte
	v := reflect.ValueOf(r)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return out, fmt.Errorf("rowhash: %T is not a row struct", r)
	}
	b := x.buf[:0]
	b = appendString(b, r.Dataset())
	for _, c := range columnsOf(v.Type()) {
		f := v.FieldByIndex(c.Index)
		b = append(b, byte(c.Kind))
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				b = append(b, 0)
				continue
			}
			f = f.Elem()
		}
		if c.Kind == schema.StringList && f.IsNil() {
			b = append(b, 0)
			continue
		}
		b = append(b, 1)
		switch c.Kind {
		case schema.String:
			b = appendString(b, f.String())
		case schema.Int64:
			b = binary.LittleEndian.AppendUint64(b, uint64(f.Int()))
		case schema.Float64:
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f.Float()))
		case schema.Bool:
			if f.Bool() {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		case schema.Timestamp:
			b = binary.LittleEndian.AppendUint64(b, uint64(f.Interface().(time.Time).UnixMicro()))
		case schema.Date:
			t := f.Interface().(time.Time).UTC()
			day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
			b = binary.LittleEndian.AppendUint64(b, uint64(day.Unix()/86400))
		case schema.StringList:
			b = binary.LittleEndian.AppendUint64(b, uint64(f.Len()))
			for i := range f.Len() {
				b = appendString(b, f.Index(i).String())
			}
		default:
			return out, fmt.Errorf("rowhash: column %s: unknown kind %d", c.Name, c.Kind)
		}
	}
	x.buf = b
	x.h.Reset()
	x.h.Write(b)
	x.h.Sum(out[:0])
	return out, nil
}

// Sum is New().Sum(r).
func Sum(r schema.Row) ([Size]byte, error) { return New().Sum(r) }

func appendString(b []byte, s string) []byte {
	b = binary.LittleEndian.AppendUint64(b, uint64(len(s)))
	return append(b, s...)
}
