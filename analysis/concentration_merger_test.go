package analysis

import (
	"errors"
	"math"
	"strings"
	"testing"
)

const mg23Citation = "US DOJ/FTC Merger Guidelines 2023 (sec. 2.1), Guideline 1: https://www.justice.gov/atr/2023-merger-guidelines"

func TestConcentrationMergerHandWorked(t *testing.T) {
	// 30/30/20/20: HHI 2600. Merging c and d (20 + 20): merged share 40%,
	// ΔHHI = 2·20·20 = 800, post-merger HHI 900 + 900 + 1600 = 3400.
	// Merging a and b gives 60%: ΔHHI 1800, post 3600 + 800 = 4400.
	for _, tc := range []struct {
		merge, merger   string
		share, delta    float64
		post            float64
		hhiVerdict      string
		shareVerdict    string
		hhiLegs, shLegs string
	}{
		{"c,d", "c+d", 0.4, 800, 3400, "met", "met",
			"post-merger HHI 3400.0 > 1800: met; ΔHHI 800.0 > 100: met", "merged share 40.0% > 30%: met; ΔHHI 800.0 > 100: met"},
		{" b , a ", "a+b", 0.6, 1800, 4400, "met", "met",
			"post-merger HHI 4400.0 > 1800: met; ΔHHI 1800.0 > 100: met", "merged share 60.0% > 30%: met; ΔHHI 1800.0 > 100: met"},
	} {
		db := openWith(t, marketOf("('a',30.0),('b',30.0),('c',20.0),('d',20.0)")...)
		r := runAnalysis(t, db, "concentration", map[string]string{"merge": tc.merge})[0]
		if !near(r["pre_merger_hhi"], 2600, 1e-9) || !near(r["hhi"], 2600, 1e-9) {
			t.Errorf("%s: pre-merger HHI %v", tc.merge, r["pre_merger_hhi"])
		}
		if !near(r["merged_share"], tc.share, 1e-12) || !near(r["merger_delta_hhi"], tc.delta, 1e-9) || !near(r["post_merger_hhi"], tc.post, 1e-9) {
			t.Errorf("%s: share %v Δ %v post %v, want %v %v %v", tc.merge, r["merged_share"], r["merger_delta_hhi"], r["post_merger_hhi"], tc.share, tc.delta, tc.post)
		}
		for col, want := range map[string]any{"mg23_hhi_presumption": tc.hhiVerdict, "mg23_share_presumption": tc.shareVerdict,
			"mg23_hhi_legs": tc.hhiLegs, "mg23_share_legs": tc.shLegs, "mg23_citation": mg23Citation} {
			if r[col] != want {
				t.Errorf("%s: %s = %v, want %v", tc.merge, col, r[col], want)
			}
		}
		if r["merger"] != tc.merger {
			t.Errorf("%s: merger %v", tc.merge, r["merger"])
		}
	}
	// Without merge nothing of a merger appears: a change between periods
	// stays a change.
	db := openWith(t, marketOf("('a',30.0),('b',30.0),('c',20.0),('d',20.0)")...)
	r := runAnalysis(t, db, "concentration", nil)[0]
	for _, col := range []string{"merger", "post_merger_hhi", "merger_delta_hhi", "merged_share", "mg23_hhi_presumption", "mg23_share_presumption", "mg23_citation"} {
		if r[col] != nil {
			t.Errorf("without merge, %s = %v", col, r[col])
		}
	}
}

