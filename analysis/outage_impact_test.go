package analysis

import (
	"testing"
)

func TestOutageImpactHandWorked(t *testing.T) {
	// A data center burns at 00:00 UTC; app A (daily users on the eve:
	// 1,000) is back 36 h later, app B (MAU only: 4,000) after 12 h.
	//   A: 1,000 × 36/24 = 1,500 user-days, from data
	//   B: unknown, or 4,000 × 0.25 × 12/24 = 500 with a stated ratio
	db := openWith(t,
		`CREATE OR REPLACE VIEW incidents AS SELECT 'fire' AS incident_id, service_id, 'Co' AS company, event, CAST("at" AS TIMESTAMPTZ) AS "at",
		  'https://news.example/' || service_id AS source_url, 'minute' AS at_precision, '' AS note FROM (VALUES
		  ('dc', 'start', '2024-03-02 00:00:00+00'), ('a', 'restore', '2024-03-03 12:00:00+00'),
		  ('b', 'partial_restore', '2024-03-02 06:00:00+00'), ('b', 'restore', '2024-03-02 12:00:00+00')) t(service_id, event, "at")`,
		`CREATE OR REPLACE VIEW platforms AS SELECT * FROM (VALUES ('a', 'A', '', 'messenger'), ('b', 'B', '', 'maps')) t(platform_id, name, name_ko, category)`,
		`CREATE OR REPLACE VIEW mau AS SELECT platform_id, 'KR' AS country, metric, period_start, period_grain, period_label, value,
		  'persons' AS unit, 'panel' AS estimator, 'P' AS source, []::VARCHAR[] AS flags FROM (VALUES
		  ('a', 'daily_users', DATE '2024-03-01', 'day', '2024-03-01', 1000.0),
		  ('a', 'daily_users', DATE '2024-03-02', 'day', '2024-03-02', 10.0),
		  ('b', 'mau', DATE '2024-02-01', 'month', '2024-02', 4000.0)) t(platform_id, metric, period_start, period_grain, period_label, value)`)
	params := map[string]string{"incident": "fire", "root": "dc", "tz": "UTC"}
	recs := runAnalysis(t, db, "outage_impact", params)
	a, b := where(recs, "service_id", "a"), where(recs, "service_id", "b")
	if len(a) != 1 || !near(a[0]["user_days_exposed"], 1500, 1e-9) || a[0]["daily_users_basis"] != "data: P daily_users 2024-03-01" {
		t.Fatalf("a = %v", a)
	}
	if len(b) != 1 || b[0]["user_days_exposed"] != nil || b[0]["dau_mau_ratio"] != nil {
		t.Fatalf("b without a ratio = %v", b)
	}
	params["dau_mau_ratio"] = "0.25"
	b = where(runAnalysis(t, db, "outage_impact", params), "service_id", "b")
	if len(b) != 1 || !near(b[0]["user_days_exposed"], 500, 1e-9) || !near(b[0]["user_days_to_first_restore"], 250, 1e-9) ||
		!near(b[0]["dau_mau_ratio"], 0.25, 0) {
		t.Fatalf("b with ratio 0.25 = %v", b)
	}
}

func TestOutageImpactSeedKakaoTalk(t *testing.T) {
	// KakaoTalk: 41,120,000 daily users on 2022-10-14 (WiseApp·Retail),
	// down from the fire at 15:19 KST on 2022-10-15 until Kakao declared
	// every service normal at 23:00 KST on 2022-10-20: 127 h 41 min.
	hours := 127 + 41.0/60
	recs := runAnalysis(t, openSeed(t), "outage_impact", nil)
	r := where(recs, "service_id", "kakaotalk")
	if len(r) != 1 || !near(r[0]["hours_to_full_restore"], hours, 1e-9) ||
		!near(r[0]["user_days_exposed"], 41120000*hours/24, 1e-3) {
		t.Fatalf("kakaotalk = %v, want %.0f user-days", r, 41120000*hours/24)
	}
	// ≈ 218.8 million user-days.
	if !near(r[0]["user_days_exposed"], 218.764e6, 0.001e6) {
		t.Fatalf("user-days %v", r[0]["user_days_exposed"])
	}
}

func BenchmarkOutageImpact(b *testing.B) { benchAnalysis(b, "outage_impact", nil) }
