package analysis

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/data/schema"
)

// lockinViews builds services, platforms, mau and dependencies for one
// gateway, "kakao", observed on 2022-10-15.
func lockinViews(services, platforms, mau, deps string) []string {
	return []string{
		`CREATE OR REPLACE VIEW services AS SELECT 'kakao' AS gateway_id, service_id, DATE '2022-10-15' AS observed_at,
		  name_en, '' AS name_ko, category, third_party, account_linked, '' AS platform_id
		  FROM (VALUES ` + services + `) t(service_id, name_en, category, third_party, account_linked)`,
		`CREATE OR REPLACE VIEW platforms AS SELECT platform_id, name, '' AS name_ko, category FROM (VALUES ` + platforms + `) t(platform_id, name, category)`,
		`CREATE OR REPLACE VIEW mau AS SELECT platform_id, 'KR' AS country, 'mau' AS metric, DATE '2022-08-01' AS period_start,
		  '2022-08' AS period_label, value, 'persons' AS unit, 'IGAWorks Mobile Index' AS source, []::VARCHAR[] AS flags
		  FROM (VALUES ` + mau + `) t(platform_id, value)`,
		`CREATE OR REPLACE VIEW dependencies AS SELECT *, DATE '2022-10-15' AS observed_at, TIMESTAMPTZ '2022-10-16 00:00:00+00' AS fetched_at
		  FROM (VALUES ` + deps + `) t(from_id, to_id, kind)`,
	}
}

func TestLockinHandWorked(t *testing.T) {
	// Own services: talk calls (messaging, through KakaoTalk), Kakao Map
	// (maps), a map widget without the account (maps). Third parties: shop1
	// logs in with Kakao, shop2 only pays with it.
	//   breadth    = 2 categories / 17
	//   dependence = 2 of 3 own services need the account
	//   coverage   = (KakaoTalk 60 + KakaoMap 30) / (60 + 30 + rival map 10) = 0.9;
	//                the social app (100) is in no opened category
	//   composite  = (2/17 · 2/3 · 0.9)^(1/3)
	//   sso        = 1 of 2 third parties
	db := openWith(t, lockinViews(
		`('talk_calls', 'Talk calls', 'messaging', false, true), ('kakao_map', 'Kakao Map', 'maps', false, true),
		 ('map_widget', 'Map widget', 'maps', false, false), ('shop1', 'Shop 1', 'commerce', true, true), ('shop2', 'Shop 2', 'commerce', true, false)`,
		`('kakaotalk', 'KakaoTalk', 'messenger'), ('kakaomap', 'KakaoMap', 'maps'), ('rivalmap', 'Rival Map', 'maps'), ('social', 'Social', 'social')`,
		`('kakaotalk', 60.0), ('kakaomap', 30.0), ('rivalmap', 10.0), ('social', 100.0)`,
		`('talk_calls', 'kakaotalk', 'gateway'), ('kakao_map', 'kakao_account', 'account'), ('map_widget', 'kakao_account', 'account'),
		 ('kakaotalk', 'kakao_account', 'account'), ('shop1', 'kakao_login', 'login'), ('kakao_login', 'kakao_account', 'account'),
		 ('shop2', 'kakaopay', 'payment')`)...)
	recs := runAnalysis(t, db, "lockin", nil)
	if len(recs) != 1 {
		t.Fatalf("%d rows, want 1", len(recs))
	}
	r := recs[0]
	want := map[string]float64{
		"breadth": 2.0 / 17, "dependence": 2.0 / 3, "coverage": 0.9,
		"composite": math.Cbrt(2.0 / 17 * 2 / 3 * 0.9), "sso_reach": 1, "sso_share": 0.5,
		// talk_calls, kakao_map, map_widget and shop1 have edges into
		// {kakao_account, kakao_login, kakaotalk}; shop2 does not.
		"in_degree": 4, "dependents": 4,
	}
	for col, w := range want {
		if !near(r[col], w, 1e-12) {
			t.Errorf("%s = %v, want %v", col, r[col], w)
		}
	}
	if fmt.Sprint(r["gateway_nodes"]) != "[kakao_account kakao_login kakaotalk]" {
		t.Errorf("gateway nodes %v", r["gateway_nodes"])
	}
	if r["unmatched_services"] != int64(2) {
		t.Errorf("unmatched services %v, want 2 (talk_calls, map_widget)", r["unmatched_services"])
	}
}

