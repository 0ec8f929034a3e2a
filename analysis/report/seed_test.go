package report

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/analysis/seedtest"

	"github.com/gwanmun/gwanmun/analysis"
)

// seedDir is the analysis package's CSV snapshot of the seed lake (see
// analysis/seedlake_test.go): real, cited figures, and no import of ingest.
const seedDir = "../testdata/seed"

// openSeed opens an empty lake whose datasets are tables loaded from the
// seed snapshot, typed as the lake's views are.
func openSeed(tb testing.TB) *analysis.DB { return seedtest.Open(tb, seedDir) }

var (
	seedOnce    sync.Map // lang -> *Report
	seedBuildMu sync.Mutex
)

// seedReport builds the report over the seed snapshot once per language,
// at a fixed time so pages compare byte for byte.
func seedReport(t *testing.T, lang string) *Report {
	t.Helper()
	seedBuildMu.Lock()
	defer seedBuildMu.Unlock()
	if r, ok := seedOnce.Load(lang); ok {
		return r.(*Report)
	}
	db := openSeed(t)
	r, err := Build(context.Background(), db, Options{Lang: lang, Now: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	seedOnce.Store(lang, r)
	return r
}
