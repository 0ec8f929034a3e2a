package report

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/gwanmun/gwanmun/analysis"
)

// FigureSize is a printed figure's width and resolution. Charts are laid
// out in CSS pixels (96 per inch) at the printed width, so a font of p
// points is p·96/72 px, and drawn at DPI/96 device pixels per CSS pixel.
type FigureSize struct {
	Name    string
	WidthMM float64
	DPI     float64
	// BasePt is the type size of labels and legends; axis names are the
	// same size, nothing is smaller than MinFontPt.
	BasePt float64
	// Aspect is height over width for the plot (a legend adds to it).
	Aspect float64
}

// MinFontPt is the smallest type journals accept in a printed figure.
const MinFontPt = 7.0

// FigureSizes are the sizes --figure-size offers: a journal's single and
// double column (Elsevier, Springer and Nature all use about 85 and 180
// mm, at 300 dpi for halftones), and a 16:9 slide 254 mm (10 in) wide.
var FigureSizes = []FigureSize{
	{Name: "single", WidthMM: 85, DPI: 300, BasePt: 7.5, Aspect: 0.8},
	{Name: "double", WidthMM: 180, DPI: 300, BasePt: 8, Aspect: 0.5},
	{Name: "slide", WidthMM: 254, DPI: 150, BasePt: 14, Aspect: 0.5625},
}

// LookupFigureSize returns the named size.
func LookupFigureSize(name string) (FigureSize, error) {
	var names []string
	for _, s := range FigureSizes {
		if s.Name == name {
			return s, nil
		}
		names = append(names, s.Name)
	}
	return FigureSize{}, fmt.Errorf("figure size %q: want one of %s", name, strings.Join(names, ", "))
}

// CSSWidth is the layout width in CSS pixels.
func (s FigureSize) CSSWidth() int { return int(math.Floor(s.WidthMM / 25.4 * 96)) }

// PixelRatio is device pixels per CSS pixel.
func (s FigureSize) PixelRatio() float64 { return s.DPI / 96 }

// PixelWidth is the PNG's width: never wider than WidthMM at DPI.
func (s FigureSize) PixelWidth() int { return int(math.Floor(float64(s.CSSWidth()) * s.PixelRatio())) }

// PxPerPt converts type sizes.
const pxPerPt = 96.0 / 72.0

func (s FigureSize) fontPx() float64 { return math.Round(s.BasePt*pxPerPt*10) / 10 }

// figureFont names fonts with single quotes: the ECharts SVG renderer
// writes the family into a double-quoted style attribute unescaped.
const figureFont = `'Noto Sans CJK KR', 'Noto Sans KR', 'Apple SD Gothic Neo', 'Malgun Gothic', sans-serif`

// Layout constants of a static figure, in CSS pixels.
const (
	legendPad     = 4.0
	legendGap     = 8.0
	legendIconW   = 16.0
	legendIconH   = 8.0
	legendTextGap = 5.0
)

// StaticFigure is a chart laid out for print at one size.
type StaticFigure struct {
	Option map[string]any
	// Width and Height in CSS pixels; the PNG is PixelRatio times this.
	Width, Height int
	PixelRatio    float64
	// LegendHeight is the band at the bottom the legend fills (0 without
	// a legend); the plot's grid ends above it.
	LegendHeight float64
}