// The login nodes come from the study (or the parameter): another set
// changes SSO reach and the gateway's nodes, none gives no SSO reach.
func TestLockinLoginNodes(t *testing.T) {
	db := openWith(t, lockinViews(
		`('talk_calls', 'Talk calls', 'messaging', false, true), ('shop1', 'Shop 1', 'commerce', true, true),
		 ('shop2', 'Shop 2', 'commerce', true, false), ('shop3', 'Shop 3', 'commerce', true, false)`,
		`('kakaotalk', 'KakaoTalk', 'messenger')`, `('kakaotalk', 60.0)`,
		`('talk_calls', 'kakaotalk', 'gateway'), ('shop1', 'kakao_login', 'login'), ('shop2', 'kakao_login', 'login'),
		 ('shop3', 'other_login', 'login'), ('shop3', 'kakaopay', 'payment')`)...)
	tests := []struct {
		nodes       string
		reach       int64
		share       float64
		gatewayNode string
	}{
		{"kakao:kakao_login", 2, 2.0 / 3, "[kakao_login kakaotalk]"},
		{"kakao:kakao_login, kakao:other_login", 3, 1, "[kakao_login kakaotalk other_login]"},
		{"kakao:other_login", 1, 1.0 / 3, "[kakaotalk other_login]"},
		{"kakao:kakaopay", 0, 0, "[kakaopay kakaotalk]"}, // shop3 pays, it does not log in
		{"naver:kakao_login", 0, 0, "[kakaotalk]"},       // another gateway's node
		{"", 0, 0, "[kakaotalk]"},
	}
	for _, tt := range tests {
		r := runAnalysis(t, db, "lockin", map[string]string{"login_nodes": tt.nodes})[0]
		if r["sso_reach"] != tt.reach || !near(r["sso_share"], tt.share, 1e-12) || fmt.Sprint(r["gateway_nodes"]) != tt.gatewayNode {
			t.Errorf("login_nodes %q: sso_reach %v share %v nodes %v, want %d %v %s",
				tt.nodes, r["sso_reach"], r["sso_share"], r["gateway_nodes"], tt.reach, tt.share, tt.gatewayNode)
		}
	}
}

// A login_nodes value that is not gateway:node pairs is a parameter
// error naming it, not a silent lack of SSO reach.
func TestLockinLoginNodesMalformed(t *testing.T) {
	db := openWith(t, lockinViews(`('x', 'X', 'messaging', false, true)`, `('x', 'X', 'other')`, `('x', 1.0)`, `('x', 'y', 'gateway')`)...)
	a, err := Lookup("lockin")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"kakao", "kakao:", ":kakao_login", "kakao:kakao_login,naver", "a:b:c"} {
		_, err := db.Run(t.Context(), a, map[string]string{"login_nodes": v})
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Param != "login_nodes" {
			t.Errorf("login_nodes %q: error %v, want a ParamError on login_nodes", v, err)
		}
	}
}

func TestLockinTaxonomyMatchesSchema(t *testing.T) {
	// One own service per schema category: breadth must be exactly 1 and
	// the SQL's taxonomy size the schema's, or the two lists have drifted.
	var rows []string
	for _, c := range schema.Taxonomy {
		rows = append(rows, fmt.Sprintf("('s_%s', '%s', '%s', false, true)", c.ID, c.En, c.ID))
	}
	db := openWith(t, lockinViews(strings.Join(rows, ","), `('x', 'X', 'other')`, `('x', 1.0)`, `('s_messaging', 'kakaotalk', 'gateway')`)...)
	r := runAnalysis(t, db, "lockin", nil)[0]
	if r["taxonomy_size"] != int64(len(schema.Taxonomy)) || !near(r["breadth"], 1, 0) {
		t.Fatalf("taxonomy size %v (schema %d), breadth %v", r["taxonomy_size"], len(schema.Taxonomy), r["breadth"])
	}
}

