// Package ingest runs collectors and lands what they emit in the lake. A
// collector only knows how to find rows in a source; politeness, archiving,
// validation, provenance and the atomic write are done here, the same way
// for every collector, the embedded seed included.
package ingest

import (
	"context"
	"time"
)

// Collector gathers rows from one kind of source.
type Collector interface {
	Info() Info
	Collect(ctx context.Context, s *Session) error
}

// Info describes a collector for `gwanmun sources` and the run ledger.
type Info struct {
	Name    string
	Version string
	// Datasets the collector writes to.
	Datasets []string
	// URL is the source it reads (after config overrides).
	URL string
	// Kind is "seed" for the embedded snapshot, "web" for network sources.
	Kind string
	// Estimator is what MAU figures from this source measure, if any.
	Estimator   string
	Description string
}

// Incremental is implemented by collectors that can start from a cursor.
// The CLI derives the cursor from completed runs only (the newest
// publication time the committed lake holds for the collector), less a
// lag window, so recent days are fetched again and late edits land as new
// versions of the same article.
type Incremental interface {
	Since(t time.Time)
}
