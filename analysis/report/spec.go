package report

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/gwanmun/gwanmun/analysis"
)

// Spec describes a chart drawn from a query result, as a notebook's chart
// block does: ```chart type=line x=period_start y=users series=platform```.
type Spec struct {
	// Type is one of SpecTypes.
	Type string
	// X names the category, date or x column; Y one or more value columns
	// (comma-separated); Series the column that splits rows into series.
	X, Y, Series string
	// From, To and Value are the edge columns of a sankey.
	From, To, Value string
	Stack           bool
	LogY            bool
	XName, YName    string
	Height          string
}

// SpecTypes are the chart types a Spec can draw.
var SpecTypes = []string{"line", "area", "bar", "hbar", "scatter", "pie", "treemap", "sankey", "calendar"}

// columns checks that the named columns exist.
func needColumns(t *analysis.Table, names ...string) error {
	for _, n := range names {
		if n != "" && t.Col(n) < 0 {
			return fmt.Errorf("column %q is not in the result (columns: %s)", n, strings.Join(t.Columns, ", "))
		}
	}
	return nil
}

// Build draws the spec from t as chart id.
func (s Spec) Build(id string, t *analysis.Table) (*Chart, error) {
	if t == nil || len(t.Rows) == 0 {
		return nil, errNoData
	}
	var (
		opt string
		err error
	)
	switch s.Type {
	case "line", "area", "bar", "hbar", "scatter":
		opt, err = s.cartesian(id, t)
	case "pie":
		opt, err = s.pie(id, t)
	case "treemap":
		opt, err = s.treemap(id, t)
	case "sankey":
		opt, err = s.sankey(id, t)
	case "calendar":
		opt, err = s.calendar(id, t)
	default:
		return nil, fmt.Errorf("chart type %q: want one of %s", s.Type, strings.Join(SpecTypes, ", "))
	}
	if err != nil {
		return nil, err
	}
	return &Chart{ID: id, Option: opt, Height: s.Height}, nil
}

func (s Spec) yCols() []string {
	var out []string
	for _, y := range strings.Split(s.Y, ",") {
		if y = strings.TrimSpace(y); y != "" {
			out = append(out, y)
		}
	}
	return out
}

// axisKind says how x values are laid out: "time" for dates, "value" for
// numbers, "category" otherwise.
func axisKind(t *analysis.Table, col string) string {
	i := t.Col(col)
	kind := ""
	for _, r := range t.Rows {
		var k string
		switch v := r[i].(type) {
		case nil:
			continue
		case time.Time:
			k = "time"
		case string:
			if _, err := time.Parse("2006-01-02", v); err == nil {
				k = "time"
			} else {
				k = "category"
			}
		default:
			k = "category"
			if isNumber(v) {
				k = "value"
			}
		}
		if kind != "" && kind != k {
			return "category"
		}
		kind = k
	}
	if kind == "" {
		return "category"
	}
	return kind
}

// xValue is how an x value is written into the option.
func xValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 {
			return x.UTC().Format("2006-01-02")
		}
		return x.UTC().Format(time.RFC3339)
	}
	if f, ok := toFloat(v); ok {
		return f
	}
	return str(v)
}

// yValue is a number, or nil for a missing value so the line has a gap.
func yValue(v any) any {
	f, ok := toFloat(v)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return f
}

type seriesData struct {
	name string
	// points holds [x, y] pairs; byCat holds y per category.
	points [][]any
	byCat  map[string]any
}

