package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestIcebergExpireIntegration: after a seed ingest, a report (which tags
// what it read) and a second ingest, `iceberg expire` removes the
// snapshots neither current nor pinned, the current rows stay, the
// report's snapshot still reads what it read, `--as-of` a time inside the
// expired span exits 2 with a clear message, and bad flags exit 2.
func TestIcebergExpireIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests twice and renders a report")
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
	type snapRow struct {
		Table      string   `json:"table"`
		SnapshotID int64    `json:"snapshot_id"`
		Current    bool     `json:"current"`
		Tags       []string `json:"tags"`
	}
	snapshots := func() []snapRow {
		t.Helper()
		var out []snapRow
		if err := json.Unmarshal([]byte(mustRun("iceberg", "snapshots", "--format", "json")), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	countMAU := func(extra ...string) string {
		t.Helper()
		return mustRun(append(append([]string{"sql"}, extra...), "--format", "json", "SELECT count(*) AS n, sum(CAST(value AS DECIMAL(38,6))) AS s FROM mau_all")...)
	}

	mustRun("ingest", "--source", "seed")
	out := filepath.Join(dir, "report")
	mustRun("report", "-o", out)
	page, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	m := reVintage.FindSubmatch(page)
	if m == nil {
		t.Fatal("the report names no Iceberg snapshot")
	}
	pinID := string(m[1])
	pinned := map[int64]bool{}
	for _, tm := range reTableSnapshot.FindAllSubmatch(m[2], -1) {
		id, _ := strconv.ParseInt(string(tm[2]), 10, 64)
		pinned[id] = true
	}
	mauThen := countMAU()
	// Two more runs: the first one's snapshots are neither current nor
	// pinned; mid is a time the tables held them.
	var mid time.Time
	for i := range 2 {
		if code, stdout, stderr := runCLI(t, lake, "ingest", "--demo"); code != exitOK && code != exitPartial {
			t.Fatalf("ingest --demo exited %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
		}
		if i == 0 {
			mid = time.Now().UTC()
		}
	}
	before := snapshots()
	mauNow := countMAU()
	if mauNow == mauThen {
		t.Fatal("the demo ingests changed nothing in mau: the test cannot tell the pinned snapshot from the current one")
	}
	wantKept := map[int64]bool{}
	for _, s := range before {
		if s.Current || pinned[s.SnapshotID] {
			wantKept[s.SnapshotID] = true
		}
	}
	if len(wantKept) == len(before) {
		t.Fatalf("every snapshot is current or pinned: nothing to expire (%d snapshots)", len(before))
	}

	for _, bad := range [][]string{
		{"iceberg", "expire"},                         // --older-than is required
		{"iceberg", "expire", "--older-than", "soon"}, // not a duration or time
		{"iceberg", "expire", "--older-than", "-3d"},  // a negative age
		{"iceberg", "expire", "--older-than", "0s", "--retain-last", "0"},
		{"iceberg", "expire", "--older-than", "0s", "--retain-last", "x"},
		{"iceberg", "expire", "--older-than", "0s", "--bogus"},
	} {
		if code, _, stderr := runCLI(t, lake, bad...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", bad, code, exitUsage, stderr)
		}
	}
	if got := snapshots(); len(got) != len(before) {
		t.Fatalf("a refused expire changed the snapshots: %d, was %d", len(got), len(before))
	}

	var res []struct {
		Table   string  `json:"table"`
		Expired []int64 `json:"expired"`
	}
	if err := json.Unmarshal([]byte(mustRun("iceberg", "expire", "--older-than", "0s", "--format", "json")), &res); err != nil {
		t.Fatal(err)
	}
	expired := map[int64]bool{}
	for _, r := range res {
		for _, id := range r.Expired {
			expired[id] = true
		}
	}
	after := snapshots()
	if len(after) != len(wantKept) || len(expired) != len(before)-len(wantKept) {
		t.Fatalf("after expiry %d snapshots (%d expired), want %d: each table's current one and the report's pins", len(after), len(expired), len(wantKept))
	}
	t.Logf("snapshots: %d before, %d after (%d pinned by the report)", len(before), len(after), len(pinned))
	for _, s := range after {
		if !wantKept[s.SnapshotID] {
			t.Errorf("snapshot %d of %s kept: neither current nor pinned", s.SnapshotID, s.Table)
		}
		if pinned[s.SnapshotID] && (len(s.Tags) != 1 || s.Tags[0] != "gwanmun-report-"+pinID) {
			t.Errorf("snapshot %d of %s, pinned by the report: tags %v", s.SnapshotID, s.Table, s.Tags)
		}
	}
	if got := countMAU(); got != mauNow {
		t.Errorf("current mau after expiry: %s, was %s", got, mauNow)
	}
	if got := countMAU("--as-of", pinID); got != mauThen {
		t.Errorf("sql --as-of %s (the report's pin) after expiry: %s, want %s", pinID, got, mauThen)
	}
	if code, _, stderr := runCLI(t, lake, "sql", "--as-of", mid.Format(time.RFC3339Nano), "SELECT 1"); code != exitUsage || !strings.Contains(stderr, "were expired") {
		t.Errorf("sql --as-of a time inside the expired span: exit %d, %s", code, stderr)
	}
	for id := range expired {
		code, _, stderr := runCLI(t, lake, "sql", "--as-of", strconv.FormatInt(id, 10), "SELECT 1")
		if code != exitUsage || !strings.Contains(stderr, "iceberg expire") {
			t.Errorf("sql --as-of the expired snapshot %d: exit %d, %s", id, code, stderr)
		}
		break
	}
}

var (
	reVintage       = regexp.MustCompile(`Iceberg snapshot (\d+) \([^;]*; tables: ([^)]*)\)`)
	reTableSnapshot = regexp.MustCompile(`(\w+) (\d+)`)
)
