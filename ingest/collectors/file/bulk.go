package file

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/data/study"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/parse/newsmatch"
)

// The bulk path: a news CSV or TSV goes from the reader into Arrow
// columns, one record batch per partition and bulkBatch rows, and on to
// the session's EmitRecord, with no schema.News struct, no reflection and
// no Row interface per row. It makes the row path's checks in the row
// path's order with the row path's messages (bulk_test.go holds the two
// paths to the same files, rows, sums and errors): cells by kind, the
// citation, the derived columns (article id, matches, incident), the
// clock, and schema.ValidateNews. Other datasets are small reference
// tables and keep the row path.

// bulkBatch is how many rows of one partition are built before they go to
// the session. Small enough that a file spread over many years holds
// little per partition (Arrow zeroes every buffer it grows, and a row
// group's worth per year was most of an import's time), large enough
// that per-batch work is noise; the Parquet writer still fills row groups
// of MaxRowGroup rows from consecutive batches.
const bulkBatch = 8192

// bulkDatasets are the datasets the bulk path maps.
var bulkDatasets = []string{"news"}

// cell is one column's value for the current record.
type cell struct {
	set  bool // the file or a constant gave a non-empty text
	s    string
	t    time.Time
	list []string
}

// newsBulk maps the records of one news file into Arrow columns.
type newsBulk struct {
	m   *mapper
	ds  schema.Dataset
	sc  *arrow.Schema
	col []schema.Column // the dataset's columns, in schema order
	// fill[i]: the column is one a file may fill (m.cols), with its
	// file index (-1: a constant or nothing).
	fill   []bool
	fileIx []int
	vals   []cell
	// named columns of news.
	ix map[string]int
	// builders per partition, in first-seen order for a stable output.
	parts map[string]*array.RecordBuilder
	order []string
	mem   memory.Allocator
	buf   []byte // digest's
}

func newNewsBulk(m *mapper) *newsBulk {
	b := &newsBulk{m: m, ds: m.ds, sc: lakestore.ArrowSchema(m.ds), col: m.ds.Columns(), ix: map[string]int{},
		parts: map[string]*array.RecordBuilder{}, mem: memory.DefaultAllocator}
	b.fill = make([]bool, len(b.col))
	b.fileIx = make([]int, len(b.col))
	b.vals = make([]cell, len(b.col))
	for i, c := range b.col {
		b.ix[c.Name] = i
		b.fileIx[i] = -1
		if j, ok := m.from[c.Name]; ok {
			b.fileIx[i] = j
		}
		b.fill[i] = slices.ContainsFunc(m.cols, func(mc schema.Column) bool { return mc.Name == c.Name })
	}
	return b
}

// text is m.text for column i without the map lookups.
func (b *newsBulk) text(rec record, i int) string {
	if j := b.fileIx[i]; j >= 0 {
		if j < len(rec.cells) {
			return strings.TrimSpace(rec.cells[j])
		}
		return ""
	}
	return b.m.consts[b.col[i].Name]
}