func (s Spec) cartesian(id string, t *analysis.Table) (string, error) {
	ys := s.yCols()
	if s.X == "" || len(ys) == 0 {
		return "", fmt.Errorf("%s chart needs x= and y=", s.Type)
	}
	if err := needColumns(t, append([]string{s.X, s.Series}, ys...)...); err != nil {
		return "", err
	}
	kind := axisKind(t, s.X)
	if s.Type == "scatter" && kind == "category" {
		return "", fmt.Errorf("scatter chart needs a numeric or date x column, %q is neither", s.X)
	}
	xi, si := t.Col(s.X), t.Col(s.Series)
	var cats []string
	seenCat := map[string]bool{}
	var order []string
	series := map[string]*seriesData{}
	for _, r := range t.Rows {
		x := r[xi]
		if x == nil {
			continue
		}
		cat := str(x)
		if !seenCat[cat] {
			seenCat[cat] = true
			cats = append(cats, cat)
		}
		for _, y := range ys {
			name := y
			if si >= 0 {
				name = str(r[si])
				if len(ys) > 1 {
					name += " · " + y
				}
			}
			sd, ok := series[name]
			if !ok {
				sd = &seriesData{name: name, byCat: map[string]any{}}
				series[name] = sd
				order = append(order, name)
			}
			yv := yValue(r[t.Col(y)])
			sd.points = append(sd.points, []any{xValue(x), yv})
			sd.byCat[cat] = yv
		}
	}
	if len(order) == 0 {
		return "", errNoData
	}
	yName := s.YName
	if yName == "" && len(ys) == 1 {
		yName = ys[0]
	}
	xName := s.XName
	if xName == "" && kind != "time" {
		xName = s.X
	}
	yAxis := opts.YAxis{Type: "value", Name: yName, Scale: opts.Bool(s.Type == "scatter" || s.Type == "line")}
	if s.LogY {
		yAxis.Type = "log"
	}
	xAxis := opts.XAxis{Type: kind, Name: xName}
	if kind == "category" {
		xAxis.Data = cats
		xAxis.AxisLabel = &opts.AxisLabel{Interval: "auto", Rotate: rotateFor(cats)}
	}
	if kind == "value" {
		xAxis.Scale = opts.Bool(true)
	}
	g := append(baseOpts(id), charts.WithLegendOpts(opts.Legend{Show: opts.Bool(len(order) > 1), Type: "scroll", Bottom: "0"}))
	if s.Type == "scatter" {
		g = append(g, charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}))
	}
	if s.Type == "hbar" {
		// Categories read top to bottom in result order.
		rev := make([]string, len(cats))
		for i, c := range cats {
			rev[len(cats)-1-i] = c
		}
		cats = rev
		bar := charts.NewBar()
		bar.SetGlobalOptions(append(g,
			charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: yName}),
			charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: cats, AxisLabel: &opts.AxisLabel{Interval: "0"}}),
			charts.WithGridOpts(opts.Grid{Left: "3%", Right: "8%", ContainLabel: opts.Bool(true)}),
		)...)
		bar.XYReversal()
		bar.SetXAxis(cats)
		for _, name := range order {
			sd := series[name]
			data := make([]opts.BarData, len(cats))
			for i, c := range cats {
				data[i] = opts.BarData{Value: sd.byCat[c]}
			}
			bar.AddSeries(name, data, charts.WithBarChartOpts(opts.BarChart{Stack: stackOf(s.Stack)}))
		}
		return optionOf(bar)
	}
	g = append(g, charts.WithXAxisOpts(xAxis), charts.WithYAxisOpts(yAxis),
		charts.WithGridOpts(opts.Grid{Left: "3%", Right: "4%", ContainLabel: opts.Bool(true)}))
	switch s.Type {
	case "bar":
		bar := charts.NewBar()
		bar.SetGlobalOptions(g...)
		if kind == "category" {
			bar.SetXAxis(cats)
		}
		for _, name := range order {
			sd := series[name]
			var data []opts.BarData
			if kind == "category" {
				for _, c := range cats {
					data = append(data, opts.BarData{Value: sd.byCat[c]})
				}
			} else {
				for _, p := range sd.points {
					data = append(data, opts.BarData{Value: p})
				}
			}
			bar.AddSeries(name, data, charts.WithBarChartOpts(opts.BarChart{Stack: stackOf(s.Stack)}))
		}
		return optionOf(bar)
	case "scatter":
		sc := charts.NewScatter()
		sc.SetGlobalOptions(g...)
		for _, name := range order {
			var data []opts.ScatterData
			for _, p := range series[name].points {
				data = append(data, opts.ScatterData{Value: p, SymbolSize: 9})
			}
			sc.AddSeries(name, data)
		}
		return optionOf(sc)
	}
	line := charts.NewLine()
	line.SetGlobalOptions(g...)
	if kind == "category" {
		line.SetXAxis(cats)
	}
	for _, name := range order {
		sd := series[name]
		var data []opts.LineData
		if kind == "category" {
			for _, c := range cats {
				data = append(data, opts.LineData{Value: sd.byCat[c]})
			}
		} else {
			for _, p := range sd.points {
				data = append(data, opts.LineData{Value: p})
			}
		}
		so := []charts.SeriesOpts{charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(len(data) < 60), Stack: stackOf(s.Stack)})}
		if s.Type == "area" {
			so = append(so, charts.WithAreaStyleOpts(opts.AreaStyle{Opacity: opts.Float(0.25)}))
		}
		line.AddSeries(name, data, so...)
	}
	return optionOf(line)
}

func stackOf(on bool) string {
	if on {
		return "total"
	}
	return ""
}

func rotateFor(cats []string) float64 {
	long := 0
	for _, c := range cats {
		if n := len([]rune(c)); n > long {
			long = n
		}
	}
	if len(cats) > 8 && long > 6 {
		return 30
	}
	return 0
}

func (s Spec) pie(id string, t *analysis.Table) (string, error) {
	ys := s.yCols()
	if s.X == "" || len(ys) != 1 {
		return "", fmt.Errorf("pie chart needs x= (names) and one y= (values)")
	}
	if err := needColumns(t, s.X, ys[0]); err != nil {
		return "", err
	}
	var data []opts.PieData
	for _, r := range t.Records() {
		data = append(data, opts.PieData{Name: str(r[s.X]), Value: yValue(r[ys[0]])})
	}
	pie := charts.NewPie()
	pie.SetGlobalOptions(append(baseOpts(id), charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}))...)
	pie.AddSeries(ys[0], data, charts.WithPieChartOpts(opts.PieChart{Radius: []string{"35%", "65%"}}),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Formatter: "{b}: {d}%"}))
	return optionOf(pie)
}

