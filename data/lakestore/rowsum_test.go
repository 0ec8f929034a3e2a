package lakestore

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/data/schema"
)

// TestSpilledSumEqualsSortedSum: the rows hash merged from sorted runs on
// disk is the hash of all sums sorted in memory, for run sizes that leave
// nothing, a little or a full run held at the end.
func TestSpilledSumEqualsSortedSum(t *testing.T) {
	var all [][sha256.Size]byte
	for i := range 1000 {
		all = append(all, sha256.Sum256(fmt.Appendf(nil, "row %d", i%900))) // some repeats
	}
	want := sortedSum(append([][sha256.Size]byte(nil), all...))
	for _, at := range []int{1, 7, 64, 500, 1000, 5000} {
		dir := t.TempDir()
		h := rowsHasher{spill: &spiller{prefix: filepath.Join(dir, "x.sums"), at: at}}
		for _, s := range all {
			if err := h.push(s); err != nil {
				t.Fatal(err)
			}
		}
		if at < len(all) && len(h.spill.runs) == 0 {
			t.Errorf("at %d: nothing spilled", at)
		}
		if len(h.sums) >= at {
			t.Errorf("at %d: %d sums held", at, len(h.sums))
		}
		if got := h.sum(); got != want || h.err != nil {
			t.Errorf("at %d: %s (%v), want %s", at, got, h.err, want)
		}
		h.spill.remove()
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Errorf("at %d: %d run files left", at, len(left))
		}
	}
}

// TestStagedFileSpillsAndLeavesNoRunFiles: a staged file whose sums spill
// gets the manifest rows hash of its rows, and its run files are gone
// after the commit.
func TestStagedFileSpillsAndLeavesNoRunFiles(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, "r1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ds, _ := schema.Lookup("mau")
	txn := l.Begin("r1")
	w, err := txn.Create(ds, "")
	if err != nil {
		t.Fatal(err)
	}
	w.sf.sums.spill.at = 7
	rows := mauRows(100, 0)
	for i := 0; i < len(rows); i += 9 {
		if err := w.Write(rows[i:min(i+9, len(rows))]); err != nil {
			t.Fatal(err)
		}
	}
	if len(w.sf.sums.spill.runs) < 10 {
		t.Fatalf("%d runs spilled, want at least 10", len(w.sf.sums.spill.runs))
	}
	if ok, err := w.Close(); err != nil || !ok {
		t.Fatalf("close: %v %v", ok, err)
	}
	m, err := txn.Commit([]string{"test"})
	if err != nil {
		t.Fatal(err)
	}
	want, err := RowsSHA256(rows)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Files[0].RowsSHA256; got != want {
		t.Errorf("rows hash %s, want %s", got, want)
	}
	_ = filepath.WalkDir(dir, func(p string, _ os.DirEntry, _ error) error {
		if strings.Contains(p, ".sums-") {
			t.Errorf("run file left: %s", p)
		}
		return nil
	})
}
