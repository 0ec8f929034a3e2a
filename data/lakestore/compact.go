package lakestore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gwanmun/gwanmun/data/schema"
)

// CompactCollector names compaction in the manifests it writes.
const CompactCollector = "lake compact"

// Compaction is what compacting one partition did.
type Compaction struct {
	Dataset   string `json:"dataset"`
	Partition string `json:"partition"`
	Files     int    `json:"files_before"`
	RowsIn    int64  `json:"rows_before"`
	RowsOut   int64  `json:"rows_after"`
	Path      string `json:"path"`
}

// Compact rewrites every partition of the named datasets (all when none
// are named) that has more than one visible file, or a row stored twice,
// into one file. It keeps every version of every key: `<dataset>_all`
// (and the analyses that read history from it, such as feed coverage)
// must read the same before and after, so only exact copies of a row,
// which no correct write produces, are dropped. It is one transaction:
// the new files and a manifest superseding the old ones are committed
// together, and the old files are deleted only once that manifest is
// durable.
func (l *Lake) Compact(runID string, datasets ...string) ([]Compaction, error) {
	ms, err := ReadManifests(l.Dir)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, d := range datasets {
		if _, err := schema.Lookup(d); err != nil {
			return nil, err
		}
		want[d] = true
	}
	gone := Superseded(ms)
	// dataset -> partition -> files, in commit order
	parts := map[string]map[string][]ManifestFile{}
	for _, m := range ms {
		for _, f := range m.Files {
			if gone[f.Path] || (len(want) > 0 && !want[f.Dataset]) {
				continue
			}
			ds, err := schema.Lookup(f.Dataset)
			if err != nil || f.DatasetVersion != ds.Version {
				continue // an older layout is left as written
			}
			part := strings.TrimPrefix(path.Dir(f.Path), f.Dataset)
			part = strings.TrimPrefix(part, "/")
			if parts[f.Dataset] == nil {
				parts[f.Dataset] = map[string][]ManifestFile{}
			}
			parts[f.Dataset][part] = append(parts[f.Dataset][part], f)
		}
	}
	txn := l.Begin(runID)
	var out []Compaction
	var superseded []string
	for _, name := range sortedKeys(parts) {
		ds, _ := schema.Lookup(name)
		for _, part := range sortedKeys(parts[name]) {
			files := parts[name][part]
			rows, in, err := l.partitionRows(ds, files)
			if err != nil {
				_ = txn.Abort()
				return nil, err
			}
			if len(files) < 2 && int64(len(rows)) == in {
				continue // already one file without copies
			}
			f, err := txn.write(ds, part, rows, false)
			if err != nil {
				_ = txn.Abort()
				return nil, err
			}
			for _, old := range files {
				superseded = append(superseded, old.Path)
			}
			c := Compaction{Dataset: name, Partition: part, Files: len(files), RowsIn: in, RowsOut: int64(len(rows))}
			if f != nil {
				c.Path = f.Path
			}
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		_ = txn.Abort()
		return nil, nil
	}
	txn.supersedes = superseded
	if _, err := txn.Commit([]string{CompactCollector}); err != nil {
		return nil, err
	}
	return out, nil
}

// partitionRows reads a partition's files and returns every distinct row,
// sorted by key, then newest version first, then content, so the
// compacted file depends neither on file order nor on commit order.
func (l *Lake) partitionRows(ds schema.Dataset, files []ManifestFile) ([]schema.Row, int64, error) {
	k := NewKeyer(ds)
	type entry struct {
		key, json string
		row       schema.Row
	}
	var out []entry
	seen := map[string]bool{}
	var in int64
	for _, f := range files {
		rows, err := ReadRows(filepath.Join(l.Dir, filepath.FromSlash(f.Path)), ds)
		if err != nil {
			return nil, 0, fmt.Errorf("compact %s: %w", f.Path, err)
		}
		in += int64(len(rows))
		for _, r := range rows {
			j := rowJSON(r)
			if seen[j] {
				continue
			}
			seen[j] = true
			out = append(out, entry{key: k.Key(r), json: j, row: r})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.key != b.key {
			return a.key < b.key
		}
		if newer(a.row, b.row) != newer(b.row, a.row) {
			return newer(a.row, b.row)
		}
		return a.json < b.json
	})
	rows := make([]schema.Row, len(out))
	for i, e := range out {
		rows[i] = e.row
	}
	return rows, in, nil
}

// removeSuperseded deletes files committed manifests supersede; it is the
// last step of a compaction and is redone by recovery after a crash.
func (l *Lake) removeSuperseded(ms []Manifest) error {
	dirs := map[string]bool{}
	for p := range Superseded(ms) {
		full := filepath.Join(l.Dir, filepath.FromSlash(p))
		err := os.Remove(full)
		switch {
		case err == nil:
			dirs[filepath.Dir(full)] = true
		case errors.Is(err, fs.ErrNotExist):
		default:
			return fmt.Errorf("remove superseded %s: %w", p, explainFS(err))
		}
	}
	for d := range dirs {
		syncDir(d)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
