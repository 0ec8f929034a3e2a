package report

import (
	"fmt"
	"math"
	"slices"
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
	// Top keeps the Top largest series by name and folds the rest into
	// one "others" entry: summed where series stack, drawn thin and grey
	// under one legend entry where they do not. 0 keeps every series.
	Top int
	// Step draws lines as steps ("start", "middle" or "end"): the shape
	// of a cumulative count.
	Step string
	// Scale divides every drawn y value (1e6 for "million users"); the
	// figure's data file keeps the unscaled values.
	Scale float64
	// Marks are vertical or horizontal annotation lines; Bands shaded
	// ranges of y (thresholds).
	Marks []Mark
	Bands []Band
	// Nodes are a graph's nodes (columns id, and optionally label,
	// category, size, value, show_label); the table drawn holds its edges
	// (From, To). Without Nodes, the nodes are the edges' ends.
	Nodes *analysis.Table
	// Lines are curves drawn over a scatter (fitted models): rows with the
	// spec's X and Y columns, split by its Series column, drawn smooth
	// without symbols.
	Lines *analysis.Table
	// Label names the column that names each scatter point (its tooltip).
	Label string
	// Name is the series' name where one series is the whole chart (graph).
	Name string
	// Min and Max fix the value axis (y; x for hbar), so levels compare
	// across charts (HHI 0 to 10,000, shares 0 to 100).
	Min, Max *float64
	// ValueLabels writes each bar's value on it, in LabelFormat if given
	// ("{c}%").
	ValueLabels bool
	LabelFormat string
	// EveryCategory labels every category of the x axis; NoXName leaves
	// the x axis unnamed where the categories name themselves.
	EveryCategory, NoXName bool
	// RowHeight, when Height is empty, makes the chart 120 px plus this
	// many per distinct X value (a bar or Gantt row each).
	RowHeight int
	// Loc is the time zone instants are drawn in; nil is DefaultTZ.
	Loc *time.Location
	// Lang names "others" and the time axis; empty is English.
	Lang string
}

// Mark is an annotation line at an x (a time or number) or a y value.
type Mark struct {
	X     any
	Y     *float64
	Label string
	// Align is the label's side of a vertical line: "left" (the label
	// starts at the line), "right" (it ends there) or "" (centred).
	Align string
}

// Band shades y from From to To, labelled.
type Band struct {
	From, To float64
	Label    string
	Color    string
}

// SpecTypes are the chart types a Spec can draw.
var SpecTypes = []string{"line", "area", "bar", "hbar", "scatter", "pie", "treemap", "sankey", "calendar", "gantt", "graph"}

// StepTypes are the values Spec.Step accepts.
var StepTypes = []string{"start", "middle", "end"}

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
	// A graph of nodes without edges is still a picture of them.
	if (t == nil || len(t.Rows) == 0) && (s.Type != "graph" || s.Nodes == nil || len(s.Nodes.Rows) == 0) {
		return nil, errNoData
	}
	if t == nil {
		t = &analysis.Table{Columns: []string{s.From, s.To}}
	}
	if s.Loc == nil {
		s.Loc = DefaultTZ()
	}
	if s.Step != "" && !slices.Contains(StepTypes, s.Step) {
		return nil, fmt.Errorf("step %q: want one of %s", s.Step, strings.Join(StepTypes, ", "))
	}
	var (
		opt map[string]any
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
	case "gantt":
		opt, err = s.gantt(id, t)
	case "graph":
		opt, err = s.graph(id, t)
	default:
		return nil, fmt.Errorf("chart type %q: want one of %s", s.Type, strings.Join(SpecTypes, ", "))
	}
	if err != nil {
		return nil, err
	}
	if err := s.annotate(opt); err != nil {
		return nil, err
	}
	s.axes(opt)
	data := t
	if s.Type == "graph" && s.Nodes != nil {
		data = s.Nodes // the nodes carry the figures (users); edges are ids
	}
	height := s.Height
	if height == "" && s.RowHeight > 0 && t.Col(s.X) >= 0 {
		seen := map[string]bool{}
		for _, r := range t.Rows {
			seen[str(r[t.Col(s.X)])] = true
		}
		height = fmt.Sprintf("%dpx", 120+s.RowHeight*len(seen))
	}
	return &Chart{ID: id, Option: opt, Height: height, Data: data}, nil
}

