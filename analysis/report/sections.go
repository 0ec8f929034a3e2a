package report

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/gwanmun/gwanmun/analysis"
)

const fontFamily = `"Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif`

func baseOpts(id string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: "460px"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "scroll", Bottom: "0"}),
		charts.WithAnimation(false),
	}
}

func str(v any) string {
	if v == nil {
		return ""
	}
	if t, ok := v.(time.Time); ok {
		return t.UTC().Format("2006-01-02")
	}
	return fmt.Sprint(v)
}

func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case int32:
		return float64(x)
	case int:
		return float64(x)
	}
	return 0
}

func run(ctx context.Context, db *analysis.DB, name string, params map[string]string) (*analysis.Table, error) {
	a, err := analysis.Lookup(name)
	if err != nil {
		return nil, err
	}
	return db.Run(ctx, a, params)
}

func mauTrendSection(ctx context.Context, db *analysis.DB, b *builder, lang string) (Section, error) {
	t, err := run(ctx, db, "mau_trend", map[string]string{"country": "KR"})
	if err != nil {
		return Section{}, err
	}
	type key struct{ platform, estimator, source string }
	series := map[key][]opts.LineData{}
	var sources []Source
	seen := map[string]bool{}
	for _, r := range t.Records() {
		k := key{str(r["platform"]), str(r["estimator"]), str(r["source"])}
		series[k] = append(series[k], opts.LineData{Value: []any{str(r["period_start"]), num(r["users"])}})
		if u := str(r["source_url"]); !seen[u] {
			seen[u] = true
			sources = append(sources, b.cite(u, str(r["source_title"]), r["fetched_at"]))
		}
	}
	keys := make([]key, 0, len(series))
	for k, pts := range series {
		if len(pts) >= 2 { // a single point is not a trend
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(series[keys[i]]) != len(series[keys[j]]) {
			return len(series[keys[i]]) > len(series[keys[j]])
		}
		return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j])
	})
	line := charts.NewLine()
	line.SetGlobalOptions(append(baseOpts("mau_trend"),
		charts.WithXAxisOpts(opts.XAxis{Type: "time"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: tr(lang, "users"), Scale: opts.Bool(true)}),
	)...)
	for _, k := range keys {
		line.AddSeries(fmt.Sprintf("%s · %s (%s)", k.platform, k.estimator, k.source), series[k],
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true)}))
	}
	opt, err := optionOf(line)
	if err != nil {
		return Section{}, err
	}
	return Section{Chart: Chart{ID: "mau_trend", Title: tr(lang, "mau.title"), Caption: tr(lang, "mau.caption"),
		Sources: sources, Option: opt}}, nil
}

func concentrationSection(ctx context.Context, db *analysis.DB, b *builder, lang string) (Section, error) {
	t, err := run(ctx, db, "concentration", map[string]string{"category": "messenger", "country": "KR"})
	if err != nil {
		return Section{}, err
	}
	bands, err := db.Query(ctx, `SELECT metric, value FROM thresholds WHERE regime_id = ? AND metric IN ('hhi_high', 'hhi_moderate')`, "us_mg_2023")
	if err != nil {
		return Section{}, err
	}
	line := charts.NewLine()
	line.SetGlobalOptions(append(baseOpts("hhi"),
		charts.WithXAxisOpts(opts.XAxis{Type: "time"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "HHI", Min: 0, Max: 10000}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
	)...)
	series := map[string][]opts.LineData{}
	var names []string
	for _, r := range t.Records() {
		name := fmt.Sprintf("%s · %s", str(r["source"]), str(r["metric"]))
		if _, ok := series[name]; !ok {
			names = append(names, name)
		}
		series[name] = append(series[name], opts.LineData{Value: []any{str(r["period_start"]), num(r["hhi"])}})
	}
	var marks []opts.MarkLineNameYAxisItem
	for _, r := range bands.Records() {
		marks = append(marks, opts.MarkLineNameYAxisItem{Name: "DOJ/FTC 2023 " + str(r["metric"]), YAxis: num(r["value"])})
	}
	for i, n := range names {
		var so []charts.SeriesOpts
		so = append(so, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true)}))
		if i == 0 && len(marks) > 0 {
			so = append(so, charts.WithMarkLineNameYAxisItemOpts(marks...),
				charts.WithMarkLineStyleOpts(opts.MarkLineStyle{LineStyle: &opts.LineStyle{Type: "dashed", Color: "#b22"}}))
		}
		line.AddSeries(n, series[n], so...)
	}
	opt, err := optionOf(line)
	if err != nil {
		return Section{}, err
	}
	src, err := db.Query(ctx, `SELECT DISTINCT m.source_url, m.source_title, m.fetched_at FROM mau m JOIN platforms p USING (platform_id)
WHERE p.category = 'messenger' AND m.country = 'KR' AND m.unit = 'persons' ORDER BY 1`)
	if err != nil {
		return Section{}, err
	}
	var sources []Source
	for _, r := range src.Records() {
		sources = append(sources, b.cite(str(r["source_url"]), str(r["source_title"]), r["fetched_at"]))
	}
	th, err := db.Query(ctx, `SELECT DISTINCT source_url, source_title, fetched_at FROM thresholds WHERE regime_id = ?`, "us_mg_2023")
	if err != nil {
		return Section{}, err
	}
	for _, r := range th.Records() {
		sources = append(sources, b.cite(str(r["source_url"]), str(r["source_title"]), r["fetched_at"]))
	}
	tbl := pick(t, "period_label", "source", "metric", "n_platforms", "leader", "hhi", "cr1", "cr3", "effective_platforms", "delta_hhi", "doj_ftc_2023_band")
	return Section{Chart: Chart{ID: "hhi", Title: tr(lang, "conc.title"), Caption: tr(lang, "conc.caption"), Sources: sources, Option: opt}, Table: tbl}, nil
}

