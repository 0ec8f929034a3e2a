package iceberg

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	ice "github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	iceio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"

	"github.com/gwanmun/gwanmun/data/lakestore"
)

// RunsTable is the lake's commit log once the lake is adopted: one row per
// committed run, its manifest whole. A run is committed when the snapshot
// appending its row is, a compare-and-swap of one table in the catalog,
// so every engine and every gwanmun host sees the same runs in the same
// order. The dataset tables are rolled forward from it by Sync.
const RunsTable = "_runs"

// LogKind is the lakestore.CommitLog kind this package registers.
const LogKind = "iceberg"

func init() { lakestore.RegisterLog(LogKind, openRunsLog) }

// runsSchema is the _runs table: seq is the run's place in the log (1, 2,
// ...), manifest its lakestore.Manifest as JSON; the other columns repeat
// what a person querying the log wants to see without parsing JSON.
func runsSchema() *ice.Schema {
	return ice.NewSchema(0,
		ice.NestedField{ID: 1, Name: "seq", Type: ice.PrimitiveTypes.Int64, Required: true},
		ice.NestedField{ID: 2, Name: "run_id", Type: ice.PrimitiveTypes.String, Required: true},
		ice.NestedField{ID: 3, Name: "committed_at", Type: ice.PrimitiveTypes.TimestampTz, Required: true},
		ice.NestedField{ID: 4, Name: "lake_format", Type: ice.PrimitiveTypes.Int32, Required: true},
		ice.NestedField{ID: 5, Name: "collectors", Type: ice.PrimitiveTypes.String, Required: true},
		ice.NestedField{ID: 6, Name: "files", Type: ice.PrimitiveTypes.Int64, Required: true},
		ice.NestedField{ID: 7, Name: "rows", Type: ice.PrimitiveTypes.Int64, Required: true},
		ice.NestedField{ID: 8, Name: "supersedes", Type: ice.PrimitiveTypes.Int64, Required: true},
		ice.NestedField{ID: 9, Name: "manifest", Type: ice.PrimitiveTypes.String, Required: true},
	)
}

// runsLog is a lake's commit log in its catalog's _runs table.
type runsLog struct {
	m *Mirror

	mu    sync.Mutex
	at    string // metadata location the cache was read at
	cache []lakestore.Manifest
}

// logSpec is what a lake's lakestore.CommitLogFile holds for this log:
// the catalog and warehouse, as the [iceberg] table of sources.toml names
// them (credentials never: they come from the environment).
type logSpec struct {
	Catalog    string `json:"catalog"`
	Warehouse  string `json:"warehouse,omitempty"`
	S3Endpoint string `json:"s3_endpoint,omitempty"`
	S3Region   string `json:"s3_region,omitempty"`
}

func specOf(c Config) logSpec {
	cat := strings.TrimSpace(c.Catalog)
	if cat == "" {
		cat = string(SQLite)
	}
	return logSpec{Catalog: cat, Warehouse: c.Warehouse, S3Endpoint: c.S3Endpoint, S3Region: c.S3Region}
}

func (s logSpec) config() Config {
	return Config{Catalog: s.Catalog, Warehouse: s.Warehouse, S3Endpoint: s.S3Endpoint, S3Region: s.S3Region}
}

func openRunsLog(lakeDir string, raw json.RawMessage) (lakestore.CommitLog, error) {
	var s logSpec
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%s spec: %w", LogKind, err)
	}
	m, err := Open(context.Background(), lakeDir, s.config(), nil)
	if err != nil {
		return nil, err
	}
	return &runsLog{m: m}, nil
}

func (l *runsLog) String() string {
	return fmt.Sprintf("iceberg table %s.%s (%s catalog)", Namespace, RunsTable, l.m.Kind)
}

// table loads the _runs table; ok is false before the first commit.
func (l *runsLog) table(ctx context.Context) (*table.Table, bool, error) {
	return l.m.Table(ctx, RunsTable)
}

