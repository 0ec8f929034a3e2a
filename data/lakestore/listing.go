package lakestore

import (
	"path"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
)

// DatasetListing is one dataset as `gwanmun lake ls` shows it.
type DatasetListing struct {
	Dataset    string     `json:"dataset"`
	Files      int        `json:"files"`
	Partitions int        `json:"partitions"`
	Rows       int64      `json:"rows"`
	Bytes      int64      `json:"bytes"`
	Runs       int        `json:"runs"`
	LastCommit *time.Time `json:"last_commit"`
}

// FileListing is one visible file.
type FileListing struct {
	Path        string    `json:"path"`
	Dataset     string    `json:"dataset"`
	Rows        int64     `json:"rows"`
	Bytes       int64     `json:"bytes"`
	RunID       string    `json:"run_id"`
	CommittedAt time.Time `json:"committed_at"`
}

// Listing is what the committed manifests of a lake hold, as its readers
// see it: superseded files left out.
type Listing struct {
	Lake      string           `json:"lake"`
	Manifests int              `json:"manifests"`
	Datasets  []DatasetListing `json:"datasets"`
	Files     []FileListing    `json:"files,omitempty"`
	Writer    *LockInfo        `json:"writer,omitempty"`
}

// List sums up the lake at dir per dataset, and lists every visible file
// when files is set. Rows count every committed row, not the latest per key.
func List(dir string, files bool) (Listing, error) {
	ms, err := ReadManifests(dir)
	if err != nil {
		return Listing{}, err
	}
	gone := Superseded(ms)
	out := Listing{Lake: dir, Manifests: len(ms)}
	byName := map[string]*DatasetListing{}
	parts := map[string]map[string]bool{}
	runs := map[string]map[string]bool{}
	for _, ds := range schema.Datasets() {
		byName[ds.Name] = &DatasetListing{Dataset: ds.Name}
		parts[ds.Name], runs[ds.Name] = map[string]bool{}, map[string]bool{}
	}
	for _, m := range ms {
		for _, f := range m.Files {
			d, ok := byName[f.Dataset]
			if !ok || gone[f.Path] {
				continue
			}
			d.Files++
			d.Rows += f.Rows
			d.Bytes += f.Size
			parts[f.Dataset][path.Dir(f.Path)] = true
			runs[f.Dataset][m.RunID] = true
			at := m.CommittedAt
			d.LastCommit = &at
			if files {
				out.Files = append(out.Files, FileListing{Path: f.Path, Dataset: f.Dataset, Rows: f.Rows, Bytes: f.Size, RunID: m.RunID, CommittedAt: m.CommittedAt})
			}
		}
	}
	for _, ds := range schema.Datasets() {
		d := byName[ds.Name]
		d.Partitions, d.Runs = len(parts[ds.Name]), len(runs[ds.Name])
		out.Datasets = append(out.Datasets, *d)
	}
	if li, running := Holder(dir); running {
		out.Writer = &li
	}
	return out, nil
}
