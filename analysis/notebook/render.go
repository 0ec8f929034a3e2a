package notebook

import (
	"context"
	"errors"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/analysis/macros"
	"github.com/gwanmun/gwanmun/analysis/report"
)

// Render runs the notebook's queries in order against db and lays out the
// page (report.RenderDoc): prose between the blocks, each query folded
// with its result, each chart captioned with the sources its query's rows
// cite.
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
	src := report.NewSources()
	if err := src.LoadEvidence(ctx, db); err != nil {
		return nil, err
	}
	if err := report.RenderDoc(ctx, db, page, src, n.Notebook); err != nil {
		return nil, err
	}
	page.References = src.List()
	return page, nil
}

// ErrNoQueries is returned by Script for a notebook without SQL.
var ErrNoQueries = errors.New("the notebook has no sql blocks")
