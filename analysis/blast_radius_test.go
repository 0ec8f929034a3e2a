package analysis

import (
	"context"
	"testing"
)

// radiusGraph: a data center hosts an account system and an app; a login
// and a map service need the account; a shop needs the login; a taxi app
// needs "map_api", which is the same platform as the map service.
var radiusGraph = []string{
	`CREATE OR REPLACE VIEW dependencies AS SELECT *, DATE '2024-01-01' AS observed_at, TIMESTAMPTZ '2024-06-01' AS fetched_at FROM (VALUES
	  ('account', 'dc', 'hosting'), ('app', 'dc', 'hosting'), ('login', 'account', 'account'),
	  ('map', 'account', 'account'), ('shop', 'login', 'login'), ('taxi', 'map_api', 'maps')) t(from_id, to_id, kind)`,
	`CREATE OR REPLACE VIEW platforms AS SELECT * FROM (VALUES ('app', 'App', '', 'messenger'), ('map_api', 'Map', '', 'maps')) t(platform_id, name, name_ko, category)`,
	`CREATE OR REPLACE VIEW services AS SELECT 'g' AS gateway_id, service_id, DATE '2024-01-01' AS observed_at, name_en, '' AS name_ko,
	  'maps' AS category, false AS third_party, '' AS platform_id FROM (VALUES ('map', 'Map'), ('shop', 'Shop')) t(service_id, name_en)`,
	`CREATE OR REPLACE VIEW mau AS SELECT platform_id, 'KR' AS country, 'mau' AS metric, DATE '2024-01-01' AS period_start, '2024-01' AS period_label,
	  value, 'persons' AS unit, 'IGAWorks Mobile Index' AS source, []::VARCHAR[] AS flags FROM (VALUES ('app', 300.0), ('map_api', 100.0)) t(platform_id, value)`,
}

func TestBlastRadiusHandWorked(t *testing.T) {
	db := openWith(t, radiusGraph...)
	recs := runAnalysis(t, db, "blast_radius", map[string]string{"failed": "dc", "as_of": "2024-01-31"})
	want := map[string]int64{"dc": 0, "account": 1, "app": 1, "login": 2, "map": 2, "shop": 3, "map_api": 3, "taxi": 4}
	if len(recs) != len(want) {
		t.Fatalf("radius %v, want %v", recs, want)
	}
	for _, r := range recs {
		if d, ok := want[asString(r["node"])]; !ok || r["depth"] != d {
			t.Errorf("node %v at depth %v, want %v", r["node"], r["depth"], d)
		}
	}
	// Users: the app (300) and the map platform (100, counted once though
	// two nodes are that platform) share the radius 3:1.
	if r := where(recs, "node", "app"); !near(r[0]["user_share"], 0.75, 1e-12) {
		t.Errorf("app share %v", r[0]["user_share"])
	}
	if m, a := where(recs, "node", "map"), where(recs, "node", "map_api"); m[0]["users"] == nil || a[0]["users"] != nil {
		t.Errorf("map %v, map_api %v: the platform's users belong to the nearer node", m[0]["users"], a[0]["users"])
	}
	// Failing the account spares the app hosted beside it.
	acc := runAnalysis(t, db, "blast_radius", map[string]string{"failed": "account", "as_of": "2024-01-31"})
	if len(where(acc, "node", "app")) != 0 || len(where(acc, "node", "dc")) != 0 || len(where(acc, "node", "shop")) != 1 {
		t.Errorf("account radius %v", acc)
	}
}

