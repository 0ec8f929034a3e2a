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
var regimes = []struct{ prefix, id, jurisdiction string }{
	{"KR Framework Act on Broadcasting & Communications Development", "kr_disaster_mgmt_2023", "KR"},
	{"KR Information and Communications Network Act", "kr_dc_protection_2023", "KR"},
	{"KR Telecommunications Business Act Art.22-7", "kr_tba_22_7", "KR"},
	{"EU Digital Markets Act Reg. (EU) 2022/1925 Art.3(2)(a)", "eu_dma_3_2_a", "EU"},
	{"EU Digital Markets Act Reg. (EU) 2022/1925 Art.3(2)(b)", "eu_dma_3_2_b", "EU"},
	{"EU Digital Markets Act Reg. (EU) 2022/1925 Art.3(2)(c)", "eu_dma_3_2_c", "EU"},
	{"EU Digital Markets Act Reg. (EU) 2022/1925 Art.3(3)", "eu_dma_3_3", "EU"},
	{"EU Digital Services Act", "eu_dsa_vlop", "EU"},
	{"US DOJ/FTC Merger Guidelines 2023", "us_mg_2023", "US"},
	{"US DOJ/FTC Horizontal Merger Guidelines 2010", "us_hmg_2010", "US"},
	{"US DOJ/FTC Horizontal Merger Guidelines 1992/1997", "us_hmg_1992", "US"},
	{"KR Monopoly Regulation and Fair Trade Act", "kr_mrfta_dominance", "KR"},
	{"KR KFTC platform competition plan 2024-09-09", "kr_kftc_platform_2024", "KR"},
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
		var id, jur string
		for _, g := range regimes {
			if strings.HasPrefix(regime, g.prefix) {
				id, jur = g.id, g.jurisdiction
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
			Value: v, Unit: t.get(r, "unit"), Combine: combine, EffectiveFrom: eff,
			Provenance: t.prov(t.get(r, "source_url"), regime),
		})
	}
	return nil
}