// markRows reads annotation lines and threshold bands from query results:
// marks have x (a time or number) or y, label and optionally align;
// bands have from, to, label and optionally color. Rows without a
// position are skipped (a threshold the lake lacks draws no band).
func (s *Spec) markRows(marks, bands *analysis.Table) error {
	if marks != nil {
		if marks.Col("x") < 0 && marks.Col("y") < 0 {
			return fmt.Errorf("marks need a column x or y (columns: %s)", strings.Join(marks.Columns, ", "))
		}
		for _, r := range marks.Records() {
			m := Mark{X: r["x"], Label: str(r["label"]), Align: str(r["align"])}
			if f, ok := analysis.ToFloat(r["y"]); ok && r["x"] == nil {
				m.Y = &f
			}
			if m.X == nil && m.Y == nil {
				continue
			}
			s.Marks = append(s.Marks, m)
		}
	}
	if bands != nil {
		if err := needColumns(bands, "from", "to"); err != nil {
			return fmt.Errorf("bands: %w", err)
		}
		for _, r := range bands.Records() {
			from, ok1 := analysis.ToFloat(r["from"])
			to, ok2 := analysis.ToFloat(r["to"])
			if !ok1 || !ok2 {
				continue
			}
			s.Bands = append(s.Bands, Band{From: from, To: to, Label: str(r["label"]), Color: str(r["color"])})
		}
	}
	return nil
}

// axes applies the spec's axis range, value labels and category labels.
func (s Spec) axes(opt map[string]any) {
	value, cat := "yAxis", "xAxis"
	if s.Type == "hbar" {
		value, cat = "xAxis", "yAxis"
	}
	for _, a := range list(opt, value) {
		if s.Min != nil {
			a["min"] = *s.Min
		}
		if s.Max != nil {
			a["max"] = *s.Max
		}
		if s.Min != nil && s.Max != nil {
			a["scale"] = false
		}
	}
	if s.ValueLabels {
		pos := "top"
		if s.Type == "hbar" {
			pos = "right"
		}
		for _, sr := range list(opt, "series") {
			l := map[string]any{"show": true, "position": pos}
			if s.LabelFormat != "" {
				l["formatter"] = s.LabelFormat
			}
			sr["label"] = l
		}
	}
	for _, a := range list(opt, cat) {
		if s.EveryCategory {
			sub(a, "axisLabel")["interval"] = 0
		}
		if s.NoXName {
			a["name"] = ""
		}
	}
}

// annotate adds the spec's marks and bands to the first series.
func (s Spec) annotate(opt map[string]any) error {
	if len(s.Marks) == 0 && len(s.Bands) == 0 {
		return nil
	}
	ss := list(opt, "series")
	if len(ss) == 0 {
		return fmt.Errorf("marks need a series to hang on")
	}
	if len(s.Marks) > 0 {
		var data []any
		for _, m := range s.Marks {
			d := map[string]any{"name": m.Label, "label": map[string]any{"formatter": m.Label}}
			switch {
			case m.Y != nil:
				d["yAxis"] = *m.Y
				d["label"].(map[string]any)["position"] = "insideEndTop"
			default:
				d["xAxis"] = s.xValue(m.X)
				d["label"].(map[string]any)["position"] = "end"
				if m.Align != "" {
					d["label"].(map[string]any)["align"] = m.Align
				}
			}
			data = append(data, d)
		}
		for _, g := range list(opt, "grid") {
			g["top"] = 48 // room for the marks' labels above the plot
		}
		ss[0]["markLine"] = map[string]any{"silent": true, "symbol": []any{"none", "none"}, "data": data,
			"lineStyle": map[string]any{"type": "dashed", "color": "#333333", "width": 1}}
	}
	if len(s.Bands) > 0 {
		var data []any
		for _, b := range s.Bands {
			data = append(data, []any{
				map[string]any{"name": b.Label, "yAxis": b.From, "itemStyle": map[string]any{"color": b.Color}},
				map[string]any{"yAxis": b.To},
			})
		}
		ss[0]["markArea"] = map[string]any{"silent": true, "data": data,
			"label": map[string]any{"position": "insideTopRight", "color": "#555555"}}
	}
	return nil
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

// xValue is how an x value is written into the option: times through
// timeValue, numbers as numbers rounded as y values are, anything else as
// text.
func (s Spec) xValue(v any) any {
	if tv, ok := timeValue(v, s.Loc); ok {
		return tv
	}
	if f, ok := analysis.ToFloat(v); ok {
		return roundSig(f, 6)
	}
	return str(v)
}

// timeValue writes a time for an ECharts time axis as the wall clock in
// loc, marked UTC: every option sets useUTC, so the axis reads the
// study's time on any reader's machine. A DATE stays its calendar day.
func timeValue(v any, loc *time.Location) (string, bool) {
	const wall = "2006-01-02T15:04:05Z"
	switch x := v.(type) {
	case time.Time:
		if isDate(x) {
			return x.UTC().Format(wall), true
		}
		return x.In(loc).Format(wall), true
	case string:
		if d, err := time.Parse("2006-01-02", x); err == nil {
			return d.Format(wall), true
		}
	}
	return "", false
}

// yValue is a number, or nil for a missing value so the line has a gap.
func yValue(v any) any {
	f, ok := analysis.ToFloat(v)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return f
}

// y is a drawn y value: scaled, rounded to what a reader can see.
func (s Spec) y(v any) any {
	f, ok := yValue(v).(float64)
	if !ok {
		return nil
	}
	if s.Scale != 0 {
		f /= s.Scale
	}
	return roundSig(f, 6)
}

// roundSig rounds to n significant digits, so an option carries no float
// noise (0.30000000000000004) into a figure's labels.
func roundSig(f float64, n int) float64 {
	if f == 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return f
	}
	p := math.Pow(10, float64(n)-math.Ceil(math.Log10(math.Abs(f))))
	return math.Round(f*p) / p
}

