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
			results[b.Name] = t
			s = &Section{ID: "sql-" + b.Name, SQL: b.Body, SQLName: b.Name, MaxRows: defaultRows, Sources: src.CiteTable(t),
				Title: b.Attrs["title"], Caption: b.Attrs["caption"]}
			if id := b.Attrs["id"]; id != "" {
				s.ID = id
			}
			if v := b.Attrs["rows"]; v != "" {
				if s.MaxRows, err = strconv.Atoi(v); err != nil || s.MaxRows < 0 {
					return fmt.Errorf("line %d: rows=%q: want a number", b.Line, v)
				}
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
			t := results[b.Attrs["sql"]]
			s = &Section{ID: b.Name, Title: b.Attrs["title"], Caption: b.Body, Sources: src.CiteTable(t)}
			sp := SpecOf(b.Attrs)
			sp.Lang, sp.Loc = page.Lang, page.Loc
			sp.Nodes, sp.Lines = results[b.Attrs["nodes"]], results[b.Attrs["lines"]]
			c, err := sp.Build(b.Name, t)
			switch {
			case err == nil:
				s.Chart = c
			case len(t.Rows) == 0:
				s.NoData = Text(page.Lang, "norows")
			default:
				return fmt.Errorf("line %d: chart %s: %w", b.Line, b.Name, err)
			}
		}
		page.Blocks = append(page.Blocks, Block{Section: s})
	}
	return nil
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
		Label: a["label"], Min: num("min"), Max: num("max"), Name: a["title"]}
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
