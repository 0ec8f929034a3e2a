package analysis

import "testing"

func TestMAUTrendSeedKeepsEstimatorsApart(t *testing.T) {
	recs := runAnalysis(t, openSeed(t), "mau_trend", map[string]string{"platform": "kakaotalk", "country": "KR"})
	// Kakao IR, 2022Q3: 47,637,000; IGAWorks' restated December 2023
	// (45,540,367) replaces the original 41,021,737.
	if r := where(recs, "estimator", "company-reported", "period_label", "2022Q3"); len(r) != 1 || !near(r[0]["users"], 47637000, 0) {
		t.Errorf("2022Q3 = %v", r)
	}
	if r := where(recs, "source", "IGAWorks Mobile Index", "period_label", "2023-12"); len(r) != 1 || !near(r[0]["users"], 45540367, 0) {
		t.Errorf("2023-12 = %v", r)
	}
}

func BenchmarkMAUTrend(b *testing.B) { benchAnalysis(b, "mau_trend", nil) }
