package lakestore

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/gwanmun/gwanmun/data/schema"
)

// versionedRows are MAU rows for years 2020..2020+n-1 of one platform,
// fetched at the given time with the given value offset: a later fetch of
// the same periods is a new version of the same natural keys.
func versionedRows(n int, fetched time.Time, value float64) []schema.Row {
	rows := make([]schema.Row, n)
	for i := range rows {
		rows[i] = &schema.MAU{
			PlatformID: "kakaotalk", Country: "KR", Metric: "mau",
			PeriodStart: time.Date(2020+i%2, time.Month(1+i), 1, 0, 0, 0, 0, time.UTC), PeriodGrain: "month",
			Value: value + float64(i), Unit: "persons", Estimator: "panel", Source: "test",
			Flags:      []string{"a", "b"},
			Provenance: schema.Provenance{SourceURL: "test://", FetchedAt: fetched},
		}
	}
	return rows
}

// commit writes rows, grouped by partition, as run runID.
func commit(t testing.TB, dir, runID string, rows []schema.Row) {
	t.Helper()
	l, err := Open(dir, runID, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ds, _ := schema.Lookup("mau")
	byPart := map[string][]schema.Row{}
	for _, r := range rows {
		r.Prov().RunID = runID
		byPart[partOf(r)] = append(byPart[partOf(r)], r)
	}
	txn := l.Begin(runID)
	for p, rs := range byPart {
		if err := txn.Write(ds, p, rs); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := txn.Commit([]string{"test"}); err != nil {
		t.Fatal(err)
	}
}

// logical is what the mau view shows: the latest row per key, as JSON
// without the run id, sorted.
func logical(t testing.TB, dir string) []string {
	t.Helper()
	files, err := VisibleFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	ds, _ := schema.Lookup("mau")
	k := NewKeyer(ds)
	latest := map[string]schema.Row{}
	for _, f := range files["mau"] {
		rows, err := ReadRows(f, ds)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if old, ok := latest[k.Key(r)]; !ok || newer(r, old) {
				latest[k.Key(r)] = r
			}
		}
	}
	var out []string
	for _, r := range latest {
		r.Prov().RunID = ""
		out = append(out, rowJSON(r))
	}
	sort.Strings(out)
	return out
}

// allRows is what mau_all shows: every visible row as JSON, run id
// included, sorted.
func allRows(t testing.TB, dir string) []string {
	t.Helper()
	files, err := VisibleFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	ds, _ := schema.Lookup("mau")
	var out []string
	for _, f := range files["mau"] {
		rows, err := ReadRows(f, ds)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out = append(out, rowJSON(r))
		}
	}
	sort.Strings(out)
	return out
}

// threeRuns leaves two partitions with three files each, the later runs
// holding newer versions of the first run's keys plus new ones.
func threeRuns(t testing.TB, dir string) {
	commit(t, dir, "r1", versionedRows(4, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 100))
	commit(t, dir, "r2", versionedRows(6, time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), 200))
	commit(t, dir, "r3", versionedRows(2, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), 300))
}

func TestCompactKeepsTheViewAndMergesFiles(t *testing.T) {
	dir := t.TempDir()
	threeRuns(t, dir)
	before, history := logical(t, dir), allRows(t, dir)
	files, _ := VisibleFiles(dir)
	if len(files["mau"]) != 6 {
		t.Fatalf("%d files before compaction, want 6", len(files["mau"]))
	}
	l, err := Open(dir, "c1", nil)
	if err != nil {
		t.Fatal(err)
	}
	done, err := l.Compact("c1")
	l.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 2 || done[0].Files != 3 || done[0].RowsIn != 6 || done[0].RowsOut != 6 {
		t.Fatalf("compactions = %+v, want two partitions of 3 files each merged, all 6 rows kept", done)
	}
	files, _ = VisibleFiles(dir)
	if len(files["mau"]) != 2 {
		t.Fatalf("%d files after compaction, want one per partition", len(files["mau"]))
	}
	if after := logical(t, dir); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Fatalf("compaction changed the view:\nbefore %v\nafter  %v", before, after)
	}
	// History too: analyses read every version through mau_all.
	if after := allRows(t, dir); strings.Join(after, "\n") != strings.Join(history, "\n") {
		t.Fatalf("compaction changed mau_all:\nbefore %v\nafter  %v", history, after)
	}
	// The superseded files are gone from disk, not just hidden.
	parquet, _ := filepath.Glob(filepath.Join(dir, "mau", "*", "*.parquet"))
	if len(parquet) != 2 {
		t.Fatalf("%d parquet files on disk after compaction, want 2: %v", len(parquet), parquet)
	}
	rep, err := Verify(dir)
	if err != nil || !rep.OK() {
		t.Fatalf("verify after compaction: %v %+v", err, rep.Problems)
	}
	if d := rep.Datasets[0]; d.Rows != 12 || d.Shadowed != 6 {
		t.Fatalf("after compaction %d rows, %d shadowed; want the 12 rows and 6 older versions kept", d.Rows, d.Shadowed)
	}
	// Nothing left to do: a second compaction commits nothing.
	l, _ = Open(dir, "c2", nil)
	done, err = l.Compact("c2")
	l.Close()
	if err != nil || len(done) != 0 {
		t.Fatalf("second compaction: %v, %+v", err, done)
	}
	// Reingesting the rows compaction merged away writes nothing new.
	commit(t, dir, "r4", versionedRows(2, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), 300))
	if ms, _ := ReadManifests(dir); len(ms) != 4 {
		t.Fatalf("%d manifests, want 4 (3 runs + 1 compaction; the rerun wrote nothing)", len(ms))
	}
}

