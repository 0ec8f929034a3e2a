package report

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"math"
	"math/big"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/data/schema"
)

//go:embed queries/*.sql
var queries embed.FS

// builder carries what every section needs.
type builder struct {
	db   *analysis.DB
	src  *Sources
	lang string
	// koNames maps platform ids to Korean names, loaded on first use.
	koNames map[string]string
}

// platformName is a platform's name in the page language.
func (b *builder) platformName(ctx context.Context, id, name string) string {
	if b.lang != "ko" {
		return name
	}
	if b.koNames == nil {
		b.koNames = map[string]string{}
		if t, err := b.db.Query(ctx, `SELECT platform_id, name_ko FROM platforms WHERE coalesce(name_ko, '') <> ''`); err == nil {
			for _, r := range t.Rows {
				b.koNames[str(r[0])] = str(r[1])
			}
		}
	}
	if ko := b.koNames[id]; ko != "" {
		return ko
	}
	return name
}

type sectionStep struct {
	id    string
	build func(context.Context, *builder) (*Section, error)
}

// reportSections is the report, in reading order. A step returns errNoData
// (or any error) to have its section say "no data" instead of failing.
var reportSections = []sectionStep{
	{"mau_trend", mauTrendSection},
	{"hhi", concentrationSection},
	{"markets", marketsSection},
	{"shares", sharesSection},
	{"gateway_graph", gatewayGraphSection},
	{"lockin", lockinSection},
	{"designation", designationSection},
	{"outage_gantt", outageSection},
	{"outage_impact", outageImpactSection},
	{"blast_radius", blastRadiusSection},
	{"news_volume", newsVolumeSection},
	{"news_headlines", newsHeadlinesSection},
	{"feed_coverage", feedCoverageSection},
	{"network_effects", networkEffectsSection},
}

const fontFamily = `"Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif`

func baseOpts(id string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: fmt.Sprintf("%dpx", defaultHeight)}),
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
	f, _ := toFloat(v)
	return f
}

// toFloat reads any numeric value the DuckDB driver returns: floats, ints
// of every width, HUGEINT (*big.Int) and DECIMAL (which has Float64).
func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case *big.Int:
		if x == nil {
			return 0, false
		}
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, true
	case interface{ Float64() float64 }:
		return x.Float64(), true
	}
	return 0, false
}

func isNumber(v any) bool {
	_, ok := toFloat(v)
	return ok
}

// analysisTable runs a catalogued analysis. An analysis not in this build's
// catalog, or one that returns no rows, is errNoData. Parameters the
// analysis does not declare are dropped, so a section keeps working while
// an analysis's parameters evolve.
func (b *builder) analysisTable(ctx context.Context, name string, params map[string]string) (*analysis.Table, error) {
	a, err := analysis.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("%w: analysis %s is not in this build", errNoData, name)
	}
	p := map[string]string{}
	for _, d := range a.Params {
		if v, ok := params[d.Name]; ok {
			p[d.Name] = v
		}
	}
	t, err := b.db.Run(ctx, a, p)
	if err != nil {
		return nil, err
	}
	if len(t.Rows) == 0 {
		return nil, errNoData
	}
	return t, nil
}

// query runs one of the report's own queries (queries/<name>.sql).
func (b *builder) query(ctx context.Context, name string, args ...any) (*analysis.Table, error) {
	q, err := queries.ReadFile(path.Join("queries", name+".sql"))
	if err != nil {
		return nil, err
	}
	t, err := b.db.Query(ctx, string(q), args...)
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", name, err)
	}
	return t, nil
}

// citeQuery cites the sources a provenance query returns.
func (b *builder) citeQuery(ctx context.Context, q string, args ...any) ([]Source, error) {
	t, err := b.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return b.src.CiteTable(t), nil
}

func (b *builder) section(id string, t *analysis.Table, c *Chart) *Section {
	return &Section{ID: id, Title: tr(b.lang, id+".title"), Caption: tr(b.lang, id+".caption"), Chart: c, Table: t}
}

func mauTrendSection(ctx context.Context, b *builder) (*Section, error) {
	t, err := b.analysisTable(ctx, "mau_trend", map[string]string{"country": "KR"})
	if err != nil {
		return nil, err
	}
	type key struct{ platform, estimator, source string }
	series := map[key][]opts.LineData{}
	for _, r := range t.Records() {
		name := b.platformName(ctx, str(r["platform_id"]), str(r["platform"]))
		k := key{name, str(r["estimator"]), str(r["source"])}
		series[k] = append(series[k], opts.LineData{Value: []any{str(r["period_start"]), num(r["users"])}})
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
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: tr(b.lang, "users"), Scale: opts.Bool(true)}),
	)...)
	for _, k := range keys {
		line.AddSeries(fmt.Sprintf("%s · %s (%s)", k.platform, tr(b.lang, "est."+k.estimator), k.source), series[k],
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true)}))
	}
	opt, err := optionOf(line)
	if err != nil {
		return nil, err
	}
	s := b.section("mau_trend", nil, &Chart{ID: "mau_trend", Option: opt})
	s.Sources = b.src.CiteTable(t)
	return s, nil
}

