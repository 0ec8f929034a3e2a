package lakestore

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/gwanmun/gwanmun/data/schema"
)

// Unique columns are written plain; repeating ones keep their dictionary.
func TestHighCardinalityColumnsAreNotDictionaryEncoded(t *testing.T) {
	ds, _ := schema.Lookup("news")
	at := time.Date(2022, 10, 15, 9, 0, 0, 0, time.UTC)
	rows := make([]schema.Row, 1000)
	for i := range rows {
		rows[i] = &schema.News{
			ArticleID: fmt.Sprintf("a%05d", i), URL: fmt.Sprintf("https://news.example/%d", i),
			Title: fmt.Sprintf("title %d", i), Outlet: "outlet", Lang: "ko", PublishedAt: &at,
			Provenance: schema.Provenance{SourceURL: fmt.Sprintf("https://news.example/%d", i), FetchedAt: at, Collector: "c", RunID: "r"},
		}
	}
	dst := filepath.Join(t.TempDir(), "news.parquet")
	if _, _, err := writeParquet(dst, ds, rows); err != nil {
		t.Fatal(err)
	}
	r, err := file.OpenParquetFile(dst, false)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rg := r.MetaData().RowGroup(0)
	dict := map[string]bool{}
	for i := 0; i < rg.NumColumns(); i++ {
		cc, err := rg.ColumnChunk(i)
		if err != nil {
			t.Fatal(err)
		}
		name := cc.PathInSchema().String()
		for _, e := range cc.Encodings() {
			if e == parquet.Encodings.RLEDict || e == parquet.Encodings.PlainDict {
				dict[name] = true
			}
		}
	}
	for _, c := range []string{"article_id", "url", "title", "source_url", "content_sha256"} {
		if dict[c] {
			t.Errorf("column %s is dictionary-encoded; want plain", c)
		}
	}
	for _, c := range []string{"outlet", "lang", "collector", "run_id"} {
		if !dict[c] {
			t.Errorf("column %s lost its dictionary", c)
		}
	}
}

// A file grown flush by flush (FileWriter) holds every row in row groups
// of at most MaxRowGroup, and EachBatch, which verify and compaction read
// through, hands them back one bounded batch at a time: neither holds a
// partition in memory.
func TestFileWriterAppendsAndEachBatchStaysBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 2 row groups and more")
	}
	dir := t.TempDir()
	l, err := Open(dir, "r1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ds, _ := schema.Lookup("mau")
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 2*MaxRowGroup + 5
	rows := make([]schema.Row, n)
	for j := range rows {
		rows[j] = &schema.MAU{PlatformID: fmt.Sprintf("p%06d", j), Country: "KR", Metric: "mau", PeriodStart: at,
			PeriodGrain: "month", Value: float64(j), Provenance: schema.Provenance{SourceURL: "test://", FetchedAt: at}}
	}
	txn := l.Begin("r1")
	w, err := txn.Create(ds, "year=2024")
	if err != nil {
		t.Fatal(err)
	}
	// Three flushes of uneven size, as a row budget makes them.
	for _, cut := range [][2]int{{0, 10}, {10, MaxRowGroup + 3}, {MaxRowGroup + 3, n}} {
		if err := w.Write(rows[cut[0]:cut[1]]); err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := w.Close(); !ok || err != nil {
		t.Fatalf("close: %v %v", ok, err)
	}
	m, err := txn.Commit([]string{"test"})
	if err != nil || len(m.Files) != 1 || m.Files[0].Rows != int64(n) {
		t.Fatalf("commit: %v %+v", err, m.Files)
	}
	want, _ := RowsSHA256(rows)
	if m.Files[0].RowsSHA256 != want {
		t.Fatal("a file written in flushes hashes differently from its rows")
	}
	biggest, total := 0, 0
	err = EachBatch(filepath.Join(dir, filepath.FromSlash(m.Files[0].Path)), ds, func(b []schema.Row) error {
		biggest, total = max(biggest, len(b)), total+len(b)
		return nil
	})
	if err != nil || total != n || biggest > MaxRowGroup {
		t.Fatalf("EachBatch: %d rows, largest batch %d (bound %d), %v", total, biggest, MaxRowGroup, err)
	}
	if rep, err := Verify(dir); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep.Problems)
	}
}
