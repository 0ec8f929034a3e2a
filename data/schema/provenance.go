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
}

// Prov gives access to a row's provenance, so the ingest runner can stamp
// the collector, version and run id without knowing the row's type.
func (p *Provenance) Prov() *Provenance { return p }

// ProvenanceColumns lists the provenance column names in schema order.
var ProvenanceColumns = []string{
	"source_url", "source_title", "fetched_at", "collector",
	"collector_version", "content_sha256", "run_id", "warc_record_id",
}
