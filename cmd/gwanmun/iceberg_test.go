package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var reSnapshot = regexp.MustCompile(`Iceberg snapshot (\d+) `)

// withoutGenerated drops the one line that says when a page was made.
func withoutGenerated(b []byte) string {
	var keep []string
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.Contains(l, `class="meta">generated `) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// TestReportSnapshotReproducesIntegration: a report names the Iceberg
// snapshot it read; after another run changed the lake, `report
// --snapshot` with that id writes the same files byte for byte but for
// the generated-at line, `sql --as-of` counts what the tables held then,
// and `iceberg snapshots` agrees.
func TestReportSnapshotReproducesIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("renders three reports")
	}
	dir := t.TempDir()
	lake := filepath.Join(dir, "lake")
	mustRun := func(args ...string) string {
		t.Helper()
		code, stdout, stderr := runCLI(t, lake, args...)
		if code != exitOK {
			t.Fatalf("%v exited %d\nstdout: %s\nstderr: %s", args, code, stdout, stderr)
		}
		return stdout
	}
	mustRun("ingest", "--source", "seed")
	first := filepath.Join(dir, "first")
	mustRun("report", "-o", first)
	page, err := os.ReadFile(filepath.Join(first, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	m := reSnapshot.FindSubmatch(page)
	if m == nil {
		t.Fatal("the report does not name the Iceberg snapshot it read")
	}
	id := string(m[1])
	mauThen := mustRun("sql", "--format", "json", "SELECT count(*) AS n FROM mau_all")

	if code, stdout, stderr := runCLI(t, lake, "ingest", "--demo"); code != exitOK && code != exitPartial {
		t.Fatalf("ingest --demo exited %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	now := filepath.Join(dir, "now")
	mustRun("report", "-o", now)
	pageNow, err := os.ReadFile(filepath.Join(now, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if withoutGenerated(pageNow) == withoutGenerated(page) {
		t.Fatal("the second run changed nothing the report shows: the test cannot tell a pinned report from a current one")
	}

	again := filepath.Join(dir, "again")
	mustRun("report", "--snapshot", id, "-o", again)
	n := 0
	err = filepath.WalkDir(first, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(first, p)
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(again, rel))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			return nil
		}
		n++
		if withoutGenerated(got) != withoutGenerated(want) {
			t.Errorf("report --snapshot %s: %s differs from the first report", id, rel)
		}
		return nil
	})
	if err != nil || n < 2 {
		t.Fatalf("compared %d files: %v", n, err)
	}

	if got := mustRun("sql", "--as-of", id, "--format", "json", "SELECT count(*) AS n FROM mau_all"); got != mauThen {
		t.Errorf("sql --as-of %s: %s, want %s (the count before the second run)", id, got, mauThen)
	}
	var snaps []struct {
		Table      string `json:"table"`
		SnapshotID int64  `json:"snapshot_id"`
		Rows       string `json:"total_records"`
	}
	if err := json.Unmarshal([]byte(mustRun("iceberg", "snapshots", "--format", "json")), &snaps); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		N int64 `json:"n"`
	}
	if err := json.Unmarshal([]byte(mauThen), &rows); err != nil || len(rows) != 1 {
		t.Fatalf("sql output %q: %v", mauThen, err)
	}
	pinned := regexp.MustCompile(`mau (\d+)`).FindSubmatch(page)
	found := false
	for _, s := range snaps {
		if s.Table == "mau" && pinned != nil && strconv.FormatInt(s.SnapshotID, 10) == string(pinned[1]) {
			found = true
			if s.Rows != strconv.FormatInt(rows[0].N, 10) {
				t.Errorf("mau snapshot %d holds %s rows; sql read %d", s.SnapshotID, s.Rows, rows[0].N)
			}
		}
	}
	if !found {
		t.Errorf("iceberg snapshots does not list the mau snapshot the report names (%s)", pinned)
	}
	if code, _, stderr := runCLI(t, lake, "sql", "--as-of", "1", "SELECT 1"); code != exitUsage || !strings.Contains(stderr, "no table's history has that snapshot id") {
		t.Errorf("sql --as-of 1: exit %d, %s", code, stderr)
	}
}
