package iceberg

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	ice "github.com/apache/iceberg-go"
	iceio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
)

// Registered is one snapshot Sync committed: a lake run's files of one
// dataset.
type Registered struct {
	Dataset    string `json:"dataset"`
	RunID      string `json:"run_id"`
	SnapshotID int64  `json:"snapshot_id"`
	Operation  string `json:"operation"`
	Added      int    `json:"files_added"`
	Removed    int    `json:"files_removed"`
}

// maxAttempts bounds the optimistic-commit retries of one table: each
// conflict means another writer committed, so progress is made.
const maxAttempts = 50

// crashPoint lets the tests kill the process between copying a run's
// files into the warehouse and committing its snapshot.
var crashPoint = func(string) {}

// Sync registers, table by table, every committed lake run the tables do
// not name yet, oldest first, one snapshot per run and dataset. It is
// idempotent (a run whose id a snapshot summary carries is skipped) and
// safe beside other writers: a commit that loses the race reloads the
// table and recomputes what is missing.
func (m *Mirror) Sync(ctx context.Context) ([]Registered, error) {
	ms, err := lakestore.ReadManifests(m.Lake)
	if err != nil {
		return nil, err
	}
	var out []Registered
	for _, ds := range schema.Datasets() {
		regs, err := m.syncTable(ctx, ds, ms)
		out = append(out, regs...)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// Pending counts the lake runs whose files the tables do not hold yet:
// 0 means a reader of the current snapshots sees what the lake's
// manifests name.
func (m *Mirror) Pending(ctx context.Context) (int, error) {
	ms, err := lakestore.ReadManifests(m.Lake)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ds := range schema.Datasets() {
		t, ok, err := m.Table(ctx, ds.Name)
		if err != nil {
			return 0, err
		}
		var current map[string]bool
		if ok {
			if current, err = fileSet(ctx, t, nil); err != nil {
				return 0, err
			}
		}
		done := registeredRuns(t)
		for _, man := range ms {
			if done[man.RunID] {
				continue
			}
			p, err := m.plan(ds, man, ms, current)
			if err != nil {
				return 0, err
			}
			if !p.empty() {
				n++
			}
		}
	}
	return n, nil
}

func (m *Mirror) syncTable(ctx context.Context, ds schema.Dataset, ms []lakestore.Manifest) ([]Registered, error) {
	var out []Registered
	for attempt := 0; ; attempt++ {
		regs, err := m.syncOnce(ctx, ds, ms)
		out = append(out, regs...)
		if err == nil || !conflict(err) {
			return out, err
		}
		if attempt == maxAttempts {
			return out, fmt.Errorf("iceberg table %s: gave up after %d conflicting commits: %w", ds.Name, attempt+1, err)
		}
		m.log.Info("iceberg commit lost a race; reloading the table", "table", ds.Name, "attempt", attempt+1)
		if err := pause(ctx, attempt); err != nil {
			return out, err
		}
	}
}

func (m *Mirror) syncOnce(ctx context.Context, ds schema.Dataset, ms []lakestore.Manifest) ([]Registered, error) {
	t, err := m.ensureTable(ctx, ds)
	if err != nil {
		return nil, err
	}
	done := registeredRuns(t)
	current, err := fileSet(ctx, t, nil)
	if err != nil {
		return nil, err
	}
	var out []Registered
	for _, man := range ms {
		if done[man.RunID] {
			continue
		}
		p, err := m.plan(ds, man, ms, current)
		if err != nil {
			return out, err
		}
		if p.empty() {
			continue
		}
		nt, reg, err := m.commit(ctx, t, ds, man, p)
		if err != nil {
			return out, err
		}
		t = nt
		out = append(out, reg)
		for _, a := range p.add {
			current[a.dst] = true
		}
		for _, d := range p.remove {
			delete(current, d)
		}
	}
	return out, nil
}

// runPlan is what one run changes in one table.
type runPlan struct {
	add    []fileCopy
	remove []string // warehouse URLs
}

type fileCopy struct{ src, dst string }

func (p runPlan) empty() bool { return len(p.add) == 0 && len(p.remove) == 0 }

// plan lists a run's files of one dataset and the table files its
// compaction removes. A file a later compaction superseded and deleted
// is skipped: its rows are registered with the compacted file.
func (m *Mirror) plan(ds schema.Dataset, man lakestore.Manifest, ms []lakestore.Manifest, current map[string]bool) (runPlan, error) {
	gone := lakestore.Superseded(ms)
	var p runPlan
	for _, f := range man.Files {
		if f.Dataset != ds.Name {
			continue
		}
		dst := m.dataURL(ds.Name, f.Path)
		if current[dst] {
			continue // registered by a commit whose summary we lost (a foreign one)
		}
		if m.adopted && !gone[f.Path] {
			// The commit placed every file in the warehouse before the
			// run committed: nothing to copy (and nothing to fetch from
			// an object store).
			p.add = append(p.add, fileCopy{dst: dst})
			continue
		}
		src, ok := lakestore.Resolve(m.Lake, man.RunID, f.Path)
		if !ok {
			if gone[f.Path] {
				continue
			}
			if m.exists(dst) {
				src = "" // already in the warehouse
			} else {
				return p, fmt.Errorf("iceberg: run %s: file %s is missing from the lake (run `gwanmun lake verify`)", man.RunID, f.Path)
			}
		}
		p.add = append(p.add, fileCopy{src: src, dst: dst})
	}
	for _, old := range man.Supersedes {
		if !strings.HasPrefix(old, ds.Name+"/") || !gone[old] {
			continue
		}
		if u := m.dataURL(ds.Name, old); current[u] {
			p.remove = append(p.remove, u)
		}
	}
	return p, nil
}

// dataURL is where a lake file lives in the warehouse:
// <table>/data/<partition>/<name>, the lake's own layout.
func (m *Mirror) dataURL(dataset, rel string) string {
	return m.TableLocation(dataset) + "/data/" + strings.TrimPrefix(rel, dataset+"/")
}

func (m *Mirror) exists(u string) bool {
	if p, ok := LocalPath(u); ok {
		_, err := os.Stat(p)
		return err == nil
	}
	fsys, err := iceio.LoadFS(context.Background(), m.props, u)
	if err != nil {
		return false
	}
	f, err := fsys.Open(u)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// commit copies a run's files into the warehouse and commits them as one
// snapshot. Files copied by a commit that then failed or was killed are
// copied again (the same bytes: lake files never change) and registered
// by the next attempt.
func (m *Mirror) commit(ctx context.Context, t *table.Table, ds schema.Dataset, man lakestore.Manifest, p runPlan) (*table.Table, Registered, error) {
	adds := make([]string, 0, len(p.add))
	for _, c := range p.add {
		if c.src != "" {
			if err := m.place(ctx, c.src, c.dst); err != nil {
				return t, Registered{}, fmt.Errorf("iceberg table %s: copy %s: %w", ds.Name, c.src, err)
			}
		}
		adds = append(adds, c.dst)
	}
	crashPoint("copied")
	props := ice.Properties{
		PropRunID:       man.RunID,
		PropCommittedAt: man.CommittedAt.UTC().Format(time.RFC3339Nano),
		PropCollectors:  strings.Join(man.Collectors, ","),
	}
	txn := t.NewTransaction()
	var err error
	op := "append"
	if len(p.remove) > 0 {
		op = "overwrite"
		err = txn.ReplaceDataFiles(ctx, p.remove, adds, props)
	} else {
		err = txn.AddFiles(ctx, adds, props, false)
	}
	if err != nil {
		return t, Registered{}, fmt.Errorf("iceberg table %s: run %s: %w", ds.Name, man.RunID, err)
	}
	nt, err := txn.Commit(ctx)
	if err != nil {
		return t, Registered{}, fmt.Errorf("iceberg table %s: commit run %s: %w", ds.Name, man.RunID, err)
	}
	crashPoint("registered")
	reg := Registered{Dataset: ds.Name, RunID: man.RunID, Operation: op, Added: len(adds), Removed: len(p.remove)}
	if s := nt.CurrentSnapshot(); s != nil {
		reg.SnapshotID = s.SnapshotID
	}
	m.log.Debug("iceberg snapshot committed", "table", ds.Name, "run_id", man.RunID, "snapshot_id", reg.SnapshotID)
	return nt, reg, nil
}

// place puts a lake file at its warehouse URL: a hard link on a local
// warehouse on the same file system (no second copy, and the lake's
// compaction deleting its name leaves the table's intact), else a copy
// written under a temporary name and renamed, or uploaded whole.
func (m *Mirror) place(ctx context.Context, src, dst string) error {
	if p, ok := LocalPath(dst); ok {
		if _, err := os.Stat(p); err == nil {
			return nil
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.Link(src, p); err == nil || errors.Is(err, fs.ErrExist) {
			return nil
		}
		return copyLocal(src, p)
	}
	fsys, err := iceio.LoadFS(ctx, m.props, dst)
	if err != nil {
		return err
	}
	w, ok := fsys.(iceio.WriteFileIO)
	if !ok {
		return fmt.Errorf("warehouse %s is not writable", m.Warehouse)
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := w.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func copyLocal(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return writeAtomic(dst, in)
}

// writeAtomic writes r to dst under a temporary name in dst's folder,
// synced, then renamed into place: a reader sees the whole file or none.
func writeAtomic(dst string, r io.Reader) error {
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}

// registeredRuns is every gwanmun run id a snapshot of t names.
func registeredRuns(t *table.Table) map[string]bool {
	out := map[string]bool{}
	if t == nil {
		return out
	}
	for _, s := range t.Metadata().Snapshots() {
		if s.Summary != nil {
			if id := s.Summary.Properties[PropRunID]; id != "" {
				out[id] = true
			}
		}
	}
	return out
}

// fileSet is the data files of a snapshot (nil: the current one).
func fileSet(ctx context.Context, t *table.Table, snapshotID *int64) (map[string]bool, error) {
	files, err := dataFiles(ctx, t, snapshotID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(files))
	for _, f := range files {
		out[f] = true
	}
	return out, nil
}

// dataFiles lists a snapshot's data files in the order the scan plans
// them, each once.
func dataFiles(ctx context.Context, t *table.Table, snapshotID *int64) ([]string, error) {
	var opts []table.ScanOption
	if snapshotID != nil {
		opts = append(opts, table.WithSnapshotID(*snapshotID))
	} else if t.CurrentSnapshot() == nil {
		return nil, nil
	}
	tasks, err := t.Scan(opts...).PlanFiles(ctx)
	if err != nil {
		return nil, fmt.Errorf("plan iceberg scan: %w", err)
	}
	seen := map[string]bool{}
	var out []string
	for _, task := range tasks {
		p := task.File.FilePath()
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out, nil
}

// conflict reports a commit another writer beat: reload and try again.
func conflict(err error) bool {
	return errors.Is(err, table.ErrCommitFailed) || strings.Contains(strings.ToLower(err.Error()), "requirement failed") ||
		strings.Contains(err.Error(), "database is locked") || strings.Contains(err.Error(), "SQLSTATE 40001")
}

// pause waits a little longer after each conflict, with jitter so two
// writers do not collide in step.
func pause(ctx context.Context, attempt int) error {
	d := time.Duration(10*(attempt+1)) * time.Millisecond
	d += time.Duration(rand.Int64N(int64(20 * time.Millisecond)))
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
