package report

import (
	"context"
	"testing"

	"github.com/gwanmun/gwanmun/analysis"
)

// A reference says "retrieved" only for a page read live or from the
// user's archive; the seed's pages are "compiled from stored copies" and a
// bundled recording's page is a fixture nobody fetched.
func TestReferencesSayHowAPageWasRead(t *testing.T) {
	ctx := context.Background()
	db, err := analysis.Open(ctx, t.TempDir(), analysis.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE OR REPLACE VIEW mau_all AS SELECT * FROM (VALUES
	  ('https://live.example/', 'live', TIMESTAMPTZ '2026-12-01 10:00:00+00', TIMESTAMPTZ '2026-12-01 10:00:00+00'),
	  ('https://archive.example/', 'archived', TIMESTAMPTZ '2025-03-02 09:00:00+00', TIMESTAMPTZ '2025-03-02 09:00:00+00'),
	  ('https://seed.example/', 'compiled', NULL, TIMESTAMPTZ '2026-11-24 00:00:00+00'),
	  ('https://both.example/', 'compiled', NULL, TIMESTAMPTZ '2026-11-24 00:00:00+00'),
	  ('https://both.example/', 'fixture', NULL, TIMESTAMPTZ '2026-11-24 19:00:00+00'),
	  ('https://demo.example/', 'fixture', NULL, TIMESTAMPTZ '2026-11-24 19:00:00+00'))
	  t(source_url, evidence, accessed_at, fetched_at)`); err != nil {
		t.Fatal(err)
	}
	src := NewSources()
	if err := src.LoadEvidence(ctx, db); err != nil {
		t.Fatal(err)
	}
	for url, want := range map[string]string{
		"https://live.example/":    "retrieved 2026-12-01",
		"https://archive.example/": "read from the user's archive, fetched 2025-03-02",
		"https://seed.example/":    "compiled from stored copies on 2026-11-24",
		"https://both.example/":    "compiled from stored copies on 2026-11-24; imitated by a bundled demo recording (fixture): not fetched",
		"https://demo.example/":    "imitated by a bundled demo recording (fixture): not fetched",
		"https://nowhere.example/": "",
	} {
		if got := evidenceNote("en", src.Cite(url, "")); got != want {
			t.Errorf("%s: %q, want %q", url, got, want)
		}
	}
	if n := fixtureCount(src.List()); n != 2 {
		t.Errorf("fixtures %d, want 2", n)
	}
	if got, want := readDates("en", src.List()), "retrieved 2025-03-02, 2026-12-01 · compiled from stored copies on 2026-11-24 · "+
		"2 source(s) only imitated by bundled demo recordings (fixtures), not fetched"; got != want {
		t.Errorf("caption dates %q, want %q", got, want)
	}
}
