package iceberg

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/apache/iceberg-go/table"
	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
)

func adopt(t testing.TB, dir string, c Config) int {
	t.Helper()
	n, err := AdoptLake(context.Background(), dir, c, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// runIDs is the lake's commit log as run ids, in order.
func runIDs(t testing.TB, dir string) []string {
	t.Helper()
	ms, err := lakestore.ReadManifests(dir)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{}
	for _, m := range ms {
		ids = append(ids, m.RunID)
	}
	return ids
}

// tableCount reads a table's current files with DuckDB: rows and sum of
// value.
func tableCount(t testing.TB, ctx context.Context, tb *table.Table) (int64, float64) {
	t.Helper()
	files, err := dataFiles(ctx, tb, nil)
	if err != nil {
		t.Fatal(err)
	}
	local := make([]string, len(files))
	for i, f := range files {
		local[i], _ = LocalPath(f)
	}
	return count(t, local)
}

func visibleSum(t testing.TB, dir string) (int64, float64) {
	t.Helper()
	files, err := lakestore.VisibleFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	return count(t, files["mau"])
}

// TestAdoptMovesTheLogIntoIceberg: a lake with history (two runs and a
// compaction) adopted into its catalog reads the same manifests, in the
// same order, from the _runs table; `_manifests/` is gone; later runs
// commit to _runs alone, and a rerun of the same rows lands nothing.
func TestAdoptMovesTheLogIntoIceberg(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writeRun(t, dir, "r1", 3, 0, 0)
	writeRun(t, dir, "r2", 2, 2, 0.5)
	compact(t, dir, "c1")
	before, err := lakestore.ReadManifests(dir)
	if err != nil {
		t.Fatal(err)
	}
	n0, s0 := visibleSum(t, dir)
	// The test rows share one fetched_at, so verify finds the bumped key
	// ambiguous; adoption must change nothing else.
	rep0, err := lakestore.Verify(dir)
	if err != nil {
		t.Fatal(err)
	}

	if got := adopt(t, dir, Config{}); got != 3 {
		t.Fatalf("adopted %d runs, want 3", got)
	}
	if got := adopt(t, dir, Config{}); got != 0 {
		t.Fatalf("second adoption moved %d runs, want 0", got)
	}
	if _, err := os.Stat(filepath.Join(dir, lakestore.ManifestDir)); !os.IsNotExist(err) {
		t.Fatalf("_manifests still there after adoption: %v", err)
	}
	after, err := lakestore.ReadManifests(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range before {
		before[i].CommittedAt = before[i].CommittedAt.UTC().Truncate(0)
		after[i].CommittedAt = after[i].CommittedAt.UTC().Truncate(0)
	}
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("manifests changed in adoption:\nbefore %+v\nafter  %+v", before, after)
	}
	if n, s := visibleSum(t, dir); n != n0 || s != s0 {
		t.Fatalf("after adoption %d rows sum %v, want %d, %v", n, s, n0, s0)
	}

	writeRun(t, dir, "r3", 2, 10, 0)
	writeRun(t, dir, "r4", 2, 10, 0) // the same rows again: a rerun
	if ids, want := runIDs(t, dir), []string{"r1", "r2", "c1", "r3"}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("log holds %v, want %v", ids, want)
	}
	if _, err := os.Stat(filepath.Join(dir, lakestore.ManifestDir)); !os.IsNotExist(err) {
		t.Fatalf("a run after adoption wrote _manifests/: %v", err)
	}
	if n, _ := visibleSum(t, dir); n != n0+2 {
		t.Fatalf("%d rows visible, want %d", n, n0+2)
	}
	m := open(t, dir)
	if _, err := m.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if p, err := m.Pending(ctx); err != nil || p != 0 {
		t.Fatalf("pending %d %v", p, err)
	}
	tb, _, _ := m.Table(ctx, "mau")
	if n, _ := tableCount(t, ctx, tb); n != n0+2 {
		t.Fatalf("iceberg table mau: %d rows, want %d", n, n0+2)
	}
	rep, err := lakestore.Verify(dir)
	if err != nil || !reflect.DeepEqual(rep.Problems, rep0.Problems) {
		t.Fatalf("verify: %v %v", err, rep.Problems)
	}
	// A run id the log holds is refused.
	l, err := lakestore.Open(dir, "r3", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Begin("r3").Write(mauDS(), "year=2030", mauRows(1, 30, 0)); err == nil {
		t.Fatal("run id r3 reused")
	}
}

// TestAdoptRefusesAnotherCatalog: an adopted lake names its catalog; a
// different [iceberg] catalog is an error, not a second log.
func TestAdoptRefusesAnotherCatalog(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, "r1", 1, 0, 0)
	adopt(t, dir, Config{})
	if _, err := AdoptLake(context.Background(), dir, Config{Warehouse: t.TempDir()}, 0, nil); err == nil {
		t.Fatal("a lake adopted with the default warehouse accepted another")
	}
}

func mauDS() schema.Dataset {
	ds, _ := schema.Lookup("mau")
	return ds
}

// TestCompactRuns: the log's one-file-per-run data files become one file
// with the same runs in the same order; runs after it append as before.
func TestCompactRuns(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	adopt(t, dir, Config{})
	for i, id := range []string{"r1", "r2", "r3"} {
		writeRun(t, dir, id, 2, 10*i, 0)
	}
	before, err := lakestore.ReadManifests(dir)
	if err != nil {
		t.Fatal(err)
	}
	n, err := CompactRuns(ctx, dir)
	if err != nil || n != 3 {
		t.Fatalf("compacted %d files, %v; want 3", n, err)
	}
	m := open(t, dir)
	tb, _, _ := m.Table(ctx, RunsTable)
	files, _ := dataFiles(ctx, tb, nil)
	if len(files) != 1 {
		t.Fatalf("_runs has %d data files after compaction, want 1", len(files))
	}
	// The old snapshots are expired and their one-run files deleted.
	if n := len(tb.Metadata().Snapshots()); n != 1 {
		t.Fatalf("_runs keeps %d snapshots after compaction, want 1", n)
	}
	dataDir, _ := LocalPath(m.TableLocation(RunsTable) + "/data")
	left, _ := filepath.Glob(filepath.Join(dataDir, "*.parquet"))
	if len(left) != 1 {
		t.Fatalf("_runs/data holds %d files after compaction, want 1: %v", len(left), left)
	}
	after, err := lakestore.ReadManifests(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Fatalf("%d runs after, %d before", len(after), len(before))
	}
	for i := range before {
		if after[i].RunID != before[i].RunID || !reflect.DeepEqual(after[i].Files, before[i].Files) {
			t.Fatalf("run %d: %+v, was %+v", i, after[i], before[i])
		}
	}
	if n, _ := CompactRuns(ctx, dir); n != 0 {
		t.Fatalf("a one-file log compacted again (%d)", n)
	}
	writeRun(t, dir, "r4", 2, 50, 0)
	if ms, _ := lakestore.ReadManifests(dir); len(ms) != 4 || ms[3].RunID != "r4" {
		t.Fatalf("after a new run: %d runs", len(ms))
	}
}

// TestKilledCommitThroughTheLog kills a writer committing through the
// _runs log after its files were placed in the warehouse (before the
// commit point) and right after its row was appended (before the lake
// folder saw it): the first leaves the log, the lake and the tables as
// they were, and the same input commits cleanly after; the second is a
// committed run that readers find and the next writer and Sync finish.
func TestKilledCommitThroughTheLog(t *testing.T) {
	for _, point := range []string{"placed", "appended"} {
		t.Run(point, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			writeRun(t, dir, "r1", 3, 0, 0)
			adopt(t, dir, Config{})
			cmd := exec.Command(os.Args[0], "-test.run=^TestKilledCommitHelper$")
			cmd.Env = append(os.Environ(), "GWANMUN_RUNS_CRASH_AT="+point, "GWANMUN_ICEBERG_DIR="+dir)
			err := cmd.Run()
			if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("child: %v, want killed", err)
			}
			ms, err := lakestore.ReadManifests(dir)
			if err != nil {
				t.Fatal(err)
			}
			committed := len(ms) == 2 && ms[1].RunID == "r2"
			if committed != (point == "appended") || len(ms) < 1 || ms[0].RunID != "r1" {
				t.Fatalf("after a kill at %s the log holds %d runs", point, len(ms))
			}
			wantRows := int64(3)
			if committed {
				wantRows = 5
			}
			// Readers, before any writer recovers the folder.
			if n, _ := visibleSum(t, dir); n != wantRows {
				t.Fatalf("after a kill at %s: %d rows visible, want %d", point, n, wantRows)
			}
			// The next writer: recovers, then lands the same input (a rerun
			// when the killed run committed).
			writeRun(t, dir, "r3", 2, 3, 0)
			if n, _ := visibleSum(t, dir); n != 5 {
				t.Fatalf("after the next run: %d rows, want 5", n)
			}
			if _, err := os.Stat(filepath.Join(dir, lakestore.StagingDir, "r2")); !os.IsNotExist(err) {
				t.Fatalf("staging of the killed run left behind: %v", err)
			}
			rep, err := lakestore.Verify(dir)
			if err != nil || len(rep.Problems) > 0 {
				t.Fatalf("verify: %v %v", err, rep.Problems)
			}
			m := open(t, dir)
			if _, err := m.Sync(ctx); err != nil {
				t.Fatal(err)
			}
			p, err := m.Pin(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := count(t, p.Files["mau"]); n != 5 {
				t.Fatalf("table mau: %d rows, want 5", n)
			}
		})
	}
}

