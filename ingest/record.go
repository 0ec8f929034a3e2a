package ingest

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/rowhash"
	"github.com/gwanmun/gwanmun/data/schema"
)

// EmitRecord is Emit for a whole Arrow record batch of ds, every row in
// partition: the bulk path of large imports, with no row struct between
// the reader and Parquet. rec must have ArrowSchema(ds)'s columns, and its
// rows must already have passed the checks Validate makes (the collector
// shares them: schema.ValidateNews). The session does the rest as Emit
// does: it stamps the provenance columns it owns (collector, version, run,
// evidence, accessed_at; fetched_at where null), drops a key repeated with
// the same values, rejects one repeated with others from the same fetch,
// and hands the rows on with their data/rowhash sums. The caller keeps
// its reference to rec and releases it.
func (s *Session) EmitRecord(ds schema.Dataset, partition string, rec arrow.RecordBatch) {
	n := int(rec.NumRows())
	if n == 0 {
		return
	}
	s.mu.Lock()
	s.counts.emitted += int64(n)
	s.mu.Unlock()
	stamped, err := s.stampRecord(ds, rec)
	if err != nil {
		s.rejectRecord(ds, n, err)
		return
	}
	defer stamped.Release()
	keep, sums, conflicts, err := s.repeatRecord(ds, stamped)
	if err != nil {
		s.rejectRecord(ds, n, err)
		return
	}
	if len(conflicts) > 0 {
		src := stamped.Column(stamped.Schema().FieldIndices("source_url")[0]).(*array.String)
		for _, c := range conflicts {
			s.rejectRow(ds.Name, src.Value(c.row), c.err)
		}
	}
	out := stamped
	if len(keep) < n {
		if out, err = takeRows(stamped, keep); err != nil {
			s.Error(fmt.Errorf("write %s rows: %w", ds.Name, err))
			return
		}
		defer out.Release()
	}
	if out.NumRows() == 0 {
		return
	}
	if err := s.recordSink(ds, partition, out, sums); err != nil {
		s.Error(fmt.Errorf("write %s rows: %w", ds.Name, err))
	}
}

// stampRecord returns rec with the provenance columns the session owns
// replaced, as stampEvidence sets them on a row.
func (s *Session) stampRecord(ds schema.Dataset, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	sc := lakestore.ArrowSchema(ds)
	if err := sameColumns(sc, rec.Schema()); err != nil {
		return nil, err
	}
	n := int(rec.NumRows())
	mem := memory.DefaultAllocator
	cols := make([]arrow.Array, rec.NumCols())
	for i := range cols {
		cols[i] = rec.Column(i)
		cols[i].Retain()
	}
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	set := func(name string, a arrow.Array) {
		i := sc.FieldIndices(name)[0]
		cols[i].Release()
		cols[i] = a
	}
	str := func(v string) arrow.Array {
		b := array.NewStringBuilder(mem)
		defer b.Release()
		b.Reserve(n)
		b.ReserveData(n * len(v))
		for range n {
			b.Append(v)
		}
		return b.NewArray()
	}
	fi := sc.FieldIndices("fetched_at")[0]
	fetched := rec.Column(fi).(*array.Timestamp)
	now := arrow.Timestamp(s.now().UTC().UnixMicro())
	fb := array.NewTimestampBuilder(mem, sc.Field(fi).Type.(*arrow.TimestampType))
	defer fb.Release()
	fb.Reserve(n)
	for i := range n {
		if fetched.IsNull(i) {
			fb.Append(now)
		} else {
			fb.Append(fetched.Value(i))
		}
	}
	fetchedArr := fb.NewArray()
	var p schema.Provenance
	s.stampEvidence(&p)
	ab := array.NewTimestampBuilder(mem, sc.Field(fi).Type.(*arrow.TimestampType))
	defer ab.Release()
	ab.Reserve(n)
	fa := fetchedArr.(*array.Timestamp)
	for i := range n {
		if p.AccessedAt != nil {
			// Live or archived: the source was read when it was fetched.
			ab.Append(fa.Value(i))
		} else {
			ab.AppendNull()
		}
	}
	set("fetched_at", fetchedArr)
	set("accessed_at", ab.NewArray())
	set("collector", str(s.info.Name))
	set("collector_version", str(s.info.Version))
	set("run_id", str(s.RunID))
	set("evidence", str(p.Evidence))
	return array.NewRecordBatch(sc, cols, int64(n)), nil
}

