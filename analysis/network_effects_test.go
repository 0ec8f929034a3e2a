package analysis

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestStudentTQuantile(t *testing.T) {
	// Published two-sided 95% critical values.
	for df, want := range map[float64]float64{1: 12.7062, 3: 3.18245, 10: 2.22814, 30: 2.04227} {
		if got := studentTQuantile(0.975, df); math.Abs(got-want) > 1e-4 {
			t.Errorf("t(0.975, %v) = %v, want %v", df, got, want)
		}
	}
}

// networkViews builds a company's yearly revenue and a platform's
// quarterly MAU, one row per year: (year, revenue, mau).
func networkViews(rows []string, extraMAU string) []string {
	mau := `SELECT 'app' AS platform_id, 'KR' AS country, 'mau' AS metric, make_date(y, 4, 1) AS period_start, 'quarter' AS period_grain,
	  y || 'Q2' AS period_label, n AS value, 'persons' AS unit, 'company-reported' AS estimator, 'IR' AS source,
	  []::VARCHAR[] AS flags, 'https://ir.example/' || y AS source_url
	  FROM (VALUES ` + strings.Join(rows, ",") + `) t(y, v, n)`
	if extraMAU != "" {
		mau += " UNION ALL BY NAME " + extraMAU
	}
	return []string{
		`CREATE OR REPLACE VIEW financials AS SELECT 'Co' AS company, make_date(y, 1, 1) AS period_start, 'year' AS period_grain,
		  CAST(y AS VARCHAR) AS period_label, 'revenue' AS metric, v AS value, 'KRW' AS currency, 'https://fin.example/' || y AS source_url
		  FROM (VALUES ` + strings.Join(rows, ",") + `) t(y, v, n)`,
		`CREATE OR REPLACE VIEW mau AS ` + mau,
	}
}

func TestNetworkEffectsSyntheticMetcalfe(t *testing.T) {
	// SYNTHETIC data, not a finding: revenue generated as V = 3·10⁻⁴·n²
	// with ±1% deterministic noise, for n from 5M to 50M over ten years.
	// The fit must pick V = a·n² and recover b ≈ 2 with 2 inside its CI.
	var rows []string
	for i := range 10 {
		n := 5e6 * float64(i+1)
		v := 3e-4 * n * n * (1 + 0.01*math.Sin(float64(7*i+1)))
		rows = append(rows, fmt.Sprintf("(%d, %g, %g)", 2010+i, v, n))
	}
	db := openWith(t, networkViews(rows, "")...)
	recs := runAnalysis(t, db, "network_effects", map[string]string{"company": "Co", "platform": "app"})
	if len(recs) != 5 {
		t.Fatalf("%d fits, want 5", len(recs))
	}
	best := where(recs, "best", true)
	if len(best) != 1 || best[0]["law"] != "metcalfe" || !near(best[0]["a"], 3e-4, 3e-6) {
		t.Fatalf("best law %v, want metcalfe with a ≈ 3e-4", best)
	}
	free := where(recs, "law", "free_exponent")[0]
	lo, _ := asFloat(free["b_ci_low"])
	hi, _ := asFloat(free["b_ci_high"])
	if !near(free["b"], 2, 0.02) || lo > 2 || hi < 2 || free["consistent_with"] != "metcalfe (b=2)" {
		t.Fatalf("free exponent %v [%v, %v] %v, want b ≈ 2 inside the interval", free["b"], lo, hi, free["consistent_with"])
	}
	if !near(best[0]["r2"], 1, 1e-3) {
		t.Fatalf("R² %v", best[0]["r2"])
	}
}

func TestNetworkEffectsNeverMixesEstimators(t *testing.T) {
	// A panel figure in the same quarters must not enter the company fit,
	// and the panel fit must not see company figures.
	rows := []string{"(2020, 100.0, 10.0)", "(2021, 400.0, 20.0)", "(2022, 900.0, 30.0)"}
	panel := `SELECT 'app' AS platform_id, 'KR' AS country, 'mau' AS metric, make_date(y, 7, 1) AS period_start, 'quarter' AS period_grain,
	  y || 'Q3' AS period_label, n AS value, 'persons' AS unit, 'panel' AS estimator, 'Panel' AS source, []::VARCHAR[] AS flags,
	  '' AS source_url FROM (VALUES (2020, 1000.0), (2021, 1000.0), (2022, 1000.0)) t(y, n)`
	db := openWith(t, networkViews(rows, panel)...)
	pts := runAnalysis(t, db, "network_effects_points", map[string]string{"company": "Co", "platform": "app"})
	if len(pts) != 3 {
		t.Fatalf("company points %v", pts)
	}
	for _, p := range pts {
		if p["estimator"] != "company-reported" || p["n_figures"] != int64(1) {
			t.Fatalf("company fit point %v mixes estimators", p)
		}
	}
	// V = n² exactly on the company figures.
	if b := where(runAnalysis(t, db, "network_effects", map[string]string{"company": "Co", "platform": "app"}), "law", "free_exponent")[0]["b"]; !near(b, 2, 1e-9) {
		t.Fatalf("company b = %v", b)
	}
	for _, p := range runAnalysis(t, db, "network_effects_points", map[string]string{"company": "Co", "platform": "app", "estimator": "panel"}) {
		if p["source"] != "Panel" || !near(p["n"], 1000, 0) {
			t.Fatalf("panel point %v", p)
		}
	}
}