type seriesData struct {
	name string
	// points holds [x, y] pairs; byCat holds y per category; labels the
	// Label column per point.
	points [][]any
	byCat  map[string]any
	labels []any
}

func (s Spec) cartesian(id string, t *analysis.Table) (map[string]any, error) {
	ys := s.yCols()
	if s.X == "" || len(ys) == 0 {
		return nil, fmt.Errorf("%s chart needs x= and y=", s.Type)
	}
	if err := needColumns(t, append([]string{s.X, s.Series, s.Label}, ys...)...); err != nil {
		return nil, err
	}
	kind := axisKind(t, s.X)
	if s.Type == "scatter" && kind == "category" {
		return nil, fmt.Errorf("scatter chart needs a numeric or date x column, %q is neither", s.X)
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
			yv := s.y(r[t.Col(y)])
			sd.points = append(sd.points, []any{s.xValue(x), yv})
			if li := t.Col(s.Label); li >= 0 {
				sd.labels = append(sd.labels, r[li])
			}
			sd.byCat[cat] = yv
		}
	}
	if len(order) == 0 {
		return nil, errNoData
	}
	order, others := s.fold(order, series, cats)
	yName := s.YName
	if yName == "" && len(ys) == 1 {
		yName = ys[0]
	}
	xName := s.XName
	if xName == "" && kind != "time" {
		xName = s.X
	}
	if xName == "" && kind == "time" {
		xName = s.timeAxisName(t)
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
	g := append(baseOpts(id), charts.WithLegendOpts(opts.Legend{Show: opts.Bool(len(order) > 1 || others != nil || s.Lines != nil), Type: "scroll", Bottom: "0"}))
	if s.Type == "scatter" {
		g = append(g, charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}))
	}
	if s.Type == "hbar" {
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
		o, err := optionOf(bar)
		if err != nil {
			return nil, err
		}
		// Categories read top to bottom in result order; a few bars stay bars.
		for _, a := range list(o, "yAxis") {
			a["inverse"] = true
		}
		for _, sr := range list(o, "series") {
			sr["barMaxWidth"] = 28
		}
		return o, nil
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
		li := t.Col(s.Label)
		for _, name := range order {
			var data []opts.ScatterData
			for k, p := range series[name].points {
				d := opts.ScatterData{Value: p, SymbolSize: 9}
				if li >= 0 {
					d.Name, d.SymbolSize = str(series[name].labels[k]), 12
				}
				data = append(data, d)
			}
			sc.AddSeries(name, data)
		}
		if s.Lines != nil {
			line, err := s.overlay()
			if err != nil {
				return nil, err
			}
			sc.Overlap(line)
		}
		return optionOf(sc)
	}
	line := charts.NewLine()
	line.SetGlobalOptions(g...)
	if kind == "category" {
		line.SetXAxis(cats)
	}
	lineData := func(sd *seriesData) []opts.LineData {
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
		return data
	}
	for _, name := range order {
		data := lineData(series[name])
		so := []charts.SeriesOpts{charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(len(data) < 60), Stack: stackOf(s.Stack), Step: stepOf(s.Step)})}
		if s.Type == "area" {
			so = append(so, charts.WithAreaStyleOpts(opts.AreaStyle{Opacity: opts.Float(0.25)}))
		}
		line.AddSeries(name, data, so...)
	}
	// Unstacked lines beyond the top N stay visible, thin and grey, under
	// one legend entry: summing them would add up incomparable series.
	for _, sd := range others {
		line.AddSeries(s.othersName(len(others)), lineData(sd),
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Step: stepOf(s.Step)}),
			charts.WithLineStyleOpts(opts.LineStyle{Color: othersColor, Width: 1}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: othersColor}))
	}
	return optionOf(line)
}

