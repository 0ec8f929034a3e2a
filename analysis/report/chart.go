package report

import (
	"encoding/json"
	"fmt"
	"html/template"
	"strings"

	"github.com/go-echarts/go-echarts/v2/render"
)

// Chart is one figure: a go-echarts chart rendered to its option JSON, a
// caption and the sources behind it.
type Chart struct {
	ID      string
	Title   string
	Caption string
	Sources []Source
	// Option is the ECharts option JSON produced by go-echarts.
	Option string
	Height string
}

// Source is one cited document.
type Source struct {
	URL       string
	Title     string
	Retrieved string
	Ref       int
}

// optionOf renders a go-echarts chart's option. We take the option JSON,
// not go-echarts' script snippet, so that the page loads ECharts inline and
// so that scraped text can never close the <script> element (see script).
func optionOf(r render.Renderer) (string, error) {
	snip := r.RenderSnippet()
	var v any
	if err := json.Unmarshal([]byte(snip.Option), &v); err != nil {
		return "", fmt.Errorf("chart option is not JSON: %w", err)
	}
	return snip.Option, nil
}

// script initialises the chart. json.Marshal escapes <, > and & inside
// strings as \u003c etc., so a title containing </script> stays text.
func (c Chart) script() (template.JS, error) {
	var v any
	if err := json.Unmarshal([]byte(c.Option), &v); err != nil {
		return "", err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	id, _ := json.Marshal(c.ID)
	js := fmt.Sprintf(`(function(){var el=document.getElementById(%s);var ch=echarts.init(el,null,{renderer:"canvas"});ch.setOption(%s);window.addEventListener("resize",function(){ch.resize();});window.gwanmunCharts=(window.gwanmunCharts||[]).concat([ch]);})();`, id, b)
	// Belt and braces: nothing in the JSON may look like a closing tag.
	js = strings.ReplaceAll(js, "</", `<\/`)
	return template.JS(js), nil
}
