// Package lake writes datasets as Hive-partitioned Parquet under one
// directory. Every run stages its files, commits them with one atomic
// manifest rename, then moves them into place; readers (VisibleFiles)
// see only files named by committed manifests, so a run killed at any point
// leaves the lake readable and the next run finishes or discards its work.
package lakestore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/gwanmun/gwanmun/data/rowhash"
	"github.com/gwanmun/gwanmun/data/schema"
)

// crashPoint lets the crash tests kill the process at the moments that
// matter: files staged but not committed, committed but not published, and
// (for compaction) published but superseded files not yet deleted.
var crashPoint = func(string) {}

// writeTo wraps every file the lake writes; the tests swap it for one
// that fails like a full disk.
var writeTo = func(f *os.File) io.Writer { return f }

// MaxRowGroup bounds a Parquet row group so readers can stream large files.
const MaxRowGroup = 64 * 1024

// Lake is a lake directory opened for writing.
type Lake struct {
	Dir  string
	log  *slog.Logger
	lock *Lock
	// commits is the lake's commit log (CommitLog); runs are the run ids
	// it held when the lake was opened.
	commits CommitLog
	runs    map[string]bool
	hashes  map[string]bool // dataset + "/" + rows_sha256 already committed
	// legacy names datasets with files a lake-format-1 manifest names,
	// whose rows_sha256 was computed over JSON: a rerun there is also
	// checked against that sum.
	legacy map[string]bool
}

// Options tune OpenContext.
type Options struct {
	Log *slog.Logger // nil discards
	// Wait is how long to wait for another writer to finish; 0 fails at
	// once with a *LockedError, which is what cron wants.
	Wait time.Duration
}

// Open takes the writer lock on dir (creating it), recovers what a crashed
// run left behind, and returns the lake. Close releases the lock.
func Open(dir, runID string, log *slog.Logger) (*Lake, error) {
	return OpenContext(context.Background(), dir, runID, Options{Log: log})
}

// OpenContext is Open with a lock wait that ctx can cut short.
func OpenContext(ctx context.Context, dir, runID string, o Options) (*Lake, error) {
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := ValidRunID(runID); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create lake %s: %w", dir, explainFS(err))
	}
	if err := checkWritable(dir); err != nil {
		return nil, err
	}
	lk, err := acquireLock(ctx, dir, runID, o.Wait)
	if err != nil {
		return nil, err
	}
	if p := lk.Stale; p != nil {
		state := "is no longer running"
		if p.alive() {
			state = "is not holding it (its pid was reused, or it ran on another host)"
		}
		log.Warn("took over a stale lake lock: its holder died without releasing it",
			"lake", dir, "stale_pid", p.PID, "stale_host", p.Host, "stale_since", p.StartedAt,
			"stale_run_id", p.RunID, "detail", fmt.Sprintf("pid %d %s", p.PID, state))
	}
	commits, err := OpenLog(dir)
	if err != nil {
		_ = lk.Release()
		return nil, err
	}
	l := &Lake{Dir: dir, log: log, lock: lk, commits: commits}
	if err := l.recover(); err != nil {
		_ = lk.Release()
		return nil, err
	}
	ms, err := commits.Manifests()
	if err != nil {
		_ = lk.Release()
		return nil, err
	}
	l.runs = map[string]bool{}
	// Superseded files' hashes stay: their rows live on in the compacted
	// file, so the same input arriving again is still a rerun.
	l.hashes, l.legacy = map[string]bool{}, map[string]bool{}
	for _, m := range ms {
		l.runs[m.RunID] = true
		for _, f := range m.Files {
			l.hashes[f.Dataset+"/"+f.RowsSHA256] = true
			if m.LakeFormat < 2 {
				l.legacy[f.Dataset] = true
			}
		}
	}
	return l, nil
}

// Close releases the writer lock.
func (l *Lake) Close() error { return l.lock.Release() }

func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return fmt.Errorf("lake %s is not writable: %w", dir, explainFS(err))
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// explainFS turns the errno behind a failed write into words a cron mail
// reader understands.
func explainFS(err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return fmt.Errorf("disk full: %w", err)
	case errors.Is(err, syscall.EROFS):
		return fmt.Errorf("read-only file system: %w", err)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("permission denied: %w", err)
	}
	return err
}

