package lakestore

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/gwanmun/gwanmun/data/schema"
)

// Report is what Verify found. Problems make a lake unfit to publish from;
// Notes are states the next writer repairs by itself.
type Report struct {
	Lake string `json:"lake"`
	// CommitLog names where the manifests were read (CommitLog.String).
	CommitLog string          `json:"commit_log"`
	Manifests int             `json:"manifests"`
	Datasets  []DatasetReport `json:"datasets"`
	Problems  []string        `json:"problems"`
	Notes     []string        `json:"notes"`
}

// DatasetReport counts one dataset's visible files and rows.
type DatasetReport struct {
	Dataset string `json:"dataset"`
	Files   int    `json:"files"`
	Bytes   int64  `json:"bytes"`
	Rows    int64  `json:"rows"`
	// Keys is the number of distinct natural keys: the rows the dataset's
	// view shows. Shadowed rows are older versions of a key the view hides.
	Keys     int64 `json:"keys"`
	Shadowed int64 `json:"shadowed"`
	// Conflicts are keys whose newest version is ambiguous: two different
	// rows with the same fetched_at and run_id. Duplicates are identical
	// copies of one row, which no correct write produces.
	Conflicts  int64 `json:"conflicts"`
	Duplicates int64 `json:"duplicates"`
}

// OK reports a lake without problems.
func (r Report) OK() bool { return len(r.Problems) == 0 }

func (r *Report) problem(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

func (r *Report) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// maxListed caps how many instances of one kind of problem are spelled out.
const maxListed = 20

// Verify checks a lake without writing to it or taking its lock: every
// file a committed manifest names exists with the recorded size and
// sha256, reads as Parquet with its dataset's schema and row count, no
// file is named twice or left unnamed in a dataset directory, and no
// natural key is ambiguous among the visible rows.
func Verify(dir string) (Report, error) {
	rep := Report{Lake: dir, Problems: []string{}, Notes: []string{}}
	if _, err := os.Stat(dir); err != nil {
		return rep, fmt.Errorf("lake %s: %w", dir, err)
	}
	cl, err := OpenLog(dir)
	if err != nil {
		rep.problem("%v", err)
		return rep, nil
	}
	rep.CommitLog = cl.String()
	ms, err := cl.Manifests()
	if err != nil {
		rep.problem("%v", err)
		return rep, nil
	}
	rep.Manifests = len(ms)
	bad := badSupersedes(ms)
	for _, run := range sortedKeys(bad) {
		for _, p := range sortedKeys(bad[run]) {
			rep.problem("manifest %s: %v; the entry is ignored (the file stays visible)", run, bad[run][p])
		}
	}
	gone := Superseded(ms)
	named := map[string]string{} // path -> run id
	byDataset := map[string]*DatasetReport{}
	keys := map[string]keyStats{}
	for _, ds := range schema.Datasets() {
		byDataset[ds.Name] = &DatasetReport{Dataset: ds.Name}
		keys[ds.Name] = keyStats{}
	}
	for _, m := range ms {
		for _, f := range m.Files {
			if prev, dup := named[f.Path]; dup {
				rep.problem("%s is named by runs %s and %s", f.Path, prev, m.RunID)
				continue
			}
			named[f.Path] = m.RunID
			if gone[f.Path] {
				continue
			}
			ds, err := schema.Lookup(f.Dataset)
			if err != nil {
				rep.problem("%s: %v", f.Path, err)
				continue
			}
			full, ok := Resolve(dir, m.RunID, f.Path)
			if !ok {
				rep.problem("%s is missing (run %s)", f.Path, m.RunID)
				continue
			}
			switch full {
			case filepath.Join(dir, filepath.FromSlash(f.Path)):
			case StagingPath(dir, m.RunID, f.Path):
				rep.note("%s is committed but still in staging (the next writer moves it)", f.Path)
			default:
				rep.note("%s is not in this lake folder (committed from another host, or removed here); read from %s", f.Path, full)
			}
			got, err := checkFile(full, ds, f, m.LakeFormat)
			if errors.Is(err, fs.ErrNotExist) {
				// Moved into place while we looked (a run being published),
				// or deleted by a compaction that committed meanwhile.
				if again, ok := Resolve(dir, m.RunID, f.Path); ok && again != full {
					got, err = checkFile(again, ds, f, m.LakeFormat)
				} else if now, rerr := ReadManifests(dir); rerr == nil && Superseded(now)[f.Path] {
					rep.note("%s was superseded by a compaction while verify ran", f.Path)
					continue
				}
			}
			if err != nil {
				rep.problem("%s: %v", f.Path, err)
				continue
			}
			d := byDataset[ds.Name]
			d.Files++
			d.Bytes += f.Size
			d.Rows += int64(len(got))
			keys[ds.Name].add(got)
		}
	}
	for _, p := range sortedKeys(gone) {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p))); err == nil {
			rep.note("%s is superseded but not yet deleted (the next writer deletes it)", p)
		}
	}
	orphans(dir, named, &rep)
	staging(dir, ms, &rep)
	for _, ds := range schema.Datasets() {
		d := byDataset[ds.Name]
		keys[ds.Name].count(d)
		if d.Conflicts > 0 {
			rep.problem("%s: %d natural key(s) have two different rows with the same fetched_at and run_id; the view picks one at random", ds.Name, d.Conflicts)
		}
		if d.Duplicates > 0 {
			rep.problem("%s: %d row(s) are stored twice", ds.Name, d.Duplicates)
		}
		if d.Files > 0 || d.Rows > 0 {
			rep.Datasets = append(rep.Datasets, *d)
		}
	}
	if li, running := Holder(dir); running {
		rep.note("a writer holds the lake: %s", li)
	}
	return rep, nil
}

