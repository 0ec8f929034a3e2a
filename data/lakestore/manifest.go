package lakestore

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// LakeFormat is the version of the on-disk layout and manifest format.
// 2: rows_sha256 is computed from data/rowhash sums, not from each row's
// JSON (format 1, still read; see Lake.legacy).
const LakeFormat = 2

// Directory names inside the lake. Names starting with "_" are skipped by
// Spark, Trino and pyarrow dataset discovery, so staging files never leak
// into another engine's view of the lake.
const (
	ManifestDir = "_manifests"
	StagingDir  = "_staging"
	LockFile    = "_lock"
)

// Manifest is written once, atomically, when a run commits. A data file
// exists for readers only once a manifest names it.
type Manifest struct {
	RunID       string         `json:"run_id"`
	LakeFormat  int            `json:"lake_format"`
	CommittedAt time.Time      `json:"committed_at"`
	Collectors  []string       `json:"collectors"`
	Files       []ManifestFile `json:"files"`
	// Supersedes lists files (lake-relative paths) that this manifest's
	// files replace, as `lake compact` does: readers skip them from the
	// moment this manifest is committed, and writers delete them after.
	Supersedes []string `json:"supersedes,omitempty"`
}

// ManifestFile is one Parquet file of a run.
type ManifestFile struct {
	Dataset        string `json:"dataset"`
	DatasetVersion int    `json:"dataset_version"`
	// Path is relative to the lake root, with forward slashes.
	Path string `json:"path"`
	Rows int64  `json:"rows"`
	Size int64  `json:"bytes"`
	// SHA256 is the file's bytes; RowsSHA256 its logical content without
	// run ids, which is how a rerun on the same input is recognised.
	SHA256     string `json:"sha256"`
	RowsSHA256 string `json:"rows_sha256"`
}

// StagingPath is where a manifest's file waits before it is moved into place.
func StagingPath(lakeDir, runID, rel string) string {
	return filepath.Join(lakeDir, StagingDir, runID, filepath.FromSlash(rel))
}

// check confines a manifest to its lake: writers rename, and compaction
// deletes, the paths a manifest names, so a damaged or hostile manifest
// must not be able to point outside the lake or into its bookkeeping.
func (m Manifest) check() error {
	if err := ValidRunID(m.RunID); err != nil {
		return err
	}
	for _, f := range m.Files {
		if err := checkDataPath(f.Path); err != nil {
			return err
		}
	}
	for _, p := range m.Supersedes {
		if err := checkDataPath(p); err != nil {
			return err
		}
	}
	return nil
}

