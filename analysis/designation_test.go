package analysis

import (
	"strings"
	"testing"
)

// designationLines are the seed's regulatory lines for the tested regimes.
const designationLines = `CREATE OR REPLACE VIEW thresholds AS SELECT regime_id, regime, metric, value, unit, combine,
  CAST(effective_from AS DATE) AS effective_from, 'https://press.example/' || regime_id AS source_url,
  'https://law.example/' || regime_id AS legal_text FROM (VALUES
  ('eu_dma_3_2_a', 'EU DMA Art.3(2)(a)', 'eu_turnover', 7500000000.0, 'EUR', 'or', NULL),
  ('eu_dma_3_2_a', 'EU DMA Art.3(2)(a)', 'market_cap', 75000000000.0, 'EUR', 'or', NULL),
  ('eu_dma_3_2_a', 'EU DMA Art.3(2)(a)', 'member_states', 3.0, 'member states', '', NULL),
  ('eu_dma_3_2_b', 'EU DMA Art.3(2)(b)', 'mau', 45000000.0, 'persons', '', NULL),
  ('eu_dma_3_2_b', 'EU DMA Art.3(2)(b)', 'business_users', 10000.0, 'business users', '', NULL),
  ('eu_dma_3_2_c', 'EU DMA Art.3(2)(c)', 'years', 3.0, 'financial years', '', NULL),
  ('kr_disaster_mgmt_2023', 'KR disaster management', 'daily_users', 10000000.0, 'persons', 'or', '2023-07-04'),
  ('kr_disaster_mgmt_2023', 'KR disaster management', 'traffic_share', 2.0, 'percent', 'or', '2023-07-04'),
  ('kr_tba_22_7', 'KR TBA Art.22-7', 'daily_users', 1000000.0, 'persons', 'and', '2020-12-10'),
  ('kr_tba_22_7', 'KR TBA Art.22-7', 'traffic_share', 1.0, 'percent', 'and', '2020-12-10'))
  t(regime_id, regime, metric, value, unit, combine, effective_from)`

// designationMoney is companies' money: (company, metric, year start, value, currency).
func designationMoney(rows string) string {
	return `CREATE OR REPLACE VIEW financials AS SELECT company, metric, d AS period_start, 'year' AS period_grain,
	  'FY' || year(d) AS period_label, value, currency, 'https://ir.example/' || company AS source_url
	  FROM (VALUES ` + rows + `) t(company, metric, d, value, currency)`
}

// designationCase is one platform's figures: (platform, metric, day, value, unit).
func designationCase(rows string) []string {
	return []string{
		`CREATE OR REPLACE VIEW platforms AS SELECT DISTINCT platform_id, upper(platform_id) AS name, platform_id || ' Co' AS company FROM (VALUES ` + rows + `) t(platform_id, metric, d, value, unit)`,
		`CREATE OR REPLACE VIEW mau AS SELECT platform_id, 'KR' AS country, metric, d AS period_start,
		  CASE WHEN metric = 'mau' THEN 'quarter' WHEN metric IN ('traffic_share', 'business_users', 'member_states') THEN 'year' ELSE 'day' END AS period_grain,
		  CAST(d AS VARCHAR) AS period_label, value, unit, 'panel' AS estimator, 'P' AS source, []::VARCHAR[] AS flags,
		  'https://data.example/' || platform_id AS source_url
		  FROM (VALUES ` + rows + `) t(platform_id, metric, d, value, unit)`,
		designationLines,
	}
}

