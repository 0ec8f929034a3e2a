package analysis

import (
	"fmt"
	"math"
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

	// Network effects: the free exponent, its interval and its AICc lead.
	fits := runAnalysis(t, db, "network_effects", nil)
	free, cubic := where(fits, "law", "free_exponent")[0], where(fits, "law", "cubic")[0]
	fl := func(r map[string]any, k string) float64 { v, _ := asFloat(r[k]); return v }
	for _, want := range []string{
		fmt.Sprintf("b = %.2f (95%% CI %.2f to %.2f), which excludes b = 1, 2, 3 and n·ln n, so the verdict is \"no law fits\"",
			fl(free, "b"), fl(free, "b_ci_low"), fl(free, "b_ci_high")),
		fmt.Sprintf("the free exponent is %.1f AICc below the cube law", fl(cubic, "aicc")-fl(free, "aicc")),
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("docs/methodology.md lacks the computed %q", want)
		}
	}
	if !strings.HasPrefix(asString(free["verdict"]), "no law fits") {
		t.Errorf("network effects verdict %v", free["verdict"])
	}

	// Hypothetical mergers on the seed's messenger markets.
	merger := func(merge, period string) map[string]any {
		r := where(runAnalysis(t, db, "concentration", map[string]string{"merge": merge}), "period_label", period, "metric", "mau")
		if len(r) != 1 {
			t.Fatalf("merge %s %s: %d rows", merge, period, len(r))
		}
		return r[0]
	}
	dt := merger("discord,telegram", "2025-10")
	wn := merger("whatsapp,nateon", "2025-10")
	kl := merger("kakaotalk,line", "2022-08")
	for _, want := range []string{
		fmt.Sprintf("ΔHHI = %.1f, post-merger HHI %.1f — the HHI presumption is %s, the share presumption %s (%.1f%% ≤ 30%%)",
			fl(dt, "merger_delta_hhi"), fl(dt, "post_merger_hhi"), dt["mg23_hhi_presumption"], dt["mg23_share_presumption"], 100*fl(dt, "merged_share")),
		fmt.Sprintf("WhatsApp + NateOn: ΔHHI %.1f, neither met", fl(wn, "merger_delta_hhi")),
		fmt.Sprintf("post-merger HHI %s, ΔHHI %.1f", groupThousands(int64(math.Round(fl(kl, "post_merger_hhi")))), fl(kl, "merger_delta_hhi")),
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("docs/methodology.md lacks the computed %q", want)
		}
	}
	if wn["mg23_hhi_presumption"] != "not met" || wn["mg23_share_presumption"] != "not met" {
		t.Errorf("whatsapp+nateon verdicts %v %v", wn["mg23_hhi_presumption"], wn["mg23_share_presumption"])
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