// checkDataPath accepts "dataset/key=value/part-....parquet" and the like:
// relative, clean, slash-separated, outside the "_" and "." directories.
func checkDataPath(p string) error {
	if !fs.ValidPath(p) || p == "." || strings.Contains(p, `\`) || !strings.HasSuffix(p, ".parquet") {
		return fmt.Errorf("bad file path %q: want a lake-relative path to a .parquet file", p)
	}
	for _, seg := range strings.Split(p, "/") {
		if strings.HasPrefix(seg, "_") || strings.HasPrefix(seg, ".") {
			return fmt.Errorf("bad file path %q: names a hidden or bookkeeping directory", p)
		}
	}
	return nil
}

// VisibleFiles maps each dataset to the absolute paths of the files that
// committed manifests name and no manifest supersedes, each where it is
// now: in place, or in staging while its run is being published (or was
// cut short by a crash), so a committed run is whole at once. A file that
// vanishes while it is looked up (a compaction deleting what it replaced)
// makes it read the manifests once more.
func VisibleFiles(lakeDir string) (map[string][]string, error) {
	var out map[string][]string
	var missing *MissingFilesError
	for attempt := 0; attempt < 2; attempt++ {
		ms, err := ReadManifests(lakeDir)
		if err != nil {
			return nil, err
		}
		out, missing = visible(lakeDir, ms)
		if missing == nil {
			return out, nil
		}
	}
	return out, missing
}

// MissingFilesError lists committed files that are neither in place nor in
// staging; VisibleFiles still returns every file it found alongside it.
type MissingFilesError struct {
	Lake string
	// Files maps a dataset to its missing lake-relative paths.
	Files map[string][]string
}

func (e *MissingFilesError) Error() string {
	n, first := 0, ""
	for _, ds := range sortedKeys(e.Files) {
		if first == "" {
			first = e.Files[ds][0]
		}
		n += len(e.Files[ds])
	}
	return fmt.Sprintf("lake %s: %d file(s) named by manifests are missing, e.g. %s (run `gwanmun lake verify`)", e.Lake, n, first)
}

func visible(lakeDir string, ms []Manifest) (map[string][]string, *MissingFilesError) {
	gone := Superseded(ms)
	out := map[string][]string{}
	var missing *MissingFilesError
	for _, m := range ms {
		for _, f := range m.Files {
			if gone[f.Path] {
				continue
			}
			if p, ok := Resolve(lakeDir, m.RunID, f.Path); ok {
				out[f.Dataset] = append(out[f.Dataset], p)
				continue
			}
			if missing == nil {
				missing = &MissingFilesError{Lake: lakeDir, Files: map[string][]string{}}
			}
			missing.Files[f.Dataset] = append(missing.Files[f.Dataset], f.Path)
		}
	}
	return out, missing
}

// Resolve finds a committed file: in place, else in its run's staging
// directory. Publishing moves a file from staging into place, so a file
// missed in both looks was moved in between and is looked for in place
// once more.
//
// A run another host committed to a shared log has its files where that
// log keeps them (an Iceberg warehouse); the log locates those.
func Resolve(lakeDir, runID, rel string) (string, bool) {
	final := filepath.Join(lakeDir, filepath.FromSlash(rel))
	if exists(final) {
		return final, true
	}
	if staged := StagingPath(lakeDir, runID, rel); exists(staged) {
		return staged, true
	}
	if exists(final) {
		return final, true
	}
	if l, err := OpenLog(lakeDir); err == nil {
		if p, ok := l.Locate(runID, rel); ok {
			return p, true
		}
	}
	return final, false
}

// Superseded is the set of file paths some manifest validly supersedes.
// An entry that badSupersedes refuses hides nothing and deletes nothing.
func Superseded(ms []Manifest) map[string]bool {
	bad := badSupersedes(ms)
	out := map[string]bool{}
	for _, m := range ms {
		for _, p := range m.Supersedes {
			if bad[m.RunID][p] == nil {
				out[p] = true
			}
		}
	}
	return out
}

// badSupersedes checks the supersedes rule: a manifest may hide only a
// file that another manifest names and that one of its own files
// replaces, the same dataset in the same partition, as compaction does.
// Anything else would delete data nothing replaces. The result maps run id
// and superseded path to why the entry is refused.
func badSupersedes(ms []Manifest) map[string]map[string]error {
	named := map[string]ManifestFile{}
	owner := map[string]string{}
	for _, m := range ms {
		for _, f := range m.Files {
			if _, dup := named[f.Path]; !dup {
				named[f.Path], owner[f.Path] = f, m.RunID
			}
		}
	}
	out := map[string]map[string]error{}
	for _, m := range ms {
		replaces := map[string]bool{} // dataset + " " + partition directory
		for _, f := range m.Files {
			replaces[f.Dataset+" "+path.Dir(f.Path)] = true
		}
		for _, p := range m.Supersedes {
			var err error
			f, ok := named[p]
			switch {
			case !ok:
				err = fmt.Errorf("supersedes %s, which no committed manifest names", p)
			case owner[p] == m.RunID:
				err = fmt.Errorf("supersedes its own file %s", p)
			case !replaces[f.Dataset+" "+path.Dir(p)]:
				err = fmt.Errorf("supersedes %s (%s) but writes no %s file in that partition to replace it", p, f.Dataset, f.Dataset)
			}
			if err != nil {
				if out[m.RunID] == nil {
					out[m.RunID] = map[string]error{}
				}
				out[m.RunID][p] = err
			}
		}
	}
	return out
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