// ΔHHI = 2·s_a·s_b whatever the other firms hold, and the post-merger HHI
// is the HHI with the two shares summed.
func TestConcentrationMergerDeltaIsTwiceTheProduct(t *testing.T) {
	for _, vals := range []string{"('a',45.0),('b',25.0),('c',9.0),('d',21.0)", "('a',1.0),('b',2.0),('c',3.0),('d',94.0)", "('a',5.0),('b',5.0)"} {
		db := openWith(t, marketOf(vals)...)
		r := runAnalysis(t, db, "concentration", map[string]string{"merge": "a,b"})[0]
		shares := r["shares"].([]any)
		platforms := r["platforms"].([]any)
		s := map[string]float64{}
		for i, p := range platforms {
			s[p.(string)], _ = asFloat(shares[i])
		}
		delta := 2 * (100 * s["a"]) * (100 * s["b"])
		post := 0.0
		for p, v := range s {
			if p != "a" && p != "b" {
				post += math.Pow(100*v, 2)
			}
		}
		post += math.Pow(100*(s["a"]+s["b"]), 2)
		if !near(r["merger_delta_hhi"], delta, 1e-9) || !near(r["post_merger_hhi"], post, 1e-9) || !near(r["merged_share"], s["a"]+s["b"], 1e-12) {
			t.Errorf("%s: Δ %v post %v share %v, want %v %v %v", vals, r["merger_delta_hhi"], r["post_merger_hhi"], r["merged_share"], delta, post, s["a"]+s["b"])
		}
	}
}

// The seed's messenger markets (WiseApp·Retail October 2025 MAU: KakaoTalk
// 47.97M, Discord 6.44M, Telegram 4.28M, Facebook Messenger 1.58M, WeChat
// 1.18M, WhatsApp 1.06M, NateOn 0.55M; total 63.06M).
func TestConcentrationMergerSeed(t *testing.T) {
	db := openSeed(t)
	pct := func(v float64) float64 { return 100 * v / 63.06 }
	pre := 0.0
	for _, v := range []float64{47.97, 6.44, 4.28, 1.58, 1.18, 1.06, 0.55} {
		pre += pct(v) * pct(v)
	}

	// Discord + Telegram: ΔHHI = 2·10.21·6.79 ≈ 138.6 > 100 and the market
	// stays above 1,800: Guideline 1's HHI presumption is met; 17.0% is
	// below 30%, so the share presumption is not.
	recs := runAnalysis(t, db, "concentration", map[string]string{"merge": "telegram,discord"})
	r := where(recs, "period_label", "2025-10", "source", "WiseApp·Retail")
	if len(r) != 1 {
		t.Fatalf("2025-10 WiseApp rows %v", r)
	}
	delta := 2 * pct(6.44) * pct(4.28)
	if !near(r[0]["merger_delta_hhi"], delta, 1e-6) || !near(r[0]["merger_delta_hhi"], 138.6, 0.1) ||
		!near(r[0]["post_merger_hhi"], pre+delta, 1e-6) || !near(r[0]["merged_share"], (6.44+4.28)/63.06, 1e-9) {
		t.Fatalf("discord+telegram: %v", r[0])
	}
	if r[0]["merger"] != "discord+telegram" || r[0]["mg23_hhi_presumption"] != "met" || r[0]["mg23_share_presumption"] != "not met" ||
		r[0]["mg23_share_legs"] != "merged share 17.0% > 30%: not met; ΔHHI 138.6 > 100: met" || r[0]["mg23_citation"] != mg23Citation {
		t.Fatalf("discord+telegram verdicts: %v / %v / %v", r[0]["mg23_hhi_presumption"], r[0]["mg23_share_presumption"], r[0]["mg23_share_legs"])
	}
	// Where Discord was not measured (WiseApp's daily figures of the fire,
	// IGAWorks) the merger cannot be assessed: undetermined, naming why.
	day := where(recs, "period_label", "2022-10-14", "source", "WiseApp·Retail")
	want := "undetermined: post-merger HHI, ΔHHI no data (not observed in this market: discord)"
	if len(day) != 1 || day[0]["mg23_hhi_presumption"] != want || day[0]["merged_share"] != nil || day[0]["post_merger_hhi"] != nil {
		t.Fatalf("2022-10-14: %v", day)
	}
	for _, r := range recs {
		if r["merger"] != "discord+telegram" || r["mg23_hhi_presumption"] == nil || r["mg23_share_presumption"] == nil {
			t.Errorf("%s %s: merger %v verdicts %v %v", r["source"], r["period_label"], r["merger"], r["mg23_hhi_presumption"], r["mg23_share_presumption"])
		}
	}

	// WhatsApp + NateOn: the market is highly concentrated, but ΔHHI =
	// 2·1.68·0.87 ≈ 2.9: neither presumption is met.
	r = where(runAnalysis(t, db, "concentration", map[string]string{"merge": "whatsapp,nateon"}), "period_label", "2025-10")
	if len(r) != 1 || !near(r[0]["merger_delta_hhi"], 2*pct(1.06)*pct(0.55), 1e-6) ||
		r[0]["mg23_hhi_presumption"] != "not met" || r[0]["mg23_share_presumption"] != "not met" ||
		r[0]["mg23_hhi_legs"] != "post-merger HHI 5953.4 > 1800: met; ΔHHI 2.9 > 100: not met" {
		t.Fatalf("whatsapp+nateon: %v", r)
	}

	// KakaoTalk + LINE on IGAWorks, August 2022 (43,196,403 and 1,646,544
	// MAU): the merged firm is the whole measured market, post-merger HHI
	// 10,000, ΔHHI = 2·96.33·3.67 ≈ 707.4; both presumptions met.
	r = where(runAnalysis(t, db, "concentration", map[string]string{"merge": "kakaotalk,line"}), "period_label", "2022-08")
	sk, sl := 43196403.0/(43196403+1646544), 1646544.0/(43196403+1646544)
	if len(r) != 1 || !near(r[0]["post_merger_hhi"], 10000, 1e-6) || !near(r[0]["merger_delta_hhi"], 2*100*sk*100*sl, 1e-6) ||
		!near(r[0]["merger_delta_hhi"], 707.4, 0.1) || !near(r[0]["merged_share"], 1, 1e-12) ||
		r[0]["mg23_hhi_presumption"] != "met" || r[0]["mg23_share_presumption"] != "met" {
		t.Fatalf("kakaotalk+line: %v", r)
	}
}

