package analysis

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/data/schema"
)

// openWith opens an empty lake and replaces the views an analysis reads
// with inline tables, so expected values can be worked out by hand.
func openWith(t testing.TB, stmts ...string) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir(), Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	aliasAll(t, db, strings.Join(stmts, "\n"))
	return db
}

// aliasAll points <dataset>_all at a dataset a test replaced, so queries
// that read every observation (not only the latest) see the test's rows.
func aliasAll(t testing.TB, db *DB, stmts string) {
	t.Helper()
	for _, ds := range schema.Datasets() {
		if !strings.Contains(stmts, " VIEW "+ds.Name+" AS") && !strings.Contains(stmts, " TABLE "+ds.Name+" AS") {
			continue
		}
		if _, err := db.Exec(fmt.Sprintf("CREATE OR REPLACE VIEW %s_all AS SELECT * FROM %s", ds.Name, ds.Name)); err != nil {
			t.Fatalf("alias %s_all: %v", ds.Name, err)
		}
	}
}

const thresholds2023 = `CREATE OR REPLACE VIEW thresholds AS SELECT *, 'US DOJ/FTC Merger Guidelines 2023 (sec. 2.1)' AS regime,
  'https://www.justice.gov/atr/2023-merger-guidelines' AS legal_text, legal_text AS source_url FROM (VALUES
  ('us_mg_2023', 'hhi_high', 1800.0), ('us_mg_2023', 'hhi_moderate', 1000.0), ('us_mg_2023', 'delta_hhi', 100.0),
  ('us_mg_2023', 'share_presumption', 30.0))
  t(regime_id, metric, value)`

func marketOf(values string) []string {
	return []string{
		`CREATE OR REPLACE VIEW platforms AS SELECT * FROM (VALUES ('a','messenger'),('b','messenger'),('c','messenger'),('d','messenger'),('x','portal')) t(platform_id, category)`,
		`CREATE OR REPLACE VIEW mau AS SELECT 'KR' AS country, DATE '2024-01-01' AS period_start, 'month' AS period_grain,
		  '2024-01' AS period_label, 'mau' AS metric, 'panel' AS estimator, 'P' AS source, platform_id, value,
		  'persons' AS unit, []::VARCHAR[] AS flags, 'https://panel.example/' || platform_id AS source_url FROM (VALUES ` + values + `) t(platform_id, value)`,
		thresholds2023,
	}
}

func TestConcentrationHandWorked(t *testing.T) {
	tests := []struct {
		name      string
		values    string
		hhi       float64
		cr1, cr3  float64
		effective float64
		band      string
		rows      int
	}{
		// 30² + 30² + 20² + 20² = 900 + 900 + 400 + 400 = 2600.
		{"four firms 30/30/20/20", "('a',30.0),('b',30.0),('c',20.0),('d',20.0)", 2600, 0.30, 0.80, 10000.0 / 2600, "highly concentrated", 1},
		// Two equal firms: 50² + 50² = 5000, effective number exactly 2.
		{"duopoly 50/50", "('a',5e6),('b',5e6)", 5000, 0.5, 1, 2, "highly concentrated", 1},
		// Ten equal firms would be 1000; four equal firms are 4 × 25² = 2500.
		{"four equal firms", "('a',1.0),('b',1.0),('c',1.0),('d',1.0)", 2500, 0.25, 0.75, 4, "highly concentrated", 1},
		// A platform of another category is not part of the market.
		{"other category ignored", "('a',60.0),('b',40.0),('x',1e9)", 5200, 0.6, 1, 10000.0 / 5200, "highly concentrated", 1},
		// A monopoly is no market to measure: one firm means no rows.
		{"monopoly observed alone", "('a',100.0)", 0, 0, 0, 0, "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := openWith(t, marketOf(tc.values)...)
			a, _ := Lookup("concentration")
			res, err := db.Run(context.Background(), a, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Rows) != tc.rows {
				t.Fatalf("%d rows, want %d", len(res.Rows), tc.rows)
			}
			if tc.rows == 0 {
				return
			}
			r := res.Records()[0]
			for col, want := range map[string]float64{"hhi": tc.hhi, "cr1": tc.cr1, "cr3": tc.cr3, "effective_platforms": tc.effective} {
				if got := r[col].(float64); math.Abs(got-want) > 1e-9 {
					t.Errorf("%s = %v, want %v", col, got, want)
				}
			}
			if r["doj_ftc_2023_band"] != tc.band {
				t.Errorf("band = %v, want %s", r["doj_ftc_2023_band"], tc.band)
			}
		})
	}
}