// fold keeps the Top series with the largest values. Stacked series and
// bars fold the rest into one summed "others" series; unstacked lines
// return them to be drawn apart.
func (s Spec) fold(order []string, series map[string]*seriesData, cats []string) ([]string, []*seriesData) {
	if s.Top <= 0 || len(order) <= s.Top+1 {
		return order, nil
	}
	size := func(sd *seriesData) float64 {
		m := 0.0
		for _, p := range sd.points {
			if f, ok := p[1].(float64); ok {
				if s.Stack || s.Type == "bar" || s.Type == "hbar" {
					m += f
				} else {
					m = math.Max(m, f)
				}
			}
		}
		return m
	}
	ranked := append([]string(nil), order...)
	sort.SliceStable(ranked, func(i, j int) bool { return size(series[ranked[i]]) > size(series[ranked[j]]) })
	keep := map[string]bool{}
	for _, n := range ranked[:s.Top] {
		keep[n] = true
	}
	var kept []string
	var rest []*seriesData
	for _, n := range order {
		if keep[n] {
			kept = append(kept, n)
		} else {
			rest = append(rest, series[n])
		}
	}
	if s.Type == "line" && !s.Stack || s.Type == "scatter" {
		return kept, rest
	}
	name := s.othersName(len(rest))
	sum := &seriesData{name: name, byCat: map[string]any{}}
	totals := map[string]float64{}
	var xs []any
	for _, sd := range rest {
		for _, p := range sd.points {
			f, ok := p[1].(float64)
			if !ok {
				continue
			}
			k := fmt.Sprint(p[0])
			if _, seen := totals[k]; !seen {
				xs = append(xs, p[0])
			}
			totals[k] += f
		}
	}
	for _, x := range xs {
		v := roundSig(totals[fmt.Sprint(x)], 6)
		sum.points = append(sum.points, []any{x, v})
		sum.byCat[fmt.Sprint(x)] = v
	}
	series[name] = sum
	return append(kept, name), nil
}

func (s Spec) othersName(n int) string {
	return fmt.Sprintf(tr(s.lang(), "others"), n)
}

func (s Spec) lang() string {
	if s.Lang == "" {
		return "en"
	}
	return s.Lang
}

// timeAxisName names a time axis with the time zone it is drawn in.
func (s Spec) timeAxisName(t *analysis.Table) string {
	i := t.Col(s.X)
	for _, r := range t.Rows {
		if x, ok := r[i].(time.Time); ok && !isDate(x) {
			return fmt.Sprintf(tr(s.lang(), "time_axis"), x.In(s.Loc).Format("MST"))
		}
	}
	return ""
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

func (s Spec) pie(id string, t *analysis.Table) (map[string]any, error) {
	ys := s.yCols()
	if s.X == "" || len(ys) != 1 {
		return nil, fmt.Errorf("pie chart needs x= (names) and one y= (values)")
	}
	if err := needColumns(t, s.X, ys[0]); err != nil {
		return nil, err
	}
	var data []opts.PieData
	for _, r := range t.Records() {
		data = append(data, opts.PieData{Name: str(r[s.X]), Value: s.y(r[ys[0]])})
	}
	pie := charts.NewPie()
	pie.SetGlobalOptions(append(baseOpts(id), charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}))...)
	pie.AddSeries(ys[0], data, charts.WithPieChartOpts(opts.PieChart{Radius: []string{"35%", "65%"}}),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Formatter: "{b}: {d}%"}))
	return optionOf(pie)
}

