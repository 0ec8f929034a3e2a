package report

import (
	"context"
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/analysis/notebook/nbformat"
)

// Rules are the chart types and steps Spec draws, for nbformat.Parse.
var Rules = nbformat.Rules{ChartTypes: SpecTypes, StepTypes: StepTypes}

// defaultRows is how many rows of a query's result a document shows.
const defaultRows = 20

// RenderDoc runs a notebook-format document's queries in order against db
// and appends its blocks to page: prose between the blocks, each query
// folded with its result, each chart drawn by Spec and captioned with the
// sources its query's rows cite. Each named query is a temporary view
// while the document renders, so later blocks can build on earlier ones;
// the views are dropped afterwards. The notebooks and the report's
// Markdown sections both render through here.
func RenderDoc(ctx context.Context, db *analysis.DB, page *Report, src *Sources, nb *nbformat.Notebook) error {
	defer func() {
		for _, q := range nb.Queries() {
			_, _ = db.ExecContext(context.WithoutCancel(ctx), "DROP VIEW IF EXISTS "+q.Name)
		}
	}()
	parts, err := nb.Parts()
	if err != nil {
		return err
	}
	results := map[string]*analysis.Table{}
	sqlOf := map[string]string{}
	for _, p := range parts {
		if p.Block == nil {
			// goldmark runs with raw HTML off: markup in the Markdown is
			// escaped, so this HTML is ours.
			page.Blocks = append(page.Blocks, Block{Prose: template.HTML(p.HTML)})
			continue
		}
		b := *p.Block
		var s *Section
		switch b.Kind {
		case "sql":
			t, err := runDocQuery(ctx, db, b)
			if err != nil {
				return err
			}
			results[b.Name], sqlOf[b.Name] = t, b.Body
			// show=false: a query other blocks draw, cite or show.
			if shown, _ := strconv.ParseBool(b.Attrs["show"]); b.Attrs["show"] != "" && !shown {
				continue
			}
			s = &Section{ID: "sql-" + b.Name, SQL: b.Body, SQLName: b.Name, MaxRows: defaultRows, Sources: cite(src, b, results),
				Title: b.Attrs["title"], Caption: b.Attrs["caption"]}
			if id := b.Attrs["id"]; id != "" {
				s.ID = id
			}
			if s.MaxRows, err = rowsAttr(b, defaultRows); err != nil {
				return err
			}
			if show, _ := strconv.ParseBool(b.Attrs["table"]); show || b.Attrs["table"] == "" {
				s.Table = dropProvenance(t)
			}
			// A titled table is a section of its own: without rows it
			// says so, as the report's sections do.
			if s.Title != "" && len(t.Rows) == 0 {
				s.Table, s.Caption, s.NoData = nil, "", Text(page.Lang, "nodata")
			}
		case "chart":
			var err error
			if s, err = docChart(b, page, src, results, sqlOf); err != nil {
				return err
			}
		}
		page.Blocks = append(page.Blocks, Block{Section: s})
	}
	return nil
}

// docChart draws a chart block into a section: the chart, its caption
// (the block's text), the sources of its query (or of the cite= queries)
// and, with table=, another query's result as the table under it.
func docChart(b nbformat.Block, page *Report, src *Sources, results map[string]*analysis.Table, sqlOf map[string]string) (*Section, error) {
	t := results[b.Attrs["sql"]]
	s := &Section{ID: b.Name, Title: b.Attrs["title"], Caption: b.Body}
	s.Sources = cite(src, b, results)
	if name := b.Attrs["table"]; name != "" {
		s.Table, s.SQL, s.SQLName = dropProvenance(results[name]), sqlOf[name], name
		var err error
		if s.MaxRows, err = rowsAttr(b, defaultRows); err != nil {
			return nil, err
		}
	}
	sp := SpecOf(b.Attrs)
	sp.Lang, sp.Loc = page.Lang, page.Loc
	sp.Nodes, sp.Lines = results[b.Attrs["nodes"]], results[b.Attrs["lines"]]
	if err := sp.markRows(results[b.Attrs["marks"]], results[b.Attrs["bands"]]); err != nil {
		return nil, fmt.Errorf("line %d: chart %s: %w", b.Line, b.Name, err)
	}
	minRows, _ := strconv.Atoi(b.Attrs["minrows"])
	c, err := sp.Build(b.Name, t)
	switch {
	case err == nil && len(t.Rows) < minRows:
		// One bar is a number, not a chart: the table says it.
	case err == nil:
		if d := b.Attrs["data"]; d != "" {
			c.Data = results[d]
		}
		s.Chart = c
	case t == nil || len(t.Rows) == 0:
		if s.Table == nil || len(s.Table.Rows) == 0 {
			// A titled chart is a section of its own, as a titled table.
			s.Table, s.Caption, s.NoData = nil, "", Text(page.Lang, "norows")
			if s.Title != "" {
				s.NoData = Text(page.Lang, "nodata")
			}
		}
	case minRows > 0:
		// A chart it cannot draw leaves the table to say it.
	default:
		return nil, fmt.Errorf("line %d: chart %s: %w", b.Line, b.Name, err)
	}
	if s.Chart == nil && s.Table != nil && len(s.Table.Rows) == 0 {
		s.Table, s.Caption, s.NoData = nil, "", Text(page.Lang, "nodata")
	}
	return s, nil
}