// TestKilledCommitHelper is the writer TestKilledCommitThroughTheLog kills.
func TestKilledCommitHelper(t *testing.T) {
	point := os.Getenv("GWANMUN_RUNS_CRASH_AT")
	if point == "" {
		t.Skip("child process of TestKilledCommitThroughTheLog")
	}
	runCrashPoint = func(p string) {
		if p == point {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			time.Sleep(time.Minute)
		}
	}
	writeRun(t, os.Getenv("GWANMUN_ICEBERG_DIR"), "r2", 2, 3, 0)
}

// TestMovedLakeIsExplained: Iceberg metadata names files by absolute
// path, so an adopted lake folder moved or copied elsewhere is refused
// with ErrMoved and the remedy, not read through the old folder's files
// or failed with a bare "file not found".
func TestMovedLakeIsExplained(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "lake")
	writeRun(t, dir, "r1", 2, 0, 0)
	adopt(t, dir, Config{})
	writeRun(t, dir, "r2", 2, 5, 0)
	copied := filepath.Join(root, "copy")
	if out, err := exec.Command("cp", "-a", dir, copied).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	if _, err := lakestore.ReadManifests(copied); !errors.Is(err, ErrMoved) || !strings.Contains(err.Error(), "ln -s") {
		t.Fatalf("a copied lake: %v, want ErrMoved with the remedy", err)
	}
	moved := filepath.Join(root, "moved")
	if err := os.Rename(dir, moved); err != nil {
		t.Fatal(err)
	}
	if _, err := lakestore.ReadManifests(moved); !errors.Is(err, ErrMoved) {
		t.Fatalf("a moved lake: %v, want ErrMoved", err)
	}
	// The remedy: the old path leads to the folder again.
	if err := os.Symlink(moved, dir); err != nil {
		t.Fatal(err)
	}
	if ms, err := lakestore.ReadManifests(dir); err != nil || len(ms) != 2 {
		t.Fatalf("through the link: %d runs, %v", len(ms), err)
	}
}
