package analysis

import (
	"math"
	"testing"
)

// twoSources is a market where the leader has a company figure (80) and
// a panel figure (60) for the same month and the rival one panel figure
// (40); a second month has one figure each and no uncertainty.
var twoSources = []string{
	`CREATE OR REPLACE VIEW platforms AS SELECT * FROM (VALUES ('a','messenger'),('b','messenger')) t(platform_id, category)`,
	`CREATE OR REPLACE VIEW mau AS SELECT 'KR' AS country, period_start, period_grain, period_label, 'mau' AS metric,
	  estimator, source, platform_id, value, 'persons' AS unit, []::VARCHAR[] AS flags, 'https://panel.example/' || platform_id AS source_url,
	  NULL::VARCHAR AS origin_source, NULL::VARCHAR AS origin_url
	  FROM (VALUES
	    (DATE '2024-01-01', 'quarter', '2024Q1', 'company-reported', 'IR', 'a', 80.0),
	    (DATE '2024-02-01', 'month', '2024-02', 'panel', 'P', 'a', 60.0),
	    (DATE '2024-02-01', 'month', '2024-02', 'panel', 'P', 'b', 40.0),
	    (DATE '2024-06-01', 'month', '2024-06', 'panel', 'P', 'a', 50.0),
	    (DATE '2024-06-01', 'month', '2024-06', 'panel', 'P', 'b', 50.0))
	  t(period_start, period_grain, period_label, estimator, source, platform_id, value)`,
}

func TestConcentrationBootstrapBounds(t *testing.T) {
	// The two combinations for 2024-02: 60/40 → 3600 + 1600 = 5200, and
	// 80/40 → (200/3)² + (100/3)² = 5555.6. With 4000 draws both appear
	// many times, so the 2.5th and 97.5th percentiles are the two HHIs.
	db := openWith(t, twoSources...)
	params := map[string]string{"draws": "4000", "seed": "42"}
	recs := runAnalysis(t, db, "concentration_bootstrap", params)
	if len(recs) != 1 || recs[0]["period_label"] != "2024-02" {
		t.Fatalf("rows = %v, want the 2024-02 market only", recs)
	}
	r := recs[0]
	high := math.Pow(200.0/3, 2) + math.Pow(100.0/3, 2)
	for col, want := range map[string]float64{"hhi_min": 5200, "hhi_max": high, "hhi_p2_5": 5200, "hhi_p97_5": high, "cr1_p2_5": 0.6, "cr1_p97_5": 2.0 / 3} {
		if !near(r[col], want, 1e-9) {
			t.Errorf("%s = %v, want %v", col, r[col], want)
		}
	}
	if r["mixes_estimators"] != true || r["n_combinations"] != 2.0 || r["multi_source_platforms"] != int64(1) {
		t.Errorf("mixes %v combinations %v multi %v", r["mixes_estimators"], r["n_combinations"], r["multi_source_platforms"])
	}
	// Same seed, same interval; the median moves with the seed only
	// between the two attainable values.
	again := runAnalysis(t, db, "concentration_bootstrap", params)[0]
	if again["hhi_p50"] != r["hhi_p50"] {
		t.Errorf("seed 42 gave p50 %v then %v", r["hhi_p50"], again["hhi_p50"])
	}
	for _, seed := range []string{"1", "2", "3"} {
		p50, _ := asFloat(runAnalysis(t, db, "concentration_bootstrap", map[string]string{"seed": seed})[0]["hhi_p50"])
		if p50 < 5200-1e-9 || p50 > high+1e-9 {
			t.Errorf("seed %s: p50 %v outside [5200, %v]", seed, p50, high)
		}
	}
}

