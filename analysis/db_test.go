package analysis

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
)

// commitRows writes rows of one dataset, grouped by partition, as run runID.
func commitRows(t *testing.T, dir, runID string, rows []schema.Row) lakestore.Manifest {
	t.Helper()
	l, err := lakestore.Open(dir, runID, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	byPart := map[string][]schema.Row{}
	for _, r := range rows {
		r.Prov().RunID = runID
		byPart[r.Partition()] = append(byPart[r.Partition()], r)
	}
	ds, err := schema.Lookup(rows[0].Dataset())
	if err != nil {
		t.Fatal(err)
	}
	txn := l.Begin(runID)
	for p, rs := range byPart {
		if err := txn.Write(ds, p, rs); err != nil {
			t.Fatal(err)
		}
	}
	m, err := txn.Commit([]string{"test"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func testMAU(n int) []schema.Row {
	rows := make([]schema.Row, n)
	for i := range rows {
		rows[i] = &schema.MAU{
			PlatformID: "kakaotalk", Country: "KR", Metric: "mau",
			PeriodStart: time.Date(2020+i%3, time.Month(1+i%12), 1, 0, 0, 0, 0, time.UTC), PeriodGrain: "month",
			Value: float64(1000 + i), Unit: "persons", Estimator: "panel", Source: "test",
			Provenance: schema.Provenance{SourceURL: "test://mau", FetchedAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
		}
	}
	return rows
}

func testPlatforms() []schema.Row {
	return []schema.Row{&schema.Platform{PlatformID: "kakaotalk", Name: "KakaoTalk", Country: "KR",
		Provenance: schema.Provenance{SourceURL: "test://p", FetchedAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}}}
}

func count(t *testing.T, db *DB, view string) (int64, error) {
	t.Helper()
	tb, err := db.Query(context.Background(), "SELECT count(*) AS n FROM "+view)
	if err != nil {
		return 0, err
	}
	return tb.Rows[0][0].(int64), nil
}

func TestDamagedFileFailsOnlyItsDataset(t *testing.T) {
	dir := t.TempDir()
	m := commitRows(t, dir, "r1", testMAU(12))
	commitRows(t, dir, "r2", testPlatforms())
	// Damage one mau file's footer, as a bad disk or a careless copy would.
	bad := filepath.Join(dir, filepath.FromSlash(m.Files[0].Path))
	if err := os.WriteFile(bad, []byte("not parquet at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, sandbox := range []bool{false, true} {
		db, err := Open(context.Background(), dir, Options{Threads: 1, Sandbox: sandbox})
		if err != nil {
			t.Fatalf("sandbox=%v: one damaged file made the whole lake unreadable: %v", sandbox, err)
		}
		if n, err := count(t, db, "platforms"); err != nil || n != 1 {
			t.Errorf("sandbox=%v: platforms = %d, %v; want 1 row", sandbox, n, err)
		}
		for _, view := range []string{"mau", "mau_all"} {
			_, err := count(t, db, view)
			if err == nil || !strings.Contains(err.Error(), m.Files[0].Path) || !strings.Contains(err.Error(), "dataset mau is unreadable") {
				t.Errorf("sandbox=%v: %s: %v; want an error naming %s", sandbox, view, err, m.Files[0].Path)
			}
		}
		db.Close()
	}
	rep, err := lakestore.Verify(dir)
	if err != nil || rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), m.Files[0].Path) {
		t.Fatalf("verify: %v %v; want a problem naming %s", err, rep.Problems, m.Files[0].Path)
	}
}

func TestSandboxReadsTheLakeOnly(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "lake")
	m := commitRows(t, dir, "r1", testMAU(12))
	secret := filepath.Join(root, "secret.txt")
	if err := os.WriteFile(secret, []byte("password"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A sibling sharing the lake's name as a prefix is outside it.
	if err := os.MkdirAll(dir+"-old", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir+"-old", "x.csv"), []byte("a\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := Open(ctx, dir, Options{Threads: 1, Sandbox: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, err := count(t, db, "mau"); err != nil || n != 12 {
		t.Fatalf("mau = %d, %v; want 12 rows through the sandbox", n, err)
	}
	lakeFile := sqlString(filepath.Join(dir, filepath.FromSlash(m.Files[0].Path)))
	if _, err := db.Query(ctx, "SELECT count(*) FROM read_parquet("+lakeFile+")"); err != nil {
		t.Errorf("reading a lake file directly: %v", err)
	}
	for _, q := range []string{
		"SELECT * FROM read_text(" + sqlString(secret) + ")",
		"SELECT * FROM read_text('/etc/passwd')",
		"SELECT * FROM read_text(" + sqlString(dir+"/../secret.txt") + ")",
		"SELECT * FROM read_csv(" + sqlString(filepath.Join(dir+"-old", "x.csv")) + ")",
		"SELECT * FROM glob('/etc/*')",
	} {
		if _, err := db.Query(ctx, q); err == nil {
			t.Errorf("%s: read outside the lake", q)
		}
	}
	for _, stmt := range []string{
		"SET enable_external_access = true",
		"RESET allowed_directories",
		"SET lock_configuration = false",
		"COPY (SELECT 1) TO " + sqlString(filepath.Join(root, "out.csv")),
		"ATTACH " + sqlString(filepath.Join(root, "x.db")),
	} {
		if _, err := db.ExecContext(ctx, stmt); err == nil {
			t.Errorf("%s: allowed in the sandbox", stmt)
		}
	}
	if entries, _ := os.ReadDir(root); len(entries) != 3 {
		t.Errorf("the sandbox wrote beside the lake: %v", entries)
	}
}

func TestCheckQueryAcceptsOneQueryOnly(t *testing.T) {
	// Without the sandbox, so COPY and ATTACH reach the statement check
	// (in the sandbox they already fail to bind).
	t.Chdir(t.TempDir())
	db, err := Open(context.Background(), "lake", Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tc := range []struct {
		q, err string
	}{
		{"SELECT 1", ""},
		{"WITH a AS (SELECT 1 AS x) SELECT x FROM a", ""},
		{"FROM mau", ""},
		{"-- a comment\nSELECT count(*) FROM mau_all", ""},
		{"SELECT 1; SELECT 2", "several statements"},
		{"SELECT 1; CREATE OR REPLACE VIEW mau AS SELECT 1 AS x", "several statements"},
		{"CREATE OR REPLACE VIEW mau AS SELECT 1 AS x", "CREATE"},
		{"COPY (SELECT 1) TO 'x.csv'", "COPY"},
		{"ATTACH 'x.db'", "ATTACH"},
		{"SET threads = 4", "SET"},
		{"PRAGMA version", ""}, // PRAGMA version is a table function call: a query
		{"INSTALL httpfs", "LOAD/INSTALL"},
		{"DROP VIEW mau", "DROP"},
	} {
		err := db.CheckQuery(context.Background(), tc.q)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%q refused: %v", tc.q, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: %v, want an error mentioning %q", tc.q, err, tc.err)
		case tc.err != "" && !errors.Is(err, ErrNotOneQuery):
			t.Errorf("%q: %v is not ErrNotOneQuery", tc.q, err)
		}
	}
	if n, err := count(t, db, "mau"); err != nil || n != 0 {
		t.Fatalf("checking queries changed the mau view: %d %v", n, err)
	}
	if entries, _ := os.ReadDir("."); len(entries) != 0 {
		t.Fatalf("checking queries ran them: %v", entries)
	}
}

// A reader that opened the lake while a run was being published names the
// run's files in staging; they move into place before it queries.
func TestReaderReresolvesFilesMovedOutOfStaging(t *testing.T) {
	dir := t.TempDir()
	m := commitRows(t, dir, "r1", testMAU(12))
	// Put the files back where they are between the manifest's rename and
	// the end of publishing (the state a crash at "committed" leaves).
	for _, f := range m.Files {
		final := filepath.Join(dir, filepath.FromSlash(f.Path))
		staged := lakestore.StagingPath(dir, m.RunID, f.Path)
		if err := os.MkdirAll(filepath.Dir(staged), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(final, staged); err != nil {
			t.Fatal(err)
		}
	}
	for _, sandbox := range []bool{false, true} {
		db, err := Open(context.Background(), dir, Options{Threads: 1, Sandbox: sandbox})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(db.files.found["mau"], " "), lakestore.StagingDir) {
			t.Fatalf("the reader did not open the staged files: %v", db.files.found["mau"])
		}
		// Publishing finishes.
		publish(t, dir, m, true)
		if n, err := count(t, db, "mau"); err != nil || n != 12 {
			t.Errorf("sandbox=%v: after the files moved: %d rows, %v; want 12", sandbox, n, err)
		}
		if err := db.CreateTempView(context.Background(), "recent", "SELECT * FROM mau_all"); err != nil {
			t.Errorf("sandbox=%v: temp view: %v", sandbox, err)
		}
		db.Close()
		publish(t, dir, m, false)
	}
}

// A reader that listed the lake's files before a compaction committed
// names files the compaction then deleted; its queries still answer, on
// the compacted files, with the same counts (issue 15: the failed reads
// of make torture's writer trials).
func TestReaderReresolvesFilesCompactedAway(t *testing.T) {
	for _, sandbox := range []bool{false, true} {
		dir := t.TempDir()
		m1 := commitRows(t, dir, "r1", testMAU(12))
		later := testMAU(12) // a later fetch: new versions of the same keys
		for _, r := range later {
			r.(*schema.MAU).Value += 5
			r.Prov().FetchedAt = r.Prov().FetchedAt.AddDate(0, 1, 0)
		}
		commitRows(t, dir, "r2", later)
		db, err := Open(context.Background(), dir, Options{Threads: 1, Sandbox: sandbox})
		if err != nil {
			t.Fatal(err)
		}
		l, err := lakestore.Open(dir, "c1", nil)
		if err != nil {
			t.Fatal(err)
		}
		done, err := l.Compact("c1")
		l.Close()
		if err != nil || len(done) == 0 {
			t.Fatalf("compact: %v, %v", done, err)
		}
		for _, f := range m1.Files {
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f.Path))); !os.IsNotExist(err) {
				t.Fatalf("compaction left %s in place (%v); the test needs it deleted under the reader", f.Path, err)
			}
		}
		if n, err := count(t, db, "mau_all"); err != nil || n != 24 {
			t.Errorf("sandbox=%v: mau_all after compaction under the reader: %d rows, %v; want 24", sandbox, n, err)
		}
		if n, err := count(t, db, "mau"); err != nil || n != 12 {
			t.Errorf("sandbox=%v: mau after compaction under the reader: %d rows, %v; want 12", sandbox, n, err)
		}
		db.Close()
	}
}

// publish moves a manifest's files from staging into place (forward) or back.
func publish(t *testing.T, dir string, m lakestore.Manifest, forward bool) {
	t.Helper()
	for _, f := range m.Files {
		final := filepath.Join(dir, filepath.FromSlash(f.Path))
		staged := lakestore.StagingPath(dir, m.RunID, f.Path)
		from, to := staged, final
		if !forward {
			from, to = final, staged
		}
		if err := os.Rename(from, to); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMissingFileFailsOnlyItsDataset(t *testing.T) {
	dir := t.TempDir()
	m := commitRows(t, dir, "r1", testMAU(12))
	commitRows(t, dir, "r2", testPlatforms())
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(m.Files[0].Path))); err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), dir, Options{Threads: 1, Sandbox: true})
	if err != nil {
		t.Fatalf("one missing file made the whole lake unreadable: %v", err)
	}
	defer db.Close()
	if n, err := count(t, db, "platforms"); err != nil || n != 1 {
		t.Errorf("platforms = %d, %v; want 1 row", n, err)
	}
	if _, err := count(t, db, "mau"); err == nil || !strings.Contains(err.Error(), m.Files[0].Path) || !strings.Contains(err.Error(), "missing") {
		t.Errorf("mau: %v; want an error naming the missing %s", err, m.Files[0].Path)
	}
}

func TestSandboxedQueryRunsOneQueryOnly(t *testing.T) {
	dir := t.TempDir()
	commitRows(t, dir, "r1", testMAU(12))
	db, err := Open(context.Background(), dir, Options{Threads: 1, Sandbox: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The driver runs every statement but the last: a report check or any
	// other caller of Query must not be able to replace a view this way.
	_, err = db.Query(context.Background(), "CREATE OR REPLACE VIEW mau AS SELECT 1 AS x; SELECT 1")
	if !errors.Is(err, ErrNotOneQuery) {
		t.Fatalf("multi-statement Query: %v, want ErrNotOneQuery", err)
	}
	if n, err := count(t, db, "mau"); err != nil || n != 12 {
		t.Fatalf("mau = %d, %v after a refused statement; want 12", n, err)
	}
	if _, err := db.Query(context.Background(), "SELECT count(*) FROM mau WHERE value > $min", sql.Named("min", 1005)); err != nil {
		t.Fatalf("a query with a bound parameter: %v", err)
	}
}