func TestDesignationEachSideOfEachLine(t *testing.T) {
	db := openWith(t, append(designationCase(`
	  ('kr_at',     'daily_users',   DATE '2022-11-01', 10000000.0, 'persons'),
	  ('kr_below',  'daily_users',   DATE '2022-11-01',  9999999.0, 'persons'),
	  ('kr_traffic','daily_users',   DATE '2022-11-01',  5000000.0, 'persons'),
	  ('kr_traffic','traffic_share', DATE '2022-01-01',        2.0, 'percent'),
	  ('tba_at',    'daily_users',   DATE '2022-11-01',  1000000.0, 'persons'),
	  ('tba_at',    'traffic_share', DATE '2022-01-01',        1.0, 'percent'),
	  ('tba_users', 'daily_users',   DATE '2022-11-01',   999999.0, 'persons'),
	  ('tba_users', 'traffic_share', DATE '2022-01-01',        5.0, 'percent'),
	  ('tba_share', 'daily_users',   DATE '2022-11-01',  2000000.0, 'persons'),
	  ('tba_share', 'traffic_share', DATE '2022-01-01',       0.99, 'percent'),
	  ('tba_only',  'daily_users',   DATE '2022-11-01',  2000000.0, 'persons'),
	  ('dma_at',    'mau',           DATE '2021-01-01', 45000000.0, 'persons'),
	  ('dma_at',    'business_users',DATE '2021-01-01',    10000.0, 'business users'),
	  ('dma_at',    'mau',           DATE '2022-01-01', 45000000.0, 'persons'),
	  ('dma_at',    'business_users',DATE '2022-01-01',    10000.0, 'business users'),
	  ('dma_at',    'mau',           DATE '2023-01-01', 45000000.0, 'persons'),
	  ('dma_at',    'business_users',DATE '2023-01-01',    10000.0, 'business users'),
	  ('dma_below', 'mau',           DATE '2023-01-01', 44999999.0, 'persons'),
	  ('dma_below', 'business_users',DATE '2023-01-01',    10000.0, 'business users'),
	  ('dma_biz',   'mau',           DATE '2023-01-01', 50000000.0, 'persons'),
	  ('dma_biz',   'business_users',DATE '2023-01-01',     9999.0, 'business users'),
	  ('dma_at',    'member_states', DATE '2023-01-01',       27.0, 'member states'),
	  ('dma_undet', 'mau',           DATE '2023-01-01', 50000000.0, 'persons'),
	  ('dma_undet', 'business_users',DATE '2023-01-01',    20000.0, 'business users')`),
		designationMoney(`
	  ('dma_at Co', 'turnover', DATE '2021-01-01', 7500000000.0, 'EUR'),
	  ('dma_at Co', 'turnover', DATE '2022-01-01', 7500000000.0, 'EUR'),
	  ('dma_at Co', 'turnover', DATE '2023-01-01', 7500000000.0, 'EUR')`))...)
	recs := runAnalysis(t, db, "designation", nil)
	tests := []struct {
		platform, regime, period, metric, crosses string
	}{
		// Korea's post-fire rule: 10M daily users OR 2% of traffic.
		{"kr_at", "kr_disaster_mgmt_2023", "Q4 2022", "daily_users", "true"},
		{"kr_at", "kr_disaster_mgmt_2023", "Q4 2022", "traffic_share", "unknown"},
		{"kr_at", "kr_disaster_mgmt_2023", "Q4 2022", "designation", "true"},
		{"kr_below", "kr_disaster_mgmt_2023", "Q4 2022", "daily_users", "false"},
		{"kr_below", "kr_disaster_mgmt_2023", "Q4 2022", "designation", "unknown"},
		{"kr_traffic", "kr_disaster_mgmt_2023", "Q4 2022", "daily_users", "false"},
		{"kr_traffic", "kr_disaster_mgmt_2023", "Q4 2022", "traffic_share", "true"},
		{"kr_traffic", "kr_disaster_mgmt_2023", "Q4 2022", "designation", "true"},
		// TBA Art. 22-7: 1M daily users AND 1% of traffic.
		{"tba_at", "kr_tba_22_7", "Q4 2022", "designation", "true"},
		{"tba_users", "kr_tba_22_7", "Q4 2022", "daily_users", "false"},
		{"tba_users", "kr_tba_22_7", "Q4 2022", "designation", "false"},
		{"tba_share", "kr_tba_22_7", "Q4 2022", "traffic_share", "false"},
		{"tba_share", "kr_tba_22_7", "Q4 2022", "designation", "false"},
		{"tba_only", "kr_tba_22_7", "Q4 2022", "daily_users", "true"},
		{"tba_only", "kr_tba_22_7", "Q4 2022", "designation", "unknown"},
		// DMA: 45M monthly end users AND 10k business users, three years running.
		{"dma_at", "eu_dma_3_2_b", "FY2023", "mau", "true"},
		{"dma_at", "eu_dma_3_2_b", "FY2023", "business_users", "true"},
		{"dma_at", "eu_dma_3_2_c", "FY2023", "years", "true"},
		{"dma_at", "eu_dma_3_2", "FY2023", "designation", "true"},
		{"dma_at", "eu_dma_3_2_c", "FY2022", "years", "unknown"}, // FY2020 has no data
		{"dma_below", "eu_dma_3_2_b", "FY2023", "mau", "false"},
		{"dma_below", "eu_dma_3_2", "FY2023", "designation", "false"},
		{"dma_biz", "eu_dma_3_2_b", "FY2023", "business_users", "false"},
		{"dma_biz", "eu_dma_3_2", "FY2023", "designation", "false"},
		// DMA Art. 3(2)(a): EUR 7.5bn in each of three years, in 27 Member States.
		{"dma_at", "eu_dma_3_2_a", "FY2023", "eu_turnover", "true"},
		{"dma_at", "eu_dma_3_2_a", "FY2023", "market_cap", "unknown"},
		{"dma_at", "eu_dma_3_2_a", "FY2023", "member_states", "true"},
		{"dma_at", "eu_dma_3_2_a", "FY2023", "art_3_2_a", "true"},
		{"dma_at", "eu_dma_3_2_a", "FY2022", "eu_turnover", "unknown"}, // FY2020 has no data
		{"dma_undet", "eu_dma_3_2_a", "FY2023", "art_3_2_a", "unknown"},
		{"dma_undet", "eu_dma_3_2", "FY2023", "designation", "unknown"},
	}
	for _, tc := range tests {
		r := where(recs, "platform_id", tc.platform, "regime_id", tc.regime, "period", tc.period, "metric", tc.metric)
		if len(r) != 1 {
			t.Errorf("%s %s %s %s: %d rows", tc.platform, tc.regime, tc.period, tc.metric, len(r))
			continue
		}
		if r[0]["crosses"] != tc.crosses {
			t.Errorf("%s %s %s %s: crosses %v, want %s (%v)", tc.platform, tc.regime, tc.period, tc.metric, r[0]["crosses"], tc.crosses, r[0]["data_basis"])
		}
	}
	// Every row cites the primary text of its line, not the press page.
	for _, r := range recs {
		if c := asString(r["legal_citation"]); !strings.HasPrefix(c, "https://law.example/") {
			t.Fatalf("row without the primary text as its citation: %v", r)
		}
	}
	// A verdict row says met / not met / undetermined and names the legs
	// without data; a leg row is never a verdict.
	for _, tc := range []struct{ platform, regime, period, verdict, legs string }{
		{"kr_at", "kr_disaster_mgmt_2023", "Q4 2022", "met", "OR: daily_users met (10,000,000 vs 10,000,000); traffic_share no data"},
		{"kr_below", "kr_disaster_mgmt_2023", "Q4 2022", "undetermined: traffic_share has no data",
			"OR: daily_users not met (9,999,999 vs 10,000,000); traffic_share no data"},
		{"tba_users", "kr_tba_22_7", "Q4 2022", "not met", "AND: daily_users not met (999,999 vs 1,000,000); traffic_share met (5 vs 1)"},
		{"tba_only", "kr_tba_22_7", "Q4 2022", "undetermined: traffic_share has no data",
			"AND: daily_users met (2,000,000 vs 1,000,000); traffic_share no data"},
		{"dma_at", "eu_dma_3_2", "FY2023", "met",
			"AND: art_3_2_a met; business_users met (10,000 vs 10,000); mau met (45,000,000 vs 45,000,000); years met (3 vs 3)"},
		{"dma_undet", "eu_dma_3_2", "FY2023", "undetermined: eu_turnover, market_cap, member_states, years have no data",
			"AND: art_3_2_a no data; business_users met (20,000 vs 10,000); mau met (50,000,000 vs 45,000,000); years no data (1 vs 3)"},
	} {
		r := where(recs, "platform_id", tc.platform, "regime_id", tc.regime, "period", tc.period, "row_type", "verdict")
		if len(r) != 1 || r[0]["verdict"] != tc.verdict || r[0]["legs"] != tc.legs || r[0]["leg_result"] != nil {
			t.Errorf("%s %s verdict: %v, want %q / %q", tc.platform, tc.regime, r, tc.verdict, tc.legs)
		}
	}
	for _, r := range where(recs, "row_type", "leg") {
		if r["verdict"] != nil || r["leg_result"] == nil {
			t.Fatalf("leg row with a verdict: %v", r)
		}
	}
}