// treemap draws x (leaf names) sized by y, grouped under series if given.
func (s Spec) treemap(id string, t *analysis.Table) (string, error) {
	ys := s.yCols()
	if s.X == "" || len(ys) != 1 {
		return "", fmt.Errorf("treemap needs x= (names) and one y= (sizes)")
	}
	if err := needColumns(t, s.X, ys[0], s.Series); err != nil {
		return "", err
	}
	groups := map[string][]opts.TreeMapNode{}
	var order []string
	for _, r := range t.Records() {
		g := ""
		if s.Series != "" {
			g = str(r[s.Series])
		}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], opts.TreeMapNode{Name: str(r[s.X]), Value: int(math.Round(num(r[ys[0]])))})
	}
	var nodes []opts.TreeMapNode
	for _, g := range order {
		if g == "" {
			nodes = append(nodes, groups[g]...)
			continue
		}
		sum := 0
		for _, c := range groups[g] {
			sum += c.Value
		}
		nodes = append(nodes, opts.TreeMapNode{Name: g, Value: sum, Children: groups[g]})
	}
	tm := charts.NewTreeMap()
	tm.SetGlobalOptions(append(baseOpts(id),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}))...)
	tm.AddSeries(ys[0], nodes, charts.WithTreeMapOpts(opts.TreeMapChart{
		Roam: opts.Bool(false), Top: "30", Bottom: "30", Left: "10", Right: "10",
		UpperLabel: &opts.UpperLabel{Show: opts.Bool(s.Series != "")},
	}), charts.WithLabelOpts(opts.Label{Show: opts.Bool(true)}))
	return optionOf(tm)
}

func (s Spec) sankey(id string, t *analysis.Table) (string, error) {
	if s.From == "" || s.To == "" || s.Value == "" {
		return "", fmt.Errorf("sankey needs from=, to= and value=")
	}
	if err := needColumns(t, s.From, s.To, s.Value); err != nil {
		return "", err
	}
	var nodes []opts.SankeyNode
	var links []opts.SankeyLink
	seen := map[string]bool{}
	for _, r := range t.Records() {
		a, b := str(r[s.From]), str(r[s.To])
		if a == b {
			continue // a sankey has no self-loops
		}
		for _, n := range []string{a, b} {
			if !seen[n] {
				seen[n] = true
				nodes = append(nodes, opts.SankeyNode{Name: n})
			}
		}
		links = append(links, opts.SankeyLink{Source: a, Target: b, Value: float32(num(r[s.Value]))})
	}
	sk := charts.NewSankey()
	sk.SetGlobalOptions(append(baseOpts(id),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}))...)
	sk.AddSeries(s.Value, nodes, links, charts.WithLabelOpts(opts.Label{Show: opts.Bool(true)}),
		charts.WithLineStyleOpts(opts.LineStyle{Color: "source", Curveness: 0.5, Opacity: opts.Float(0.4)}))
	return optionOf(sk)
}

// calendar draws a daily heatmap: x is the day, y the value.
func (s Spec) calendar(id string, t *analysis.Table) (string, error) {
	ys := s.yCols()
	if s.X == "" || len(ys) != 1 {
		return "", fmt.Errorf("calendar needs x= (day) and one y= (value)")
	}
	if err := needColumns(t, s.X, ys[0]); err != nil {
		return "", err
	}
	var data []opts.HeatMapData
	var days []string
	maxV := 0.0
	for _, r := range t.Records() {
		d := str(r[s.X])
		if len(d) < 10 {
			continue
		}
		d = d[:10]
		v := num(r[ys[0]])
		maxV = math.Max(maxV, v)
		days = append(days, d)
		data = append(data, opts.HeatMapData{Value: []any{d, v}})
	}
	if len(days) == 0 {
		return "", errNoData
	}
	sort.Strings(days)
	hm := charts.NewHeatMap()
	hm.SetGlobalOptions(append(baseOpts(id),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithVisualMapOpts(opts.VisualMap{Calculable: opts.Bool(true), Min: 0, Max: float32(maxV),
			Orient: "horizontal", Left: "center", Bottom: "0",
			InRange: &opts.VisualMapInRange{Color: []string{"#f3f6fb", "#9ecae1", "#3182bd", "#08306b"}}}),
	)...)
	hm.AddCalendar(&opts.Calendar{Range: []string{days[0], days[len(days)-1]}, CellSize: "auto",
		Top: "40", Left: "50", Right: "30", Bottom: "70", Orient: "horizontal",
		YearLabel: &opts.CalendarLabel{Show: opts.Bool(true)}})
	hm.AddSeries(ys[0], data, charts.WithCoordinateSystem("calendar"))
	return optionOf(hm)
}