// values maps one record into b.vals, checking what row checks, in its
// order; with match set, news terms are matched too (the emit pass).
func (b *newsBulk) values(rec record, match bool) error {
	m := b.m
	for i := range b.vals {
		b.vals[i] = cell{}
	}
	for i, c := range b.col {
		if !b.fill[i] {
			continue
		}
		text := b.text(rec, i)
		if text == "" {
			continue
		}
		v := &b.vals[i]
		var err error
		switch c.Kind {
		case schema.String:
			v.s, v.set = text, true
		case schema.Timestamp:
			v.t, err = parseTimestamp(text, m.text(rec, "utc_offset"))
			v.set = err == nil
		case schema.StringList:
			for s := range strings.SplitSeq(text, listSep) {
				if s = strings.TrimSpace(s); s != "" {
					v.list = append(v.list, s)
				}
			}
			v.set = v.list != nil
		default:
			err = fmt.Errorf("column kind %d has no bulk mapping", c.Kind)
		}
		if err != nil {
			_, where := m.get(rec, c.Name)
			return fmt.Errorf("%s: %s %q: %v", where, c.Name, text, err)
		}
	}
	cit, where, err := m.citation(rec)
	if err != nil {
		return fmt.Errorf("%s: %v", where, err)
	}
	accessed, _ := time.Parse(time.DateOnly, cit.Accessed)
	src := cit.URL
	if src == "" {
		src = "document:" + cit.Document
	}
	title := cit.Title
	if !strings.Contains(cit.Title, cit.Publisher) {
		title += " (" + cit.Publisher + ")"
	}
	b.str("source_url", src)
	b.str("source_title", title)
	b.vals[b.ix["fetched_at"]] = cell{set: true, t: accessed.UTC()}
	b.str("content_sha256", m.sha)

	// complete: the article id, the matches, the missing-date reason.
	id, url := &b.vals[b.ix["article_id"]], b.vals[b.ix["url"]]
	if url.s != "" && id.s == "" {
		canon, aid, err := newsmatch.IDFor(url.s)
		if err != nil {
			_, w := m.get(rec, "url")
			return fmt.Errorf("%s: url: %v", w, err)
		}
		b.str("article_id", aid)
		if b.vals[b.ix["canonical_url"]].s == "" {
			b.str("canonical_url", canon)
		}
	}
	pub := b.published()
	terms := &b.vals[b.ix["matched_terms"]]
	if terms.list == nil && match && m.matcher != nil {
		t, svc := m.matcher.Match(b.vals[b.ix["title"]].s + "\n" + b.vals[b.ix["lead"]].s)
		*terms = cell{set: t != nil, list: t}
		b.vals[b.ix["services_mentioned"]] = cell{set: svc != nil, list: svc}
		if b.vals[b.ix["incident_id"]].s == "" {
			b.str("incident_id", m.matcher.IncidentFor(t, pub))
		}
	}
	reason := &b.vals[b.ix["date_missing_reason"]]
	if pub == nil && reason.s == "" {
		b.str("date_missing_reason", "no publication date in the file")
	}
	// checks: nothing published after the source was read.
	horizon := accessed.Add(24 * time.Hour).Add(study.Skew)
	if pub != nil && (pub.After(horizon) || pub.After(m.now.Add(study.Skew))) {
		_, w := m.get(rec, "published_at")
		return fmt.Errorf("%s: published_at %s is after the source was read: a future date is bad input", w, pub.Format(time.RFC3339))
	}
	if err := schema.ValidateNews(b.vals[b.ix["article_id"]].s, b.vals[b.ix["url"]].s, b.vals[b.ix["title"]].s,
		pub, b.vals[b.ix["date_missing_reason"]].s, accessed.UTC()); err != nil {
		return fmt.Errorf("%s:%d: %v", m.t.name, rec.line, err)
	}
	return nil
}

// str sets a string column; an empty string is what an unset one holds.
func (b *newsBulk) str(name, v string) { b.vals[b.ix[name]] = cell{set: v != "", s: v} }

func (b *newsBulk) published() *time.Time {
	if v := b.vals[b.ix["published_at"]]; v.set {
		t := v.t
		return &t
	}
	return nil
}

// partition is News.Partition of the current values.
func (b *newsBulk) partition() string {
	if p := b.published(); p != nil {
		return schema.YearPartition(*p)
	}
	return "year=unknown"
}

// key is the natural key as lakestore.Keyer renders it (news: article_id).
func (b *newsBulk) key() string {
	parts := make([]any, len(b.ds.Key))
	for i, name := range b.ds.Key {
		parts[i] = b.vals[b.ix[name]].s
	}
	k, _ := json.Marshal(parts)
	return string(k)
}

// digestSeeds make digest 128 bits from two 64-bit hashes; the digests
// are only compared within one pass, so a process-local seed will do.
var digestSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

// digest is a hash of every value of the current record, to tell a key
// given twice with the same values from one given with others.
func (b *newsBulk) digest() [16]byte {
	buf := b.buf[:0]
	for i, c := range b.col {
		v := b.vals[i]
		buf = append(buf, byte(c.Kind))
		if v.set {
			buf = append(buf, 1)
		} else {
			buf = append(buf, 0)
		}
		buf = binary.LittleEndian.AppendUint64(buf, uint64(len(v.s)))
		buf = append(buf, v.s...)
		buf = binary.LittleEndian.AppendUint64(buf, uint64(v.t.UnixMicro()))
		buf = binary.LittleEndian.AppendUint64(buf, uint64(len(v.list)))
		for _, s := range v.list {
			buf = binary.LittleEndian.AppendUint64(buf, uint64(len(s)))
			buf = append(buf, s...)
		}
	}
	b.buf = buf
	var out [16]byte
	binary.LittleEndian.PutUint64(out[:8], maphash.Bytes(digestSeeds[0], buf))
	binary.LittleEndian.PutUint64(out[8:], maphash.Bytes(digestSeeds[1], buf))
	return out
}