func TestHHIMonopolyIs10000(t *testing.T) {
	// With the rival at zero users the leader holds the whole market.
	db := openWith(t, marketOf("('a',100.0),('b',0.0)")...)
	a, _ := Lookup("concentration")
	res, err := db.Run(context.Background(), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Records()[0]["hhi"].(float64); got != 10000 {
		t.Fatalf("monopoly HHI = %v, want 10000", got)
	}
}

func TestConcentrationDeltaBetweenPeriods(t *testing.T) {
	// 2024-01: 60/40 → 3600 + 1600 = 5200; 2024-02: 70/30 → 4900 + 900 = 5800; ΔHHI = 600.
	db := openWith(t,
		`CREATE OR REPLACE VIEW platforms AS SELECT * FROM (VALUES ('a','messenger'),('b','messenger')) t(platform_id, category)`,
		`CREATE OR REPLACE VIEW mau AS SELECT 'KR' AS country, period_start, 'month' AS period_grain, strftime(period_start, '%Y-%m') AS period_label,
		  'mau' AS metric, 'panel' AS estimator, 'P' AS source, platform_id, value, 'persons' AS unit, []::VARCHAR[] AS flags, 'https://panel.example/' || platform_id AS source_url
		  FROM (VALUES (DATE '2024-01-01','a',60.0),(DATE '2024-01-01','b',40.0),(DATE '2024-02-01','a',70.0),(DATE '2024-02-01','b',30.0)) t(period_start, platform_id, value)`,
		thresholds2023)
	a, _ := Lookup("concentration")
	res, err := db.Run(context.Background(), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	recs := res.Records()
	if len(recs) != 2 || recs[0]["delta_hhi"] != nil || math.Abs(recs[1]["delta_hhi"].(float64)-600) > 1e-9 {
		t.Fatalf("rows = %v, want ΔHHI nil then 600", recs)
	}
}

// allThresholds holds every line the concentration bands read, as the seed
// states them.
const allThresholds = `CREATE OR REPLACE VIEW thresholds AS SELECT *, regime_id AS regime, '' AS legal_text, '' AS source_url FROM (VALUES
  ('us_mg_2023', 'hhi_high', 1800.0), ('us_mg_2023', 'hhi_moderate', 1000.0), ('us_mg_2023', 'delta_hhi', 100.0),
  ('us_mg_2023', 'share_presumption', 30.0),
  ('us_hmg_2010', 'hhi_high', 2500.0), ('us_hmg_2010', 'hhi_moderate', 1500.0), ('us_hmg_2010', 'delta_hhi', 200.0),
  ('kr_mrfta_dominance', 'cr1', 50.0), ('kr_mrfta_dominance', 'cr3', 75.0))
  t(regime_id, metric, value)`

// periodsOf builds a five-platform messenger market over several months
// from rows of (month, a, b, c, d, e) shares in percent.
func periodsOf(rows string) []string {
	return []string{
		`CREATE OR REPLACE VIEW platforms AS SELECT * FROM (VALUES ('a','messenger'),('b','messenger'),('c','messenger'),('d','messenger'),('e','messenger')) t(platform_id, category)`,
		`CREATE OR REPLACE VIEW mau AS SELECT 'KR' AS country, period_start, 'month' AS period_grain, strftime(period_start, '%Y-%m') AS period_label,
		  'mau' AS metric, 'panel' AS estimator, 'P' AS source, platform_id, value, 'persons' AS unit, []::VARCHAR[] AS flags, 'https://panel.example/' || platform_id AS source_url
		  FROM (SELECT period_start, unnest(['a','b','c','d','e']) AS platform_id, unnest(v) AS value
		        FROM (VALUES ` + rows + `) t(period_start, v))`,
		allThresholds,
	}
}

const euNeedsMerger = "HHI >= 1000: the para 20 safe harbours need a merger's ΔHHI"

func TestConcentrationBandsAndDelta(t *testing.T) {
	// Worked by hand:
	//   2024-01 40/20/20/10/10: 1600+400+400+100+100 = 2600
	//   2024-02 20/20/20/20/20: 5 × 400 = 2000, Δ = -600
	//   2024-03 50/20/10/10/10: 2500+400+100+100+100 = 3200, Δ = +1200
	db := openWith(t, periodsOf(`(DATE '2024-01-01', [40.0,20,20,10,10]), (DATE '2024-02-01', [20.0,20,20,20,20]), (DATE '2024-03-01', [50.0,20,10,10,10])`)...)
	recs := runAnalysis(t, db, "concentration", nil)
	if len(recs) != 3 {
		t.Fatalf("%d rows, want 3", len(recs))
	}
	want := []struct {
		hhi, delta     float64
		mg23, hmg10    string
		mg23p, hmg10p  any
		eu, kftc       string
		kftcCR3        float64
		effective, cr1 float64
	}{
		{2600, math.NaN(), "highly concentrated", "highly concentrated", nil, nil, euNeedsMerger, "CR3 >= 75%: top three presumed dominant", 0.8, 10000.0 / 2600, 0.4},
		// A change between periods is labelled a change, never screened as a merger.
		{2000, -600, "highly concentrated", "moderately concentrated", nil, nil, euNeedsMerger, "no presumption", 0.6, 5, 0.2},
		{3200, 1200, "highly concentrated", "highly concentrated", nil, nil, euNeedsMerger, "CR1 >= 50%: leader presumed dominant", 0.8, 10000.0 / 3200, 0.5},
	}
	for i, w := range want {
		r := recs[i]
		if !near(r["hhi"], w.hhi, 1e-9) || !near(r["effective_platforms"], w.effective, 1e-9) || !near(r["cr1"], w.cr1, 1e-12) {
			t.Errorf("row %d: hhi %v effective %v cr1 %v, want %v %v %v", i, r["hhi"], r["effective_platforms"], r["cr1"], w.hhi, w.effective, w.cr1)
		}
		if math.IsNaN(w.delta) != (r["delta_hhi"] == nil) || (!math.IsNaN(w.delta) && !near(r["delta_hhi"], w.delta, 1e-9)) {
			t.Errorf("row %d: delta %v, want %v", i, r["delta_hhi"], w.delta)
		}
		kind := any(nil)
		if !math.IsNaN(w.delta) {
			kind = "change between periods, not a merger screen"
		}
		checks := map[string]any{"doj_ftc_2023_band": w.mg23, "hmg_2010_band": w.hmg10, "doj_ftc_2023_presumption": w.mg23p,
			"hmg_2010_presumption": w.hmg10p, "eu_2004_band": w.eu, "kftc_presumption": w.kftc, "delta_hhi_kind": kind}
		for col, v := range checks {
			if r[col] != v {
				t.Errorf("row %d: %s = %v, want %v", i, col, r[col], v)
			}
		}
		if !near(r["kftc_cr3"], w.kftcCR3, 1e-12) {
			t.Errorf("row %d: kftc_cr3 = %v, want %v", i, r["kftc_cr3"], w.kftcCR3)
		}
	}
}

func TestConcentrationKFTCExcludesSmallFirms(t *testing.T) {
	// 45/25/9/9/6/6: the plain CR3 is 79%, but the KFTC presumption counts
	// only firms with at least 10%: 45 + 25 = 70% < 75%, no presumption.
	db := openWith(t,
		`CREATE OR REPLACE VIEW platforms AS SELECT * FROM (VALUES ('a','messenger'),('b','messenger'),('c','messenger'),('d','messenger'),('e','messenger'),('f','messenger')) t(platform_id, category)`,
		`CREATE OR REPLACE VIEW mau AS SELECT 'KR' AS country, DATE '2024-01-01' AS period_start, 'month' AS period_grain, '2024-01' AS period_label,
		  'mau' AS metric, 'panel' AS estimator, 'P' AS source, platform_id, value, 'persons' AS unit, []::VARCHAR[] AS flags, 'https://panel.example/' || platform_id AS source_url
		  FROM (VALUES ('a',45.0),('b',25.0),('c',9.0),('d',9.0),('e',6.0),('f',6.0)) t(platform_id, value)`,
		allThresholds)
	r := runAnalysis(t, db, "concentration", nil)[0]
	if !near(r["cr3"], 0.79, 1e-12) || !near(r["kftc_cr3"], 0.70, 1e-12) || r["kftc_presumption"] != "no presumption" {
		t.Fatalf("cr3 %v kftc_cr3 %v presumption %v", r["cr3"], r["kftc_cr3"], r["kftc_presumption"])
	}
}

func TestConcentrationDeltaNeedsSamePlatforms(t *testing.T) {
	// A platform missing from one period makes the change one of sample,
	// not of market: no ΔHHI.
	db := openWith(t, periodsOf(`(DATE '2024-01-01', [40.0,20,20,10,10]), (DATE '2024-02-01', [40.0,20,20,10,NULL])`)...)
	recs := runAnalysis(t, db, "concentration", nil)
	if len(recs) != 2 || recs[1]["delta_hhi"] != nil || recs[1]["delta_from"] != nil {
		t.Fatalf("rows = %v, want no delta for a changed platform set", recs)
	}
}

func TestConcentrationProperties(t *testing.T) {
	// Random markets: 10000/n <= HHI <= 10000, shares sum to 1 and
	// CR1 <= CR3 <= CR4 <= 1, whatever the sizes.
	rng := rand.New(rand.NewPCG(7, 7))
	var rows []string
	for m := range 200 {
		n := 2 + rng.IntN(11)
		for i := range n {
			v := math.Pow(10, 3+6*rng.Float64())
			rows = append(rows, fmt.Sprintf("(DATE '2000-01-01' + %d, 'p%d', %g)", m, i, v))
		}
	}
	db := openWith(t,
		`CREATE OR REPLACE VIEW platforms AS SELECT 'p' || i AS platform_id, 'messenger' AS category FROM range(12) t(i)`,
		`CREATE OR REPLACE VIEW mau AS SELECT 'KR' AS country, period_start, 'day' AS period_grain, CAST(period_start AS VARCHAR) AS period_label,
		  'daily_users' AS metric, 'panel' AS estimator, 'P' AS source, platform_id, value, 'persons' AS unit, []::VARCHAR[] AS flags, 'https://panel.example/' || platform_id AS source_url
		  FROM (VALUES `+strings.Join(rows, ",")+`) t(period_start, platform_id, value)`,
		allThresholds)
	recs := runAnalysis(t, db, "concentration", nil)
	if len(recs) != 200 {
		t.Fatalf("%d markets, want 200", len(recs))
	}
	for _, r := range recs {
		n := float64(r["n_platforms"].(int64))
		hhi, _ := asFloat(r["hhi"])
		if hhi < 10000/n-1e-9 || hhi > 10000+1e-9 {
			t.Errorf("%s: HHI %v outside [10000/%v, 10000]", r["period_label"], hhi, n)
		}
		sum := 0.0
		for _, s := range r["shares"].([]any) {
			f, _ := asFloat(s)
			sum += f
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("%s: shares sum to %v", r["period_label"], sum)
		}
		cr1, _ := asFloat(r["cr1"])
		cr3, _ := asFloat(r["cr3"])
		cr4, _ := asFloat(r["cr4"])
		if !(cr1 <= cr3+1e-12 && cr3 <= cr4+1e-12 && cr4 <= 1+1e-12) {
			t.Errorf("%s: CR1 %v CR3 %v CR4 %v out of order", r["period_label"], cr1, cr3, cr4)
		}
	}
}

func TestConcentrationTimeSpentAndReach(t *testing.T) {
	// Time spent: A's total usage is given (600 h); B has 30 min per user
	// × 400 daily users = 200 h. Shares 0.75 / 0.25: HHI 5625 + 625 = 6250.
	// Reach with 1000 internet users: leader 800 / 1000 daily users.
	db := openWith(t,
		`CREATE OR REPLACE VIEW platforms AS SELECT * FROM (VALUES ('a','messenger'),('b','messenger')) t(platform_id, category)`,
		`CREATE OR REPLACE VIEW mau AS SELECT 'KR' AS country, DATE '2022-10-15' AS period_start, 'day' AS period_grain, '2022-10-15' AS period_label,
		  metric, 'panel' AS estimator, 'P' AS source, platform_id, value, unit, []::VARCHAR[] AS flags, 'https://panel.example/' || platform_id AS source_url
		  FROM (VALUES ('a','total_usage_time',600.0,'hours'), ('a','daily_active_users',800.0,'persons'),
		               ('b','usage_time_per_user',30.0,'minutes'), ('b','daily_active_users',400.0,'persons')) t(platform_id, metric, value, unit)`,
		allThresholds)
	recs := runAnalysis(t, db, "concentration", map[string]string{"internet_users": "1000"})
	time := where(recs, "measure", "time_spent")
	if len(time) != 1 || !near(time[0]["hhi"], 6250, 1e-9) || time[0]["unit"] != "hours" || time[0]["reach_leader"] != nil {
		t.Fatalf("time spent rows = %v", time)
	}
	daily := where(recs, "measure", "daily_users")
	if len(daily) != 1 || !near(daily[0]["reach_leader"], 0.8, 1e-12) || !near(daily[0]["reach_total"], 1.2, 1e-12) {
		t.Fatalf("daily rows = %v", daily)
	}
	// Without a stated number of internet users there is no reach.
	if r := where(runAnalysis(t, db, "concentration", nil), "measure", "daily_users")[0]; r["reach_leader"] != nil {
		t.Fatalf("reach without internet_users: %v", r["reach_leader"])
	}
}

func TestConcentrationSeedMessengers(t *testing.T) {
	// WiseApp·Retail, October 2025, Korean messenger MAU (millions):
	// KakaoTalk 47.97, Discord 6.44, Telegram 4.28, Facebook Messenger 1.58,
	// WeChat 1.18, WhatsApp 1.06, NateOn 0.55; total 63.06.
	// HHI = Σ(100·v/63.06)² ≈ 5787 + 104 + 46 + 6 + 4 + 3 + 1 ≈ 5950.
	values := []float64{47.97, 6.44, 4.28, 1.58, 1.18, 1.06, 0.55}
	want := 0.0
	for _, v := range values {
		want += math.Pow(100*v/63.06, 2)
	}
	recs := runAnalysis(t, openSeed(t), "concentration", nil)
	r := where(recs, "period_label", "2025-10", "source", "WiseApp·Retail")
	if len(r) != 1 || !near(r[0]["hhi"], want, 1e-6) || !near(r[0]["hhi"], 5950, 1) {
		t.Fatalf("2025-10 WiseApp messenger market = %v, want HHI %.1f", r, want)
	}
	if srcs, _ := r[0]["sources"].([]any); len(srcs) == 0 {
		t.Fatalf("2025-10 market cites no source")
	}
	if r[0]["leader"] != "kakaotalk" || r[0]["kftc_presumption"] != "CR1 >= 50%: leader presumed dominant" {
		t.Fatalf("leader %v, KFTC %v", r[0]["leader"], r[0]["kftc_presumption"])
	}
	// IGAWorks, 2022-10-15: time spent, KakaoTalk 10.41M h (given) against
	// LINE 11.95 min × 970,000 DAU / 60 = 193,191.7 h.
	line := 11.95 * 970000 / 60
	s := 10410000 / (10410000 + line)
	ts := where(recs, "measure", "time_spent")
	if len(ts) != 1 || !near(ts[0]["hhi"], 10000*(s*s+(1-s)*(1-s)), 1e-6) {
		t.Fatalf("time spent = %v", ts)
	}
}

func BenchmarkConcentration(b *testing.B) { benchAnalysis(b, "concentration", nil) }
