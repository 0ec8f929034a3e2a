package report

import (
	"fmt"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/analysis"
)

func TestSpecGraph(t *testing.T) {
	edges := &analysis.Table{Columns: []string{"from_id", "to_id"}, Rows: [][]any{
		{"kakaotalk", "kakao_pay"}, {"kakaotalk", "kakao_map"}, {"kakao_pay", "kakao_pay"}, {"kakaotalk", "nowhere"}}}
	nodes := &analysis.Table{Columns: []string{"id", "label", "category", "size", "value", "show_label"}, Rows: [][]any{
		{"kakaotalk", "KakaoTalk", "gateway", 50.0, 47970000.0, true},
		{"kakao_pay", "Kakao Pay", "payments", 20.0, 2.1e7, true},
		{"kakao_map", "Kakao Pay", "maps", 8.0, nil, false}, // a clashing label falls back to the id
	}}
	c, err := Spec{Type: "graph", From: "from_id", To: "to_id", Nodes: nodes, Lang: "ko", Name: "g"}.Build("g", edges)
	if err != nil {
		t.Fatal(err)
	}
	s := list(c.Option, "series")[0]
	data := list(s, "data")
	if len(data) != 3 || data[2]["name"] != "kakao_map" || data[0]["symbolSize"] != 50.0 {
		t.Fatalf("nodes %v", data)
	}
	if l, _ := data[2]["label"].(map[string]any); l["show"] != false {
		t.Errorf("kakao_map label %v, want hidden", data[2]["label"])
	}
	// Self-loops and edges to unknown nodes are not drawn.
	if links := list(s, "links"); len(links) != 2 {
		t.Errorf("links %v, want 2", links)
	}
	cats := list(s, "categories")
	if len(cats) != 3 || cats[1]["name"] != categoryLabel("ko", "payments") {
		t.Errorf("categories %v, want Korean taxonomy names", cats)
	}
	if f := sub(s, "force"); f["layoutAnimation"] != false {
		t.Error("the layout animates: a printed figure would catch it half-settled")
	}
	if c.Data != nodes {
		t.Error("a graph's data file is its nodes")
	}
	if _, err := (Spec{Type: "graph", From: "a", To: "b"}).Build("g", edges); err == nil {
		t.Error("a graph over missing columns was drawn")
	}
}

func TestSpecScatterWithFittedLines(t *testing.T) {
	pts := &analysis.Table{Columns: []string{"n", "v", "series", "period"}, Rows: [][]any{
		{40.0, 5.0, "observed", "2020"}, {45.0, 6.5, "observed", "2021"}}}
	fit := &analysis.Table{Columns: []string{"n", "v", "series"}, Rows: [][]any{
		{40.0, 4.9, "V = a·n²"}, {45.0, 6.2, "V = a·n²"}, {40.0, 5.1, "V = a·n"}, {45.0, 5.7, "V = a·n"}}}
	zero, top := 0.0, 10.0
	c, err := Spec{Type: "scatter", X: "n", Y: "v", Series: "series", Label: "period", Lines: fit, Min: &zero, Max: &top}.Build("ne", pts)
	if err != nil {
		t.Fatal(err)
	}
	ss := list(c.Option, "series")
	if got := fmt.Sprint(names(ss)); got != "[observed V = a·n² V = a·n]" {
		t.Fatalf("series %v", got)
	}
	if ss[1]["type"] != "line" || ss[1]["showSymbol"] != false {
		t.Errorf("fit drawn as %v", ss[1])
	}
	if p := list(ss[0], "data")[1]; p["name"] != "2021" {
		t.Errorf("point %v, want named by its period", p)
	}
	if l := sub(c.Option, "legend"); l["show"] != true {
		t.Error("the fitted lines have no legend")
	}
	y := list(c.Option, "yAxis")[0]
	if y["min"] != 0.0 || y["max"] != 10.0 || y["scale"] != false {
		t.Errorf("y axis %v, want fixed 0 to 10", y)
	}
}

func TestSpecValueLabels(t *testing.T) {
	tbl := &analysis.Table{Columns: []string{"name", "pct"}, Rows: [][]any{{"a", 60.0}, {"b", 40.0}}}
	hundred := 100.0
	c, err := Spec{Type: "hbar", X: "name", Y: "pct", Max: &hundred, ValueLabels: true, LabelFormat: "{c}%"}.Build("s", tbl)
	if err != nil {
		t.Fatal(err)
	}
	if x := list(c.Option, "xAxis")[0]; x["max"] != 100.0 {
		t.Errorf("hbar value axis %v, want max 100", x)
	}
	l, _ := list(c.Option, "series")[0]["label"].(map[string]any)
	if l["position"] != "right" || l["formatter"] != "{c}%" {
		t.Errorf("label %v", l)
	}
}

// One chart path: only the spec and the option decoder touch go-echarts,
// so every chart of the report and of the notebooks is drawn by Spec.
func TestOneChartRenderer(t *testing.T) {
	for _, dir := range []string{".", "../notebook"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range af.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				base := filepath.Base(f)
				if strings.Contains(p, "go-echarts") && !(dir == "." && (base == "spec.go" || base == "chart.go")) {
					t.Errorf("%s imports %s: draw charts with Spec", f, p)
				}
			}
		}
	}
}
