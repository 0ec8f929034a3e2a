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

var reEffective = regexp.MustCompile(`eff\. (\d{4}-\d{2}(?:-\d{2})?)`)

// thresholds keys each regulatory line by the keys' thresholds tables:
// its metric by the first metric entry its metric text contains, then its
// regime by the first rule whose prefix (and contains, and metric prefix)
// fit, which also gives the jurisdiction and the primary legal text.
func (c *run) thresholds(s *ingest.Session) error {
	t, err := c.read("thresholds.csv")
	if err != nil {
		return err
	}
	for i, r := range t.rows {
		where := fmt.Sprintf("data/seed/%s row %d", t.name, i+2)
		regime, metricRaw := t.get(r, "regime"), t.get(r, "metric")
		metric := ""
		for _, m := range c.k.Thresholds.Metrics {
			if strings.Contains(metricRaw, m.Contains) {
				metric = m.ID
				break
			}
		}
		var id, jur, legal string
		for _, g := range c.k.Thresholds.Regimes {
			if strings.HasPrefix(regime, g.Prefix) && strings.Contains(regime, g.Contains) && strings.HasPrefix(metric, g.MetricPrefix) {
				id, jur, legal = g.ID, g.Jurisdiction, g.LegalText
				break
			}
		}
		if id == "" || metric == "" {
			s.ParseFailure(where, fmt.Errorf("cannot key threshold %q / %q", regime, metricRaw))
			continue
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