func TestConcentrationMergerBadIDs(t *testing.T) {
	db := openSeed(t)
	a, _ := Lookup("concentration")
	for _, tc := range []struct{ merge, want string }{
		{"kakaotalk,nosuchapp,zzz", "unknown platform id(s) nosuchapp, zzz"},
		{"kakaotalk", "two or more distinct platform ids"},
		{"kakaotalk,kakaotalk", "two or more distinct platform ids"},
		{"kakaotalk,naver", "naver (portal) not in the market \"messenger\""},
	} {
		_, err := db.Run(t.Context(), a, map[string]string{"merge": tc.merge})
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Param != "merge" || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("merge=%s: %v, want a ParamError naming %q", tc.merge, err, tc.want)
		}
	}
}

// A line missing from thresholds leaves its leg without data: the verdict
// is undetermined unless another leg already fails it.
func TestConcentrationMergerMissingLine(t *testing.T) {
	noShareLine := `CREATE OR REPLACE VIEW thresholds AS SELECT *, 'US DOJ/FTC Merger Guidelines 2023 (sec. 2.1)' AS regime,
	  'https://www.justice.gov/atr/2023-merger-guidelines' AS legal_text, legal_text AS source_url FROM (VALUES
	  ('us_mg_2023', 'hhi_high', 1800.0), ('us_mg_2023', 'hhi_moderate', 1000.0), ('us_mg_2023', 'delta_hhi', 100.0))
	  t(regime_id, metric, value)`
	for _, tc := range []struct {
		merge, share string
	}{
		// c + d: ΔHHI 800 > 100 met, the share leg has no line.
		{"c,d", "undetermined: merged share no data (no line in thresholds)"},
		// a + e (30 + 1 of 30/30/19/20/1): ΔHHI 2·30·1 = 60 fails it whatever the share.
		{"a,e", "not met"},
	} {
		stmts := marketOf("('a',30.0),('b',30.0),('c',19.0),('d',20.0),('e',1.0)")
		stmts[0] = `CREATE OR REPLACE VIEW platforms AS SELECT * FROM (VALUES ('a','messenger'),('b','messenger'),('c','messenger'),('d','messenger'),('e','messenger')) t(platform_id, category)`
		db := openWith(t, append(stmts, noShareLine)...)
		r := runAnalysis(t, db, "concentration", map[string]string{"merge": tc.merge})[0]
		if r["mg23_share_presumption"] != tc.share {
			t.Errorf("%s: share presumption %q, want %q (legs %v)", tc.merge, r["mg23_share_presumption"], tc.share, r["mg23_share_legs"])
		}
	}
}