func (l *runsLog) ensureTable(ctx context.Context) (*table.Table, error) {
	t, ok, err := l.table(ctx)
	if err != nil || ok {
		return t, err
	}
	t, err = l.m.cat.CreateTable(ctx, Ident(RunsTable), runsSchema(),
		catalog.WithLocation(l.m.TableLocation(RunsTable)),
		catalog.WithProperties(ice.Properties{
			"format-version": "2",
			"comment":        "gwanmun's commit log: one row per committed run; its manifest names the run's files",
			// One metadata file a run: keep the last few, not every one.
			table.MetadataDeleteAfterCommitEnabledKey: "true",
			table.MetadataPreviousVersionsMaxKey:      "20",
		}))
	if errors.Is(err, catalog.ErrTableAlreadyExists) {
		t, _, err = l.table(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("create iceberg table %s: %w", RunsTable, err)
	}
	return t, nil
}

func (l *runsLog) Manifests() ([]lakestore.Manifest, error) {
	ctx := context.Background()
	for attempt := 0; ; attempt++ {
		t, ok, err := l.table(ctx)
		if err != nil || !ok {
			return nil, err
		}
		ms, err := l.manifestsOf(ctx, t)
		// A compaction of the log may have expired the snapshot just
		// loaded and deleted its files: load the table once more.
		if err == nil || attempt == 1 {
			return ms, err
		}
	}
}

// manifestsOf reads the log as of t's current snapshot, in seq order. The
// table only grows, so a cached read is reused until the table moves.
func (l *runsLog) manifestsOf(ctx context.Context, t *table.Table) ([]lakestore.Manifest, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t.MetadataLocation() == l.at {
		return append([]lakestore.Manifest(nil), l.cache...), nil
	}
	if t.CurrentSnapshot() == nil {
		return nil, nil
	}
	tbl, err := t.Scan(table.WithSelectedFields("seq", "run_id", "manifest")).ToArrowTable(ctx)
	if err != nil {
		return nil, fmt.Errorf("read iceberg table %s: %w", RunsTable, err)
	}
	defer tbl.Release()
	type entry struct {
		seq int64
		m   lakestore.Manifest
	}
	var entries []entry
	rdr := array.NewTableReader(tbl, 1024)
	defer rdr.Release()
	for rdr.Next() {
		rec := rdr.RecordBatch()
		seqs := rec.Column(0).(*array.Int64)
		ids := rec.Column(1).(*array.String)
		docs := rec.Column(2).(*array.String)
		for i := 0; i < int(rec.NumRows()); i++ {
			var m lakestore.Manifest
			if err := json.Unmarshal([]byte(docs.Value(i)), &m); err != nil {
				return nil, fmt.Errorf("iceberg table %s: run %s: parse manifest: %w", RunsTable, ids.Value(i), err)
			}
			if m.RunID != ids.Value(i) {
				return nil, fmt.Errorf("iceberg table %s: row %q holds the manifest of run %q", RunsTable, ids.Value(i), m.RunID)
			}
			if err := m.Validate(); err != nil {
				return nil, fmt.Errorf("iceberg table %s: %w", RunsTable, err)
			}
			entries = append(entries, entry{seqs.Value(i), m})
		}
	}
	if err := rdr.Err(); err != nil {
		return nil, fmt.Errorf("read iceberg table %s: %w", RunsTable, err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].seq < entries[j].seq })
	out := make([]lakestore.Manifest, len(entries))
	seen := map[string]bool{}
	for i, e := range entries {
		if e.seq != int64(i+1) || seen[e.m.RunID] {
			return nil, fmt.Errorf("iceberg table %s: seq %d run %s: the log has a gap or a repeat", RunsTable, e.seq, e.m.RunID)
		}
		seen[e.m.RunID] = true
		out[i] = e.m
	}
	l.at, l.cache = t.MetadataLocation(), out
	return append([]lakestore.Manifest(nil), out...), nil
}

// runCrashPoint lets the tests stop a commit between placing a run's
// files in the warehouse and appending its row.
var runCrashPoint = func(string) {}

// Append commits a run: its files are placed in the warehouse first (a
// hard link on a local warehouse), where every host sharing the catalog
// reads them, then its row is appended in a snapshot that asserts the
// table is still at the snapshot rebase judged, so a writer that lost the
// race reloads, rebases and tries again. A commit whose outcome is unknown
// (the connection dropped) is settled by reading the log back.
func (l *runsLog) Append(man lakestore.Manifest, rebase func([]lakestore.Manifest) (lakestore.Manifest, error)) (lakestore.Manifest, error) {
	return l.commit(context.Background(), man, rebase, nil)
}

