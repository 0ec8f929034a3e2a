package report

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/analysis/notebook/nbformat"
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

// Every section of the report is a Markdown document rendered by RenderDoc,
// as the notebooks are: no section is built in Go, and no document sits
// unused beside them.
func TestEverySectionIsAMarkdownDocument(t *testing.T) {
	files, err := sectionDocs.ReadDir("sections")
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for _, f := range files {
		docs = append(docs, strings.TrimSuffix(f.Name(), ".md"))
	}
	slices.Sort(docs)
	want := slices.Sorted(slices.Values(reportSections))
	if !slices.Equal(docs, want) {
		t.Fatalf("sections/*.md %v, want one per report section %v", docs, want)
	}
	// Each renders over the seed into blocks with the section's anchor.
	r := seedReport(t, "en")
	ids := map[string]bool{}
	for _, b := range r.Blocks {
		if b.Section != nil {
			ids[b.Section.ID] = true
			if strings.Contains(b.Section.NoData, "(") {
				t.Errorf("section %s failed: %s", b.Section.ID, b.Section.NoData)
			}
		}
	}
	for _, id := range reportSections {
		if !ids[id] {
			t.Errorf("no block with the id %s", id)
		}
	}
}

// The chart attributes the report's sections use draw what their queries
// say: bands and marks from rows, the table of another query under the
// chart, the cited queries' sources, the height per row, too few rows as
// no chart.
func TestDocChartAttributes(t *testing.T) {
	ctx := context.Background()
	db := openSeed(t)
	doc := "```sql name=pts show=false\n" +
		"SELECT * FROM (VALUES ('a', 10.0), ('b', 2500.0), ('c', 7.5)) t(k, v)\n```\n" +
		"```sql name=lines show=false\nSELECT 1800.0 AS y, 'line' AS label\n```\n" +
		"```sql name=bands show=false\nSELECT value AS \"from\", 10000 AS \"to\", 'high' AS label, '#eee' AS color FROM thresholds WHERE regime_id = 'us_mg_2023' AND metric = 'hhi_high'\n```\n" +
		"```sql name=tab show=false\nSELECT k, v * 2 AS twice FROM pts\n```\n" +
		"```sql name=cites show=false\nSELECT DISTINCT source_url, source_title FROM thresholds WHERE regime_id = 'us_mg_2023'\n```\n" +
		"```chart type=hbar id=c1 sql=pts x=k y=v scale=10 rowheight=30 marks=lines bands=bands table=tab rows=2 cite=cites xlabels=all xname=none title=T\nCaption.\n```\n" +
		"```sql name=one show=false\nSELECT 'a' AS k, 1.0 AS v\n```\n" +
		"```chart type=hbar id=c2 sql=one x=k y=v minrows=2 table=one title=U\nOne.\n```\n"
	nb, err := nbformat.Parse([]byte(doc), Rules)
	if err != nil {
		t.Fatal(err)
	}
	page := &Report{Lang: "en", Loc: time.UTC}
	src := NewSources()
	if err := RenderDoc(ctx, db, page, src, nb); err != nil {
		t.Fatal(err)
	}
	if len(page.Blocks) != 2 {
		t.Fatalf("%d blocks, want the two charts' sections (the queries are hidden)", len(page.Blocks))
	}
	s := page.Blocks[0].Section
	if s.Chart == nil || s.Chart.Height != "210px" || s.Table == nil || s.Table.Columns[1] != "twice" || s.MaxRows != 2 || s.SQLName != "tab" {
		t.Fatalf("section %+v", s)
	}
	if len(s.Sources) == 0 || !strings.Contains(s.Sources[0].URL, "justice.gov") {
		t.Errorf("sources %+v, want the guidelines'", s.Sources)
	}
	sr := list(s.Chart.Option, "series")[0]
	area := sr["markArea"].(map[string]any)["data"].([]any)
	if from := area[0].([]any)[0].(map[string]any)["yAxis"]; from != 1800.0 {
		t.Errorf("band from %v, want the DOJ/FTC 2023 line 1800", from)
	}
	if l := sr["markLine"].(map[string]any)["data"].([]any)[0].(map[string]any); l["yAxis"] != 1800.0 || l["name"] != "line" {
		t.Errorf("mark %v", l)
	}
	if d := sr["data"].([]any); d[1].(map[string]any)["value"] != 250.0 {
		t.Errorf("bar b = %v, want 2500 / 10", d[1])
	}
	if s2 := page.Blocks[1].Section; s2.Chart != nil || s2.Table == nil || len(s2.Table.Rows) != 1 {
		t.Errorf("one row drew a chart (minrows=2): %+v", s2)
	}
}
