package report

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/data/schema"
)

// urlEvidence is what the lake knows about how one cited page was read.
type urlEvidence struct {
	classes  []string // evidence classes of the rows citing it, sorted
	accessed string   // latest day a live fetch or the user's archive read it
	archived bool     // the read came from the user's archive
	compiled string   // the seed's compile date, for compiled rows
}

// LoadEvidence reads, for every cited URL in the lake, the evidence class
// of the rows that cite it and the day the page was really read. A
// reference then says "retrieved" only for a page fetched live or read
// from the user's archive, "compiled from stored copies" for the seed, and
// names a bundled demo recording as an imitation nobody fetched.
func (b *Sources) LoadEvidence(ctx context.Context, db *analysis.DB) error {
	var parts []string
	for _, ds := range schema.Datasets() {
		if ds.Name == "runs" {
			continue
		}
		parts = append(parts, fmt.Sprintf("SELECT source_url, evidence, accessed_at, fetched_at FROM %s_all", ds.Name))
	}
	q := `SELECT source_url,
       list(DISTINCT coalesce(evidence, 'unknown') ORDER BY coalesce(evidence, 'unknown')) AS classes,
       max(accessed_at) AS accessed,
       bool_or(evidence = 'archived') AS archived,
       max(fetched_at) FILTER (WHERE evidence = 'compiled') AS compiled
FROM (` + strings.Join(parts, "\nUNION ALL ") + `)
WHERE coalesce(source_url, '') <> ''
GROUP BY source_url`
	t, err := db.Query(ctx, q)
	if err != nil {
		return fmt.Errorf("evidence of cited pages: %w", err)
	}
	b.evidence = map[string]urlEvidence{}
	for _, r := range t.Records() {
		e := urlEvidence{accessed: dateOf(r["accessed"]), compiled: dateOf(r["compiled"]), archived: r["archived"] == true}
		if l, ok := r["classes"].([]any); ok {
			for _, c := range l {
				e.classes = append(e.classes, str(c))
			}
		}
		b.evidence[str(r["source_url"])] = e
	}
	return nil
}

// stamp fills a reference's evidence from the lake. A URL no row cites (a
// page named only in an analysis' own text) claims no reading at all.
func (b *Sources) stamp(s *Source) {
	e, ok := b.evidence[s.URL]
	if !ok {
		return
	}
	s.Evidence = e.classes
	s.Retrieved, s.Archived, s.Compiled = e.accessed, e.archived, e.compiled
	for _, c := range e.classes {
		if c == schema.EvidenceFixture {
			s.Fixture = true
		}
	}
}

// evidenceNote is a reference's parenthesis: when and how the page was
// read, never "retrieved" for one nobody fetched.
func evidenceNote(lang string, s Source) string {
	var notes []string
	if s.Retrieved != "" {
		key := "ref.retrieved"
		if s.Archived {
			key = "ref.archived"
		}
		notes = append(notes, fmt.Sprintf(tr(lang, key), s.Retrieved))
	}
	if s.Compiled != "" {
		notes = append(notes, fmt.Sprintf(tr(lang, "ref.compiled"), s.Compiled))
	}
	if s.Fixture {
		notes = append(notes, tr(lang, "ref.fixture"))
	}
	if len(notes) == 0 && len(s.Evidence) > 0 {
		notes = append(notes, tr(lang, "ref.unknown"))
	}
	return strings.Join(notes, "; ")
}

// readDates is a section's summary of how its sources were read: the
// dates pages were retrieved, the seed's compile date, and a count of
// bundled fixtures.
func readDates(lang string, ss []Source) string {
	var retrieved, compiled []string
	fixtures := 0
	for _, s := range ss {
		if s.Retrieved != "" {
			retrieved = append(retrieved, s.Retrieved)
		}
		if s.Compiled != "" {
			compiled = append(compiled, s.Compiled)
		}
		if s.Fixture {
			fixtures++
		}
	}
	var out []string
	if d := dateSpan(retrieved); d != "" {
		out = append(out, tr(lang, "retrieved")+" "+d)
	}
	if d := dateSpan(compiled); d != "" {
		out = append(out, fmt.Sprintf(tr(lang, "ref.compiled"), d))
	}
	if fixtures > 0 {
		out = append(out, fmt.Sprintf(tr(lang, "caption.fixtures"), fixtures))
	}
	return strings.Join(out, " · ")
}

// fixtureCount counts references that rest on bundled demo recordings.
func fixtureCount(ss []Source) int {
	n := 0
	for _, s := range ss {
		if s.Fixture {
			n++
		}
	}
	return n
}

func dateSpan(ds []string) string {
	set := map[string]bool{}
	for _, d := range ds {
		set[d] = true
	}
	ds = ds[:0]
	for d := range set {
		ds = append(ds, d)
	}
	sort.Strings(ds)
	switch {
	case len(ds) == 0:
		return ""
	case len(ds) <= 3:
		return strings.Join(ds, ", ")
	}
	return ds[0] + " – " + ds[len(ds)-1]
}