// cite cites the sources of a block's query, or with cite=q1,q2 those of
// the named queries, in that order (a chart may rest on more documents than
// the rows it draws: the thresholds of its bands, the incident's reports).
func cite(src *Sources, b nbformat.Block, results map[string]*analysis.Table) []Source {
	names := b.Attrs["cite"]
	if names == "" {
		if b.Kind == "chart" {
			return src.CiteTable(results[b.Attrs["sql"]])
		}
		return src.CiteTable(results[b.Name])
	}
	var out []Source
	seen := map[string]bool{}
	for _, q := range strings.Split(names, ",") {
		for _, s := range src.CiteTable(results[strings.TrimSpace(q)]) {
			if !seen[s.URL] {
				seen[s.URL] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// rowsAttr is a block's rows= (how many rows its table shows).
func rowsAttr(b nbformat.Block, def int) (int, error) {
	v := b.Attrs["rows"]
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("line %d: rows=%q: want a number", b.Line, v)
	}
	return n, nil
}

func runDocQuery(ctx context.Context, db *analysis.DB, b nbformat.Block) (*analysis.Table, error) {
	q := strings.TrimRight(strings.TrimSpace(b.Body), ";")
	if q == "" {
		return nil, fmt.Errorf("line %d: sql %s is empty", b.Line, b.Name)
	}
	if err := db.CreateTempView(ctx, b.Name, q); err != nil {
		return nil, fmt.Errorf("line %d: sql %s: %w", b.Line, b.Name, err)
	}
	t, err := db.Query(ctx, "SELECT * FROM "+b.Name)
	if err != nil {
		return nil, fmt.Errorf("line %d: sql %s: %w", b.Line, b.Name, err)
	}
	return t, nil
}

// SpecOf turns a chart block's attributes into a chart spec.
func SpecOf(a map[string]string) Spec {
	on := func(k string) bool { v, _ := strconv.ParseBool(a[k]); return v }
	h := a["height"]
	if h != "" && !strings.HasSuffix(h, "px") {
		h += "px"
	}
	top, _ := strconv.Atoi(a["top"])
	num := func(k string) *float64 {
		f, err := strconv.ParseFloat(a[k], 64)
		if err != nil {
			return nil
		}
		return &f
	}
	sp := Spec{Type: a["type"], X: a["x"], Y: a["y"], Series: a["series"],
		From: a["from"], To: a["to"], Value: a["value"], Stack: on("stack"), LogY: on("logy"),
		XName: a["xname"], YName: a["yname"], Height: h, Step: a["step"], Top: top,
		Label: a["label"], Min: num("min"), Max: num("max"), Name: a["title"],
		EveryCategory: a["xlabels"] == "all"}
	if a["xname"] == "none" {
		sp.XName, sp.NoXName = "", true
	}
	if f := num("scale"); f != nil {
		sp.Scale = *f
	}
	sp.RowHeight, _ = strconv.Atoi(a["rowheight"])
	// labels=true writes each value on its bar; any other text is the
	// label's format ("{c}%").
	switch v := a["labels"]; {
	case v == "true":
		sp.ValueLabels = true
	case v != "" && v != "false":
		sp.ValueLabels, sp.LabelFormat = true, v
	}
	return sp
}
