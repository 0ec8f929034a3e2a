package analysis

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// docs/methodology.md states worked values on the seed; they must be what
// the code computes, so the lines are rebuilt from the analyses' output.
func TestMethodologyWorkedValues(t *testing.T) {
	b, err := os.ReadFile("../docs/methodology.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Join(strings.Fields(string(b)), " ") // line breaks are layout
	db := openSeed(t)
	for _, r := range runAnalysis(t, db, "lockin", nil) {
		g := map[string]string{"kakao": "Kakao", "naver": "Naver"}[asString(r["gateway_id"])]
		if g == "" || asString(r["observed_at"]) != "2022-10-15" {
			continue
		}
		f := func(k string) float64 { v, _ := asFloat(r[k]); return v }
		want := fmt.Sprintf("%s B = %.0f/%.0f, D = %.0f/%.0f, C = %.1fM / %.1fM = %.3f, composite %.3f, SSO reach %.0f of %.0f third parties",
			g, f("categories_opened"), f("taxonomy_size"), f("account_linked_services"), f("own_services"),
			f("reachable_users")/1e6, f("market_users")/1e6, f("coverage"), f("composite"), f("sso_reach"), f("third_party_services"))
		if !strings.Contains(doc, want) {
			t.Errorf("docs/methodology.md lacks the computed %q", want)
		}
	}
	radius := runAnalysis(t, db, "blast_radius", nil)
	hops := map[int64]int{}
	users := 0.0
	for _, r := range radius {
		hops[r["depth"].(int64)]++
		if v, ok := asFloat(r["users"]); ok {
			users += v
		}
	}
	want := fmt.Sprintf("%d nodes with the data centre itself: %d at 1 hop, %d at 2 hops, %d at 3 hops; %s known users",
		len(radius), hops[1], hops[2], hops[3], groupThousands(int64(users)))
	if !strings.Contains(doc, want) || len(hops) != 4 {
		t.Errorf("docs/methodology.md lacks the computed %q (hops %v)", want, hops)
	}
}

func groupThousands(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