// Txn is one run's pending write.
type Txn struct {
	lake  *Lake
	runID string
	files []ManifestFile
	seq   int
	done  bool
	// supersedes are files the committed manifest replaces (compaction).
	supersedes []string
	// Skipped counts files not written because the lake already holds the
	// same rows (a rerun on unchanged input).
	Skipped int
	// err refuses the whole transaction (a bad or reused run id).
	err error
}

// Begin starts a transaction for runID. A run id that is malformed or
// already committed makes every Write and the Commit fail: reusing one
// would replace a committed manifest and the files it names.
func (l *Lake) Begin(runID string) *Txn {
	t := &Txn{lake: l, runID: runID}
	if err := ValidRunID(runID); err != nil {
		t.err = err
	} else if err := l.checkNewRun(runID); err != nil {
		t.err = err
	}
	return t
}

// ErrRunExists means a manifest with the run id is already committed.
var ErrRunExists = errors.New("run id is already committed")

// checkNewRun refuses a run id that a committed manifest already uses
// (the log refuses it again at the commit, should another host commit it
// meanwhile).
func (l *Lake) checkNewRun(runID string) error {
	if l.runs[runID] {
		return fmt.Errorf("run %s: %w in lake %s; choose another --run-id", runID, ErrRunExists, l.Dir)
	}
	return nil
}

// Write stages rows of one dataset and partition as one Parquet file. Rows
// whose logical content the lake already holds are skipped, so ingesting the
// same input twice leaves the lake unchanged.
func (t *Txn) Write(ds schema.Dataset, partition string, rows []schema.Row) error {
	_, err := t.write(ds, partition, rows, true)
	return err
}

// write stages one file; skipKnown skips rows the lake already holds
// (compaction turns it off: its output repeats what it replaces).
func (t *Txn) write(ds schema.Dataset, partition string, rows []schema.Row, skipKnown bool) (*ManifestFile, error) {
	if t.done {
		return nil, errors.New("write after commit")
	}
	if t.err != nil {
		return nil, t.err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	if err := validPartition(partition); err != nil {
		return nil, err
	}
	h := rowsHasher{legacy: skipKnown && t.lake.legacy[ds.Name]}
	for _, r := range rows {
		if err := h.add(r); err != nil {
			return nil, err
		}
	}
	rowsHash := h.sum()
	key := ds.Name + "/" + rowsHash
	if skipKnown && t.lake.known(ds.Name, &h) {
		t.Skipped++
		return nil, nil
	}
	t.seq++
	rel := path.Join(ds.Name, partition, fmt.Sprintf("part-%s-%04d.parquet", t.runID, t.seq))
	staged := StagingPath(t.lake.Dir, t.runID, rel)
	size, sum, err := writeParquet(staged, ds, rows)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", rel, err)
	}
	t.lake.hashes[key] = true
	f := ManifestFile{
		Dataset: ds.Name, DatasetVersion: ds.Version, Path: rel,
		Rows: int64(len(rows)), Size: size, SHA256: sum, RowsSHA256: rowsHash,
	}
	t.files = append(t.files, f)
	return &f, nil
}

// stagedFile is one file a transaction writes batch by batch, as
// compaction does, so a partition never has to fit in memory.
type stagedFile struct {
	t    *Txn
	ds   schema.Dataset
	rel  string
	pw   *parquetWriter
	sums rowsHasher
	rows int64
}

func (t *Txn) create(ds schema.Dataset, partition string) (*stagedFile, error) {
	if t.done {
		return nil, errors.New("write after commit")
	}
	if t.err != nil {
		return nil, t.err
	}
	if err := validPartition(partition); err != nil {
		return nil, err
	}
	t.seq++
	rel := path.Join(ds.Name, partition, fmt.Sprintf("part-%s-%04d.parquet", t.runID, t.seq))
	pw, err := createParquet(StagingPath(t.lake.Dir, t.runID, rel), ds)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", rel, err)
	}
	sums := rowsHasher{legacy: t.lake.legacy[ds.Name], spill: &spiller{prefix: pw.tmp + ".sums"}}
	return &stagedFile{t: t, ds: ds, rel: rel, pw: pw, sums: sums}, nil
}

// known says whether the lake already holds exactly the rows h hashed.
func (l *Lake) known(dataset string, h *rowsHasher) bool {
	return l.hashes[dataset+"/"+h.sum()] || (h.legacy && l.hashes[dataset+"/"+h.legacySum()])
}

