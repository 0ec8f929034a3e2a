package ingest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
)

// newsCollector emits the same news rows one at a time (Emit) or as
// record batches of batch rows (EmitRecord), split by partition.
type newsCollector struct {
	rows  func() []schema.Row
	batch int // 0: Emit
}

func (newsCollector) Info() ingest.Info {
	return ingest.Info{Name: "bulktest", Version: "1", Kind: "file", Datasets: []string{"news"}}
}

func (c newsCollector) Collect(_ context.Context, s *ingest.Session) error {
	rows := c.rows()
	if c.batch == 0 {
		for _, r := range rows {
			s.Emit(r)
		}
		return nil
	}
	ds, _ := schema.Lookup("news")
	byPart := map[string][]schema.Row{}
	var order []string
	for _, r := range rows {
		p := r.Partition()
		if _, ok := byPart[p]; !ok {
			order = append(order, p)
		}
		byPart[p] = append(byPart[p], r)
	}
	for _, p := range order {
		rs := byPart[p]
		for len(rs) > 0 {
			n := min(len(rs), c.batch)
			rec, err := lakestore.BuildRecord(memory.DefaultAllocator, ds, rs[:n])
			if err != nil {
				return err
			}
			s.EmitRecord(ds, p, rec)
			rec.Release()
			rs = rs[n:]
		}
	}
	return nil
}

// bulkNews: 300 articles over three years, every tenth repeated with the
// same values (a repeat the session drops) from one fetch.
func bulkNews() []schema.Row {
	fetched := time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC)
	var rows []schema.Row
	for i := range 300 {
		at := time.Date(2020+i%3, time.Month(1+i%12), 1+i%28, 9, 0, 0, 0, time.UTC)
		n := &schema.News{
			ArticleID: fmt.Sprintf("id%04d", i), URL: fmt.Sprintf("https://news.example/%d", i),
			Title: fmt.Sprintf("카카오톡 먹통 %d", i), Lead: "판교 데이터센터 화재", Lang: "ko", PublishedAt: &at,
			MatchedTerms: []string{"먹통"}, ServicesMentioned: []string{"kakaotalk"},
			Provenance: schema.Provenance{SourceURL: "document:test", SourceTitle: "test file", FetchedAt: fetched, ContentSHA256: "abc"},
		}
		rows = append(rows, n)
		if i%10 == 0 {
			dup := *n
			rows = append(rows, &dup)
		}
	}
	return rows
}

// TestEmitRecordLandsWhatEmitLands: the bulk path and the row path give
// the same lake (rows, provenance stamps, repeats dropped, counts), and a
// bulk rerun of a row import is recognised as a rerun.
func TestEmitRecordLandsWhatEmitLands(t *testing.T) {
	now := time.Date(2023, 2, 1, 0, 0, 0, 0, time.UTC)
	run := func(dir string, batch int) ingest.Summary {
		r := &ingest.Runner{LakeDir: dir, Mode: ingest.Live, Now: func() time.Time { return now }, BufferRows: 64}
		sum, err := r.Run(context.Background(), []ingest.Collector{newsCollector{rows: bulkNews, batch: batch}})
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	rowsDir, bulkDir := t.TempDir(), t.TempDir()
	a, b := run(rowsDir, 0), run(bulkDir, 37)
	if a.Status != ingest.StatusOK || b.Status != ingest.StatusOK {
		t.Fatalf("status %s and %s", a.Status, b.Status)
	}
	ra, rb := a.Collectors[0], b.Collectors[0]
	if ra.RowsEmitted != 330 || ra.RowsDuplicate != 30 || ra.RowsWritten != 300 {
		t.Errorf("row path: emitted %d, duplicate %d, written %d; want 330, 30, 300", ra.RowsEmitted, ra.RowsDuplicate, ra.RowsWritten)
	}
	if rb.RowsEmitted != ra.RowsEmitted || rb.RowsDuplicate != ra.RowsDuplicate || rb.RowsWritten != ra.RowsWritten {
		t.Errorf("bulk path: emitted %d, duplicate %d, written %d; row path %d, %d, %d",
			rb.RowsEmitted, rb.RowsDuplicate, rb.RowsWritten, ra.RowsEmitted, ra.RowsDuplicate, ra.RowsWritten)
	}
	sameContents(t, contents(t, bulkDir), contents(t, rowsDir))
	// The bulk path into the row path's lake is a rerun: nothing new.
	again := run(rowsDir, 50)
	if w := again.Collectors[0].RowsWritten; w != 0 {
		t.Errorf("bulk rerun of a row import wrote %d rows, want 0", w)
	}
}

// TestEmitRecordRefusesAConflictingKey: one key with two values from one
// fetch: the second is rejected and counted, as Emit rejects it, and the
// rest of the batch lands.
func TestEmitRecordRefusesAConflictingKey(t *testing.T) {
	rows := func() []schema.Row {
		rs := bulkNews()[:3] // id0000, its identical copy, id0001
		other := *rs[0].(*schema.News)
		other.Title = "다른 제목"
		return append(rs, &other)
	}
	r := &ingest.Runner{LakeDir: t.TempDir(), Mode: ingest.Live, Now: time.Now}
	sum, err := r.Run(context.Background(), []ingest.Collector{newsCollector{rows: rows, batch: 10}})
	if err != nil {
		t.Fatal(err)
	}
	res := sum.Collectors[0]
	if res.RowsRejected != 1 || res.RowsDuplicate != 1 || res.RowsWritten != 2 || res.Status != ingest.StatusPartial {
		t.Fatalf("want the conflicting row rejected, the identical copy dropped and 2 rows written (partial): %+v", res)
	}
}