// sameColumns says whether a record's columns are the dataset's, in order.
func sameColumns(want, got *arrow.Schema) error {
	if got.NumFields() != want.NumFields() {
		return fmt.Errorf("record has %d columns, the dataset %d", got.NumFields(), want.NumFields())
	}
	for i, f := range want.Fields() {
		if g := got.Field(i); g.Name != f.Name || !arrow.TypeEqual(g.Type, f.Type) {
			return fmt.Errorf("record column %d is %s %s, want %s %s", i, g.Name, g.Type, f.Name, f.Type)
		}
	}
	return nil
}

// repeatRecord is repeat for every row of a record: it returns the rows
// to keep (an identical repeat of a key is dropped) and their sums. A key
// repeated with other values from the same fetch is rejected, as Emit
// rejects that row: it is left out and its error returned in conflicts.
func (s *Session) repeatRecord(ds schema.Dataset, rec arrow.RecordBatch) (keep []int, sums [][rowhash.Size]byte, conflicts []conflict, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.recHashers == nil {
		s.recHashers = map[string]*rowhash.RecordHasher{}
	}
	rh, ok := s.recHashers[ds.Name]
	if !ok {
		if rh, err = rowhash.NewRecordHasher(ds, rec.Schema()); err != nil {
			return nil, nil, nil, err
		}
		s.recHashers[ds.Name] = rh
	}
	keys, err := lakestore.NewKeyer(ds).RecordKeys(rec)
	if err != nil {
		return nil, nil, nil, err
	}
	fetched := rec.Column(rec.Schema().FieldIndices("fetched_at")[0]).(*array.Timestamp)
	n := int(rec.NumRows())
	keep = make([]int, 0, n)
	sums = make([][rowhash.Size]byte, 0, n)
	for i := range n {
		key := keys[i]
		sum, err := rh.Sum(rec, i)
		if err != nil {
			return nil, nil, nil, err
		}
		dup, err := s.seenBefore(ds.Name, key, sum, fetched.Value(i).ToTime(arrow.Microsecond).UnixNano())
		switch {
		case err != nil:
			conflicts = append(conflicts, conflict{i, err})
			continue
		case dup:
			continue
		}
		keep = append(keep, i)
		sums = append(sums, sum)
	}
	return keep, sums, conflicts, nil
}

// conflict is a row whose key an earlier row of the fetch gave other
// values.
type conflict struct {
	row int
	err error
}

// takeRows returns the rows keep lists (ascending) of rec.
func takeRows(rec arrow.RecordBatch, keep []int) (arrow.RecordBatch, error) {
	var parts []arrow.RecordBatch
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	for i := 0; i < len(keep); {
		j := i + 1
		for j < len(keep) && keep[j] == keep[j-1]+1 {
			j++
		}
		parts = append(parts, rec.NewSlice(int64(keep[i]), int64(keep[j-1]+1)))
		i = j
	}
	cols := make([]arrow.Array, rec.NumCols())
	for c := range cols {
		pieces := make([]arrow.Array, len(parts))
		for p := range parts {
			pieces[p] = parts[p].Column(c)
		}
		if len(pieces) == 0 {
			cols[c] = array.MakeArrayOfNull(memory.DefaultAllocator, rec.Schema().Field(c).Type, 0)
			continue
		}
		a, err := array.Concatenate(pieces, memory.DefaultAllocator)
		if err != nil {
			for _, done := range cols[:c] {
				done.Release()
			}
			return nil, err
		}
		cols[c] = a
	}
	out := array.NewRecordBatch(rec.Schema(), cols, int64(len(keep)))
	for _, c := range cols {
		c.Release()
	}
	return out, nil
}

func (s *Session) rejectRecord(ds schema.Dataset, n int, err error) {
	s.mu.Lock()
	s.rejected += int64(n)
	s.mu.Unlock()
	s.Log.Warn("rows rejected", "collector", s.info.Name, "dataset", ds.Name, "rows", n, "err", err)
	s.record(func() string { return fmt.Sprintf("rejected %d %s rows: %v", n, ds.Name, err) })
}
