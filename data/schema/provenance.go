// Package schema is the lake's contract: the datasets, their columns and
// natural keys, the manifest format and which files a reader may see. Both
// ingest (the writer) and analysis (the reader) import it; neither imports
// the other.
package schema

import "time"

// Provenance is carried by every row of every dataset so that a number in a
// report can be traced to the exact bytes it came from.
type Provenance struct {
	SourceURL        string    `col:"source_url"`
	SourceTitle      string    `col:"source_title"`
	FetchedAt        time.Time `col:"fetched_at"`
	Collector        string    `col:"collector"`
	CollectorVersion string    `col:"collector_version"`
	ContentSHA256    string    `col:"content_sha256"`
	RunID            string    `col:"run_id"`
	// WARCRecordID names the response record in the run's WARC file; nil
	// for rows that did not come from the web (the embedded seed).
	WARCRecordID *string `col:"warc_record_id"`
	// Evidence says what kind of reading the row rests on: EvidenceLive,
	// EvidenceArchived, EvidenceFixture or EvidenceCompiled. The ingest
	// session stamps it from the transport, so a report can tell a fetched
	// page from a bundled imitation of one.
	Evidence string `col:"evidence" json:",omitempty"`
	// AccessedAt is when the source itself was read: the live fetch, or the
	// original fetch an archive recorded. Nil when nobody read the page in a
	// run (a fixture) or only a compile date is known (the seed, whose
	// fetched_at is the date it was compiled from stored copies).
	AccessedAt *time.Time `col:"accessed_at" json:",omitempty"`
}

// Evidence classes, from strongest to weakest claim of having read the page.
const (
	// EvidenceLive: fetched from the source in this run.
	EvidenceLive = "live"
	// EvidenceArchived: replayed from a WARC the user recorded earlier.
	EvidenceArchived = "archived"
	// EvidenceFixture: replayed from a bundled, hand-made recording: real,
	// cited figures in imitated markup; the page was not fetched.
	EvidenceFixture = "fixture"
	// EvidenceCompiled: the embedded seed, compiled from cited sources.
	EvidenceCompiled = "compiled"
)

// EvidenceClasses lists the allowed values of the evidence column.
var EvidenceClasses = []string{EvidenceLive, EvidenceArchived, EvidenceFixture, EvidenceCompiled}

// Prov gives access to a row's provenance, so the ingest runner can stamp
// the collector, version and run id without knowing the row's type.
func (p *Provenance) Prov() *Provenance { return p }

// ProvenanceColumns lists the provenance column names in schema order.
var ProvenanceColumns = []string{
	"source_url", "source_title", "fetched_at", "collector",
	"collector_version", "content_sha256", "run_id", "warc_record_id",
	"evidence", "accessed_at",
}
