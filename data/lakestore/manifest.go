package lakestore

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// LakeFormat is the version of the on-disk layout and manifest format.
const LakeFormat = 1

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

// ReadManifests returns every committed manifest, oldest first.
func ReadManifests(lakeDir string) ([]Manifest, error) {
	dir := filepath.Join(lakeDir, ManifestDir)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read manifests: %w", err)
	}
	var out []Manifest
	for _, e := range entries {
		name := e.Name()
		// Temporary names start with "."; only renamed manifests count.
		if e.IsDir() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("read manifest %s: %w", name, err)
		}
		var m Manifest
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("parse manifest %s: %w", name, err)
		}
		if m.LakeFormat > LakeFormat {
			return nil, fmt.Errorf("manifest %s has lake format %d; this gwanmun reads up to %d", name, m.LakeFormat, LakeFormat)
		}
		if err := m.check(); err != nil {
			return nil, fmt.Errorf("manifest %s: %w", name, err)
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CommittedAt.Equal(out[j].CommittedAt) {
			return out[i].CommittedAt.Before(out[j].CommittedAt)
		}
		return out[i].RunID < out[j].RunID
	})
	return out, nil
}

// check confines a manifest to its lake: writers rename, and compaction
// deletes, the paths a manifest names, so a damaged or hostile manifest
// must not be able to point outside the lake or into its bookkeeping.
func (m Manifest) check() error {
	if m.RunID == "" || !fs.ValidPath(m.RunID) || strings.ContainsAny(m.RunID, `/\`) || strings.HasPrefix(m.RunID, ".") {
		return fmt.Errorf("bad run id %q", m.RunID)
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
// committed manifests name and no manifest supersedes. A file whose
// move out of staging was cut short by a crash is read from staging, so a
// committed run is whole at once.
func VisibleFiles(lakeDir string) (map[string][]string, error) {
	ms, err := ReadManifests(lakeDir)
	if err != nil {
		return nil, err
	}
	gone := Superseded(ms)
	out := map[string][]string{}
	var missing []string
	for _, m := range ms {
		for _, f := range m.Files {
			if gone[f.Path] {
				continue
			}
			final := filepath.Join(lakeDir, filepath.FromSlash(f.Path))
			switch {
			case exists(final):
				out[f.Dataset] = append(out[f.Dataset], final)
			case exists(StagingPath(lakeDir, m.RunID, f.Path)):
				out[f.Dataset] = append(out[f.Dataset], StagingPath(lakeDir, m.RunID, f.Path))
			default:
				missing = append(missing, f.Path)
			}
		}
	}
	if len(missing) > 0 {
		return out, fmt.Errorf("lake %s: %d file(s) named by manifests are missing, e.g. %s (run `gwanmun lake verify`)", lakeDir, len(missing), missing[0])
	}
	return out, nil
}

// Superseded is the set of file paths some manifest supersedes.
func Superseded(ms []Manifest) map[string]bool {
	out := map[string]bool{}
	for _, m := range ms {
		for _, p := range m.Supersedes {
			out[p] = true
		}
	}
	return out
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