// commit is Append; a file in gone (superseded and deleted, when a lake's
// older runs are moved into the log) is not placed.
func (l *runsLog) commit(ctx context.Context, man lakestore.Manifest, rebase func([]lakestore.Manifest) (lakestore.Manifest, error), gone map[string]bool) (lakestore.Manifest, error) {
	for attempt := 0; ; attempt++ {
		t, err := l.ensureTable(ctx)
		if err != nil {
			return man, err
		}
		committed, err := l.manifestsOf(ctx, t)
		if err != nil {
			return man, err
		}
		for _, c := range committed {
			if c.RunID == man.RunID {
				return man, fmt.Errorf("run %s: %w in %s; choose another --run-id", man.RunID, lakestore.ErrRunExists, l)
			}
		}
		next, err := rebase(committed)
		if err != nil || len(next.Files) == 0 {
			return next, err
		}
		if err := l.placeFiles(ctx, next, gone); err != nil {
			return next, err
		}
		runCrashPoint("placed")
		err = l.appendRow(ctx, t, int64(len(committed)+1), next)
		if err == nil {
			runCrashPoint("appended")
			return next, nil
		}
		if !conflict(err) {
			if ok, rerr := l.holds(next.RunID); rerr == nil && ok {
				return next, nil
			}
			return next, fmt.Errorf("commit run %s to %s: %w", next.RunID, l, err)
		}
		if attempt == maxAttempts {
			return next, fmt.Errorf("commit run %s to %s: gave up after %d conflicting commits: %w", next.RunID, l, attempt+1, err)
		}
		l.m.log.Info("commit lost a race with another writer; rebasing on the runs it committed", "run_id", next.RunID, "attempt", attempt+1)
		if err := pause(ctx, attempt); err != nil {
			return next, err
		}
	}
}

// holds reports whether the log names the run (after a commit whose
// outcome is unknown).
func (l *runsLog) holds(runID string) (bool, error) {
	ms, err := l.Manifests()
	if err != nil {
		return false, err
	}
	for _, m := range ms {
		if m.RunID == runID {
			return true, nil
		}
	}
	return false, nil
}

// placeFiles puts a staged run's files at their warehouse URLs. A file
// there already is left over from an attempt with the same run id that
// never committed (run ids are unique among committed runs, and file
// names carry them), so it is replaced.
func (l *runsLog) placeFiles(ctx context.Context, man lakestore.Manifest, gone map[string]bool) error {
	for _, f := range man.Files {
		src, ok := lakestore.Resolve(l.m.Lake, man.RunID, f.Path)
		if !ok && gone[f.Path] {
			continue
		}
		if !ok {
			return fmt.Errorf("commit run %s: staged file %s is missing", man.RunID, f.Path)
		}
		dst := l.m.dataURL(f.Dataset, f.Path)
		if src == mustLocal(dst) {
			continue
		}
		if p, ok := LocalPath(dst); ok {
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("commit run %s: %w", man.RunID, err)
			}
		}
		if err := l.m.place(ctx, src, dst); err != nil {
			return fmt.Errorf("commit run %s: place %s in the warehouse: %w", man.RunID, f.Path, err)
		}
	}
	return nil
}

func mustLocal(u string) string {
	p, _ := LocalPath(u)
	return p
}

func (l *runsLog) appendRow(ctx context.Context, t *table.Table, seq int64, man lakestore.Manifest) error {
	doc, err := json.Marshal(man)
	if err != nil {
		return err
	}
	var rows int64
	for _, f := range man.Files {
		rows += f.Rows
	}
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "seq", Type: arrow.PrimitiveTypes.Int64},
		{Name: "run_id", Type: arrow.BinaryTypes.String},
		{Name: "committed_at", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}},
		{Name: "lake_format", Type: arrow.PrimitiveTypes.Int32},
		{Name: "collectors", Type: arrow.BinaryTypes.String},
		{Name: "files", Type: arrow.PrimitiveTypes.Int64},
		{Name: "rows", Type: arrow.PrimitiveTypes.Int64},
		{Name: "supersedes", Type: arrow.PrimitiveTypes.Int64},
		{Name: "manifest", Type: arrow.BinaryTypes.String},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).Append(seq)
	b.Field(1).(*array.StringBuilder).Append(man.RunID)
	b.Field(2).(*array.TimestampBuilder).Append(arrow.Timestamp(man.CommittedAt.UTC().UnixMicro()))
	b.Field(3).(*array.Int32Builder).Append(int32(man.LakeFormat))
	b.Field(4).(*array.StringBuilder).Append(strings.Join(man.Collectors, ","))
	b.Field(5).(*array.Int64Builder).Append(int64(len(man.Files)))
	b.Field(6).(*array.Int64Builder).Append(rows)
	b.Field(7).(*array.Int64Builder).Append(int64(len(man.Supersedes)))
	b.Field(8).(*array.StringBuilder).Append(string(doc))
	rec := b.NewRecordBatch()
	defer rec.Release()
	rdr, err := array.NewRecordReader(sc, []arrow.RecordBatch{rec})
	if err != nil {
		return err
	}
	defer rdr.Release()
	txn := t.NewTransaction()
	if err := txn.AssertRefSnapshotID(table.MainBranch); err != nil {
		return err
	}
	props := ice.Properties{
		PropRunID:       man.RunID,
		PropCommittedAt: man.CommittedAt.UTC().Format(time.RFC3339Nano),
		PropCollectors:  strings.Join(man.Collectors, ","),
	}
	if err := txn.Append(ctx, rdr, props); err != nil {
		return err
	}
	_, err = txn.Commit(ctx)
	return err
}

