package analysis

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestEveryAnalysisRunsOnEmptyAndSeedLakes(t *testing.T) {
	ctx := context.Background()
	empty := openWith(t)
	seed := openSeed(t)
	for _, a := range Catalog {
		if a.Title == "" || a.Doc == "" {
			t.Errorf("%s has no title or doc", a.Name)
		}
		if _, err := empty.Run(ctx, a, nil); err != nil {
			t.Errorf("%s on an empty lake: %v", a.Name, err)
		}
		if _, err := seed.Run(ctx, a, nil); err != nil {
			t.Errorf("%s on the seed: %v", a.Name, err)
		}
	}
}

func TestUnknownParameterIsAnError(t *testing.T) {
	a, _ := Lookup("lockin")
	if _, err := openWith(t).Run(context.Background(), a, map[string]string{"gateways": "kakao"}); err == nil ||
		!strings.Contains(err.Error(), `no parameter "gateways"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestUsesPrependsQueriesAsCTEs(t *testing.T) {
	q, err := outageImpact.SQL()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(q, "WITH outage_durations AS (\n") || !strings.Contains(q, "),\nservice_platforms AS (\n") {
		t.Fatalf("composed query starts %q", q[:min(len(q), 120)])
	}
	q, _ = blastRadius.SQL()
	if !strings.HasPrefix(q, "WITH RECURSIVE service_platforms AS (") {
		t.Fatalf("recursive composition starts %q", q[:min(len(q), 80)])
	}
}

func TestExportWritesComputedAndSQLResults(t *testing.T) {
	ctx := context.Background()
	db := openSeed(t)
	dir := t.TempDir()
	for _, name := range []string{"lockin", "concentration_bootstrap", "outage_impact"} {
		a, _ := Lookup(name)
		want, err := db.Run(ctx, a, nil)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, name+".parquet")
		saved, err := db.RunSave(ctx, a, nil, dst)
		if err != nil {
			t.Fatalf("export %s: %v", name, err)
		}
		if len(saved.Rows) != len(want.Rows) {
			t.Errorf("%s: RunSave returned %d rows, Run %d", name, len(saved.Rows), len(want.Rows))
		}
		got, err := db.Query(ctx, "SELECT * FROM read_parquet(?)", dst)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Rows) != len(want.Rows) || strings.Join(got.Columns, ",") != strings.Join(want.Columns, ",") {
			t.Errorf("%s: parquet has %d rows %v, result %d rows %v", name, len(got.Rows), got.Columns, len(want.Rows), want.Columns)
		}
	}
	// A computed table keeps its dates as DATE and its lists as lists.
	types, err := db.Query(ctx, "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?)) WHERE column_name IN ('observed_at', 'gateway_nodes') ORDER BY 1",
		filepath.Join(dir, "lockin.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if len(types.Rows) != 2 || types.Rows[0][1] != "VARCHAR[]" || types.Rows[1][1] != "DATE" {
		t.Fatalf("lockin parquet types %v", types.Rows)
	}
}

// Every share and ratio every analysis returns on the seed lies in [0, 1];
// the rule itself is checked on a share above one (Kakao's sso_share was
// 1.143 when its numerator counted services outside its directory).
func TestSharesStayInTheUnitInterval(t *testing.T) {
	bad := &Table{Columns: []string{"gateway_id", "sso_share", "shares"}, Rows: [][]any{{"kakao", 1.143, []any{0.5, 0.5}}, {"naver", 0.5, []any{1.2}}}}
	if got := RangeViolations("lockin", bad); len(got) != 2 {
		t.Fatalf("violations %q, want the 1.143 share and the 1.2 list element", got)
	}
	db := openSeed(t)
	for _, a := range Catalog {
		res, err := db.Run(t.Context(), a, nil)
		if err != nil {
			t.Fatalf("%s: %v", a.Name, err)
		}
		for _, v := range RangeViolations(a.Name, res) {
			t.Error(v)
		}
	}
	// Columns that only a parameter brings: a merger's share (KakaoTalk +
	// LINE hold all of IGAWorks' August 2022 market: exactly 1).
	conc, err := Find(Catalog, "concentration") // with the default study's markets
	if err != nil {
		t.Fatal(err)
	}
	merged := 0
	for _, merge := range []string{"kakaotalk,line", "discord,telegram", "whatsapp,nateon,wechat"} {
		res, err := db.Run(t.Context(), conc, map[string]string{"merge": merge})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range RangeViolations("concentration merge="+merge, res) {
			t.Error(v)
		}
		for _, r := range res.Records() {
			if _, ok := asFloat(r["merged_share"]); ok {
				merged++
			}
		}
	}
	if merged < 3 {
		t.Errorf("%d merged shares checked, want one per merger at least", merged)
	}
	// Every share or ratio column the analyses add is one the rule covers.
	for _, c := range []string{"merged_share", "dau_mau_ratio", "user_share", "sso_share", "share", "cr1", "kftc_cr3", "coverage", "composite"} {
		if !unitInterval.MatchString(c) {
			t.Errorf("column %s is not range-checked", c)
		}
	}
}