func TestConcentrationBootstrapSeed(t *testing.T) {
	// August 2022: KakaoTalk 43,196,403 (IGAWorks, August) or 47,637,000
	// (Kakao IR, Q3); LINE 1,646,544 (IGAWorks).
	hhi := func(k float64) float64 {
		s := k / (k + 1646544)
		return 10000 * (s*s + (1-s)*(1-s))
	}
	recs := runAnalysis(t, openSeed(t), "concentration_bootstrap", nil)
	r := where(recs, "period_label", "2022-08", "measure", "mau")
	if len(r) != 1 || !near(r[0]["hhi_min"], hhi(43196403), 1e-6) || !near(r[0]["hhi_max"], hhi(47637000), 1e-6) {
		t.Fatalf("2022-08 = %v, want HHI in [%.1f, %.1f]", r, hhi(43196403), hhi(47637000))
	}
}

func TestQuantileType7(t *testing.T) {
	xs := []float64{1, 2, 3, 4}
	for q, want := range map[float64]float64{0: 1, 1: 4, 0.5: 2.5, 0.25: 1.75} {
		if got := quantile(xs, q); math.Abs(got-want) > 1e-12 {
			t.Errorf("quantile(%v) = %v, want %v", q, got, want)
		}
	}
}

func BenchmarkConcentrationBootstrap(b *testing.B) {
	benchAnalysis(b, "concentration_bootstrap", nil)
}

// TestConcentrationBootstrapCountsOrigins: a Wikipedia table that
// republishes Our World in Data's figure for a platform, beside OWID's own
// row, is one origin and no disagreement. Facebook 2019: 2,375M in both
// (OWID's export and the table citing it), YouTube 2019 one figure: no
// platform has two origins, so there is no interval to show. A panel with
// a different Facebook figure is a second origin and makes the market.
func TestConcentrationBootstrapCountsOrigins(t *testing.T) {
	const owidURL = "https://ourworldindata.org/rise-of-social-media"
	views := func(extra string) []string {
		return []string{
			`CREATE OR REPLACE VIEW platforms AS SELECT * FROM (VALUES ('facebook','social'),('youtube','social')) t(platform_id, category)`,
			`CREATE OR REPLACE VIEW mau AS SELECT 'WORLD' AS country, DATE '2019-01-01' AS period_start, 'year' AS period_grain, '2019' AS period_label,
			  'mau' AS metric, 'company-reported' AS estimator, source, platform_id, value, 'persons' AS unit, ['compiled'] AS flags,
			  source_url, origin_source, origin_url
			  FROM (VALUES
			    ('Statista/TNW via OWID', 'facebook', 2375e6, '` + owidURL + `', 'Our World in Data', '` + owidURL + `'),
			    ('Statista/TNW via Wikipedia table', 'facebook', 2375e6, 'https://en.wikipedia.org/wiki/List', 'Our World in Data', '` + owidURL + `'),
			    ('Statista/TNW via OWID', 'youtube', 2000e6, '` + owidURL + `', 'Our World in Data', '` + owidURL + `')` + extra + `)
			  t(source, platform_id, value, source_url, origin_source, origin_url)`,
		}
	}
	params := map[string]string{"category": "social", "country": "WORLD", "draws": "100"}
	if recs := runAnalysis(t, openWith(t, views("")...), "concentration_bootstrap", params); len(recs) != 0 {
		t.Fatalf("a republished figure counted as a second source: %v", recs)
	}
	recs := runAnalysis(t, openWith(t, views(`, ('Panel', 'facebook', 2000e6, 'https://panel.example/', NULL, NULL)`)...), "concentration_bootstrap", params)
	if len(recs) != 1 || recs[0]["n_combinations"] != 2.0 || recs[0]["multi_source_platforms"] != int64(1) {
		t.Fatalf("with a panel figure: %v, want one market of two combinations (OWID, panel)", recs)
	}
	// 2375/4375 → 5401.0, 2000/4000 → 5000 exactly.
	lo := math.Pow(100*2375/4375.0, 2) + math.Pow(100*2000/4375.0, 2)
	if !near(recs[0]["hhi_min"], 5000, 1e-9) || !near(recs[0]["hhi_max"], lo, 1e-9) {
		t.Errorf("hhi range %v..%v, want 5000..%v", recs[0]["hhi_min"], recs[0]["hhi_max"], lo)
	}
}
