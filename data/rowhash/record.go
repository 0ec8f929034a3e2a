package rowhash

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/gwanmun/gwanmun/data/schema"
)

// RecordHasher hashes the rows of Arrow record batches of one dataset to
// the same sums Hasher.Sum gives the row structs they hold, so a bulk path
// that never builds structs still shares the session's repeat check and
// the lake's rerun and verify sums. Not safe for concurrent use.
type RecordHasher struct {
	x    *Hasher
	name string
	cols []schema.Column
	idx  []int // record column of cols[i]
}

// NewRecordHasher prepares hashing records whose schema is sc (every
// column of ds but run_id must be in it, by name).
func NewRecordHasher(ds schema.Dataset, sc *arrow.Schema) (*RecordHasher, error) {
	h := &RecordHasher{x: New(), name: ds.Name, cols: columnsOf(ds.RowType)}
	for _, c := range h.cols {
		idx := sc.FieldIndices(c.Name)
		if len(idx) != 1 {
			return nil, fmt.Errorf("rowhash: %s record has no column %s", ds.Name, c.Name)
		}
		h.idx = append(h.idx, idx[0])
	}
	return h, nil
}

// The values a zero time.Time in a non-pointer field hashes to: the lake
// writes it as null, and the struct read back holds the zero time.
var (
	zeroMicro = time.Time{}.UnixMicro()
	zeroDay   = time.Time{}.Unix() / 86400
)

// Sum returns the sum of row i of rec.
func (h *RecordHasher) Sum(rec arrow.RecordBatch, i int) ([Size]byte, error) {
	var out [Size]byte
	b := h.x.buf[:0]
	b = appendString(b, h.name)
	for k, c := range h.cols {
		col := rec.Column(h.idx[k])
		b = append(b, byte(c.Kind))
		null := col.IsNull(i)
		if null && (c.Nullable || c.Kind == schema.StringList) {
			b = append(b, 0)
			continue
		}
		b = append(b, 1)
		var err error
		if b, err = appendCell(b, c, col, i, null); err != nil {
			return out, err
		}
	}
	h.x.buf = b
	h.x.h.Reset()
	h.x.h.Write(b)
	h.x.h.Sum(out[:0])
	return out, nil
}

// appendCell writes one non-null cell as Hasher.Sum writes the field; a
// null in a non-pointer time column is the zero time.
func appendCell(b []byte, c schema.Column, col arrow.Array, i int, null bool) ([]byte, error) {
	switch c.Kind {
	case schema.String:
		a, ok := col.(*array.String)
		if !ok {
			return b, typeErr(c, col)
		}
		return appendString(b, a.Value(i)), nil
	case schema.Int64:
		a, ok := col.(*array.Int64)
		if !ok {
			return b, typeErr(c, col)
		}
		return binary.LittleEndian.AppendUint64(b, uint64(a.Value(i))), nil
	case schema.Float64:
		a, ok := col.(*array.Float64)
		if !ok {
			return b, typeErr(c, col)
		}
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(a.Value(i))), nil
	case schema.Bool:
		a, ok := col.(*array.Boolean)
		if !ok {
			return b, typeErr(c, col)
		}
		if a.Value(i) {
			return append(b, 1), nil
		}
		return append(b, 0), nil
	case schema.Timestamp:
		a, ok := col.(*array.Timestamp)
		if !ok {
			return b, typeErr(c, col)
		}
		v := zeroMicro
		if !null {
			v = int64(a.Value(i))
		}
		return binary.LittleEndian.AppendUint64(b, uint64(v)), nil
	case schema.Date:
		a, ok := col.(*array.Date32)
		if !ok {
			return b, typeErr(c, col)
		}
		v := zeroDay
		if !null {
			v = int64(a.Value(i))
		}
		return binary.LittleEndian.AppendUint64(b, uint64(v)), nil
	case schema.StringList:
		a, ok := col.(*array.List)
		if !ok {
			return b, typeErr(c, col)
		}
		vals, ok := a.ListValues().(*array.String)
		if !ok {
			return b, typeErr(c, col)
		}
		start, end := a.ValueOffsets(i)
		b = binary.LittleEndian.AppendUint64(b, uint64(end-start))
		for j := start; j < end; j++ {
			b = appendString(b, vals.Value(int(j)))
		}
		return b, nil
	}
	return b, fmt.Errorf("rowhash: column %s: unknown kind %d", c.Name, c.Kind)
}

func typeErr(c schema.Column, col arrow.Array) error {
	return fmt.Errorf("rowhash: column %s holds %s", c.Name, col.DataType())
}