func outageSection(ctx context.Context, db *analysis.DB, b *builder, lang string) (Section, error) {
	const incident = "2022-10-15-pangyo-fire"
	t, err := run(ctx, db, "outage_durations", map[string]string{"incident": incident})
	if err != nil {
		return Section{}, err
	}
	recs := t.Records()
	// Shortest at the top reads like a restoration timeline.
	sort.SliceStable(recs, func(i, j int) bool {
		return num(recs[i]["hours_to_full_restore"]) < num(recs[j]["hours_to_full_restore"])
	})
	var cats []string
	var first, rest []opts.BarData
	for _, r := range recs {
		f, full := num(r["hours_to_first_restore"]), num(r["hours_to_full_restore"])
		if r["hours_to_first_restore"] == nil {
			f = full
		}
		cats = append(cats, str(r["service_id"]))
		first = append(first, opts.BarData{Value: round1(f)})
		rest = append(rest, opts.BarData{Value: round1(full - f)})
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(baseOpts("outage_gantt"),
		charts.WithInitializationOpts(opts.Initialization{ChartID: "outage_gantt", Width: "100%", Height: fmt.Sprintf("%dpx", 120+22*len(cats))}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: tr(lang, "hours")}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: cats, AxisLabel: &opts.AxisLabel{Interval: "0"}}),
		charts.WithGridOpts(opts.Grid{Left: "150"}),
	)...)
	bar.XYReversal()
	bar.SetXAxis(cats)
	bar.AddSeries(tr(lang, "to_first"), first, charts.WithBarChartOpts(opts.BarChart{Stack: "t"}))
	bar.AddSeries(tr(lang, "first_to_full"), rest, charts.WithBarChartOpts(opts.BarChart{Stack: "t"}))
	opt, err := optionOf(bar)
	if err != nil {
		return Section{}, err
	}
	src, err := db.Query(ctx, `SELECT DISTINCT source_url, source_title, fetched_at FROM incidents WHERE incident_id = ? ORDER BY 1`, incident)
	if err != nil {
		return Section{}, err
	}
	var sources []Source
	for _, r := range src.Records() {
		sources = append(sources, b.cite(str(r["source_url"]), str(r["source_title"]), r["fetched_at"]))
	}
	tbl := pick(t, "service_id", "company", "first_restore", "full_restore", "hours_to_first_restore", "hours_to_full_restore", "full_restore_basis", "disagreement")
	return Section{Chart: Chart{ID: "outage_gantt", Title: tr(lang, "out.title"), Caption: tr(lang, "out.caption"), Sources: sources, Option: opt}, Table: tbl}, nil
}

func round1(x float64) float64 { return float64(int64(x*10+0.5)) / 10 }

// pick keeps the named columns of a table, in that order.
func pick(t *analysis.Table, cols ...string) *analysis.Table {
	out := &analysis.Table{}
	var idx []int
	for _, c := range cols {
		if i := t.Col(c); i >= 0 {
			idx = append(idx, i)
			out.Columns = append(out.Columns, c)
		}
	}
	for _, r := range t.Rows {
		row := make([]any, len(idx))
		for j, i := range idx {
			row[j] = r[i]
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}