// Static lays a chart out as a printed figure: every text at BasePt (never
// under MinFontPt), a legend drawn in full below the plot and never paged,
// the grid's margins leaving room for it and for the axis names, no
// tooltip, toolbox, zoom or animation. The page's own option is untouched.
func (c Chart) Static(size FigureSize) StaticFigure {
	o := deepCopy(c.Option)
	w := float64(size.CSSWidth())
	font := size.fontPx()
	for _, k := range []string{"tooltip", "toolbox", "dataZoom", "title"} {
		delete(o, k)
	}
	o["animation"] = false
	o["backgroundColor"] = "#ffffff"
	ts := sub(o, "textStyle")
	ts["fontFamily"], ts["fontSize"] = figureFont, font

	xs, ys := list(o, "xAxis"), list(o, "yAxis")
	for _, a := range append(append([]map[string]any{}, xs...), ys...) {
		sub(a, "axisLabel")["fontSize"] = font
		sub(a, "nameTextStyle")["fontSize"] = font
	}
	// Category labels that would run into each other wrap within their
	// slot instead.
	for _, a := range xs {
		if a["type"] != "category" {
			continue
		}
		if n := len(strs(a["data"])); n > 0 {
			slot := (w - 40) / float64(n)
			if longestLabel(a, font) <= slot-4 {
				continue
			}
			l := sub(a, "axisLabel")
			l["interval"] = 0
			if longestWord(a, font) <= slot-4 {
				l["width"], l["overflow"] = math.Floor(slot-4), "break"
			} else {
				l["rotate"] = 30 // a word wider than its slot: slant rather than split it
			}
		}
	}
	// An x axis name sits centred under the tick labels; a y axis name at
	// the top of the axis, reading rightwards, so neither is clipped.
	xName := false
	for _, a := range xs {
		if str(a["name"]) == "" {
			continue
		}
		xName = true
		a["nameLocation"] = "middle"
		gap := font*1.4 + 6
		if r, _ := analysis.ToFloat(sub(a, "axisLabel")["rotate"]); r != 0 {
			gap += longestLabel(a, font) * math.Sin(math.Abs(r)*math.Pi/180)
		}
		a["nameGap"] = math.Round(gap)
	}
	yName := false
	for _, a := range ys {
		if str(a["name"]) == "" {
			continue
		}
		yName = true
		a["nameLocation"], a["nameGap"] = "end", math.Round(font*0.6)
		nts := sub(a, "nameTextStyle")
		nts["align"] = "left"
		if pos := str(a["position"]); pos == "right" {
			nts["align"] = "right"
		}
	}

	legendH := 0.0
	if lg := visibleLegend(o); lg != nil {
		items := legendItems(o)
		rows := legendRows(items, font, w-2*legendPad)
		legendH = legendHeight(rows, font)
		for k := range lg {
			if k != "data" && k != "selected" {
				delete(lg, k)
			}
		}
		lg["show"], lg["type"], lg["orient"] = true, "plain", "horizontal"
		lg["left"], lg["bottom"], lg["width"] = legendPad, legendPad, w-2*legendPad
		lg["padding"], lg["itemGap"] = 0, legendGap
		lg["itemWidth"], lg["itemHeight"] = legendIconW, legendIconH
		lg["textStyle"] = map[string]any{"fontSize": font}
		if rows == 0 {
			legendH = 0
			lg["show"] = false
		}
	}

	top := 8.0
	if yName {
		top = font*2 + 6
	}
	if hasXMarks(o) {
		top = math.Max(top, font*2.4+6)
	}
	bottom := legendH + 6
	if legendH > 0 {
		bottom += legendPad
	}
	if xName {
		bottom += font*1.4 + 4
	}
	grids := list(o, "grid")
	if len(grids) == 0 && (len(xs) > 0 || len(ys) > 0) {
		o["grid"] = map[string]any{}
		grids = list(o, "grid")
	}
	for _, g := range grids {
		g["left"], g["right"], g["top"], g["bottom"] = 6, 14, math.Round(top), math.Ceil(bottom)
		g["containLabel"] = true
	}

	plotH := w * size.Aspect
	if n := categoryCount(ys); n > 0 {
		// Horizontal bars: a readable row per category decides the height.
		plotH = math.Max(plotH, float64(n)*(font*1.25+4)+top+font*2)
	}
	for _, s := range list(o, "series") {
		staticSeries(s, font, legendH, w)
		if s["type"] == "graph" || s["type"] == "sankey" || s["type"] == "treemap" {
			plotH = math.Max(plotH, w*0.75)
		}
	}
	for _, vm := range list(o, "visualMap") {
		sub(vm, "textStyle")["fontSize"] = font
		vm["bottom"] = legendH
	}
	for _, cal := range list(o, "calendar") {
		for _, k := range []string{"dayLabel", "monthLabel", "yearLabel"} {
			sub(cal, k)["fontSize"] = font
		}
		cal["bottom"] = legendH + font*4
	}
	h := int(math.Ceil(plotH + legendH))
	return StaticFigure{Option: o, Width: int(w), Height: h, PixelRatio: size.PixelRatio(), LegendHeight: legendH}
}

// staticSeries sets a series' label and mark sizes, and keeps graph-like
// series clear of the legend band.
func staticSeries(s map[string]any, font, legendH, w float64) {
	if l, ok := s["label"].(map[string]any); ok {
		l["fontSize"] = font
		// Value labels of neighbouring bars would print over each other.
		s["labelLayout"] = map[string]any{"hideOverlap": true}
	}
	if l, ok := s["upperLabel"].(map[string]any); ok {
		l["fontSize"] = font
	}
	for _, k := range []string{"markLine", "markArea", "markPoint"} {
		if m, ok := s[k].(map[string]any); ok {
			sub(m, "label")["fontSize"] = font
		}
	}
	if data, ok := s["data"].([]any); ok {
		for _, d := range data {
			if m, ok := d.(map[string]any); ok {
				if l, ok := m["label"].(map[string]any); ok {
					l["fontSize"] = font
				}
			}
		}
	}
	switch s["type"] {
	case "graph", "sankey", "treemap", "pie":
		s["top"], s["bottom"] = 10, legendH+12
		if s["type"] == "graph" {
			// A force layout spreads over as many pixels as its forces
			// say, whatever the box: it fills about 600 px, so a narrower
			// figure zooms out, nodes and all.
			s["left"], s["right"] = 10, 10
			s["zoom"], s["nodeScaleRatio"], s["roam"] = math.Min(1, math.Round(w/600*100)/100), 1, false
		}
	}
}