// Turnover in another currency is converted at the cited annual rates
// (data/vocab/fx.csv): KRW 10tn in 2022 is 10e12 / 1291.7796 KRW per USD
// / 1.0534 USD per EUR = EUR 7.349bn (7,348,831,069), under the EUR 7.5bn line. A
// currency-year without a cited rate is not converted and stays unknown.
func TestDesignationTurnoverInEUR(t *testing.T) {
	db := openWith(t, append(designationCase(`
	  ('krw', 'mau', DATE '2022-01-01', 50000000.0, 'persons'),
	  ('norate', 'mau', DATE '2022-01-01', 50000000.0, 'persons')`),
		designationMoney(`
	  ('krw Co', 'turnover', DATE '2022-01-01', 10000000000000.0, 'KRW'),
	  ('norate Co', 'turnover', DATE '2022-01-01', 1000000000.0, 'XAF')`))...)
	recs := runAnalysis(t, db, "designation", nil)
	r := where(recs, "platform_id", "krw", "metric", "eu_turnover", "period", "FY2022")
	if len(r) != 1 || r[0]["crosses"] != "false" || !near(r[0]["value"], 10e12/1291.7796/1.0534, 1e-9) {
		t.Fatalf("KRW turnover: %v", r)
	}
	if b := asString(r[0]["data_basis"]); !strings.Contains(b, "FY2022 10,000,000,000,000 KRW = EUR 7,348,831,069") {
		t.Fatalf("KRW basis %q", b)
	}
	// Not met in FY2022 whatever FY2020-21 were: the 3(2)(a) turnover leg is false.
	n := where(recs, "platform_id", "norate", "metric", "eu_turnover", "period", "FY2022")
	if len(n) != 1 || n[0]["crosses"] != "unknown" || !strings.Contains(asString(n[0]["data_basis"]), "no cited EUR rate for XAF 2022") {
		t.Fatalf("turnover without a rate: %v", n)
	}
}

