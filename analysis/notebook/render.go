package notebook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/analysis/macros"
	"github.com/gwanmun/gwanmun/analysis/report"
)

// defaultRows is how many rows of a query's result a notebook shows.
const defaultRows = 20

// Render runs the notebook's queries in order against db and lays out the
// page: prose between the blocks, each query folded with its result, each
// chart captioned with the sources its query's rows cite. Each named query
// becomes a temporary view, so later blocks can build on earlier ones.
func (n *Notebook) Render(ctx context.Context, db *analysis.DB, o report.Options) (*report.Report, error) {
	// A notebook is a document, perhaps someone else's: its SQL may read
	// the lake and nothing else.
	if !db.Sandboxed() {
		return nil, errors.New("notebook: the database must be opened with analysis.Options{Sandbox: true}")
	}
	// The catalog's analyses as table macros: FROM concentration(...).
	if err := macros.Register(ctx, db); err != nil {
		return nil, err
	}
	page, err := report.NewPage(db, n.Title, o)
	if err != nil {
		return nil, err
	}
	// Each notebook sees only its own views, as it will in the DuckDB CLI.
	defer func() {
		for _, q := range n.Queries() {
			_, _ = db.ExecContext(context.WithoutCancel(ctx), "DROP VIEW IF EXISTS "+q.Name)
		}
	}()
	src := report.NewSources()
	if err := src.LoadEvidence(ctx, db); err != nil {
		return nil, err
	}
	results := map[string]*analysis.Table{}
	byNode := map[ast.Node]Block{}
	for _, b := range n.Blocks {
		byNode[b.node] = b
	}
	var prose bytes.Buffer
	flush := func() {
		if prose.Len() > 0 {
			// goldmark runs with raw HTML off: markup in the Markdown is
			// escaped, so this HTML is ours.
			page.Blocks = append(page.Blocks, report.Block{Prose: template.HTML(prose.String())})
			prose.Reset()
		}
	}
	for c := n.doc.FirstChild(); c != nil; c = c.NextSibling() {
		if c == n.titleN {
			continue
		}
		b, ok := byNode[c]
		if !ok {
			if err := n.md.Renderer().Render(&prose, n.source, c); err != nil {
				return nil, fmt.Errorf("markdown: %w", err)
			}
			continue
		}
		flush()
		var s *report.Section
		switch b.Kind {
		case "sql":
			t, err := runQuery(ctx, db, b)
			if err != nil {
				return nil, err
			}
			results[b.Name] = t
			s = &report.Section{ID: "sql-" + b.Name, SQL: b.Body, SQLName: b.Name, MaxRows: defaultRows, Sources: src.CiteTable(t)}
			if v := b.Attrs["rows"]; v != "" {
				if s.MaxRows, err = strconv.Atoi(v); err != nil || s.MaxRows < 0 {
					return nil, fmt.Errorf("line %d: rows=%q: want a number", b.Line, v)
				}
			}
			if show, _ := strconv.ParseBool(b.Attrs["table"]); show || b.Attrs["table"] == "" {
				s.Table = hideProvenance(t)
			}
		case "chart":
			t := results[b.Attrs["sql"]]
			s = &report.Section{ID: b.Name, Title: b.Attrs["title"], Caption: b.Body, Sources: src.CiteTable(t)}
			sp := b.Spec()
			sp.Lang, sp.Loc = page.Lang, page.Loc
			sp.Nodes, sp.Lines = results[b.Attrs["nodes"]], results[b.Attrs["lines"]]
			c, err := sp.Build(b.Name, t)
			switch {
			case err == nil:
				s.Chart = c
			case len(t.Rows) == 0:
				s.NoData = report.Text(page.Lang, "norows")
			default:
				return nil, fmt.Errorf("line %d: chart %s: %w", b.Line, b.Name, err)
			}
		}
		page.Blocks = append(page.Blocks, report.Block{Section: s})
	}
	flush()
	page.References = src.List()
	return page, nil
}

func runQuery(ctx context.Context, db *analysis.DB, b Block) (*analysis.Table, error) {
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

// hideProvenance keeps the provenance columns out of the shown table: the
// caption cites them.
func hideProvenance(t *analysis.Table) *analysis.Table {
	hide := map[string]bool{"source_url": true, "source_title": true, "fetched_at": true, "sources": true,
		"collector": true, "collector_version": true, "content_sha256": true, "run_id": true, "warc_record_id": true}
	out := &analysis.Table{}
	var idx []int
	for i, c := range t.Columns {
		if !hide[c] {
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

// ErrNoQueries is returned by Script for a notebook without SQL.
var ErrNoQueries = errors.New("the notebook has no sql blocks")