func concentrationSection(ctx context.Context, b *builder) (*Section, error) {
	t, err := b.analysisTable(ctx, "concentration", map[string]string{"category": "messenger", "country": "KR"})
	if err != nil {
		return nil, err
	}
	bands, err := b.db.Query(ctx, `SELECT metric, value FROM thresholds WHERE regime_id = ? AND metric IN ('hhi_high', 'hhi_moderate')`, "us_mg_2023")
	if err != nil {
		return nil, err
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
	// Threshold bands: shaded areas between the guideline lines.
	var moderate, high float64
	for _, r := range bands.Records() {
		switch str(r["metric"]) {
		case "hhi_high":
			high = num(r["value"])
		case "hhi_moderate":
			moderate = num(r["value"])
		}
	}
	for i, n := range names {
		so := []charts.SeriesOpts{charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true)})}
		if i == 0 && high > 0 {
			so = append(so,
				charts.WithMarkLineNameYAxisItemOpts(
					opts.MarkLineNameYAxisItem{Name: "DOJ/FTC 2023", YAxis: moderate},
					opts.MarkLineNameYAxisItem{Name: "DOJ/FTC 2023", YAxis: high}),
				charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"}, LineStyle: &opts.LineStyle{Type: "dashed", Color: "#b22"}}))
		}
		line.AddSeries(n, series[n], so...)
	}
	opt, err := optionOf(line)
	if err != nil {
		return nil, err
	}
	if high > 0 && len(names) > 0 {
		// Shaded threshold bands; go-echarts misspells markArea's yAxis key.
		opt, err = patchOption(opt, func(o map[string]any) {
			ss, _ := o["series"].([]any)
			s0, _ := ss[0].(map[string]any)
			band := func(name string, from, to float64, color string) []any {
				return []any{
					map[string]any{"name": name, "yAxis": from, "itemStyle": map[string]any{"color": color}},
					map[string]any{"yAxis": to},
				}
			}
			s0["markArea"] = map[string]any{"silent": true, "label": map[string]any{"position": "insideTopRight", "color": "#888"}, "data": []any{
				band(tr(b.lang, "band.moderate"), moderate, high, "rgba(240,180,40,0.12)"),
				band(tr(b.lang, "band.high"), high, 10000, "rgba(200,40,40,0.08)"),
			}}
		})
		if err != nil {
			return nil, err
		}
	}
	sources, err := b.citeQuery(ctx, `SELECT DISTINCT m.source_url, m.source_title, m.fetched_at FROM mau m JOIN platforms p USING (platform_id)
WHERE p.category = 'messenger' AND m.country = 'KR' AND m.unit = 'persons' ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	th, err := b.citeQuery(ctx, `SELECT DISTINCT source_url, source_title, fetched_at FROM thresholds WHERE regime_id = ?`, "us_mg_2023")
	if err != nil {
		return nil, err
	}
	tbl := pick(t, "period_label", "source", "metric", "n_platforms", "leader", "hhi", "cr1", "cr3", "effective_platforms", "delta_hhi", "doj_ftc_2023_band")
	s := b.section("hhi", tbl, &Chart{ID: "hhi", Option: opt})
	s.Sources = append(sources, th...)
	return s, nil
}

// sharesSection shows the latest measured messenger market: the newest
// period, and within it the source that measured the most apps.
func sharesSection(ctx context.Context, b *builder) (*Section, error) {
	t, err := b.query(ctx, "shares", "messenger", "KR")
	if err != nil {
		return nil, err
	}
	if len(t.Rows) == 0 {
		return nil, errNoData
	}
	recs := t.Records()
	var cats []string
	var data []opts.BarData
	for i := len(recs) - 1; i >= 0; i-- { // largest at the top
		r := recs[i]
		cats = append(cats, b.name(r["platform"], r["platform_ko"]))
		data = append(data, opts.BarData{Value: math.Round(num(r["share"])*1000) / 10})
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(baseOpts("shares"),
		charts.WithInitializationOpts(opts.Initialization{ChartID: "shares", Width: "100%", Height: fmt.Sprintf("%dpx", 120+34*len(cats))}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: "%", Max: 100}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: cats, AxisLabel: &opts.AxisLabel{Interval: "0"}}),
		charts.WithGridOpts(opts.Grid{Left: "3%", Right: "8%", ContainLabel: opts.Bool(true)}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
	)...)
	bar.XYReversal()
	bar.SetXAxis(cats)
	bar.AddSeries(tr(b.lang, "share"), data, charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right", Formatter: "{c}%"}))
	opt, err := optionOf(bar)
	if err != nil {
		return nil, err
	}
	s := b.section("shares", pick(t, "period_label", "source", "metric", "platform", "users", "share"), &Chart{ID: "shares", Option: opt, Height: fmt.Sprintf("%dpx", 120+34*len(cats))})
	s.Caption = fmt.Sprintf(tr(b.lang, "shares.caption"), str(recs[0]["source"]), str(recs[0]["period_label"]), str(recs[0]["metric"]))
	s.Sources = b.src.CiteTable(t)
	return s, nil
}

// name picks the label for the page language.
func (b *builder) name(en, ko any) string {
	if b.lang == "ko" && str(ko) != "" {
		return str(ko)
	}
	if str(en) != "" {
		return str(en)
	}
	return str(ko)
}

// categoryLabel names a taxonomy category in the page language.
func categoryLabel(lang, id string) string {
	for _, c := range schema.Taxonomy {
		if c.ID == id {
			if lang == "ko" {
				return c.Ko
			}
			return c.En
		}
	}
	if s := tr(lang, "node."+id); s != "node."+id {
		return s
	}
	return id
}

// gatewayGraphSection draws every gateway, the services it opens and the
// dependency edges between them: node size is the service's users (log
// scale), colour its taxonomy category.
func gatewayGraphSection(ctx context.Context, b *builder) (*Section, error) {
	nodes, err := b.query(ctx, "gateway_nodes")
	if err != nil {
		return nil, err
	}
	edges, err := b.query(ctx, "gateway_edges")
	if err != nil {
		return nil, err
	}
	if len(nodes.Rows) == 0 {
		return nil, errNoData
	}
	var cats []*opts.GraphCategory
	catIndex := map[string]int{}
	addCat := func(id string) int {
		if i, ok := catIndex[id]; ok {
			return i
		}
		catIndex[id] = len(cats)
		cats = append(cats, &opts.GraphCategory{Name: categoryLabel(b.lang, id), ItemStyle: &opts.ItemStyle{Color: categoryColor(id)}})
		return catIndex[id]
	}
	maxUsers := 1.0
	for _, r := range nodes.Records() {
		maxUsers = math.Max(maxUsers, num(r["users"]))
	}
	var gn []opts.GraphNode
	var showLabel []bool
	labels := map[string]string{}
	used := map[string]bool{}
	for _, r := range nodes.Records() {
		id := str(r["node_id"])
		label := shorten(b.name(r["name_en"], r["name_ko"]), 22)
		if label == "" || used[label] {
			label = id // node names must be unique in an ECharts graph
		}
		used[label] = true
		labels[id] = label
		// Label the hubs and the services with users; the rest on hover.
		showLabel = append(showLabel, str(r["role"]) == "hub" || num(r["users"]) > 0)
		size := 8.0
		if u := num(r["users"]); u > 0 {
			size = 8 + 42*math.Log10(1+u)/math.Log10(1+maxUsers)
		}
		if str(r["role"]) == "hub" {
			size = math.Max(size, 30)
		}
		gn = append(gn, opts.GraphNode{Name: label, Category: addCat(str(r["category"])), SymbolSize: math.Round(size*10) / 10,
			Value: float32(num(r["users"]))})
	}
	var gl []opts.GraphLink
	for _, r := range edges.Records() {
		from, to := labels[str(r["from_id"])], labels[str(r["to_id"])]
		if from == "" || to == "" || from == to {
			continue
		}
		gl = append(gl, opts.GraphLink{Source: from, Target: to})
	}
	g := charts.NewGraph()
	g.SetGlobalOptions(append(baseOpts("gateway_graph"),
		charts.WithInitializationOpts(opts.Initialization{ChartID: "gateway_graph", Width: "100%", Height: "720px"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "plain", Top: "0"}),
	)...)
	g.AddSeries(tr(b.lang, "gateway_graph.title"), gn, gl, charts.WithGraphChartOpts(opts.GraphChart{
		Layout: "force", Roam: opts.Bool(true), Draggable: opts.Bool(true), Categories: cats,
		Force:     &opts.GraphForce{Repulsion: 60, EdgeLength: []float32{30, 70}, Gravity: 0.25},
		LineStyle: &opts.LineStyle{Color: "source", Opacity: opts.Float(0.35), Curveness: 0.1},
	}), charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right", FontSize: 10}))
	opt, err := optionOf(g)
	if err != nil {
		return nil, err
	}
	// Lay the graph out at once: a printed or exported figure has no time
	// to watch the simulation settle.
	opt, err = patchOption(opt, func(o map[string]any) {
		ss, _ := o["series"].([]any)
		s0, _ := ss[0].(map[string]any)
		f, _ := s0["force"].(map[string]any)
		f["layoutAnimation"] = false
		s0["top"], s0["bottom"] = 110, 10
		data, _ := s0["data"].([]any)
		for i, d := range data {
			if m, ok := d.(map[string]any); ok && i < len(showLabel) {
				m["label"] = map[string]any{"show": showLabel[i]}
			}
		}
	})
	if err != nil {
		return nil, err
	}
	sources, err := b.citeQuery(ctx, `SELECT DISTINCT source_url, source_title, fetched_at FROM services
UNION SELECT DISTINCT source_url, source_title, fetched_at FROM dependencies ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	summary, err := b.db.Query(ctx, `SELECT gateway_id, count(DISTINCT service_id) AS services, count(DISTINCT category) AS categories,
  count(DISTINCT service_id) FILTER (WHERE account_linked) AS account_linked,
  count(DISTINCT service_id) FILTER (WHERE third_party) AS third_party,
  min(observed_at) AS first_observed, max(observed_at) AS last_observed
FROM services GROUP BY gateway_id ORDER BY gateway_id`)
	if err != nil {
		return nil, err
	}
	s := b.section("gateway_graph", summary, &Chart{ID: "gateway_graph", Option: opt, Height: "720px"})
	s.Sources = sources
	return s, nil
}

