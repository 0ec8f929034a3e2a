package report

import (
	"context"
	"strings"
	"testing"
	"time"
)

// The Markdown sections render over real rows: the headlines of the
// busiest day, their sources cited, the SQL shown, the titles in the page
// language; and a section whose query has no rows says "no data".
func TestMarkdownSections(t *testing.T) {
	ctx := context.Background()
	db := openSeed(t)
	for _, stmt := range []string{
		"CREATE TABLE news_rows AS FROM news LIMIT 0",
		`INSERT INTO news_rows BY NAME SELECT 'a' || i AS article_id, 'https://news.example/' || i AS url, 'Outlet' AS outlet,
  '카카오 먹통 ' || i AS title, 'ko' AS lang, TIMESTAMPTZ '2022-10-15 08:00:00+00' + i * INTERVAL 1 MINUTE AS published_at,
  '2022-10-15-pangyo-fire' AS incident_id, 'https://news.example/' || i AS source_url, 'Outlet: ' || i AS source_title,
  TIMESTAMPTZ '2026-11-24 00:00:00+00' AS fetched_at, 'rss' AS collector
FROM range(3) r(i)`,
		"CREATE OR REPLACE VIEW news AS FROM news_rows",
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	for _, lang := range []string{"en", "ko"} {
		r, err := Build(ctx, db, Options{Lang: lang, Now: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		var heads *Section
		for _, b := range r.Blocks {
			if b.Section != nil && b.Section.ID == "news_headlines" {
				heads = b.Section
			}
		}
		if heads == nil || heads.Table == nil {
			t.Fatalf("%s: no headlines table: %+v", lang, heads)
		}
		if heads.Title != tr(lang, "news_headlines.title") || heads.Caption != tr(lang, "news_headlines.caption") {
			t.Errorf("%s: title %q caption %q, want the page language's", lang, heads.Title, heads.Caption)
		}
		if len(heads.Table.Rows) != 3 || heads.Table.Col("source_url") >= 0 || heads.Table.Col("title") < 0 {
			t.Errorf("%s: table %v %d rows, want 3 titles without provenance columns", lang, heads.Table.Columns, len(heads.Table.Rows))
		}
		if len(heads.Sources) != 3 || !strings.Contains(heads.SQL, "busiest") || heads.MaxRows != 30 {
			t.Errorf("%s: %d sources, SQL %.40q, rows %d", lang, len(heads.Sources), heads.SQL, heads.MaxRows)
		}
	}
	// The seed has no news: the section says so.
	r := seedReport(t, "en")
	for _, b := range r.Blocks {
		if s := b.Section; s != nil && s.ID == "news_headlines" && (s.NoData == "" || s.Table != nil) {
			t.Errorf("headlines over a lake without news: %+v", s)
		}
	}
}

func TestAttrText(t *testing.T) {
	if got := attrText("a \"b\" `c` \\d"); got != `a \"b\" ’c’ \\d` {
		t.Errorf("attrText = %q", got)
	}
}