func TestLockinSeed(t *testing.T) {
	recs := runAnalysis(t, openSeed(t), "lockin", nil)
	kakao := where(recs, "gateway_id", "kakao")
	if len(kakao) != 1 {
		t.Fatalf("kakao rows %v", kakao)
	}
	r := kakao[0]
	// 16 of 17 categories (no public service of Kakao's own); all 50 own
	// services need the Kakao account; eight third parties use Kakao Login.
	// Coverage: KakaoTalk 43,196,403 + KakaoStory 9,924,381 + KakaoMap
	// 9,502,624 + Daum 8,448,342 + KakaoPay 3,596,306 + Daum Cafe 2,650,309 = 77,318,365
	// of 213,192,921 users of the 18 platforms with IGAWorks figures in
	// the categories Kakao opens.
	want := map[string]float64{"breadth": 16.0 / 17, "dependence": 1, "sso_reach": 8,
		"reachable_users": 77318365, "market_users": 213192921, "coverage": 77318365.0 / 213192921}
	for col, w := range want {
		if !near(r[col], w, 1e-9) {
			t.Errorf("kakao %s = %v, want %v", col, r[col], w)
		}
	}
	// Naver's own services need its ID far less often: 15 of 43.
	if n := where(recs, "gateway_id", "naver"); len(n) != 1 || !near(n[0]["dependence"], 15.0/43, 1e-12) {
		t.Errorf("naver %v", n)
	}
	// The eight come from the study's login nodes: without Kakao's, none.
	recs = runAnalysis(t, openSeed(t), "lockin", map[string]string{"login_nodes": "naver:naver_login,naver:naver_id"})
	if k := where(recs, "gateway_id", "kakao"); len(k) != 1 || k[0]["sso_reach"] != int64(0) {
		t.Errorf("kakao without its login node: %v", k)
	}
}

// Evidence observed after an incident never changes the lock-in at its
// start: a listing and login edges first observed in 2023 and 2026 leave
// the lock-in as of the fire (2022-10-15) exactly as the seed alone gives
// it, and count only in the snapshot observed after them.
func TestLockinAsOfIgnoresLaterEvidence(t *testing.T) {
	ctx := t.Context()
	asOf := map[string]string{"as_of": "2022-10-15"}
	before := runAnalysis(t, openSeed(t), "lockin", asOf)
	seedAll := runAnalysis(t, openSeed(t), "lockin", nil)

	db := openSeed(t)
	for _, q := range []string{
		`INSERT INTO dependencies BY NAME SELECT 'later_shop' AS from_id, 'kakao_login' AS to_id, 'login' AS kind,
		   DATE '2023-03-01' AS observed_at, TIMESTAMPTZ '2023-03-02 00:00:00+00' AS fetched_at, 'later' AS collector`,
		`INSERT INTO dependencies BY NAME SELECT 'later_undated' AS from_id, 'kakao_login' AS to_id, 'login' AS kind,
		   NULL::DATE AS observed_at, TIMESTAMPTZ '2026-11-24 00:00:00+00' AS fetched_at, 'later' AS collector`,
		`INSERT INTO services BY NAME SELECT 'kakao' AS gateway_id, 'later_shop' AS service_id, DATE '2023-03-01' AS observed_at,
		   'Later Shop' AS name_en, 'commerce' AS category, true AS third_party, true AS account_linked,
		   TIMESTAMPTZ '2023-03-02 00:00:00+00' AS fetched_at, 'later' AS collector`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	after := runAnalysis(t, db, "lockin", asOf)
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("lock-in as of 2022-10-15 changed by later evidence:\nbefore %v\nafter  %v", before, after)
	}
	if len(before) != 2 || before[0]["observed_at"] != "2022-10-15" {
		t.Fatalf("seed lock-in as of the fire: %v", before)
	}
	// The test can fail: without as_of the later rows do count, in the
	// 2023 snapshot only — it sees the seed's eight login edges and the one
	// dated 2023-03-01, not the one first fetched in 2026 — while the 2022
	// snapshot reads only the edges observed by its own day.
	all := runAnalysis(t, db, "lockin", nil)
	if len(all) != len(seedAll)+1 {
		t.Fatalf("without as_of %d rows, want the seed's %d and the 2023 snapshot", len(all), len(seedAll))
	}
	k23 := where(all, "gateway_id", "kakao", "observed_at", "2023-03-01")
	seed22 := where(seedAll, "gateway_id", "kakao")[0]
	if len(k23) != 1 || k23[0]["sso_reach"] != seed22["sso_reach"].(int64)+1 || k23[0]["third_party_services"] != int64(1) {
		t.Fatalf("2023 snapshot %v, want SSO reach %v + 1", k23, seed22["sso_reach"])
	}
	if got := where(all, "gateway_id", "kakao", "observed_at", "2022-10-15"); fmt.Sprint(got[0]) != fmt.Sprint(seed22) {
		t.Errorf("the 2022 snapshot moved with 2023 evidence:\n%v\n%v", got[0], seed22)
	}
	// The seed is all observed on 2022-10-15: as of that day it is the
	// seed's lock-in in full.
	if fmt.Sprint(before) != fmt.Sprint(seedAll) {
		t.Errorf("seed lock-in as of 2022-10-15 differs from the seed's:\n%v\n%v", before, seedAll)
	}
}

func BenchmarkLockin(b *testing.B) { benchAnalysis(b, "lockin", nil) }
