package analysis

import (
	"math"
	"testing"
)

func TestConcentrationSensitivityMarkets(t *testing.T) {
	// Messengers a 60 / b 40 (HHI 5200); social c 100. Drawn together the
	// market is 30/20/50: 900 + 400 + 2500 = 3800.
	db := openWith(t,
		`CREATE OR REPLACE VIEW platforms AS SELECT * FROM (VALUES ('a','messenger'),('b','messenger'),('c','social')) t(platform_id, category)`,
		`CREATE OR REPLACE VIEW mau AS SELECT 'KR' AS country, DATE '2024-01-01' AS period_start, 'month' AS period_grain, '2024-01' AS period_label,
		  'mau' AS metric, 'panel' AS estimator, 'P' AS source, platform_id, value, 'persons' AS unit, []::VARCHAR[] AS flags, 'https://panel.example/' || platform_id AS source_url
		  FROM (VALUES ('a',60.0),('b',40.0),('c',100.0)) t(platform_id, value)`,
		allThresholds)
	recs := runAnalysis(t, db, "concentration_sensitivity", map[string]string{"markets": "messenger; messenger,social ;social"})
	if len(recs) != 2 {
		t.Fatalf("%d rows, want 2 (a one-platform market has no row): %v", len(recs), recs)
	}
	for _, c := range []struct {
		market string
		hhi    float64
	}{{"messenger", 5200}, {"messenger,social", 3800}} {
		r := where(recs, "market", c.market)
		if len(r) != 1 || !near(r[0]["hhi"], c.hhi, 1e-9) {
			t.Errorf("market %s: %v, want HHI %v", c.market, r, c.hhi)
		}
	}
}

func TestConcentrationSensitivitySeed(t *testing.T) {
	// IGAWorks, August 2022, messengers and social apps together:
	// KakaoTalk 43,196,403, Naver Cafe 7,369,916, Daum Cafe 2,650,309,
	// LINE 1,646,544.
	v := []float64{43196403, 7369916, 2650309, 1646544}
	total, want := 0.0, 0.0
	for _, x := range v {
		total += x
	}
	for _, x := range v {
		want += math.Pow(100*x/total, 2)
	}
	recs := runAnalysis(t, openSeed(t), "concentration_sensitivity", nil)
	r := where(recs, "market", "messenger,social", "period_label", "2022-08")
	if len(r) != 1 || !near(r[0]["hhi"], want, 1e-6) {
		t.Fatalf("messenger,social 2022-08 = %v, want HHI %.2f", r, want)
	}
	if m := where(recs, "market", "messenger", "period_label", "2025-10"); len(m) != 1 || !near(m[0]["hhi"], 5950, 1) {
		t.Fatalf("messenger 2025-10 = %v", m)
	}
}

func BenchmarkConcentrationSensitivity(b *testing.B) {
	benchAnalysis(b, "concentration_sensitivity", nil)
}
