package report

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/render"
)

// Chart is one figure: a go-echarts chart rendered to its option JSON.
// The ID names the container, the figure file and the anchor.
type Chart struct {
	ID string
	// Option is the ECharts option JSON produced by go-echarts.
	Option string
	Height string
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

// optionOf renders a go-echarts chart's option. We take the option JSON,
// not go-echarts' script snippet, so that the page loads ECharts inline and
// so that scraped text can never close the <script> element (see
// chartsJSON).
func optionOf(r render.Renderer) (string, error) {
	snip := r.RenderSnippet()
	var v any
	if err := json.Unmarshal([]byte(snip.Option), &v); err != nil {
		return "", fmt.Errorf("chart option is not JSON: %w", err)
	}
	return snip.Option, nil
}

// chartsJSON is the page's chart list as JSON for a <script
// type="application/json"> element. json.Marshal escapes <, > and & inside
// strings as \u003c etc., so a scraped title containing </script> stays
// text; the final replace is belt and braces.
func chartsJSON(cs []Chart) (string, error) {
	type spec struct {
		ID     string `json:"id"`
		Option any    `json:"option"`
	}
	specs := make([]spec, 0, len(cs))
	for _, c := range cs {
		var v any
		if err := json.Unmarshal([]byte(c.Option), &v); err != nil {
			return "", fmt.Errorf("chart %s: option is not JSON: %w", c.ID, err)
		}
		specs = append(specs, spec{c.ID, v})
	}
	b, err := json.Marshal(specs)
	if err != nil {
		return "", err
	}
	return strings.ReplaceAll(string(b), "</", `<\/`), nil
}

// patchOption edits an option where go-echarts has no field for a setting.
func patchOption(opt string, f func(map[string]any)) (string, error) {
	var o map[string]any
	if err := json.Unmarshal([]byte(opt), &o); err != nil {
		return "", err
	}
	f(o)
	b, err := json.Marshal(o)
	return string(b), err
}
