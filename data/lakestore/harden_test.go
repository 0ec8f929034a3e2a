package lakestore

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
)

func TestCheckRunID(t *testing.T) {
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{"20261205T080000Z-a1b2c3", true},
		{"20261205T080000Z-a1b2c3-compact", true},
		{"r1", true},
		{"v1.2_x-y", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
		{"", false},
		{"../../../esc", false},
		{"a/b", false},
		{`a\b`, false},
		{".hidden", false},
		{"_staging", false},
		{"-flag", false},
		{"a..b", false},
		{"a b", false},
		{"런", false},
	} {
		if err := ValidRunID(tc.id); (err == nil) != tc.ok {
			t.Errorf("ValidRunID(%q) = %v, want ok=%v", tc.id, err, tc.ok)
		}
	}
}

// manifestBytes reads a committed manifest as stored.
func manifestBytes(t *testing.T, dir, runID string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, ManifestDir, runID+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReusedRunIDNeverReplacesACommittedRun(t *testing.T) {
	dir := t.TempDir()
	commit(t, dir, "r1", versionedRows(4, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 100))
	before, manifest := logical(t, dir), manifestBytes(t, dir, "r1")

	l, err := Open(dir, "r1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ds, _ := schema.Lookup("mau")
	// New content under the old id: the manifest it would write replaces r1's.
	rows := versionedRows(2, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), 900)
	txn := l.Begin("r1")
	err = txn.Write(ds, partOf(rows[0]), rows)
	if !errors.Is(err, ErrRunExists) {
		t.Fatalf("Write under a committed run id: %v, want ErrRunExists", err)
	}
	if _, err := txn.Commit([]string{"test"}); !errors.Is(err, ErrRunExists) {
		t.Fatalf("Commit under a committed run id: %v, want ErrRunExists", err)
	}
	if got := manifestBytes(t, dir, "r1"); !bytes.Equal(got, manifest) {
		t.Fatal("the committed manifest was rewritten")
	}
	if got := logical(t, dir); strings.Join(got, "\n") != strings.Join(before, "\n") {
		t.Fatal("reusing a run id changed the lake's view")
	}
	if rep, _ := Verify(dir); !rep.OK() {
		t.Fatalf("verify after a refused rerun: %v", rep.Problems)
	}
}

func TestCommitNeverRenamesOverAManifest(t *testing.T) {
	dir := t.TempDir()
	commit(t, dir, "r1", versionedRows(2, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 100))
	l, err := Open(dir, "r2", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ds, _ := schema.Lookup("mau")
	rows := versionedRows(2, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), 900)
	txn := l.Begin("r2")
	if err := txn.Write(ds, partOf(rows[0]), rows); err != nil {
		t.Fatal(err)
	}
	// Another commit of r2 lands between Begin and Commit (a writer that
	// ignored the lock): the commit must fail, not replace it.
	other, _ := json.Marshal(Manifest{RunID: "r2", LakeFormat: LakeFormat, CommittedAt: time.Now().UTC()})
	if err := os.WriteFile(filepath.Join(dir, ManifestDir, "r2.json"), other, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := txn.Commit([]string{"test"}); !errors.Is(err, ErrRunExists) {
		t.Fatalf("Commit over an existing manifest: %v, want ErrRunExists", err)
	}
	if got := manifestBytes(t, dir, "r2"); !bytes.Equal(got, other) {
		t.Fatal("the existing manifest was replaced")
	}
	if _, err := os.Stat(filepath.Join(dir, StagingDir, "r2")); !os.IsNotExist(err) {
		t.Fatalf("the refused run's staging survived: %v", err)
	}
}

func TestBadRunIDsAreRefusedAndWriteNothing(t *testing.T) {
	ds, _ := schema.Lookup("mau")
	for _, id := range []string{"../../../esc", "a/b", ".hidden", "", "x/../../y"} {
		t.Run(id, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "lake")
			if _, err := Open(dir, id, nil); err == nil || !strings.Contains(err.Error(), "bad run id") {
				t.Fatalf("Open(%q) = %v, want a bad run id error", id, err)
			}
			l, err := Open(dir, "good", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			rows := versionedRows(2, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 1)
			txn := l.Begin(id)
			if err := txn.Write(ds, partOf(rows[0]), rows); err == nil || !strings.Contains(err.Error(), "bad run id") {
				t.Fatalf("Write under %q = %v, want a bad run id error", id, err)
			}
			if _, err := txn.Commit([]string{"test"}); err == nil {
				t.Fatalf("Commit under %q succeeded", id)
			}
			if entries, _ := os.ReadDir(root); len(entries) != 1 {
				t.Fatalf("something was written outside the lake: %v", entries)
			}
			if ms, _ := ReadManifests(dir); len(ms) != 0 {
				t.Fatalf("manifests after refused runs: %+v", ms)
			}
		})
	}
}

func TestManifestNamedAfterAnotherRunIsRefused(t *testing.T) {
	dir := t.TempDir()
	commit(t, dir, "r1", versionedRows(2, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 100))
	if err := os.Rename(filepath.Join(dir, ManifestDir, "r1.json"), filepath.Join(dir, ManifestDir, "r9.json")); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadManifests(dir); err == nil || !strings.Contains(err.Error(), "<run_id>.json") {
		t.Fatalf("ReadManifests = %v, want a misnamed-manifest error", err)
	}
}

func TestSupersedesOnlyWhatItReplaces(t *testing.T) {
	ds, _ := schema.Lookup("mau")
	for _, tc := range []struct {
		name string
		// supersede returns what the new run claims to replace, given r1's files.
		supersede func(r1 []ManifestFile) []string
		write     bool // the run writes a file in r1's first partition
		want      string
	}{
		{"nothing replaces it", func(r1 []ManifestFile) []string { return []string{r1[0].Path} }, false, "writes no mau file in that partition"},
		{"unnamed file", func([]ManifestFile) []string { return []string{"mau/year=2020/part-zz-0001.parquet"} }, true, "no committed manifest names"},
		{"other partition", func(r1 []ManifestFile) []string {
			for _, f := range r1 {
				if !strings.Contains(f.Path, "year=2020") {
					return []string{f.Path}
				}
			}
			return nil
		}, true, "writes no mau file in that partition"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			commit(t, dir, "r1", versionedRows(4, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 100))
			before := logical(t, dir)
			ms, _ := ReadManifests(dir)
			l, err := Open(dir, "evil", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			txn := l.Begin("evil")
			rows := versionedRows(1, time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), 5) // year=2020
			if tc.write {
				rows[0].Prov().RunID = "evil"
				if _, err := txn.write(ds, partOf(rows[0]), rows, false); err != nil {
					t.Fatal(err)
				}
			} else {
				// Some other dataset's file, so the manifest is not empty.
				runs, _ := schema.Lookup("runs")
				run := &schema.Run{Status: "ok", Provenance: schema.Provenance{RunID: "evil", Collector: "x", FetchedAt: time.Unix(0, 0).UTC()}}
				if err := txn.Write(runs, partOf(run), []schema.Row{run}); err != nil {
					t.Fatal(err)
				}
			}
			txn.supersedes = tc.supersede(ms[0].Files)
			_, err = txn.Commit([]string{"test"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Commit = %v, want an error saying %q", err, tc.want)
			}
			if got := logical(t, dir); strings.Join(got, "\n") != strings.Join(before, "\n") {
				t.Fatal("a refused supersedes changed the lake's view")
			}
		})
	}
}

func TestHostileSupersedesOnDiskHidesAndDeletesNothing(t *testing.T) {
	dir := t.TempDir()
	commit(t, dir, "r1", versionedRows(4, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 100))
	before := logical(t, dir)
	ms, _ := ReadManifests(dir)
	var victims []string
	for _, f := range ms[0].Files {
		victims = append(victims, f.Path)
	}
	b, _ := json.Marshal(Manifest{RunID: "evil", LakeFormat: LakeFormat, CommittedAt: time.Now().UTC(), Supersedes: victims})
	if err := os.WriteFile(filepath.Join(dir, ManifestDir, "evil.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	// A writer's recovery deletes what manifests supersede: not these.
	l, err := Open(dir, "next", nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if got := logical(t, dir); strings.Join(got, "\n") != strings.Join(before, "\n") {
		t.Fatal("a manifest that replaces nothing hid or deleted data")
	}
	rep, _ := Verify(dir)
	if rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), "manifest evil: supersedes "+victims[0]) {
		t.Fatalf("verify problems = %v, want the bad supersedes named", rep.Problems)
	}
}

func TestDeletedLockFileStopsTheOlderWriterCommitting(t *testing.T) {
	dir := t.TempDir()
	ds, _ := schema.Lookup("mau")
	a, err := Open(dir, "a", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	txnA := a.Begin("a")
	rows := versionedRows(2, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 1)
	if err := txnA.Write(ds, partOf(rows[0]), rows); err != nil {
		t.Fatal(err)
	}
	// An operator deletes the lock while a holds it; b can now take a new one.
	if err := os.Remove(filepath.Join(dir, LockFile)); err != nil {
		t.Fatal(err)
	}
	b, err := Open(dir, "b", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := txnA.Commit([]string{"test"}); !errors.Is(err, ErrLockLost) {
		t.Fatalf("commit after the lock file was deleted: %v, want ErrLockLost", err)
	}
	txnB := b.Begin("b")
	if err := txnB.Write(ds, partOf(rows[0]), rows); err != nil {
		t.Fatal(err)
	}
	if _, err := txnB.Commit([]string{"test"}); err != nil {
		t.Fatalf("the writer holding the lock at the path could not commit: %v", err)
	}
	if ms, _ := ReadManifests(dir); len(ms) != 1 || ms[0].RunID != "b" {
		t.Fatalf("manifests %+v, want only b's", ms)
	}
}

func TestLockTakenOnAReplacedFileIsRetaken(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, LockFile)
	removed := 0
	crashPoint = func(p string) {
		// Between our flock and the inode check, the file is unlinked:
		// a second writer would create and lock a new one.
		if p == "locked" && removed == 0 {
			removed++
			os.Remove(path)
		}
	}
	defer func() { crashPoint = func(string) {} }()
	l, err := Open(dir, "r", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if removed != 1 {
		t.Fatal("the hook never ran")
	}
	if err := l.lock.Check(); err != nil {
		t.Fatalf("the lock held is not the file at the path: %v", err)
	}
	if _, err := Open(dir, "other", nil); !errors.Is(err, ErrLocked) {
		t.Fatalf("a second writer got %v, want ErrLocked", err)
	}
}

// A reader that looks the lake up between the manifest's rename and the
// end of publishing gets the staged paths; once publishing is over the
// same files resolve in place.
func TestReaderDuringPublishingResolvesStagedThenPublished(t *testing.T) {
	dir := t.TempDir()
	var during map[string][]string
	crashPoint = func(p string) {
		if p == "committed" {
			var err error
			if during, err = VisibleFiles(dir); err != nil {
				t.Errorf("VisibleFiles during publishing: %v", err)
			}
		}
	}
	defer func() { crashPoint = func(string) {} }()
	commit(t, dir, "r1", versionedRows(4, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 100))
	if len(during["mau"]) != 2 {
		t.Fatalf("files during publishing: %v, want 2", during)
	}
	ds, _ := schema.Lookup("mau")
	for _, p := range during["mau"] {
		if !strings.Contains(p, string(filepath.Separator)+StagingDir+string(filepath.Separator)) {
			t.Fatalf("%s: want a staged path before publishing", p)
		}
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Fatalf("%s still exists after publishing: %v", p, err)
		}
	}
	after, err := VisibleFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	var rows int
	for _, p := range after["mau"] {
		rs, err := ReadRows(p, ds)
		if err != nil {
			t.Fatal(err)
		}
		rows += len(rs)
	}
	if rows != 4 {
		t.Fatalf("%d rows after re-resolving, want 4", rows)
	}
}

func TestVerifyDuringPublishingIsClean(t *testing.T) {
	dir := t.TempDir()
	commit(t, dir, "r0", versionedRows(2, time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), 1))
	var rep Report
	crashPoint = func(p string) {
		if p == "committed" {
			rep, _ = Verify(dir)
		}
	}
	defer func() { crashPoint = func(string) {} }()
	commit(t, dir, "r1", versionedRows(4, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 100))
	if !rep.OK() || rep.Datasets[0].Rows != 6 || !strings.Contains(strings.Join(rep.Notes, "\n"), "still in staging") {
		t.Fatalf("verify during publishing: problems %v notes %v datasets %+v", rep.Problems, rep.Notes, rep.Datasets)
	}
}
