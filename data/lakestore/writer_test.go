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
