package ingest

import (
	"fmt"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/rowhash"
	"github.com/gwanmun/gwanmun/data/schema"
)

// newsRows spreads n articles over years partitions (news is split by
// publication year), round robin.
func newsRows(n, years int) []schema.Row {
	rows := make([]schema.Row, n)
	for i := range rows {
		at := time.Date(2010+i%years, time.Month(1+i%12), 1, 0, 0, 0, 0, time.UTC)
		rows[i] = &schema.News{
			ArticleID: fmt.Sprintf("a%03d", i), URL: fmt.Sprintf("https://example.org/%d", i), Title: fmt.Sprintf("기사 %d", i),
			PublishedAt: &at,
			Provenance:  schema.Provenance{SourceURL: "https://example.org/", FetchedAt: at, RunID: "r"},
		}
	}
	return rows
}

func TestPartBufferHoldsAtMostItsBudgetAndWritesOneFilePerPartition(t *testing.T) {
	dir := t.TempDir()
	lk, err := lakestore.Open(dir, "r1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lk.Close()
	const budget, n, years = 10, 500, 7
	txn := lk.Begin("r1")
	b := newPartBuffer(txn, budget)
	peak := 0
	for _, r := range newsRows(n, years) {
		if err := b.add(r, sumOf(t, r)); err != nil {
			t.Fatal(err)
		}
		peak = max(peak, b.total)
	}
	if peak >= budget {
		t.Fatalf("held %d rows at once, budget %d", peak, budget)
	}
	written, err := b.close()
	if err != nil || written != n {
		t.Fatalf("close: %d rows written, %v; want %d", written, err, n)
	}
	m, err := txn.Commit([]string{"test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != years {
		t.Fatalf("%d files, want one per partition (%d)", len(m.Files), years)
	}
	var total int64
	for _, f := range m.Files {
		total += f.Rows
		if f.Rows < n/years {
			t.Errorf("%s holds %d rows, want at least %d", f.Path, f.Rows, n/years)
		}
	}
	if total != n {
		t.Fatalf("files hold %d rows, want %d", total, n)
	}
	// The same rows again, flushed at other moments (another budget), are
	// a rerun: nothing is written.
	txn2 := lk.Begin("r2")
	b2 := newPartBuffer(txn2, 3)
	for _, r := range newsRows(n, years) {
		if err := b2.add(r, sumOf(t, r)); err != nil {
			t.Fatal(err)
		}
	}
	if written, err := b2.close(); err != nil || written != 0 || txn2.Skipped != years {
		t.Fatalf("rerun: %d rows written, %d files skipped, %v; want 0, %d", written, txn2.Skipped, err, years)
	}
	if err := txn2.Abort(); err != nil {
		t.Fatal(err)
	}
}

func sumOf(t *testing.T, r schema.Row) [rowhash.Size]byte {
	t.Helper()
	s, err := rowhash.Sum(r)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