func TestNetworkEffectsSeed(t *testing.T) {
	// Kakao Corp revenue 2019–2023 against the annual average of the
	// KakaoTalk domestic MAU Kakao reported in each year:
	// 2019 (44.41M + 44.859M)/2 = 44.6345M, 2020 (45.19M + 45.981M)/2
	// (the "over 45.5M" lower bound left out), 2021 (46.35M + 46.62M)/2,
	// 2022 (47.5M + 47.637M)/2, 2023 the four quarters' 48.25725M.
	n := []float64{44634500, 45585500, 46485000, 47568500, 48257250}
	v := []float64{3070100e6, 4156800e6, 6136100e6, 7107100e6, 8105848e6}
	db := openSeed(t)
	pts := runAnalysis(t, db, "network_effects_points", nil)
	if len(pts) != 5 {
		t.Fatalf("%d points, want 5", len(pts))
	}
	for i, p := range pts {
		if !near(p["n"], n[i], 1e-6) || !near(p["v"], v[i], 1) {
			t.Errorf("point %d = n %v v %v, want %v %v", i, p["n"], p["v"], n[i], v[i])
		}
	}
	// The slope of ln V on ln n by hand: b = Sxy / Sxx.
	var mx, my float64
	for i := range n {
		mx += math.Log(n[i]) / 5
		my += math.Log(v[i]) / 5
	}
	var sxx, sxy float64
	for i := range n {
		sxx += (math.Log(n[i]) - mx) * (math.Log(n[i]) - mx)
		sxy += (math.Log(n[i]) - mx) * (math.Log(v[i]) - my)
	}
	fits := runAnalysis(t, db, "network_effects", nil)
	free := where(fits, "law", "free_exponent")[0]
	// Revenue grew 2.6× while domestic users grew 8%: b ≈ 12.5, far
	// from any network law — domestic MAU does not explain Kakao's revenue.
	if !near(free["b"], sxy/sxx, 1e-9) || !near(free["b"], 12.5, 0.1) || free["consistent_with"] != "none of b = 1, 2, 3 or n·ln n" {
		t.Fatalf("b = %v (hand %v), %v", free["b"], sxy/sxx, free["consistent_with"])
	}
	// Its 95% interval, b ± t(0.975, 3)·se with se from the log residuals,
	// is about 8 to 17.
	lnA := my - sxy/sxx*mx
	rss := 0.0
	for i := range n {
		e := math.Log(v[i]) - lnA - sxy/sxx*math.Log(n[i])
		rss += e * e
	}
	half := 3.18245 * math.Sqrt(rss/3/sxx)
	if !near(free["b_ci_low"], sxy/sxx-half, 1e-3) || !near(free["b_ci_high"], sxy/sxx+half, 1e-3) ||
		!near(free["b_ci_low"], 8.0, 0.05) || !near(free["b_ci_high"], 17.0, 0.05) {
		t.Fatalf("interval [%v, %v], want %v ± %v", free["b_ci_low"], free["b_ci_high"], sxy/sxx, half)
	}
	// Five points and at most two parameters: n/k = 2.5 < 40, so AICc
	// decides, AICc = AIC + 2k(k+1)/(n-k-1): +4/3 for a law, +6 for the
	// free exponent.
	for _, f := range fits {
		k := 1.0
		if f["law"] == "free_exponent" {
			k = 2
		}
		aic, _ := asFloat(f["aic"])
		if !near(f["aicc"], aic+2*k*(k+1)/(5-k-1), 1e-9) || f["criterion"] != "AICc" {
			t.Errorf("%s: AICc %v from AIC %v, criterion %v", f["law"], f["aicc"], aic, f["criterion"])
		}
		// The interval excludes every law, so none is crowned best.
		if f["best"] != false {
			t.Errorf("%s is best although no law fits", f["law"])
		}
		if want := "no law fits: the free exponent b = 12.51 (95% CI 8.01 to 17.01) excludes b = 1, 2, 3 and n·ln n (b≈1.06); no law is best"; f["verdict"] != want {
			t.Errorf("%s: verdict %q, want %q", f["law"], f["verdict"], want)
		}
	}
	// The free exponent fits the points better than any law even after
	// AICc's larger penalty for its second parameter.
	if d, _ := asFloat(free["delta_aicc"]); d >= 0 {
		t.Errorf("free exponent ΔAICc %v, want below the best law's", d)
	}
}

func TestNetworkEffectsAICcOnlyWhenFew(t *testing.T) {
	// SYNTHETIC: V = n² exactly for 80 and for 79 points: n/k = 40 uses
	// AIC, 39.5 AICc; either way Metcalfe is best and the verdict names it.
	for _, tc := range []struct {
		points    int
		criterion string
	}{{80, "AIC"}, {79, "AICc"}, {3, "AICc"}} {
		var n, v []float64
		for i := range tc.points {
			x := 1000 + 10*float64(i)
			n, v = append(n, x), append(v, x*x*(1+0.001*math.Sin(float64(i))))
		}
		set := fitLaws(n, v)
		if set.criterion != tc.criterion || !strings.HasPrefix(set.verdict, "best law by "+tc.criterion+": metcalfe (V = a·n²)") {
			t.Errorf("%d points: criterion %s, verdict %q", tc.points, set.criterion, set.verdict)
		}
		free := set.fits[len(set.fits)-1]
		// AICc needs n > k + 1: with three points the free exponent has none.
		if tc.points == 3 && !math.IsNaN(free.aicc) {
			t.Errorf("3 points: free exponent AICc %v, want undefined", free.aicc)
		}
	}
}

func BenchmarkNetworkEffects(b *testing.B) { benchAnalysis(b, "network_effects", nil) }

func BenchmarkNetworkEffectsPoints(b *testing.B) { benchAnalysis(b, "network_effects_points", nil) }
