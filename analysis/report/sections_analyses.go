package report

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/gwanmun/gwanmun/analysis"
)

// Sections over analyses that other parts of the catalog provide. Each
// reads its columns by name and degrades to "no data" when a column it
// needs is absent, so the report keeps rendering while analyses evolve.

// gatewayName names a gateway id by the study's platform metadata, in the
// page language when it has one. (study helper)
func (b *builder) gatewayName(id string) string {
	for _, p := range b.study.Platforms {
		if p.ID != id {
			continue
		}
		if b.lang == "ko" && p.NameKo != "" {
			return p.NameKo
		}
		return p.Name
	}
	return id
}

// paramDefault is an analysis parameter's default ("" when it has none).
func paramDefault(a analysis.Analysis, name string) string {
	for _, p := range a.Params {
		if p.Name == name {
			return p.Default
		}
	}
	return ""
}

// networkEffectsSection plots value against users with each law's fitted
// curve: V = a·n (linear), a·n·ln n (Zhang et al.), a·n² (Metcalfe),
// a·n³, and the free power law ln V = ln a + b·ln n.
func networkEffectsSection(ctx context.Context, b *builder) (*Section, error) {
	fits, err := b.analysisTable(ctx, "network_effects", nil)
	if err != nil {
		return nil, err
	}
	pts, err := b.analysisTable(ctx, "network_effects_points", nil)
	if err != nil {
		return nil, err
	}
	if err := needColumns(pts, "n", "v"); err != nil {
		return nil, fmt.Errorf("%w: %v", errNoData, err)
	}
	if err := needColumns(fits, "law", "a"); err != nil {
		return nil, fmt.Errorf("%w: %v", errNoData, err)
	}
	// Users in millions, value in the currency's large unit (KRW trillion,
	// 조 원), so the axes read without a row of zeros.
	vScale, vUnit := valueUnit(b.lang, pts)
	observed := tr(b.lang, "observed")
	points := &analysis.Table{Columns: []string{"n", "v", "series", "period_label"}}
	nMin, nMax := math.Inf(1), math.Inf(-1)
	for _, r := range pts.Records() {
		n, v := num(r["n"]), num(r["v"])
		nMin, nMax = math.Min(nMin, n), math.Max(nMax, n)
		points.Rows = append(points.Rows, []any{roundSig(n/1e6, 6), roundSig(v/vScale, 6), observed, str(r["period_label"])})
	}
	// Each law's fitted curve, sampled at 41 points across the observed n.
	curves := &analysis.Table{Columns: []string{"n", "v", "series"}}
	for _, r := range fits.Records() {
		a, ok := analysis.ToFloat(r["a"])
		if !ok || nMax <= nMin {
			continue
		}
		curve := lawCurve(str(r["law"]), a, num(r["b"]))
		if curve == nil {
			continue
		}
		name := str(r["formula"])
		if name == "" {
			name = str(r["law"])
		}
		if r2, ok := analysis.ToFloat(r["r2"]); ok {
			name += fmt.Sprintf(" (R² %.2f)", r2)
		}
		for i := 0; i <= 40; i++ {
			n := nMin + (nMax-nMin)*float64(i)/40
			curves.Rows = append(curves.Rows, []any{roundSig(n/1e6, 6), roundSig(curve(n)/vScale, 6), name})
		}
	}
	sp := b.spec("scatter")
	sp.X, sp.Y, sp.Series, sp.Label, sp.Lines = "n", "v", "series", "period_label", curves
	sp.XName, sp.YName = tr(b.lang, "million_users"), fmt.Sprintf(tr(b.lang, "value_v_unit"), vUnit)
	c, err := sp.Build("network_effects", points)
	if err != nil {
		return nil, err
	}
	c.Data = pts // the figure's data file keeps the analysis's own values
	tbl := pick(fits, "company", "platform", "source", "grain", "n_points", "periods", "law", "formula", "a", "b", "b_ci_low", "b_ci_high",
		"r2", "rmse", "aic", "delta_aic", "aicc", "delta_aicc", "criterion", "best", "consistent_with", "verdict")
	s := b.section("network_effects", tbl, c)
	s.Sources = append(b.src.CiteTable(pts), b.src.CiteTable(fits)...)
	return s, nil
}

// valueUnit picks the unit a value axis is drawn in: KRW in trillions
// (조 원) when the points say KRW or carry no currency, else the stated
// currency in billions.
func valueUnit(lang string, pts *analysis.Table) (float64, string) {
	cur := ""
	if i := firstCol(pts, "currency", "unit"); i != "" && len(pts.Rows) > 0 {
		cur = str(pts.Rows[0][pts.Col(i)])
	}
	if cur == "" || strings.EqualFold(cur, "KRW") {
		return 1e12, tr(lang, "krw_trillion")
	}
	return 1e9, fmt.Sprintf(tr(lang, "billion_of"), cur)
}

// lawCurve is V(n) for a fitted law, nil for a law it does not know.
func lawCurve(law string, a, b float64) func(float64) float64 {
	switch law {
	case "linear":
		return func(n float64) float64 { return a * n }
	case "n_log_n":
		return func(n float64) float64 { return a * n * math.Log(n) }
	case "metcalfe":
		return func(n float64) float64 { return a * n * n }
	case "cubic":
		return func(n float64) float64 { return a * n * n * n }
	case "free_exponent":
		return func(n float64) float64 { return a * math.Pow(n, b) }
	}
	return nil
}
