package report

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/render"

	"github.com/gwanmun/gwanmun/analysis"
)

// Chart is one figure: a go-echarts chart's option, decoded once, and what
// a figure file needs to travel on its own (title, caption, sources, the
// data drawn). The ID names the container, the figure file and the anchor.
type Chart struct {
	ID string
	// Option is the ECharts option go-echarts produced, decoded once and
	// then edited as a map where go-echarts has no field for a setting.
	Option map[string]any
	Height string
	// Data is the table the chart draws, written beside a figure as CSV.
	Data *analysis.Table

	// Set by Report.Charts from the chart's section and page.
	Number  int
	Title   string
	Caption string
	Sources []Source
	Vintage string
	Lang    string
}

// HeightPx is the chart's height in CSS pixels, for figure export.
func (c Chart) HeightPx() int {
	n, err := strconv.Atoi(strings.TrimSuffix(c.Height, "px"))
	if err != nil || n <= 0 {
		return defaultHeight
	}
	return n
}

const defaultHeight = 460

// PrintSize is the figure size charts are printed at: an A4 page's text
// width is about a double column.
const PrintSize = "double"

// okabeIto is the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal
// Design"), readable with every common colour-vision deficiency; yellow
// and black last, as they read worst as thin lines and on white.
var okabeIto = []string{"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"}

// topSeries is how many series a chart colours before folding the rest
// into "others": the palette less its yellow, which thin lines lose on
// white paper.
const topSeries = 7

// othersColor draws the series folded into "others".
const othersColor = "#A0A0A0"

// optionOf decodes a go-echarts chart's option. We take the option JSON,
// not go-echarts' script snippet, so that the page loads ECharts inline and
// so that scraped text can never close the <script> element (see
// chartsJSON). This is the only place an option is decoded.
func optionOf(r render.Renderer) (map[string]any, error) {
	snip := r.RenderSnippet()
	var o map[string]any
	if err := json.Unmarshal([]byte(snip.Option), &o); err != nil {
		return nil, fmt.Errorf("chart option is not JSON: %w", err)
	}
	o["color"] = okabeIto
	// Times are written as the study's wall clock (see timeValue).
	o["useUTC"] = true
	for _, a := range list(o, "xAxis") {
		if a["type"] == "time" {
			l := sub(a, "axisLabel")
			for k, v := range timeLabels() {
				l[k] = v
			}
		}
	}
	return o, nil
}

// timeLabels writes calendar ticks as dates (10-16), not bare days of the
// month, and hours as 15:00.
func timeLabels() map[string]any {
	return map[string]any{"formatter": map[string]any{
		"year": "{yyyy}", "month": "{yyyy}-{MM}", "day": "{MM}-{dd}", "hour": "{HH}:{mm}", "minute": "{HH}:{mm}",
		"second": "{HH}:{mm}:{ss}", "millisecond": "{HH}:{mm}:{ss}", "none": "{yyyy}-{MM}-{dd} {HH}:{mm}",
	}, "hideOverlap": true}
}

// chartsJSON is the page's chart list as JSON for a <script
// type="application/json"> element. json.Marshal escapes <, > and & inside
// strings as \u003c etc., so a scraped title containing </script> stays
// text; the final replace is belt and braces.
func chartsJSON(cs []Chart) (string, error) {
	type print struct {
		Option map[string]any `json:"option"`
		Width  int            `json:"width"`
		Height int            `json:"height"`
	}
	type spec struct {
		ID     string         `json:"id"`
		Option map[string]any `json:"option"`
		Print  *print         `json:"print,omitempty"`
	}
	size, _ := LookupFigureSize(PrintSize)
	specs := make([]spec, 0, len(cs))
	for _, c := range cs {
		sp := spec{ID: c.ID, Option: c.Option}
		if c.Option != nil {
			f := c.Static(size)
			sp.Print = &print{f.Option, f.Width, f.Height}
		}
		specs = append(specs, sp)
	}
	b, err := json.Marshal(specs)
	if err != nil {
		return "", err
	}
	return strings.ReplaceAll(string(b), "</", `<\/`), nil
}

// list reads an option entry that ECharts accepts as an object or a list
// of objects (legend, grid, xAxis, yAxis, series) as a list.
func list(o map[string]any, key string) []map[string]any {
	var out []map[string]any
	switch v := o[key].(type) {
	case map[string]any:
		out = append(out, v)
	case []any:
		for _, e := range v {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
	case []map[string]any:
		out = v
	}
	return out
}

// sub returns m[key] as an object, creating it if absent.
func sub(m map[string]any, key string) map[string]any {
	if v, ok := m[key].(map[string]any); ok {
		return v
	}
	v := map[string]any{}
	m[key] = v
	return v
}

// deepCopy copies an option's objects and lists, so a static figure's
// edits never reach the page's option.
func deepCopy(o map[string]any) map[string]any {
	return copyValue(o).(map[string]any)
}

func copyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = copyValue(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = copyValue(e)
		}
		return l
	case []map[string]any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = copyValue(e)
		}
		return l
	case []string:
		return append([]string(nil), x...)
	}
	return v
}