// A leaf (nothing depends on it, directly or as the same platform) has a
// blast radius of itself only.
func checkLeaves(t *testing.T, db *DB) {
	t.Helper()
	leaves, err := db.Query(context.Background(), `SELECT DISTINCT from_id FROM dependencies
		WHERE from_id NOT IN (SELECT to_id FROM dependencies)
		  AND from_id NOT IN (SELECT platform_id FROM platforms)
		ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	matched := map[string]bool{}
	for _, r := range runAnalysis(t, db, "service_platforms", nil) {
		if r["platform_id"] != nil {
			matched[asString(r["service_id"])] = true
		}
	}
	n := 0
	for _, l := range leaves.Rows {
		leaf := asString(l[0])
		if matched[leaf] {
			continue // shares a platform with another node
		}
		n++
		recs := runAnalysis(t, db, "blast_radius", map[string]string{"failed": leaf, "as_of": "2099-12-31"})
		if len(recs) != 1 || recs[0]["node"] != leaf || recs[0]["depth"] != int64(0) {
			t.Errorf("radius of leaf %s = %v", leaf, recs)
		}
	}
	if n == 0 {
		t.Fatal("no leaves")
	}
}

// An edge first observed after as_of, or a service listing recorded after
// it, does not change the radius of that day: the same graph seen on
// 2023-12-31 (before every edge) is the failed node alone, and an edge a
// later page adds (shop -> dc, observed 2025) joins only from 2025.
func TestBlastRadiusUsesOnlyWhatWasObservedByAsOf(t *testing.T) {
	db := openWith(t, append(append([]string{}, radiusGraph...),
		`CREATE OR REPLACE VIEW dependencies AS SELECT *, DATE '2024-01-01' AS observed_at, TIMESTAMPTZ '2024-06-01' AS fetched_at FROM (VALUES
		  ('account', 'dc', 'hosting'), ('app', 'dc', 'hosting'), ('login', 'account', 'account'),
		  ('map', 'account', 'account'), ('shop', 'login', 'login'), ('taxi', 'map_api', 'maps')) t(from_id, to_id, kind)
		 UNION ALL SELECT 'late', 'dc', 'hosting', NULL, TIMESTAMPTZ '2025-03-01'`)...)
	for _, tc := range []struct {
		asOf string
		want int
	}{{"2023-12-31", 1}, {"2024-01-31", 8}, {"2025-02-28", 8}, {"2025-03-01", 9}} {
		recs := runAnalysis(t, db, "blast_radius", map[string]string{"failed": "dc", "as_of": tc.asOf})
		if len(recs) != tc.want {
			t.Errorf("as_of %s: %d nodes, want %d", tc.asOf, len(recs), tc.want)
		}
	}
	if _, err := db.Run(t.Context(), blastRadius, map[string]string{"as_of": "15 Oct 2022"}); err == nil {
		t.Error("as_of not a date: no error")
	}
}

func TestBlastRadiusOfALeafIsItself(t *testing.T) { checkLeaves(t, openWith(t, radiusGraph...)) }

// Every leaf of the seed graph, one query each: slow, so Integration.
func TestBlastRadiusOfEverySeedLeafIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("one query per leaf")
	}
	checkLeaves(t, openSeed(t))
}

func TestBlastRadiusSeedPangyo(t *testing.T) {
	recs := runAnalysis(t, openSeed(t), "blast_radius", nil)
	// The fire took KakaoTalk and the Kakao account (1 hop), every Kakao
	// service behind them (2), third parties using Kakao Login or Pay (3),
	// and Laundrygo through the Kakao Map API, which needs the account (3).
	for node, depth := range map[string]int64{"sk_cc_pangyo": 0, "kakaotalk": 1, "kakao_account": 1, "kakao_login": 2,
		"ssg_com": 3, "laundrygo": 3, "naver_cafe": 1} {
		r := where(recs, "node", node)
		if len(r) != 1 || r[0]["depth"] != depth {
			t.Errorf("%s: %v, want depth %d", node, r, depth)
		}
	}
	// Known users sum to 1 over the radius; KakaoTalk's 43,196,403
	// (IGAWorks, August 2022) is the largest part.
	sum := 0.0
	for _, r := range recs {
		if f, ok := asFloat(r["user_share"]); ok {
			sum += f
		}
	}
	if !near(sum, 1, 1e-12) || !near(where(recs, "node", "kakaotalk")[0]["users"], 43196403, 0) {
		t.Errorf("share sum %v, kakaotalk %v", sum, where(recs, "node", "kakaotalk")[0]["users"])
	}
	// The radius from the seed alone: 73 nodes, 84,688,281 known users
	// (the demo lake must give the same; cmd/gwanmun checks it).
	users := 0.0
	for _, r := range recs {
		if f, ok := asFloat(r["users"]); ok {
			users += f
		}
	}
	if len(recs) != 73 || users != 84688281 {
		t.Errorf("seed radius: %d nodes, %.0f users; want 73 and 84688281", len(recs), users)
	}
	// An account failure takes KakaoTalk (it signs in with the account)
	// but no Naver service and not the data center.
	acc := runAnalysis(t, openSeed(t), "blast_radius", map[string]string{"failed": "kakao_account"})
	for _, r := range acc {
		if r["gateway_id"] == "naver" || r["node"] == "sk_cc_pangyo" {
			t.Errorf("kakao_account radius holds %v", r["node"])
		}
	}
	if len(where(acc, "node", "kakaotalk")) != 1 || len(where(acc, "node", "ssg_com")) != 1 {
		t.Errorf("kakao_account radius misses KakaoTalk or SSG.com: %d nodes", len(acc))
	}
}

func BenchmarkBlastRadius(b *testing.B) { benchAnalysis(b, "blast_radius", nil) }
