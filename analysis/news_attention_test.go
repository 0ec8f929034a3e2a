package analysis

import (
	"math"
	"testing"
)

func TestNewsOnEmptyView(t *testing.T) {
	// The news collectors may not have run: every news analysis must
	// answer with no rows, not an error.
	db := openSeed(t)
	for _, name := range []string{"news_volume", "news_mentions", "news_attention"} {
		if recs := runAnalysis(t, db, name, nil); len(recs) != 0 {
			t.Errorf("%s on an empty news view: %v", name, recs)
		}
	}
}

// decayingNews: 2 articles a day for the 28 days before 2022-10-15 (KST),
// then 2 + 64·2^-t on day t of the window (66, 34, 18, 10, 6, 4, 3, 2...).
// Articles come in pairs of one story (cluster) each; every article names
// kakaotalk, every other one also naver; outlets alternate A and B.
const decayingNews = `CREATE OR REPLACE VIEW news AS
  WITH days AS (
    SELECT d, CASE WHEN d < 0 THEN 2 ELSE 2 + CAST(floor(64 * pow(2, -d)) AS INTEGER) END AS n FROM range(-28, 15) t(d)
  ), arts AS (
    SELECT d, unnest(range(n)) AS i FROM days
  )
  SELECT d || '-' || i AS article_id, 'c' || d || '-' || (i // 2) AS cluster_id,
         TIMESTAMPTZ '2022-10-15 03:00:00+09' + to_days(CAST(d AS INTEGER)) AS published_at,
         CASE WHEN i % 2 = 0 THEN 'A' ELSE 'B' END AS outlet,
         CASE WHEN i % 2 = 0 THEN ['kakaotalk', 'naver'] ELSE ['kakaotalk'] END AS services_mentioned
  FROM arts`

func TestNewsAttentionDecay(t *testing.T) {
	db := openWith(t, decayingNews)
	params := map[string]string{"start": "2022-10-15T15:19:00+09:00"}
	recs := runAnalysis(t, db, "news_attention", params)
	art := where(recs, "unit", "article")
	if len(art) != 1 {
		t.Fatalf("rows %v", recs)
	}
	a := art[0]
	// Baseline 2 a day; peak 66 on day 0: ratio 33. The excess halves
	// every day (64, 32, ..., 1) until it is 0 on day 7: half-life 1 day.
	for col, want := range map[string]float64{"baseline_per_day": 2, "peak_volume": 66, "peak_ratio": 33, "half_life_days": 1, "decay_rate": math.Ln2, "decay_fit_points": 7} {
		if !near(a[col], want, 1e-9) {
			t.Errorf("article %s = %v, want %v", col, a[col], want)
		}
	}
	if a["peak_day"] != "2022-10-15" {
		t.Errorf("peak day %v", a["peak_day"])
	}
	// Stories: each pair of articles is one cluster, so volumes halve:
	// baseline 1 a day, peak 33.
	c := where(recs, "unit", "cluster")[0]
	if !near(c["baseline_per_day"], 1, 1e-12) || !near(c["peak_volume"], 33, 0) || !near(c["peak_ratio"], 33, 1e-12) {
		t.Errorf("cluster row %v", c)
	}
}

func TestNewsVolumeClustersCountOnce(t *testing.T) {
	// One story syndicated three times over two days counts as one new
	// cluster, on its first day; articles count every copy.
	db := openWith(t, `CREATE OR REPLACE VIEW news AS SELECT * FROM (VALUES
	  ('a1', 'story', TIMESTAMPTZ '2022-10-15 10:00:00+09', 'A', ['kakaotalk']),
	  ('a2', 'story', TIMESTAMPTZ '2022-10-15 11:00:00+09', 'B', ['kakaotalk']),
	  ('a3', 'story', TIMESTAMPTZ '2022-10-16 09:00:00+09', 'C', ['kakaotalk']),
	  ('a4', '',      TIMESTAMPTZ '2022-10-16 09:00:00+09', 'A', ['naver']))
	  t(article_id, cluster_id, published_at, outlet, services_mentioned)`)
	recs := runAnalysis(t, db, "news_volume", map[string]string{"start": "2022-10-15T15:19:00+09:00", "baseline_days": "2", "window_days": "1"})
	if len(recs) != 4 {
		t.Fatalf("%d days, want 4 (two before, day 0, day 1)", len(recs))
	}
	d0, d1 := where(recs, "day_offset", 0)[0], where(recs, "day_offset", 1)[0]
	if d0["articles"] != int64(2) || d0["clusters"] != int64(1) || d1["articles"] != int64(2) || d1["clusters"] != int64(1) {
		t.Fatalf("day 0 %v, day 1 %v", d0, d1)
	}
	m := runAnalysis(t, db, "news_mentions", map[string]string{"start": "2022-10-15T15:19:00+09:00", "window_days": "1"})
	if s := where(m, "facet", "service", "key", "kakaotalk"); len(s) != 1 || s[0]["articles"] != int64(3) || s[0]["clusters"] != int64(1) || !near(s[0]["share_of_articles"], 0.75, 1e-12) {
		t.Fatalf("kakaotalk mentions %v", s)
	}
	if o := where(m, "facet", "outlet", "key", "A"); len(o) != 1 || o[0]["articles"] != int64(2) || o[0]["clusters"] != int64(2) {
		t.Fatalf("outlet A %v", o)
	}
}

func BenchmarkNewsAttention(b *testing.B) {
	db := openWith(b, decayingNews)
	a, _ := Lookup("news_attention")
	params := map[string]string{"start": "2022-10-15T15:19:00+09:00"}
	for b.Loop() {
		if _, err := db.Run(b.Context(), a, params); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewsVolume(b *testing.B) {
	db := openWith(b, decayingNews)
	a, _ := Lookup("news_volume")
	for b.Loop() {
		if _, err := db.Run(b.Context(), a, map[string]string{"start": "2022-10-15T15:19:00+09:00"}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewsMentions(b *testing.B) {
	db := openWith(b, decayingNews)
	a, _ := Lookup("news_mentions")
	for b.Loop() {
		if _, err := db.Run(b.Context(), a, map[string]string{"start": "2022-10-15T15:19:00+09:00"}); err != nil {
			b.Fatal(err)
		}
	}
}
