package lakestore

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
)

func platformRows(n int, runID string) []schema.Row {
	at := time.Date(2022, 10, 15, 9, 0, 0, 0, time.UTC)
	rows := make([]schema.Row, n)
	for i := range rows {
		rows[i] = &schema.Platform{PlatformID: fmt.Sprintf("p%03d", i), Name: fmt.Sprintf("플랫폼 %d", i),
			Provenance: schema.Provenance{SourceURL: "test://platforms", FetchedAt: at, Collector: "test", RunID: runID}}
	}
	return rows
}

// commitTwice writes rows as run runID, once with Write and once more
// through a FileWriter in two flushes, and returns the manifest and how
// many files each path skipped as a rerun.
func commitTwice(t *testing.T, dir, runID string, rows []schema.Row) (Manifest, int) {
	t.Helper()
	l, err := Open(dir, runID, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ds, _ := schema.Lookup("platforms")
	txn := l.Begin(runID)
	if err := txn.Write(ds, "", rows); err != nil {
		t.Fatal(err)
	}
	w, err := txn.Create(ds, "")
	if err != nil {
		t.Fatal(err)
	}
	half := len(rows) / 2
	if err := w.Write(rows[half:]); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rows[:half]); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	m, err := txn.Commit([]string{"test"})
	if err != nil {
		t.Fatal(err)
	}
	return m, txn.Skipped
}

// A lake written by format 1 (rows_sha256 over each row's JSON) still
// recognises a rerun of its input after the hash changed to data/rowhash.
func TestFormatOneLakeRecognisesRerun(t *testing.T) {
	dir := t.TempDir()
	rows := platformRows(20, "r1")
	m, skipped := commitTwice(t, dir, "r1", rows)
	if len(m.Files) != 1 || skipped != 1 {
		t.Fatalf("first run: %d files, %d skipped; want 1 and 1 (the FileWriter copy is the same rows)", len(m.Files), skipped)
	}
	// Turn the manifest into what format 1 wrote.
	legacy, err := legacyRowsSHA256(rows)
	if err != nil {
		t.Fatal(err)
	}
	if legacy == m.Files[0].RowsSHA256 {
		t.Fatal("format 1 and 2 sums are equal; the test would prove nothing")
	}
	m.LakeFormat, m.Files[0].RowsSHA256 = 1, legacy
	b, _ := json.Marshal(m)
	if err := os.WriteFile(filepath.Join(dir, ManifestDir, "r1.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if rep, err := Verify(dir); err != nil || !rep.OK() {
		t.Fatalf("verify of the format-1 lake: %v %v", err, rep.Problems)
	}
	m2, skipped := commitTwice(t, dir, "r2", platformRows(20, "r2"))
	if len(m2.Files) != 0 || skipped != 2 {
		t.Fatalf("rerun on a format-1 lake: %d files written, %d skipped; want 0 and 2", len(m2.Files), skipped)
	}
	// Other rows still land, with a format-2 sum.
	m3, _ := commitTwice(t, dir, "r3", platformRows(21, "r3"))
	if len(m3.Files) != 1 || m3.LakeFormat != LakeFormat {
		t.Fatalf("new rows: %+v", m3)
	}
	if want, _ := RowsSHA256(platformRows(21, "other")); m3.Files[0].RowsSHA256 != want {
		t.Fatalf("rows_sha256 %s, want the rowhash sum %s", m3.Files[0].RowsSHA256, want)
	}
}

// Verify recomputes a format-2 file's rows_sha256 from the rows it reads
// back: a manifest whose sum is wrong would make a rerun land again or,
// worse, new rows be taken for a rerun.
func TestVerifyChecksRowsSHA256(t *testing.T) {
	dir := t.TempDir()
	m, _ := commitTwice(t, dir, "r1", platformRows(5, "r1"))
	if rep, err := Verify(dir); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep.Problems)
	}
	m.Files[0].RowsSHA256 = strings.Repeat("0", 64)
	b, _ := json.Marshal(m)
	if err := os.WriteFile(filepath.Join(dir, ManifestDir, "r1.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), "rows_sha256 of its rows") {
		t.Fatalf("verify missed a wrong rows_sha256: %v", rep.Problems)
	}
}

// legacyRowsSHA256 is RowsSHA256 as lake format 1 defined it, over each
// row's JSON, to build a format-1 manifest.
func legacyRowsSHA256(rows []schema.Row) (string, error) {
	h := rowsHasher{legacy: true}
	for _, r := range rows {
		if err := h.add(r); err != nil {
			return "", err
		}
	}
	return h.legacySum(), nil
}