// write appends rows, at most MaxRowGroup per call (one row group each).
// sums, when not nil, are the rows' data/rowhash sums, already computed.
func (s *stagedFile) write(rows []schema.Row, sums [][rowhash.Size]byte) error {
	for i, r := range rows {
		var err error
		if sums != nil {
			err = s.sums.addSum(r, sums[i])
		} else {
			err = s.sums.add(r)
		}
		if err != nil {
			return err
		}
	}
	s.rows += int64(len(rows))
	if err := s.pw.write(rows); err != nil {
		return fmt.Errorf("write %s: %w", s.rel, err)
	}
	return nil
}

// writeRecord appends one record batch of at most MaxRowGroup rows with
// its rows' sums. A dataset a format-1 manifest names also needs the old
// JSON sums, which only row structs give: that case reads the record back
// into rows.
func (s *stagedFile) writeRecord(rec arrow.RecordBatch, sums [][rowhash.Size]byte) error {
	if s.sums.legacy {
		rows, err := RecordRows(s.ds, rec)
		if err != nil {
			return err
		}
		for i, r := range rows {
			if err := s.sums.addSum(r, sums[i]); err != nil {
				return err
			}
		}
	} else {
		for _, sum := range sums {
			if err := s.sums.push(sum); err != nil {
				return err
			}
		}
	}
	s.rows += rec.NumRows()
	if err := explainFS(s.pw.w.Write(rec)); err != nil {
		return fmt.Errorf("write %s: %w", s.rel, err)
	}
	return nil
}

func (s *stagedFile) abort() {
	s.pw.abort()
	s.sums.spill.remove()
}

// close finishes the file and adds it to the transaction.
func (s *stagedFile) close() (ManifestFile, error) {
	rowsSum := s.sums.sum()
	s.sums.spill.remove()
	if s.sums.err != nil {
		s.pw.abort()
		return ManifestFile{}, fmt.Errorf("write %s: rows hash: %w", s.rel, s.sums.err)
	}
	size, sum, err := s.pw.close()
	if err != nil {
		return ManifestFile{}, fmt.Errorf("write %s: %w", s.rel, err)
	}
	f := ManifestFile{
		Dataset: s.ds.Name, DatasetVersion: s.ds.Version, Path: s.rel,
		Rows: s.rows, Size: size, SHA256: sum, RowsSHA256: rowsSum,
	}
	s.t.lake.hashes[f.Dataset+"/"+f.RowsSHA256] = true
	s.t.files = append(s.t.files, f)
	return f, nil
}

