package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/analysis"
)

func TestDemoIngestFillsLakeFromWebCollectorsIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	lakeDir := filepath.Join(t.TempDir(), "lake")
	if code, out, errs := runCLI(t, lakeDir, "ingest", "--demo"); code != exitOK {
		t.Fatalf("ingest --demo exit %d\n%s\n%s", code, out, errs)
	}
	code, out, _ := runCLI(t, lakeDir, "sources", "--json")
	if code != exitOK {
		t.Fatalf("sources exit %d", code)
	}
	var srcs []map[string]any
	if err := json.Unmarshal([]byte(out), &srcs); err != nil {
		t.Fatal(err)
	}
	perDataset := map[string]int{}
	for _, s := range srcs {
		for _, k := range []string{"name", "dataset", "urls", "mode", "last_run", "health"} {
			if _, ok := s[k]; !ok {
				t.Fatalf("source %v has no %q", s["name"], k)
			}
		}
		// URLs are an array, one element per URL, never a joined string.
		if urls, ok := s["urls"].([]any); !ok || len(urls) == 0 {
			t.Errorf("source %v: urls = %#v, want a non-empty array", s["name"], s["urls"])
		} else {
			for _, u := range urls {
				if us, _ := u.(string); us == "" || strings.ContainsAny(us, " ,") {
					t.Errorf("source %v: url element %q", s["name"], u)
				}
			}
		}
		if s["kind"] == "web" {
			perDataset[s["dataset"].(string)]++
			if s["health"] != "ok" || s["mode"] != "replay" {
				t.Errorf("source %v: health %v, mode %v", s["name"], s["health"], s["mode"])
			}
		}
	}
	if perDataset["mau"] < 3 || perDataset["services"]+perDataset["dependencies"] < 2 || perDataset["news"] < 3 {
		t.Fatalf("web collectors per dataset = %v", perDataset)
	}
	// Every web row names the archived bytes it came from.
	code, out, _ = runCLI(t, lakeDir, "sql", "--format", "json", `
SELECT count(DISTINCT collector) AS collectors, count(*) FILTER (WHERE warc_record_id IS NULL OR content_sha256 = '' OR source_url = '') AS unarchived
FROM (SELECT collector, warc_record_id, content_sha256, source_url FROM mau_all WHERE collector <> 'seed'
      UNION ALL SELECT collector, warc_record_id, content_sha256, source_url FROM services_all WHERE collector <> 'seed'
      UNION ALL SELECT collector, warc_record_id, content_sha256, source_url FROM dependencies_all WHERE collector <> 'seed'
      UNION ALL SELECT collector, warc_record_id, content_sha256, source_url FROM news_all
      UNION ALL SELECT collector, warc_record_id, content_sha256, source_url FROM incidents_all WHERE collector <> 'seed')`)
	var got []struct{ Collectors, Unarchived int }
	if code != exitOK || json.Unmarshal([]byte(out), &got) != nil || len(got) != 1 {
		t.Fatalf("sql exit %d: %s", code, out)
	}
	if got[0].Collectors < 5 || got[0].Unarchived != 0 {
		t.Fatalf("%d web collectors landed rows, %d rows lack provenance", got[0].Collectors, got[0].Unarchived)
	}
	// News from several source types, no duplicate articles, services named.
	code, out, _ = runCLI(t, lakeDir, "sql", "--format", "json", `
SELECT count(*) AS articles, count(DISTINCT article_id) AS ids, count(DISTINCT source_type) AS types,
       count(*) FILTER (WHERE len(services_mentioned) > 0) AS with_services FROM news`)
	var news []struct {
		Articles, IDs, Types int
		WithServices         int `json:"with_services"`
	}
	if code != exitOK || json.Unmarshal([]byte(out), &news) != nil {
		t.Fatalf("sql exit %d: %s", code, out)
	}
	n := news[0]
	if n.Articles == 0 || n.Articles != n.IDs || n.Types < 3 || n.WithServices == 0 {
		t.Fatalf("news = %+v", n)
	}
}

func TestFeedCoverageFlagsQuietFeed(t *testing.T) {
	ctx := context.Background()
	db, err := analysis.Open(ctx, t.TempDir(), analysis.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Feed b's newest item was fetched ten days before feed a's.
	_, err = db.ExecContext(ctx, `CREATE OR REPLACE VIEW news_all AS SELECT * FROM (VALUES
		('rss', 'rss', 'a', '', 'x1', TIMESTAMPTZ '2022-10-15 10:00:00+00', TIMESTAMPTZ '2022-10-20 00:00:00+00'),
		('rss', 'rss', 'a', '', 'x2', TIMESTAMPTZ '2022-10-16 10:00:00+00', TIMESTAMPTZ '2022-10-20 00:00:00+00'),
		('rss', 'rss', 'a,b', '', 'x3', TIMESTAMPTZ '2022-10-16 11:00:00+00', TIMESTAMPTZ '2022-10-10 00:00:00+00'),
		('navernews', 'naver_api', 'naver_api', 'q1,q2', 'x4', NULL, TIMESTAMPTZ '2022-10-20 00:00:00+00'))
		t(collector, source_type, feed, query, article_id, published_at, fetched_at)`)
	if err != nil {
		t.Fatal(err)
	}
	cov, err := feedCoverage(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	rss := cov["rss"]
	if len(rss) != 2 || rss[0].Feed != "a" || rss[0].Items != 3 || rss[0].DaysWithItems != 2 || rss[0].Health != "ok" ||
		rss[1].Feed != "b" || rss[1].Items != 1 || rss[1].Health != "quiet" {
		t.Fatalf("rss coverage = %+v", rss)
	}
	if nv := cov["navernews"]; len(nv) != 2 || nv[0].Feed != "q1" || nv[1].Feed != "q2" || nv[0].LastPublished != nil {
		t.Fatalf("naver coverage (queries, no date) = %+v", nv)
	}
}