func outageSection(ctx context.Context, b *builder) (*Section, error) {
	const incident = "2022-10-15-pangyo-fire"
	t, err := b.analysisTable(ctx, "outage_durations", map[string]string{"incident": incident})
	if err != nil {
		return nil, err
	}
	recs := t.Records()
	// Shortest at the top reads like a restoration timeline.
	sort.SliceStable(recs, func(i, j int) bool {
		return num(recs[i]["hours_to_full_restore"]) < num(recs[j]["hours_to_full_restore"])
	})
	var cats []string
	var first, rest []opts.BarData
	for _, r := range recs {
		if r["hours_to_full_restore"] == nil {
			continue // dated only to a day: a date in the table, not a bar to midnight
		}
		f, full := num(r["hours_to_first_restore"]), num(r["hours_to_full_restore"])
		if r["hours_to_first_restore"] == nil {
			f = full
		}
		cats = append(cats, str(r["service_id"]))
		first = append(first, opts.BarData{Value: round1(f)})
		rest = append(rest, opts.BarData{Value: round1(full - f)})
	}
	height := fmt.Sprintf("%dpx", 120+22*len(cats))
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(baseOpts("outage_gantt"),
		charts.WithInitializationOpts(opts.Initialization{ChartID: "outage_gantt", Width: "100%", Height: height}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: tr(b.lang, "hours")}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: cats, AxisLabel: &opts.AxisLabel{Interval: "0"}}),
		charts.WithGridOpts(opts.Grid{Left: "3%", Right: "10%", ContainLabel: opts.Bool(true)}),
	)...)
	bar.XYReversal()
	bar.SetXAxis(cats)
	bar.AddSeries(tr(b.lang, "to_first"), first, charts.WithBarChartOpts(opts.BarChart{Stack: "t"}))
	bar.AddSeries(tr(b.lang, "first_to_full"), rest, charts.WithBarChartOpts(opts.BarChart{Stack: "t"}))
	opt, err := optionOf(bar)
	if err != nil {
		return nil, err
	}
	sources, err := b.citeQuery(ctx, `SELECT DISTINCT source_url, source_title, fetched_at FROM incidents WHERE incident_id = ? ORDER BY 1`, incident)
	if err != nil {
		return nil, err
	}
	tbl := pick(t, "service_id", "company", "service_outage_start_basis", "full_restore_local", "full_restore_precision",
		"hours_to_first_restore", "hours_to_full_restore", "hours_to_full_restore_upper", "hours_from_service_outage_to_full_restore",
		"official_hours_to_full_restore", "official_basis", "full_restore_basis", "disagreement", "caveat")
	s := b.section("outage_gantt", tbl, &Chart{ID: "outage_gantt", Option: opt, Height: height})
	s.Sources = sources
	// The official figure beside the computed one, from the table itself.
	for _, r := range recs {
		if r["official_hours_to_full_restore"] != nil && r["hours_to_full_restore"] != nil {
			s.Caption += " " + fmt.Sprintf(tr(b.lang, "outage_gantt.official"), str(r["company"]), str(r["official_basis"]),
				num(r["official_hours_to_full_restore"]), num(r["hours_to_full_restore"]), num(r["hours_from_service_outage_to_full_restore"]))
			break
		}
	}
	return s, nil
}