func validPartition(p string) error {
	for _, seg := range strings.Split(p, "/") {
		if p == "" {
			return nil
		}
		k, v, ok := strings.Cut(seg, "=")
		if !ok || k == "" || v == "" || strings.ContainsAny(seg, `\`) || v == ".." || v == "." {
			return fmt.Errorf("bad partition %q: want key=value segments", p)
		}
	}
	return nil
}

// Files returns what the transaction has staged so far.
func (t *Txn) Files() []ManifestFile { return t.files }

// Commit makes the staged files visible: appending the manifest to the
// lake's commit log is the commit point; moving files out of staging
// afterwards is redone by recovery if the process dies in between.
func (t *Txn) Commit(collectors []string) (Manifest, error) {
	if t.done {
		return Manifest{}, errors.New("commit twice")
	}
	if t.err != nil {
		return Manifest{}, errors.Join(t.err, t.Abort())
	}
	t.done = true
	m := Manifest{
		RunID: t.runID, LakeFormat: LakeFormat, CommittedAt: time.Now().UTC(),
		Collectors: collectors, Files: t.files, Supersedes: t.supersedes,
	}
	if len(t.files) == 0 {
		return m, nil
	}
	if err := t.check(m); err != nil {
		return m, errors.Join(err, t.Abort())
	}
	crashPoint("staged")
	staged := m
	m, err := t.lake.commits.Append(m, t.rebase(m))
	if err != nil {
		return m, errors.Join(err, t.Abort())
	}
	if len(m.Files) == 0 {
		t.lake.log.Info("another writer committed the same rows meanwhile; nothing to commit", "run_id", t.runID, "staged_files", len(staged.Files))
		return m, t.Abort()
	}
	t.lake.runs[m.RunID] = true
	crashPoint("committed")
	// Past the commit point the run has happened: readers see its files
	// (from staging if need be) and the next writer finishes the move.
	if err := t.lake.publish(m); err != nil {
		t.lake.log.Warn("run committed but its files are still in staging; the next writer moves them", "run_id", t.runID, "err", err)
		return m, nil
	}
	crashPoint("published")
	if len(m.Supersedes) == 0 {
		return m, nil
	}
	// Superseded is judged against every manifest: the ones m replaces
	// name the files it may delete.
	ms, err := t.lake.commits.Manifests()
	if err == nil {
		err = t.lake.removeSuperseded(ms)
	}
	if err != nil {
		t.lake.log.Warn("compaction committed but superseded files remain; the next writer deletes them", "run_id", t.runID, "err", err)
	}
	return m, nil
}

// check is the last look before the commit: the lock is still ours and
// the manifest names only lake paths.
func (t *Txn) check(m Manifest) error {
	if err := t.lake.lock.Check(); err != nil {
		return err
	}
	return m.check()
}

// rebase judges a manifest against the runs committed before it, which a
// shared log (several hosts, no common lock) may hold more of than the
// lake saw when it was opened: a file whose rows another writer committed
// meanwhile is dropped (the same input ingested twice lands once), and a
// compaction whose files another compaction already replaced is refused;
// what the manifest supersedes must be what its own files replace.
func (t *Txn) rebase(m Manifest) func([]Manifest) (Manifest, error) {
	return func(committed []Manifest) (Manifest, error) {
		out := m
		if len(m.Supersedes) == 0 {
			have := map[string]bool{}
			for _, c := range committed {
				for _, f := range c.Files {
					have[f.Dataset+"/"+f.RowsSHA256] = true
				}
			}
			out.Files = nil
			for _, f := range m.Files {
				if !have[f.Dataset+"/"+f.RowsSHA256] {
					out.Files = append(out.Files, f)
				}
			}
			return out, nil
		}
		gone := Superseded(committed)
		for _, p := range m.Supersedes {
			if gone[p] {
				return out, fmt.Errorf("run %s: %s was compacted by another run meanwhile; compact again", m.RunID, p)
			}
		}
		if bad := badSupersedes(append(append([]Manifest(nil), committed...), m))[m.RunID]; len(bad) > 0 {
			return out, fmt.Errorf("run %s: %w", m.RunID, bad[sortedKeys(bad)[0]])
		}
		return out, nil
	}
}

// Abort throws away everything the transaction staged.
func (t *Txn) Abort() error {
	t.done = true
	if t.err != nil && len(t.files) == 0 {
		// Nothing staged, and the staging directory of a refused run id
		// may belong to a committed run (or lie outside the lake).
		return nil
	}
	for _, f := range t.files {
		delete(t.lake.hashes, f.Dataset+"/"+f.RowsSHA256)
	}
	return os.RemoveAll(filepath.Join(t.lake.Dir, StagingDir, t.runID))
}

// publish moves a committed manifest's files from staging into place.
func (l *Lake) publish(m Manifest) error {
	dirs := map[string]bool{}
	for _, f := range m.Files {
		final := filepath.Join(l.Dir, filepath.FromSlash(f.Path))
		staged := StagingPath(l.Dir, m.RunID, f.Path)
		if _, err := os.Stat(staged); errors.Is(err, fs.ErrNotExist) {
			continue // already moved
		}
		if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
			return fmt.Errorf("publish %s: %w", f.Path, explainFS(err))
		}
		if err := os.Rename(staged, final); err != nil {
			return fmt.Errorf("publish %s: %w", f.Path, explainFS(err))
		}
		dirs[filepath.Dir(final)] = true
	}
	for d := range dirs {
		syncDir(d)
	}
	return os.RemoveAll(filepath.Join(l.Dir, StagingDir, m.RunID))
}

// recover rolls committed runs forward and uncommitted ones back.
func (l *Lake) recover() error {
	ms, err := l.commits.Manifests()
	if err != nil {
		return err
	}
	committed := map[string]bool{}
	for _, m := range ms {
		committed[m.RunID] = true
		if err := l.publish(m); err != nil {
			return fmt.Errorf("recover run %s: %w", m.RunID, err)
		}
	}
	if err := l.removeSuperseded(ms); err != nil {
		return fmt.Errorf("recover: %w", err)
	}
	stage := filepath.Join(l.Dir, StagingDir)
	entries, err := os.ReadDir(stage)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("recover: %w", err)
	}
	for _, e := range entries {
		if !committed[e.Name()] {
			l.log.Warn("discarding uncommitted run left by a crash", "run_id", e.Name())
			if err := os.RemoveAll(filepath.Join(stage, e.Name())); err != nil {
				return fmt.Errorf("recover: discard %s: %w", e.Name(), err)
			}
		}
	}
	// A manifest temp file is a commit that never happened.
	tmps, _ := filepath.Glob(filepath.Join(l.Dir, ManifestDir, ".*.tmp"))
	for _, t := range tmps {
		_ = os.Remove(t)
	}
	return nil
}

// RowsSHA256 hashes rows' logical content, ignoring which run wrote them:
// SHA-256 over the sorted data/rowhash sums of the rows (lake format 2).
func RowsSHA256(rows []schema.Row) (string, error) {
	var h rowsHasher
	for _, r := range rows {
		if err := h.add(r); err != nil {
			return "", err
		}
	}
	return h.sum(), nil
}

// rowsHasher computes RowsSHA256 one row at a time, keeping 32 bytes per
// row: the sum does not depend on row order. With legacy set it also
// computes the format-1 sum, for a dataset whose files a format-1
// manifest names.
type rowsHasher struct {
	rh     *rowhash.Hasher
	sums   [][sha256.Size]byte
	legacy bool
	old    [][sha256.Size]byte
	// spill, when set, bounds the sums held in memory (see rowsum.go).
	spill *spiller
	done  string // the sum, once computed
	err   error  // from spilling or merging: the file cannot be closed
}

func (h *rowsHasher) add(r schema.Row) error {
	if h.rh == nil {
		h.rh = rowhash.New()
	}
	s, err := h.rh.Sum(r)
	if err != nil {
		return fmt.Errorf("hash row: %w", err)
	}
	return h.addSum(r, s)
}

// addSum takes a row whose rowhash sum the caller already has (the
// ingest session computes it once for its repeat check).
func (h *rowsHasher) addSum(r schema.Row, s [rowhash.Size]byte) error {
	if err := h.push(s); err != nil {
		return err
	}
	if !h.legacy {
		return nil
	}
	p := r.Prov()
	saved := p.RunID
	p.RunID = ""
	b, err := json.Marshal(r)
	p.RunID = saved
	if err != nil {
		return fmt.Errorf("hash row: %w", err)
	}
	h.old = append(h.old, sha256.Sum256(b))
	return nil
}

func (h *rowsHasher) sum() string {
	if h.done == "" && h.err == nil {
		if h.spill == nil || len(h.spill.runs) == 0 {
			h.done = sortedSum(h.sums)
		} else {
			h.done, h.err = h.spill.merge(h.sums)
		}
	}
	return h.done
}

func (h *rowsHasher) legacySum() string { return sortedSum(h.old) }

// sortedSum hashes the sums' hex forms in sorted order (hex order is byte
// order).
func sortedSum(sums [][sha256.Size]byte) string {
	sort.Slice(sums, func(i, j int) bool { return bytes.Compare(sums[i][:], sums[j][:]) < 0 })
	out := sha256.New()
	var buf [2 * sha256.Size]byte
	for _, s := range sums {
		hex.Encode(buf[:], s[:])
		out.Write(buf[:])
	}
	return hex.EncodeToString(out.Sum(nil))
}

func writeParquet(dst string, ds schema.Dataset, rows []schema.Row) (int64, string, error) {
	w, err := createParquet(dst, ds)
	if err != nil {
		return 0, "", err
	}
	if err := w.write(rows); err != nil {
		w.abort()
		return 0, "", err
	}
	return w.close()
}

// parquetWriter writes one lake file batch by batch under a temporary
// name, hashing its bytes as they go, and renames it into place on close.
type parquetWriter struct {
	f   *os.File
	tmp string
	dst string
	ds  schema.Dataset
	sc  *arrow.Schema
	w   *pqarrow.FileWriter
	h   hash.Hash
}

func createParquet(dst string, ds schema.Dataset) (*parquetWriter, error) {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return nil, explainFS(err)
	}
	f, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*.tmp")
	if err != nil {
		return nil, explainFS(err)
	}
	pw := &parquetWriter{f: f, tmp: f.Name(), dst: dst, ds: ds, sc: ArrowSchema(ds), h: sha256.New()}
	pw.w, err = pqarrow.NewFileWriter(pw.sc, multiWriter{writeTo(f), pw.h}, writerProps(ds), pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		pw.abort()
		return nil, explainFS(err)
	}
	return pw, nil
}

// write appends rows; each call of up to MaxRowGroup rows is one row group.
func (pw *parquetWriter) write(rows []schema.Row) error {
	rec, err := buildRecord(memory.DefaultAllocator, pw.ds, pw.sc, rows)
	if err != nil {
		return err
	}
	defer rec.Release()
	return explainFS(pw.w.Write(rec))
}

func (pw *parquetWriter) abort() {
	pw.f.Close()
	os.Remove(pw.tmp)
}

// close finishes the file and renames it into place.
func (pw *parquetWriter) close() (int64, string, error) {
	fail := func(err error) (int64, string, error) {
		pw.abort()
		return 0, "", explainFS(err)
	}
	if err := pw.w.Close(); err != nil {
		return fail(err)
	}
	if err := pw.f.Sync(); err != nil {
		return fail(err)
	}
	st, err := pw.f.Stat()
	if err != nil {
		return fail(err)
	}
	if err := pw.f.Close(); err != nil {
		os.Remove(pw.tmp)
		return 0, "", explainFS(err)
	}
	if err := os.Rename(pw.tmp, pw.dst); err != nil {
		os.Remove(pw.tmp)
		return 0, "", explainFS(err)
	}
	syncDir(filepath.Dir(pw.dst))
	return st.Size(), hex.EncodeToString(pw.h.Sum(nil)), nil
}

// plainColumns are columns whose values are (nearly) all distinct within
// a file: dictionary-encoding them only costs a dictionary the writer
// builds and then abandons for plain encoding once it outgrows its page.
// Columns that repeat (outlet, lang, platform_id, run_id, collector ...)
// keep the dictionary, which is what makes them small.
var plainColumns = map[string][]string{
	"news": {"article_id", "url", "canonical_url", "title", "lead", "published_raw",
		"source_url", "source_title", "content_sha256", "warc_record_id", "cluster_id"},
}

// writerProps are the Parquet settings of every lake file of ds.
func writerProps(ds schema.Dataset) *parquet.WriterProperties {
	opts := []parquet.WriterProperty{
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithMaxRowGroupLength(MaxRowGroup),
		parquet.WithCreatedBy("gwanmun"),
	}
	for _, c := range plainColumns[ds.Name] {
		opts = append(opts, parquet.WithDictionaryFor(c, false))
	}
	return parquet.NewWriterProperties(opts...)
}

type multiWriter struct {
	f io.Writer
	h io.Writer
}

func (m multiWriter) Write(p []byte) (int, error) {
	n, err := m.f.Write(p)
	_, _ = m.h.Write(p[:n]) // a hash never fails
	return n, err
}

// writeFileExclusive writes dst atomically and fails with fs.ErrExist when
// it already exists: link(2), unlike rename(2), never replaces a file, so
// two commits of one run id cannot both succeed.
func writeFileExclusive(dst string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return explainFS(err)
	}
	f, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*.tmp")
	if err != nil {
		return explainFS(err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if _, err := writeTo(f).Write(b); err != nil {
		f.Close()
		return explainFS(err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return explainFS(err)
	}
	if err := f.Close(); err != nil {
		return explainFS(err)
	}
	if err := os.Link(tmp, dst); err != nil {
		if !noHardLinks(err) {
			return explainFS(err)
		}
		// A file system without hard links (exFAT, some network mounts):
		// the writer lock already keeps other writers out between this
		// check and the rename.
		if _, err := os.Lstat(dst); err == nil {
			return fs.ErrExist
		}
		if err := os.Rename(tmp, dst); err != nil {
			return explainFS(err)
		}
	}
	syncDir(filepath.Dir(dst))
	return nil
}

func noHardLinks(err error) bool {
	return errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.ENOTSUP) ||
		errors.Is(err, syscall.EOPNOTSUPP) || errors.Is(err, syscall.EMLINK)
}

// syncDir makes a rename durable; errors are ignored because some file
// systems do not support fsync on directories.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