// TestCompactHelper is the child process of TestCompactCrash.
func TestCompactHelper(t *testing.T) {
	point := os.Getenv("GWANMUN_COMPACT_CRASH_AT")
	if point == "" {
		t.Skip("child process of TestCompactCrash")
	}
	crashPoint = func(p string) {
		if p == point {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			time.Sleep(time.Minute)
		}
	}
	l, err := Open(os.Getenv("GWANMUN_CRASH_DIR"), "compact", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.Compact("compact")
	t.Fatalf("compaction survived its crash point: %v", err)
}

func TestCompactCrash(t *testing.T) {
	for _, point := range []string{"staged", "committed", "published"} {
		t.Run(point, func(t *testing.T) {
			dir := t.TempDir()
			threeRuns(t, dir)
			want := logical(t, dir)
			cmd := exec.Command(os.Args[0], "-test.run=^TestCompactHelper$")
			cmd.Env = append(os.Environ(), "GWANMUN_COMPACT_CRASH_AT="+point, "GWANMUN_CRASH_DIR="+dir)
			err := cmd.Run()
			if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("child was not killed: %v", err)
			}
			// Readers see the same view right after the crash ...
			if got := logical(t, dir); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("view changed by a crash at %s", point)
			}
			// ... and after the next writer has recovered.
			l, err := Open(dir, "next", nil)
			if err != nil {
				t.Fatal(err)
			}
			l.Close()
			if got := logical(t, dir); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("view changed by recovery after a crash at %s", point)
			}
			rep, err := Verify(dir)
			if err != nil || !rep.OK() || len(rep.Notes) != 0 {
				t.Fatalf("verify after recovery: %v problems %v notes %v", err, rep.Problems, rep.Notes)
			}
			parquet, _ := filepath.Glob(filepath.Join(dir, "mau", "*", "*.parquet"))
			wantFiles := 6
			if point != "staged" {
				wantFiles = 2 // committed: recovery finished the compaction
			}
			if len(parquet) != wantFiles {
				t.Fatalf("%d parquet files after recovery, want %d", len(parquet), wantFiles)
			}
		})
	}
}

func TestCompactDropsOnlyExactCopies(t *testing.T) {
	dir := t.TempDir()
	threeRuns(t, dir)
	// A run that stored the same rows twice, which no correct write does.
	l, err := Open(dir, "twice", nil)
	if err != nil {
		t.Fatal(err)
	}
	ds, _ := schema.Lookup("mau")
	rows := versionedRows(1, time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC), 400)
	rows[0].Prov().RunID = "twice"
	txn := l.Begin("twice")
	for range 2 {
		if _, err := txn.write(ds, partOf(rows[0]), rows, false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := txn.Commit([]string{"test"}); err != nil {
		t.Fatal(err)
	}
	rep, _ := Verify(dir)
	if rep.Datasets[0].Duplicates != 1 || rep.Datasets[0].Rows != 14 {
		t.Fatalf("before compaction: %+v, want 14 rows with 1 stored twice", rep.Datasets[0])
	}
	history := allRows(t, dir)
	done, err := l.Compact("c1")
	l.Close()
	if err != nil {
		t.Fatal(err)
	}
	var in, out int64
	for _, c := range done {
		in, out = in+c.RowsIn, out+c.RowsOut
	}
	if in != 14 || out != 13 {
		t.Fatalf("compaction read %d rows and kept %d, want 14 and 13", in, out)
	}
	rep, _ = Verify(dir)
	if !rep.OK() || rep.Datasets[0].Duplicates != 0 || rep.Datasets[0].Rows != 13 || rep.Datasets[0].Shadowed != 7 {
		t.Fatalf("after compaction: %v %+v", rep.Problems, rep.Datasets[0])
	}
	// mau_all lost only the copy.
	want := slices.Compact(slices.Clone(history))
	if got := allRows(t, dir); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("mau_all after compaction:\n%v\nwant\n%v", got, want)
	}
}

// A partition bigger than one row group is compacted batch by batch into
// several row groups, every row kept.
func TestCompactStreamsAPartitionLargerThanARowGroupIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 65k rows")
	}
	dir := t.TempDir()
	n := MaxRowGroup + 100
	for i, run := range []string{"r1", "r2"} {
		rows := make([]schema.Row, n/2)
		for j := range rows {
			rows[j] = &schema.MAU{PlatformID: fmt.Sprintf("p%06d", j), Country: "KR", Metric: "mau",
				PeriodStart: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), PeriodGrain: "month",
				Value: float64(j), Unit: "persons", Estimator: "panel", Source: "test",
				Provenance: schema.Provenance{SourceURL: "test://", FetchedAt: time.Date(2024, 1, 1+i, 0, 0, 0, 0, time.UTC)}}
		}
		commit(t, dir, run, rows)
	}
	l, err := Open(dir, "c1", nil)
	if err != nil {
		t.Fatal(err)
	}
	done, err := l.Compact("c1")
	l.Close()
	if err != nil || len(done) != 1 || done[0].RowsIn != int64(n/2*2) || done[0].RowsOut != done[0].RowsIn {
		t.Fatalf("compaction: %v %+v", err, done)
	}
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(done[0].Path)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pf, err := file.NewParquetReader(f)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	if pf.NumRowGroups() < 2 || pf.NumRows() != done[0].RowsOut {
		t.Fatalf("%d row groups, %d rows; want at least 2 groups and %d rows", pf.NumRowGroups(), pf.NumRows(), done[0].RowsOut)
	}
	if rep, _ := Verify(dir); !rep.OK() || rep.Datasets[0].Keys != int64(n/2) || rep.Datasets[0].Shadowed != int64(n/2) {
		t.Fatalf("verify: %v %+v", rep.Problems, rep.Datasets)
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