func TestDesignationDAUFromMAUOnlyWhenStated(t *testing.T) {
	rows := designationCase(`('app', 'mau', DATE '2022-10-01', 30000000.0, 'persons')`)
	db := openWith(t, rows...)
	unknown := where(runAnalysis(t, db, "designation", nil), "regime_id", "kr_disaster_mgmt_2023", "metric", "daily_users")
	if len(unknown) != 1 || unknown[0]["crosses"] != "unknown" || unknown[0]["value"] != nil {
		t.Fatalf("without a ratio: %v", unknown)
	}
	// 30M MAU × 0.5 = 15M daily users ≥ 10M, and the row says how.
	est := where(runAnalysis(t, db, "designation", map[string]string{"dau_mau_ratio": "0.5"}), "regime_id", "kr_disaster_mgmt_2023", "metric", "daily_users")
	if len(est) != 1 || est[0]["crosses"] != "true" || !near(est[0]["value"], 15e6, 1e-6) {
		t.Fatalf("with ratio 0.5: %v", est)
	}
	if b := asString(est[0]["data_basis"]); b != "estimate: MAU 30000000 (2022-10-01) x stated DAU/MAU ratio 0.5" {
		t.Fatalf("data basis %q", b)
	}
}

func TestDesignationSeed(t *testing.T) {
	recs := runAnalysis(t, openSeed(t), "designation", nil)
	tests := []struct {
		platform, regime, metric, source string
		value                            float64
		crosses                          string
	}{
		// WiseApp daily users, 2022-10-14 and -16: (41.12M + 39.05M) / 2.
		{"kakaotalk", "kr_disaster_mgmt_2023", "daily_users", "WiseApp·Retail", 40085000, "true"},
		// LINE (0.43M + 1.28M) / 2 = 0.855M < 1M: the AND fails whatever the traffic.
		{"line", "kr_tba_22_7", "daily_users", "WiseApp·Retail", 855000, "false"},
		{"line", "kr_tba_22_7", "designation", "WiseApp·Retail", -1, "false"},
		// Telegram (1.06M + 1.28M) / 2 = 1.17M ≥ 1M, traffic unknown.
		{"telegram", "kr_tba_22_7", "daily_users", "WiseApp·Retail", 1170000, "true"},
		{"telegram", "kr_tba_22_7", "designation", "WiseApp·Retail", -1, "unknown"},
		// Kakao IR: 2019 average (44.41M + 44.859M) / 2 = 44.6345M < 45M;
		// 2020 (45.19M, 45.5M lower bound, 45.981M) averages 45.557M.
		{"kakaotalk", "eu_dma_3_2_b", "mau", "Kakao IR", 44634500, "false"},
	}
	for _, tc := range tests {
		r := where(recs, "platform_id", tc.platform, "regime_id", tc.regime, "metric", tc.metric, "source", tc.source, "period", map[string]string{
			"kr_disaster_mgmt_2023": "Q4 2022", "kr_tba_22_7": "Q4 2022", "eu_dma_3_2_b": "FY2019"}[tc.regime])
		if len(r) != 1 || r[0]["crosses"] != tc.crosses || (tc.value >= 0 && !near(r[0]["value"], tc.value, 1e-6)) {
			t.Errorf("%s %s %s: %v, want %v %s", tc.platform, tc.regime, tc.metric, r, tc.value, tc.crosses)
		}
	}
	if r := where(recs, "platform_id", "kakaotalk", "regime_id", "eu_dma_3_2_b", "metric", "mau", "period", "FY2020", "source", "Kakao IR"); len(r) != 1 || r[0]["crosses"] != "true" {
		t.Errorf("KakaoTalk FY2020 on Kakao IR: %v", r)
	}
}

func BenchmarkDesignation(b *testing.B) { benchAnalysis(b, "designation", nil) }