// Locate finds a file of a run committed from another host: in the
// warehouse when it is a local path; from an object-store warehouse it is
// downloaded once into <lake>/_iceberg/remote/ (files never change once
// committed, and their names carry their run id), so gwanmun's readers on
// every host read every host's runs.
func (l *runsLog) Locate(_, rel string) (string, bool) {
	ds, _, ok := strings.Cut(rel, "/")
	if !ok {
		return "", false
	}
	u := l.m.dataURL(ds, rel)
	if p, ok := LocalPath(u); ok {
		if _, err := os.Stat(p); err != nil {
			return "", false
		}
		return p, true
	}
	local := filepath.Join(l.m.Lake, Dir, "remote", filepath.FromSlash(rel))
	if _, err := os.Stat(local); err == nil {
		return local, true
	}
	if err := l.download(u, local); err != nil {
		l.m.log.Warn("a committed file could not be fetched from the warehouse", "file", u, "err", err)
		return "", false
	}
	return local, true
}

// download copies an object-store file to a local path, under a
// temporary name renamed into place.
func (l *runsLog) download(u, local string) error {
	ctx := context.Background()
	fsys, err := iceio.LoadFS(ctx, l.m.props, u)
	if err != nil {
		return err
	}
	in, err := fsys.Open(u)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(local), 0o755); err != nil {
		return err
	}
	return writeAtomic(local, in)
}

// CompactRuns rewrites the data files of a lake's _runs table as one, in
// a replace snapshot holding the same rows, so reading the log reads one
// file however many runs it has. It returns how many files it replaced
// (0 when the lake is not adopted or the log is one file already). Like a
// run's commit it asserts the table did not move since it was read, and a
// writer that committed meanwhile makes it read again.
func CompactRuns(ctx context.Context, lakeDir string) (int, error) {
	cl, err := lakestore.OpenLog(lakeDir)
	if err != nil {
		return 0, err
	}
	l, ok := cl.(*runsLog)
	if !ok {
		return 0, nil
	}
	for attempt := 0; ; attempt++ {
		n, err := l.compactOnce(ctx)
		if err == nil || !conflict(err) {
			return n, err
		}
		if attempt == maxAttempts {
			return 0, fmt.Errorf("compact %s: gave up after %d conflicting commits: %w", l, attempt+1, err)
		}
		if err := pause(ctx, attempt); err != nil {
			return 0, err
		}
	}
}

func (l *runsLog) compactOnce(ctx context.Context) (int, error) {
	t, ok, err := l.table(ctx)
	if err != nil || !ok {
		return 0, err
	}
	files, err := dataFiles(ctx, t, nil)
	if err != nil || len(files) < 2 {
		return 0, err
	}
	before, err := l.manifestsOf(ctx, t)
	if err != nil {
		return 0, err
	}
	all, err := t.Scan().ToArrowTable(ctx)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", l, err)
	}
	defer all.Release()
	if all.NumRows() != int64(len(before)) {
		return 0, fmt.Errorf("compact %s: read %d rows for %d runs", l, all.NumRows(), len(before))
	}
	rdr := array.NewTableReader(all, 4096)
	defer rdr.Release()
	txn := t.NewTransaction()
	if err := txn.AssertRefSnapshotID(table.MainBranch); err != nil {
		return 0, err
	}
	props := ice.Properties{"gwanmun.operation": "compact-log", PropCommittedAt: time.Now().UTC().Format(time.RFC3339Nano)}
	if err := txn.Overwrite(ctx, rdr, props); err != nil {
		return 0, fmt.Errorf("compact %s: %w", l, err)
	}
	nt, err := txn.Commit(ctx)
	if err != nil {
		return 0, err
	}
	// The replaced one-run files are now held only by older snapshots,
	// which nothing reads (time travel on the log is not a gwanmun
	// feature): expire them, deleting those files. A writer committing
	// in between makes this fail harmlessly; the next compaction expires.
	exp := nt.NewTransaction()
	if err := exp.AssertRefSnapshotID(table.MainBranch); err != nil {
		return len(files), nil
	}
	if err := exp.ExpireSnapshots(table.WithRetainLast(1), table.WithOlderThan(0)); err != nil {
		l.m.log.Info("the commit log's old snapshots were not expired", "err", err)
		return len(files), nil
	}
	if _, err := exp.Commit(ctx); err != nil {
		l.m.log.Info("the commit log's old snapshots were not expired", "err", err)
	}
	return len(files), nil
}
