package seed

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
)

// regimes names each legal regime by a prefix of the seed's regime text.
// Longer prefixes come first so the data-center rule is not read as the
// value-added-service rule.
// legalText is the primary text of each regime: the statute on the
// Korean National Law Information Center (law.go.kr), the regulation on
// EUR-Lex, the guidelines on justice.gov. The KFTC plan is a proposal with
// no enacted text, so it has none.
var regimes = []struct{ prefix, id, jurisdiction, legalText string }{
	{"KR Framework Act on Broadcasting & Communications Development", "kr_disaster_mgmt_2023", "KR", "https://www.law.go.kr/법령/방송통신발전기본법"},
	{"KR Information and Communications Network Act", "kr_dc_protection_2023", "KR", "https://www.law.go.kr/법령/정보통신망이용촉진및정보보호등에관한법률"},
	{"KR Telecommunications Business Act Art.22-7", "kr_tba_22_7", "KR", "https://www.law.go.kr/법령/전기통신사업법"},
	{"EU Digital Markets Act Reg. (EU) 2022/1925 Art.3(2)(a)", "eu_dma_3_2_a", "EU", "https://eur-lex.europa.eu/eli/reg/2022/1925/oj"},
	{"EU Digital Markets Act Reg. (EU) 2022/1925 Art.3(2)(b)", "eu_dma_3_2_b", "EU", "https://eur-lex.europa.eu/eli/reg/2022/1925/oj"},
	{"EU Digital Markets Act Reg. (EU) 2022/1925 Art.3(2)(c)", "eu_dma_3_2_c", "EU", "https://eur-lex.europa.eu/eli/reg/2022/1925/oj"},
	{"EU Digital Markets Act Reg. (EU) 2022/1925 Art.3(3)", "eu_dma_3_3", "EU", "https://eur-lex.europa.eu/eli/reg/2022/1925/oj"},
	{"EU Digital Services Act", "eu_dsa_vlop", "EU", "https://eur-lex.europa.eu/eli/reg/2022/2065/oj"},
	{"US DOJ/FTC Merger Guidelines 2023", "us_mg_2023", "US", "https://www.justice.gov/atr/2023-merger-guidelines"},
	{"US DOJ/FTC Horizontal Merger Guidelines 2010", "us_hmg_2010", "US", "https://www.justice.gov/atr/horizontal-merger-guidelines-08192010"},
	{"US DOJ/FTC Horizontal Merger Guidelines 1992/1997", "us_hmg_1992", "US", "https://www.justice.gov/atr/horizontal-merger-guidelines-0"},
	{"KR Monopoly Regulation and Fair Trade Act", "kr_mrfta_dominance", "KR", "https://www.law.go.kr/법령/독점규제및공정거래에관한법률"},
	{"KR KFTC platform competition plan 2024-09-09", "kr_kftc_platform_2024", "KR", ""},
}

// metrics names a threshold's metric by words of the seed's metric text.
var metrics = []struct{ contains, id string }{
	{"daily average domestic users", "daily_users"},
	{"share of domestic traffic", "traffic_share"},
	{"share of total domestic traffic", "traffic_share"},
	{"floor area serving others", "dc_floor_area_others"},
	{"computer-room floor area", "dc_floor_area"},
	{"power receiving capacity", "dc_power"},
	{"annual Union turnover", "eu_turnover"},
	{"market capitalisation", "market_cap"},
	{"Member States", "member_states"},
	{"monthly active end users", "mau"},
	{"monthly active recipients", "mau"},
	{"yearly active business users", "business_users"},
	{"consecutive financial years", "years"},
	{"deadline to notify", "notify_months"},
	{"HHI above which", "hhi_high"},
	{"lower bound of moderately", "hhi_moderate"},
	{"HHI below which", "hhi_low"},
	{"merged firm's market share", "share_presumption"}, // before "HHI change", which its text names
	{"HHI change", "delta_hhi"},
	{"single firm market share", "cr1"},
	{"single platform share", "cr1"},
	{"combined share", "cr3"},
	{"users for single-firm", "users_single"},
	{"users for joint", "users_joint"},
	{"exclusion: domestic", "revenue_exclusion"},
	{"prior-year revenue", "revenue"},
}

var reEffective = regexp.MustCompile(`eff\. (\d{4}-\d{2}(?:-\d{2})?)`)

func (c *Collector) thresholds(s *ingest.Session, _ platformIndex) error {
	t, err := c.read("thresholds.csv")
	if err != nil {
		return err
	}
	for i, r := range t.rows {
		where := fmt.Sprintf("data/seed/%s row %d", t.name, i+2)
		regime, metricRaw := t.get(r, "regime"), t.get(r, "metric")
		var id, jur, legal string
		for _, g := range regimes {
			if strings.HasPrefix(regime, g.prefix) {
				id, jur, legal = g.id, g.jurisdiction, g.legalText
				break
			}
		}
		metric := ""
		for _, m := range metrics {
			if strings.Contains(metricRaw, m.contains) {
				metric = m.id
				break
			}
		}
		if id == "" || metric == "" {
			s.ParseFailure(where, fmt.Errorf("cannot key threshold %q / %q", regime, metricRaw))
			continue
		}
		// The data-center rule shares the Framework Act's prefix.
		if id == "kr_disaster_mgmt_2023" && strings.HasPrefix(metric, "dc_") || strings.Contains(regime, "data-center operator") {
			id = "kr_disaster_mgmt_2023_dc"
		}
		v, err := strconv.ParseFloat(t.get(r, "threshold"), 64)
		if err != nil {
			s.ParseFailure(where, fmt.Errorf("threshold %q: %w", t.get(r, "threshold"), err))
			continue
		}
		combine := ""
		switch {
		case strings.Contains(metricRaw, "[OR"):
			combine = "or"
		case strings.Contains(metricRaw, "AND"):
			combine = "and"
		}
		var eff *time.Time
		if m := reEffective.FindStringSubmatch(regime); m != nil {
			if d, _, err := ParsePeriod(m[1]); err == nil {
				eff = &d
			}
		}
		s.Emit(&schema.Threshold{
			RegimeID: id, Regime: regime, Jurisdiction: jur, Metric: metric, MetricRaw: metricRaw,
			Value: v, Unit: t.get(r, "unit"), Combine: combine, EffectiveFrom: eff, LegalText: legal,
			Provenance: t.prov(t.get(r, "source_url"), regime),
		})
	}
	return nil
}
