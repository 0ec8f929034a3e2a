package iceberg

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // the "duckdb" driver, to read what a pin names

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
)

// mauRows are n yearly figures from year 2000+offset; a non-zero bump
// makes new versions of the same keys.
func mauRows(n, offset int, bump float64) []schema.Row {
	rows := make([]schema.Row, n)
	for i := range rows {
		i := i + offset
		rows[i-offset] = &schema.MAU{
			PlatformID: "kakaotalk", Country: "KR", Metric: "mau",
			PeriodStart: time.Date(2000+i, 1, 1, 0, 0, 0, 0, time.UTC), PeriodGrain: "year",
			Value: float64(1000+i) + bump, Unit: "persons", Estimator: "panel", Source: "test",
			Flags:      []string{"a", fmt.Sprint(i)},
			Provenance: schema.Provenance{SourceURL: "test://", FetchedAt: time.Unix(int64(i), 0).UTC(), RunID: "r"},
		}
	}
	return rows
}

// writeRun commits one lake run of n MAU rows, one file per year.
func writeRun(t testing.TB, dir, runID string, n, offset int, bump float64) {
	t.Helper()
	l, err := lakestore.Open(dir, runID, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ds, _ := schema.Lookup("mau")
	txn := l.Begin(runID)
	for _, r := range mauRows(n, offset, bump) {
		if err := txn.Write(ds, partOf(r), []schema.Row{r}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := txn.Commit([]string{"test"}); err != nil {
		t.Fatal(err)
	}
}

func compact(t testing.TB, dir, runID string) {
	t.Helper()
	l, err := lakestore.Open(dir, runID, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := l.Compact(runID, "mau"); err != nil {
		t.Fatal(err)
	}
}

func open(t testing.TB, dir string) *Mirror {
	t.Helper()
	m, err := Open(context.Background(), dir, Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// count reads the pinned files of a dataset with DuckDB: rows and the sum
// of value.
func count(t testing.TB, files []string) (int64, float64) {
	t.Helper()
	if len(files) == 0 {
		return 0, 0
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := make([]string, len(files))
	for i, f := range files {
		q[i] = "'" + strings.ReplaceAll(f, "'", "''") + "'"
	}
	var n int64
	var sum float64
	if err := db.QueryRow("SELECT count(*), sum(value) FROM read_parquet(["+strings.Join(q, ",")+"])").Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	return n, sum
}

// TestSyncHistory: each lake run is one snapshot, a compaction is an
// overwrite removing what it superseded, a second Sync changes nothing,
// and every past snapshot still reads its own rows after the lake
// deleted the superseded files.
func TestSyncHistory(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writeRun(t, dir, "r1", 3, 0, 0)
	m := open(t, dir)
	regs, err := m.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(regs) != 1 || regs[0].Dataset != "mau" || regs[0].RunID != "r1" || regs[0].Added != 3 || regs[0].Operation != "append" {
		t.Fatalf("first sync: %+v", regs)
	}
	p1, err := m.Pin(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	writeRun(t, dir, "r2", 2, 1, 0.5) // new versions of 2001 and 2002
	regs, err = m.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(regs) != 1 || regs[0].RunID != "r2" || regs[0].Added != 2 {
		t.Fatalf("second sync: %+v", regs)
	}
	compact(t, dir, "c1")
	regs, err = m.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(regs) != 1 || regs[0].RunID != "c1" || regs[0].Operation != "overwrite" || regs[0].Removed != 4 || regs[0].Added != 2 {
		t.Fatalf("sync after compaction: %+v", regs)
	}
	if again, err := m.Sync(ctx); err != nil || len(again) != 0 {
		t.Fatalf("sync again: %+v %v", again, err)
	}
	if n, err := m.Pending(ctx); err != nil || n != 0 {
		t.Fatalf("pending %d %v", n, err)
	}
	now, err := m.Pin(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(now.Files["mau"]) != 3 { // 2000 as written, 2001 and 2002 compacted
		t.Fatalf("current files: %v", now.Files["mau"])
	}
	if n, sum := count(t, now.Files["mau"]); n != 5 || sum != 1000+1001+1002+1001.5+1002.5 {
		t.Fatalf("current: %d rows, sum %v", n, sum)
	}
	old, err := m.Pin(ctx, fmt.Sprint(p1.SnapshotID))
	if err != nil {
		t.Fatal(err)
	}
	if old.Snapshots["mau"] != p1.Snapshots["mau"] || old.Vintage() != p1.Vintage() {
		t.Fatalf("as-of %d: %+v, want %+v", p1.SnapshotID, old, p1)
	}
	if n, sum := count(t, old.Files["mau"]); n != 3 || sum != 1000+1001+1002 {
		t.Fatalf("as of run 1: %d rows, sum %v", n, sum)
	}
	if _, err := m.Pin(ctx, "12345"); err == nil {
		t.Fatal("as-of an unknown snapshot id: no error")
	}
	early, err := m.Pin(ctx, "1999-01-01")
	if err != nil || len(early.Files) != 0 || early.Vintage() != "Iceberg: no snapshot" {
		t.Fatalf("as of 1999: %+v %v", early, err)
	}
}

// TestSyncAfterCompaction: runs compacted (and their files deleted)
// before any sync are registered through the compacted files alone.
func TestSyncAfterCompaction(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writeRun(t, dir, "r1", 3, 0, 0)
	writeRun(t, dir, "r2", 2, 1, 0.5)
	compact(t, dir, "c1")
	m := open(t, dir)
	regs, err := m.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// r1 keeps its 2000 file; r2's files are gone, replaced by c1's.
	if len(regs) != 2 || regs[0].RunID != "r1" || regs[0].Added != 1 || regs[1].RunID != "c1" || regs[1].Added != 2 || regs[1].Removed != 0 {
		t.Fatalf("sync: %+v", regs)
	}
	p, err := m.Pin(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if n, sum := count(t, p.Files["mau"]); n != 5 || sum != 1000+1001+1002+1001.5+1002.5 {
		t.Fatalf("current: %d rows, sum %v", n, sum)
	}
}

// TestSyncCompletesAfterKill kills a process between copying a run's
// files into the warehouse and committing the snapshot, and after the
// commit: the next Sync registers the run exactly once.
func TestSyncCompletesAfterKill(t *testing.T) {
	for _, point := range []string{"copied", "registered"} {
		t.Run(point, func(t *testing.T) {
			dir := t.TempDir()
			writeRun(t, dir, "r1", 3, 0, 0)
			cmd := exec.Command(os.Args[0], "-test.run=^TestSyncHelper$")
			cmd.Env = append(os.Environ(), "GWANMUN_ICEBERG_CRASH_AT="+point, "GWANMUN_ICEBERG_DIR="+dir)
			err := cmd.Run()
			if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("child: %v, want killed", err)
			}
			m := open(t, dir)
			regs, err := m.Sync(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			want := 1
			if point == "registered" {
				want = 0
			}
			if len(regs) != want {
				t.Fatalf("after a kill at %s: registered %+v, want %d snapshot(s)", point, regs, want)
			}
			p, err := m.Pin(context.Background(), "")
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := count(t, p.Files["mau"]); n != 3 {
				t.Fatalf("after a kill at %s: %d rows, want 3", point, n)
			}
		})
	}
}

// TestSyncHelper is the child process TestSyncCompletesAfterKill kills.
func TestSyncHelper(t *testing.T) {
	point := os.Getenv("GWANMUN_ICEBERG_CRASH_AT")
	if point == "" {
		t.Skip("child process of TestSyncCompletesAfterKill")
	}
	crashPoint = func(p string) {
		if p == point {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			time.Sleep(time.Minute)
		}
	}
	m := open(t, os.Getenv("GWANMUN_ICEBERG_DIR"))
	_, _ = m.Sync(context.Background())
}

func TestSchemaMapsEveryColumn(t *testing.T) {
	for _, ds := range schema.Datasets() {
		sc := Schema(ds)
		cols := ds.Columns()
		if got := len(sc.Fields()); got != len(cols) {
			t.Fatalf("%s: %d fields, want %d", ds.Name, got, len(cols))
		}
		for i, c := range cols {
			f := sc.Fields()[i]
			if f.Name != c.Name || f.Required == c.Nullable {
				t.Errorf("%s.%s: field %+v", ds.Name, c.Name, f)
			}
		}
	}
}

func TestConfigRefusesUnknownCatalog(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string // "" accepted
	}{
		{Config{}, ""},
		{Config{Catalog: "sqlite"}, ""},
		{Config{Catalog: "postgres://u@localhost/db"}, ""},
		{Config{Catalog: "postgres://u:secret@localhost/db"}, "PGPASSWORD"},
		{Config{Catalog: "postgres://u@localhost/db?password=secret"}, "PGPASSWORD"},
		{Config{Catalog: "https://catalog.example/api/catalog"}, ""},
		{Config{Catalog: "mysql://x"}, `catalog "mysql://x"`},
		{Config{Warehouse: "gs://b/p"}, `warehouse "gs://b/p"`},
		{Config{Warehouse: "s3:///p"}, "needs a bucket"},
		{Config{S3Endpoint: "http://127.0.0.1:9000"}, "not an s3:// URL"},
		{Config{Warehouse: "s3://b/p", S3Endpoint: "ftp://x"}, "s3_endpoint"},
	} {
		err := c.cfg.Validate()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%+v: %v", c.cfg, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%+v: error %v, want one naming %q", c.cfg, err, c.want)
		}
	}
}

// partOf keeps these tests' lakes split by year as lake format 1 wrote
// mau: the lake takes any partition, and the tests need several.
func partOf(r schema.Row) string {
	if m, ok := r.(*schema.MAU); ok {
		return schema.YearPartition(m.PeriodStart)
	}
	return r.Partition()
}
