package lakestore

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
)

func mauRows(n, offset int) []schema.Row {
	rows := make([]schema.Row, n)
	for i := range rows {
		i := i + offset
		rows[i-offset] = &schema.MAU{
			PlatformID: "kakaotalk", Country: "KR", Metric: "mau",
			PeriodStart: time.Date(2000+i, 1, 1, 0, 0, 0, 0, time.UTC), PeriodGrain: "year",
			Value: float64(1000 + i), Unit: "persons", Estimator: "panel", Source: "test",
			Provenance: schema.Provenance{SourceURL: "test://", FetchedAt: time.Unix(0, 0).UTC(), RunID: "r"},
		}
	}
	return rows
}

// writeRun writes 3 files (three partitions) in one transaction.
func writeRun(t testing.TB, dir, runID string, offset int) {
	l, err := Open(dir, runID, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ds, _ := schema.Lookup("mau")
	txn := l.Begin(runID)
	rows := mauRows(3, offset)
	for _, r := range rows {
		if err := txn.Write(ds, partOf(r), []schema.Row{r}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := txn.Commit([]string{"test"}); err != nil {
		t.Fatal(err)
	}
}

// TestCrashHelper is the child process of the crash tests.
func TestCrashHelper(t *testing.T) {
	point := os.Getenv("GWANMUN_CRASH_AT")
	if point == "" {
		t.Skip("child process of TestCrash")
	}
	crashPoint = func(p string) {
		if p == point {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			time.Sleep(time.Minute)
		}
	}
	writeRun(t, os.Getenv("GWANMUN_CRASH_DIR"), "crashed", 10)
}

func crashAt(t *testing.T, dir, point string) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$")
	cmd.Env = append(os.Environ(), "GWANMUN_CRASH_AT="+point, "GWANMUN_CRASH_DIR="+dir)
	err := cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child was not killed: %v", err)
	}
}

func visibleRows(t *testing.T, dir string) int {
	files, err := VisibleFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	return len(files["mau"])
}

func TestCrashBeforeManifestLeavesNothingVisible(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, "first", 0)
	crashAt(t, dir, "staged")
	if _, err := os.Stat(filepath.Join(dir, StagingDir, "crashed")); err != nil {
		t.Fatalf("the killed run should have left staged files: %v", err)
	}
	if n := visibleRows(t, dir); n != 3 {
		t.Fatalf("%d files visible after a crash before commit, want the first run's 3", n)
	}
	// The next writer discards the uncommitted run.
	l, err := Open(dir, "next", nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if _, err := os.Stat(filepath.Join(dir, StagingDir, "crashed")); !os.IsNotExist(err) {
		t.Fatalf("uncommitted staging survived recovery: %v", err)
	}
}

func TestCrashAfterManifestIsRolledForward(t *testing.T) {
	dir := t.TempDir()
	crashAt(t, dir, "committed")
	// Committed but not moved: readers see it already, from staging.
	if n := visibleRows(t, dir); n != 3 {
		t.Fatalf("%d files visible after a crash past the commit point, want 3", n)
	}
	l, err := Open(dir, "next", nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	files, _ := VisibleFiles(dir)
	for _, f := range files["mau"] {
		if filepath.Dir(filepath.Dir(f)) != filepath.Join(dir, "mau") {
			t.Fatalf("file %s was not moved into place by recovery", f)
		}
	}
}

func TestRerunOnSameRowsWritesNothing(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, "one", 0)
	writeRun(t, dir, "two", 0)
	ms, err := ReadManifests(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 {
		t.Fatalf("%d manifests after an identical rerun, want 1", len(ms))
	}
}

func TestSecondWriterIsRefused(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, "holder", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelper$")
	cmd.Env = append(os.Environ(), "GWANMUN_LOCK_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("lock helper: %v\n%s", err, out)
	}
}

// TestLockHelper runs in a second process, where flock conflicts are real.
func TestLockHelper(t *testing.T) {
	dir := os.Getenv("GWANMUN_LOCK_DIR")
	if dir == "" {
		t.Skip("child process of TestSecondWriterIsRefused")
	}
	_, err := Open(dir, "intruder", nil)
	if err == nil {
		t.Fatal("a second writer got the lock")
	}
	li, ok := ReadLockInfo(dir)
	if !ok || li.RunID != "holder" {
		t.Fatalf("lock info = %+v, want holder", li)
	}
}

func TestReadOnlyLakeIsAClearError(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores directory permissions")
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o500)
	defer os.Chmod(dir, 0o700)
	if _, err := Open(dir, "r", nil); err == nil {
		t.Fatal("opened a read-only lake for writing")
	}
}