// checkFile compares one file with its manifest entry and summarises its
// rows, reading one batch at a time. From lake format 2 on, the rows read
// back must also give the manifest's rows_sha256, the sum rerun detection
// trusts.
func checkFile(full string, ds schema.Dataset, f ManifestFile, format int) ([]rowSummary, error) {
	fh, err := os.Open(full)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	n, err := io.Copy(h, fh)
	fh.Close()
	if err != nil {
		return nil, err
	}
	if n != f.Size {
		return nil, fmt.Errorf("size %d, manifest says %d", n, f.Size)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != f.SHA256 {
		return nil, fmt.Errorf("sha256 %s, manifest says %s", sum, f.SHA256)
	}
	if f.DatasetVersion == ds.Version {
		if err := checkSchema(full, ds); err != nil {
			return nil, err
		}
	}
	k := NewKeyer(ds)
	var out []rowSummary
	var rh rowsHasher
	err = EachBatch(full, ds, func(rows []schema.Row) error {
		for _, r := range rows {
			if format >= 2 {
				if err := rh.add(r); err != nil {
					return err
				}
			}
			p := r.Prov()
			out = append(out, rowSummary{key: k.Key(r), fetchedAt: p.FetchedAt.UnixMicro(), runID: p.RunID, sum: rowSum(r)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if int64(len(out)) != f.Rows {
		return nil, fmt.Errorf("%d rows, manifest says %d", len(out), f.Rows)
	}
	if format >= 2 {
		if sum := rh.sum(); sum != f.RowsSHA256 {
			return nil, fmt.Errorf("rows_sha256 of its rows %s, manifest says %s", sum, f.RowsSHA256)
		}
	}
	return out, nil
}

// rowSummary is what the key statistics need of a row, instead of the row.
type rowSummary struct {
	key       string
	fetchedAt int64
	runID     string
	sum       [16]byte // of the row's full content, run id included
}

func rowSum(r schema.Row) [16]byte {
	s := sha256.Sum256([]byte(rowJSON(r)))
	var out [16]byte
	copy(out[:], s[:])
	return out
}

// keyVersions is one natural key's rows: every content sum (for copies)
// and the distinct sums of its newest version (for conflicts).
type keyVersions struct {
	rows      [][16]byte
	fetchedAt int64
	runID     string
	newest    [][16]byte
}

// keyStats holds per key what countKeys used to need every row for.
type keyStats map[string]*keyVersions

func (ks keyStats) add(rows []rowSummary) {
	for _, r := range rows {
		kv := ks[r.key]
		if kv == nil {
			ks[r.key] = &keyVersions{rows: [][16]byte{r.sum}, fetchedAt: r.fetchedAt, runID: r.runID, newest: [][16]byte{r.sum}}
			continue
		}
		kv.rows = append(kv.rows, r.sum)
		// The newest version as the views order them: fetched_at, then run id.
		switch {
		case r.fetchedAt > kv.fetchedAt || (r.fetchedAt == kv.fetchedAt && r.runID > kv.runID):
			kv.fetchedAt, kv.runID, kv.newest = r.fetchedAt, r.runID, [][16]byte{r.sum}
		case r.fetchedAt == kv.fetchedAt && r.runID == kv.runID && !slices.Contains(kv.newest, r.sum):
			kv.newest = append(kv.newest, r.sum)
		}
	}
}

// count fills the key statistics of one dataset's visible rows.
func (ks keyStats) count(d *DatasetReport) {
	var rows int64
	for _, kv := range ks {
		rows += int64(len(kv.rows))
		if len(kv.rows) > 1 {
			seen := map[[16]byte]bool{}
			for _, s := range kv.rows {
				if seen[s] {
					d.Duplicates++
				}
				seen[s] = true
			}
		}
		// More than one distinct row among the newest versions is a
		// conflict the view cannot resolve.
		if len(kv.newest) > 1 {
			d.Conflicts++
		}
	}
	d.Keys = int64(len(ks))
	d.Shadowed = rows - d.Keys
}

// orphans reports Parquet files in dataset directories that no manifest
// names: gwanmun's readers skip them, but engines that list directories
// (Spark, pyarrow, Trino) would not.
func orphans(dir string, named map[string]string, rep *Report) {
	var found []string
	for _, ds := range schema.Datasets() {
		root := filepath.Join(dir, ds.Name)
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			rel, _ := filepath.Rel(dir, p)
			rel = filepath.ToSlash(rel)
			if strings.HasPrefix(d.Name(), ".") && strings.HasSuffix(d.Name(), ".tmp") {
				found = append(found, rel+" (an unfinished write)")
				return nil
			}
			if _, ok := named[rel]; !ok && strings.HasSuffix(rel, ".parquet") {
				found = append(found, rel)
			}
			return nil
		})
	}
	sort.Strings(found)
	for i, p := range found {
		if i == maxListed {
			rep.problem("... and %d more files no manifest names", len(found)-maxListed)
			break
		}
		rep.problem("%s is in the lake but no manifest names it; other engines reading the directory would see it", p)
	}
}

// staging notes what crashed runs left for the next writer to clean up.
func staging(dir string, ms []Manifest, rep *Report) {
	committed := map[string]bool{}
	for _, m := range ms {
		committed[m.RunID] = true
	}
	entries, _ := os.ReadDir(filepath.Join(dir, StagingDir))
	for _, e := range entries {
		if !committed[e.Name()] {
			rep.note("run %s was interrupted before it committed; the next writer discards its staged files", e.Name())
		}
	}
}
