package analysis

import (
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
		`CREATE OR REPLACE VIEW dependencies AS SELECT * FROM (VALUES ` + deps + `) t(from_id, to_id, kind)`,
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
}

func BenchmarkLockin(b *testing.B) { benchAnalysis(b, "lockin", nil) }