// treemap draws x (leaf names) sized by y, grouped under series if given.
func (s Spec) treemap(id string, t *analysis.Table) (map[string]any, error) {
	ys := s.yCols()
	if s.X == "" || len(ys) != 1 {
		return nil, fmt.Errorf("treemap needs x= (names) and one y= (sizes)")
	}
	if err := needColumns(t, s.X, ys[0], s.Series); err != nil {
		return nil, err
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

func (s Spec) sankey(id string, t *analysis.Table) (map[string]any, error) {
	if s.From == "" || s.To == "" || s.Value == "" {
		return nil, fmt.Errorf("sankey needs from=, to= and value=")
	}
	if err := needColumns(t, s.From, s.To, s.Value); err != nil {
		return nil, err
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
func (s Spec) calendar(id string, t *analysis.Table) (map[string]any, error) {
	ys := s.yCols()
	if s.X == "" || len(ys) != 1 {
		return nil, fmt.Errorf("calendar needs x= (day) and one y= (value)")
	}
	if err := needColumns(t, s.X, ys[0]); err != nil {
		return nil, err
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
		return nil, errNoData
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

func baseOpts(id string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: fmt.Sprintf("%dpx", defaultHeight)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "scroll", Bottom: "0"}),
		charts.WithAnimation(false),
	}
}

func stepOf(step string) any {
	if step == "" {
		return nil
	}
	return step
}

// gantt draws one bar per row from From to To (times) on a calendar axis
// in s.Loc: X names the row (a category, top to bottom in result order),
// Series the phase that colours it. A bar is a thick line segment, so a
// row may hold segments of several phases.
func (s Spec) gantt(id string, t *analysis.Table) (map[string]any, error) {
	if s.X == "" || s.From == "" || s.To == "" {
		return nil, fmt.Errorf("gantt needs x= (rows), from= and to= (times)")
	}
	if err := needColumns(t, s.X, s.From, s.To, s.Series); err != nil {
		return nil, err
	}
	var cats, phases []string
	seenCat, seenPhase := map[string]bool{}, map[string]bool{}
	segs := map[string][]any{}
	for _, r := range t.Records() {
		from, ok1 := timeValue(r[s.From], s.Loc)
		to, ok2 := timeValue(r[s.To], s.Loc)
		if !ok1 || !ok2 {
			continue
		}
		cat := shorten(str(r[s.X]), 28)
		if !seenCat[cat] {
			seenCat[cat] = true
			cats = append(cats, cat)
		}
		ph := s.YName
		if s.Series != "" {
			ph = str(r[s.Series])
		}
		if !seenPhase[ph] {
			seenPhase[ph] = true
			phases = append(phases, ph)
		}
		// "-" breaks the line between segments.
		segs[ph] = append(segs[ph], []any{from, cat}, []any{to, cat}, "-")
	}
	if len(cats) == 0 {
		return nil, errNoData
	}
	xName := s.XName
	if xName == "" {
		xName = s.timeAxisNameOf(t, s.From)
	}
	// A category y axis runs bottom to top: reverse, so rows read in result
	// order from the top (an inverse axis would put the marks' labels at
	// the bottom).
	slices.Reverse(cats)
	ss := make([]any, 0, len(phases))
	for _, ph := range phases {
		ss = append(ss, map[string]any{"type": "line", "name": ph, "data": segs[ph], "showSymbol": false, "legendIcon": "rect",
			"connectNulls": false, "lineStyle": map[string]any{"width": 9, "cap": "butt"}, "emphasis": map[string]any{"disabled": true}})
	}
	opt := map[string]any{
		"color":   okabeIto,
		"useUTC":  true,
		"tooltip": map[string]any{"show": true, "trigger": "item"},
		"legend":  map[string]any{"show": len(phases) > 1, "type": "scroll", "bottom": "0"},
		"grid":    map[string]any{"left": "3%", "right": "6%", "containLabel": true},
		"xAxis":   []any{map[string]any{"type": "time", "name": xName, "splitLine": map[string]any{"show": true}, "axisLabel": timeLabels()}},
		"yAxis":   []any{map[string]any{"type": "category", "data": cats, "axisLabel": map[string]any{"interval": 0}}},
		"series":  ss,
	}
	return opt, nil
}

// timeAxisNameOf names a time axis drawn from column col.
func (s Spec) timeAxisNameOf(t *analysis.Table, col string) string {
	s.X = col
	return s.timeAxisName(t)
}

// overlay draws Lines as smooth curves without symbols, one per Series
// value (or one named after Y), for a scatter to overlap.
func (s Spec) overlay() (*charts.Line, error) {
	ys := s.yCols()
	if len(ys) != 1 {
		return nil, fmt.Errorf("lines need one y= column")
	}
	if err := needColumns(s.Lines, s.X, ys[0], s.Series); err != nil {
		return nil, fmt.Errorf("lines: %w", err)
	}
	xi, yi, si := s.Lines.Col(s.X), s.Lines.Col(ys[0]), s.Lines.Col(s.Series)
	var order []string
	data := map[string][]opts.LineData{}
	for _, r := range s.Lines.Rows {
		name := ys[0]
		if si >= 0 {
			name = str(r[si])
		}
		if _, ok := data[name]; !ok {
			order = append(order, name)
		}
		data[name] = append(data[name], opts.LineData{Value: []any{s.xValue(r[xi]), s.y(r[yi])}})
	}
	line := charts.NewLine()
	for _, name := range order {
		line.AddSeries(name, data[name], charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Smooth: opts.Bool(true)}))
	}
	return line, nil
}

// graph draws a network: t's From and To columns are its edges, Nodes
// (if given) its nodes, coloured and named by taxonomy category in the
// page language, sized by their size column, labelled where show_label.
// The layout is computed at once, without animation: a printed or
// exported figure has no time to watch the simulation settle.
func (s Spec) graph(id string, t *analysis.Table) (map[string]any, error) {
	if s.From == "" || s.To == "" {
		return nil, fmt.Errorf("graph needs from= and to= (the edges' ends)")
	}
	if err := needColumns(t, s.From, s.To); err != nil {
		return nil, err
	}
	nodes := s.Nodes
	if nodes == nil {
		nodes = &analysis.Table{Columns: []string{"id"}}
		seen := map[string]bool{}
		for _, r := range t.Records() {
			for _, n := range []string{str(r[s.From]), str(r[s.To])} {
				if !seen[n] {
					seen[n] = true
					nodes.Rows = append(nodes.Rows, []any{n})
				}
			}
		}
	}
	if err := needColumns(nodes, "id"); err != nil {
		return nil, fmt.Errorf("nodes: %w", err)
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
		cats = append(cats, &opts.GraphCategory{Name: categoryLabel(s.lang(), id), ItemStyle: &opts.ItemStyle{Color: categoryColor(id)}})
		return catIndex[id]
	}
	var gn []opts.GraphNode
	var showLabel []any
	labels := map[string]string{}
	used := map[string]bool{}
	for _, r := range nodes.Records() {
		id := str(r["id"])
		label := str(r["label"])
		if label == "" || used[label] {
			label = id // node names must be unique in an ECharts graph
		}
		used[label] = true
		labels[id] = label
		n := opts.GraphNode{Name: label, Value: float32(num(r["value"]))}
		if c, ok := r["category"]; ok {
			n.Category = addCat(str(c))
		}
		if v, ok := analysis.ToFloat(r["size"]); ok {
			n.SymbolSize = roundSig(v, 6)
		}
		gn = append(gn, n)
		showLabel = append(showLabel, r["show_label"])
	}
	var gl []opts.GraphLink
	for _, r := range t.Records() {
		from, to := labels[str(r[s.From])], labels[str(r[s.To])]
		if from == "" || to == "" || from == to {
			continue
		}
		gl = append(gl, opts.GraphLink{Source: from, Target: to})
	}
	height := s.Height
	if height == "" {
		height = fmt.Sprintf("%dpx", defaultHeight)
	}
	g := charts.NewGraph()
	g.SetGlobalOptions(append(baseOpts(id),
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: height}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(len(cats) > 0), Type: "plain", Top: "0"}),
	)...)
	name := s.Name
	if name == "" {
		name = id
	}
	g.AddSeries(name, gn, gl, charts.WithGraphChartOpts(opts.GraphChart{
		Layout: "force", Roam: opts.Bool(true), Draggable: opts.Bool(true), Categories: cats,
		Force:     &opts.GraphForce{Repulsion: 60, EdgeLength: []float32{30, 70}, Gravity: 0.25},
		LineStyle: &opts.LineStyle{Color: "source", Opacity: opts.Float(0.35), Curveness: 0.1},
	}), charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right", FontSize: 10}))
	o, err := optionOf(g)
	if err != nil {
		return nil, err
	}
	for _, s0 := range list(o, "series") {
		sub(s0, "force")["layoutAnimation"] = false
		s0["top"], s0["bottom"] = 110, 10
		for i, d := range list(s0, "data") {
			if i < len(showLabel) && showLabel[i] != nil {
				on, _ := showLabel[i].(bool)
				d["label"] = map[string]any{"show": on}
			}
		}
	}
	return o, nil
}