// newsVolumeSection counts articles per day around the incident: the
// news_volume analysis (baseline and window days) when the catalog has it,
// else a plain daily count; the table is the attention measures.
func newsVolumeSection(ctx context.Context, b *builder) (*Section, error) {
	var c *Chart
	vol, err := b.analysisTable(ctx, "news_volume", nil)
	switch {
	case err == nil:
		spec := Spec{Type: "bar", X: "day", Y: "articles", YName: tr(b.lang, "articles")}
		if vol.Col("phase") >= 0 {
			spec.Series, spec.Stack = "phase", true
		}
		if c, err = spec.Build("news_volume", vol); err != nil {
			return nil, err
		}
	case errors.Is(err, errNoData):
		daily, err := b.query(ctx, "news_daily")
		if err != nil {
			return nil, err
		}
		if len(daily.Rows) == 0 {
			return nil, errNoData
		}
		spec := Spec{Type: "bar", X: "day", Y: "articles", Series: "lang", Stack: true, YName: tr(b.lang, "articles")}
		if c, err = spec.Build("news_volume", daily); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	s := b.section("news_volume", nil, c)
	if att, err := b.analysisTable(ctx, "news_attention", nil); err == nil {
		s.Table = dropProvenance(att)
	} else if !errors.Is(err, errNoData) {
		return nil, err
	}
	s.Sources, err = b.citeQuery(ctx, `SELECT DISTINCT source_url, source_title, fetched_at FROM news WHERE published_at IS NOT NULL ORDER BY fetched_at, 1 LIMIT 200`)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// newsHeadlinesSection lists the headlines of the busiest days. Titles are
// scraped text: they reach the page only through html/template escaping.
func newsHeadlinesSection(ctx context.Context, b *builder) (*Section, error) {
	heads, err := b.query(ctx, "news_headlines")
	if err != nil {
		return nil, err
	}
	if len(heads.Rows) == 0 {
		return nil, errNoData
	}
	s := b.section("news_headlines", dropProvenance(heads), nil)
	s.MaxRows = 30
	s.Sources = b.src.CiteTable(heads)
	return s, nil
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

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

// dropProvenance hides the provenance columns, which captions cite.
func dropProvenance(t *analysis.Table) *analysis.Table {
	var keep []string
	hide := map[string]bool{"sources": true}
	for _, c := range schema.ProvenanceColumns {
		hide[c] = true
	}
	for _, c := range t.Columns {
		if !hide[c] {
			keep = append(keep, c)
		}
	}
	return pick(t, keep...)
}

// firstCol returns the first of the candidate columns t has.
func firstCol(t *analysis.Table, candidates ...string) string {
	for _, c := range candidates {
		if t.Col(c) >= 0 {
			return c
		}
	}
	return ""
}

// hasPrefixCol returns the first column starting with one of the prefixes.
func hasPrefixCol(t *analysis.Table, prefixes ...string) string {
	for _, p := range prefixes {
		for _, c := range t.Columns {
			if strings.HasPrefix(c, p) {
				return c
			}
		}
	}
	return ""
}

// shorten cuts s to n runes, marking the cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// categoryColors gives every taxonomy category its own colour, the same in
// every chart, so the legend can be read in print.
var categoryColors = map[string]string{
	"messaging": "#4e79a7", "identity": "#1f3b73", "payments": "#f28e2b", "finance": "#b6992d",
	"commerce": "#e15759", "mobility": "#76b7b2", "maps": "#59a14f", "content": "#edc948",
	"news": "#b07aa1", "search": "#ff9da7", "email": "#9c755f", "community": "#86bcb6",
	"games": "#d37295", "productivity": "#8cd17d", "notifications": "#499894", "public": "#79706e",
	"delivery": "#f1ce63", "gateway": "#222222", "account": "#555555", "infrastructure": "#aa0000",
}

func categoryColor(id string) string {
	if c, ok := categoryColors[id]; ok {
		return c
	}
	return "#bab0ac"
}
