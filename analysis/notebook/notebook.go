// Package notebook renders research notebooks: Markdown files with named
// SQL blocks and chart blocks that draw their results (the format is
// nbformat's). A notebook renders through the report's page template and
// block renderer (report.RenderDoc), so it is the same self-contained HTML
// and its charts are drawn by the same Spec; its SQL also runs unchanged
// in the DuckDB CLI (see Script).
package notebook

import (
	"github.com/gwanmun/gwanmun/analysis/notebook/nbformat"
	"github.com/gwanmun/gwanmun/analysis/report"
)

// Notebook is a parsed Markdown notebook.
type Notebook struct {
	*nbformat.Notebook
}

// Block is one fenced block gwanmun executes: a named query or a chart.
type Block = nbformat.Block

// Parse reads a notebook and checks its blocks: every query name is a
// valid identifier used once and not a lake view, every chart names a
// chart type Spec draws and a query defined above it.
func Parse(src []byte) (*Notebook, error) {
	n, err := nbformat.Parse(src, report.Rules)
	if err != nil {
		return nil, err
	}
	return &Notebook{n}, nil
}
