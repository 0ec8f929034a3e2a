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
// into one file, streaming it batch by batch. It keeps every version of
// every key: `<dataset>_all`
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
			if len(files) < 2 {
				copies, err := l.copies(ds, files[0])
				if err != nil {
					_ = txn.Abort()
					return nil, err
				}
				if copies == 0 {
					continue // already one file without copies
				}
			}
			f, in, err := l.compactPartition(txn, ds, part, files)
			if err != nil {
				_ = txn.Abort()
				return nil, err
			}
			for _, old := range files {
				superseded = append(superseded, old.Path)
			}
			out = append(out, Compaction{Dataset: name, Partition: part, Files: len(files), RowsIn: in, RowsOut: f.Rows, Path: f.Path})
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

// compactPartition streams a partition's files, in commit order, into one
// staged file, dropping exact copies of a row. Memory holds one batch of
// rows and 16 bytes per distinct row, not the partition.
func (l *Lake) compactPartition(txn *Txn, ds schema.Dataset, part string, files []ManifestFile) (ManifestFile, int64, error) {
	sf, err := txn.create(ds, part)
	if err != nil {
		return ManifestFile{}, 0, err
	}
	sf.sums.legacy = false // its output is never checked as a rerun
	seen := map[[16]byte]bool{}
	buf := make([]schema.Row, 0, MaxRowGroup)
	var in int64
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		err := sf.write(buf, nil)
		buf = buf[:0]
		return err
	}
	for _, f := range files {
		err := EachBatch(filepath.Join(l.Dir, filepath.FromSlash(f.Path)), ds, func(rows []schema.Row) error {
			in += int64(len(rows))
			for _, r := range rows {
				s := rowSum(r)
				if seen[s] {
					continue
				}
				seen[s] = true
				buf = append(buf, r)
				if len(buf) == MaxRowGroup {
					if err := flush(); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			sf.abort()
			return ManifestFile{}, 0, fmt.Errorf("compact %s: %w", f.Path, err)
		}
	}
	if err := flush(); err != nil {
		sf.abort()
		return ManifestFile{}, 0, err
	}
	mf, err := sf.close()
	return mf, in, err
}

// copies counts the rows of a file that repeat an earlier row exactly.
func (l *Lake) copies(ds schema.Dataset, f ManifestFile) (int, error) {
	seen := map[[16]byte]bool{}
	n := 0
	err := EachBatch(filepath.Join(l.Dir, filepath.FromSlash(f.Path)), ds, func(rows []schema.Row) error {
		for _, r := range rows {
			s := rowSum(r)
			if seen[s] {
				n++
			}
			seen[s] = true
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("compact %s: %w", f.Path, err)
	}
	return n, nil
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