// hasXMarks reports vertical mark lines, whose labels sit above the plot.
func hasXMarks(o map[string]any) bool {
	for _, s := range list(o, "series") {
		if m, ok := s["markLine"].(map[string]any); ok {
			if data, ok := m["data"].([]any); ok {
				for _, d := range data {
					if dm, ok := d.(map[string]any); ok && dm["xAxis"] != nil {
						return true
					}
				}
			}
		}
	}
	return false
}

// visibleLegend returns the chart's (first) legend unless it is hidden.
func visibleLegend(o map[string]any) map[string]any {
	ls := list(o, "legend")
	if len(ls) == 0 {
		return nil
	}
	if b, ok := ls[0]["show"].(bool); ok && !b {
		return nil
	}
	if len(ls) > 1 {
		o["legend"] = ls[0]
	}
	return ls[0]
}

// legendItems are the names a legend lists: its data, else the series'
// names, else a graph's categories; a series drawn without a legend entry
// (see foldOthers) is left out.
func legendItems(o map[string]any) []string {
	if lg := list(o, "legend"); len(lg) > 0 {
		if data, ok := lg[0]["data"].([]any); ok && len(data) > 0 {
			var out []string
			for _, d := range data {
				if m, ok := d.(map[string]any); ok {
					out = append(out, str(m["name"]))
				} else {
					out = append(out, str(d))
				}
			}
			return out
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, s := range list(o, "series") {
		if s["type"] == "graph" {
			for _, c := range list(s, "categories") {
				if n := str(c["name"]); !seen[n] {
					seen[n] = true
					out = append(out, n)
				}
			}
			continue
		}
		if s["type"] == "pie" || s["type"] == "treemap" || s["type"] == "sankey" || s["type"] == "heatmap" {
			continue
		}
		n := str(s["name"])
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, n)
	}
	return out
}

// textWidth estimates a label's width: CJK glyphs are one em, Latin
// letters and digits about 0.6 em (generous, so a legend never overruns).
func textWidth(s string, font float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r >= 0x1100:
			w += 1.0
		case r == ' ' || r == '.' || r == ',' || r == '·' || r == '(' || r == ')' || r == 'i' || r == 'l':
			w += 0.36
		case r >= 'A' && r <= 'Z' || r == 'm' || r == 'w' || r == 'M' || r == 'W':
			w += 0.72
		default:
			w += 0.6
		}
	}
	return w * font
}

// legendRows is how many rows a plain horizontal legend wraps to within
// width, following ECharts' box layout: items left to right, a new row
// when the next item would overrun.
func legendRows(items []string, font, width float64) int {
	if len(items) == 0 {
		return 0
	}
	rows, x := 1, 0.0
	for _, it := range items {
		iw := legendIconW + legendTextGap + textWidth(it, font)
		if x > 0 && x+iw > width {
			rows++
			x = 0
		}
		x += iw + legendGap
	}
	return rows
}

// legendHeight is the height of a legend of rows rows.
func legendHeight(rows int, font float64) float64 {
	if rows == 0 {
		return 0
	}
	row := math.Max(legendIconH, font*1.3)
	return math.Ceil(float64(rows)*row + float64(rows-1)*legendGap)
}

// categoryCount is the number of categories on a category y axis.
func categoryCount(ys []map[string]any) int {
	for _, a := range ys {
		if a["type"] == "category" {
			return len(strs(a["data"]))
		}
	}
	return 0
}

// strs reads a list of labels, decoded ([]any) or built here ([]string).
func strs(v any) []string {
	switch x := v.(type) {
	case []string:
		return x
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			out[i] = str(e)
		}
		return out
	}
	return nil
}

func longestLabel(a map[string]any, font float64) float64 {
	m := 0.0
	for _, v := range strs(a["data"]) {
		m = math.Max(m, textWidth(v, font))
	}
	return m
}

func longestWord(a map[string]any, font float64) float64 {
	m := 0.0
	for _, v := range strs(a["data"]) {
		for _, w := range strings.Fields(v) {
			m = math.Max(m, textWidth(w, font))
		}
	}
	return m
}

// fontSizes lists every fontSize in an option, for tests and checks.
func fontSizes(v any, path string, out map[string]float64) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if k == "fontSize" {
				f, _ := analysis.ToFloat(x[k])
				out[path+".fontSize"] = f
				continue
			}
			fontSizes(x[k], path+"."+k, out)
		}
	case []any:
		for i, e := range x {
			fontSizes(e, fmt.Sprintf("%s[%d]", path, i), out)
		}
	}
}