// appendRow appends the current values to their partition's builder and
// hands the batch on when it is full.
func (b *newsBulk) appendRow(s *ingest.Session) {
	part := b.partition()
	rb := b.parts[part]
	if rb == nil {
		rb = array.NewRecordBuilder(b.mem, b.sc)
		b.parts[part] = rb
		b.order = append(b.order, part)
	}
	for i, c := range b.col {
		v := b.vals[i]
		fb := rb.Field(i)
		switch c.Kind {
		case schema.String:
			if c.Nullable && !v.set {
				// A *string the row path leaves nil (warc_record_id).
				fb.AppendNull()
				continue
			}
			fb.(*array.StringBuilder).Append(v.s)
		case schema.Timestamp:
			// A nil pointer and a zero time are both null, as the row
			// path writes them.
			if !v.set || v.t.IsZero() {
				fb.AppendNull()
				continue
			}
			fb.(*array.TimestampBuilder).Append(arrow.Timestamp(v.t.UTC().UnixMicro()))
		case schema.StringList:
			lb := fb.(*array.ListBuilder)
			if v.list == nil {
				lb.AppendNull()
				continue
			}
			lb.Append(true)
			vb := lb.ValueBuilder().(*array.StringBuilder)
			for _, x := range v.list {
				vb.Append(x)
			}
		}
	}
	if rb.Field(0).Len() >= bulkBatch {
		b.emit(s, part)
	}
}

// emit hands one partition's built rows to the session.
func (b *newsBulk) emit(s *ingest.Session, part string) {
	rb := b.parts[part]
	if rb == nil || rb.Field(0).Len() == 0 {
		return
	}
	full := rb.Field(0).Len() >= bulkBatch
	var dataLen []int
	if full {
		for i := range b.col {
			if sb, ok := rb.Field(i).(*array.StringBuilder); ok {
				dataLen = append(dataLen, sb.DataLen())
			}
		}
	}
	rec := rb.NewRecordBatch()
	defer rec.Release()
	s.EmitRecord(b.ds, part, rec)
	if full {
		// A partition that filled one batch will likely fill the next:
		// reserve what this one used once, rather than growing every
		// buffer by doubling (each growth copies and zeroes).
		rb.Reserve(bulkBatch)
		j := 0
		for i := range b.col {
			if sb, ok := rb.Field(i).(*array.StringBuilder); ok {
				sb.ReserveData(dataLen[j] + dataLen[j]/8)
				j++
			}
		}
	}
}

// flush hands every partition's rows on, in the order first seen.
func (b *newsBulk) flush(s *ingest.Session) {
	for _, p := range b.order {
		b.emit(s, p)
	}
}

func (b *newsBulk) release() {
	for _, rb := range b.parts {
		rb.Release()
	}
}

// passBulk is pass for a bulk dataset: the same two passes, the same
// errors, with rows built as Arrow columns.
func (c *Collector) passBulk(ctx context.Context, src source, delim rune, emit bool, sha string, s *ingest.Session) (passResult, error) {
	var res passResult
	cr, m, h, closeFile, err := c.openPass(src, delim, emit, sha)
	if err != nil {
		return res, err
	}
	defer closeFile()
	b := newNewsBulk(m)
	defer b.release()
	type seen struct {
		line int
		sum  [16]byte
	}
	keys := map[[16]byte]seen{}
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return res, err
			}
		}
		rec, err := cr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return res, err
		}
		if err := b.values(rec, emit); err != nil {
			if emit {
				s.ParseFailure(src.name, err)
				continue
			}
			res.nbad++
			if len(res.bad) < maxErrors {
				res.bad = append(res.bad, err)
			}
			continue
		}
		k := sha256.Sum256([]byte(b.key()))
		var id [16]byte
		copy(id[:], k[:])
		sum := b.digest()
		if prev, ok := keys[id]; !ok {
			keys[id] = seen{line: rec.line, sum: sum}
		} else if prev.sum != sum {
			kerr := fmt.Errorf("%s:%d: same %s key as line %d with different values", m.t.name, rec.line, m.ds.Name, prev.line)
			if !emit {
				res.nbad++
				if len(res.dups) < maxErrors {
					res.dups = append(res.dups, kerr)
				}
				continue
			}
			// skip_bad_rows: listed as bad, and handed on like the row
			// path does, after everything before it, so the session
			// keeps the first value of the key and rejects this one.
			s.ParseFailure(src.name, kerr)
			b.flush(s)
		}
		if emit {
			b.appendRow(s)
		}
	}
	if emit {
		b.flush(s)
	}
	res.sha = hashHex(h)
	return res, nil
}

// bulk says whether a source takes the bulk path.
func (c *Collector) bulk(src source) bool {
	return !c.rowPath && slices.Contains(bulkDatasets, src.Dataset)
}
