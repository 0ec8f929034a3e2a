package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Reusing a run id used to replace the committed manifest (mau_all went
// from 330 rows to 0 with exit 0); a hostile one wrote outside the lake.
func TestRunIDCannotReplaceOrEscapeIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests the seed")
	}
	root := t.TempDir()
	dir := filepath.Join(root, "lake")
	if code, out, errs := runCLI(t, dir, "ingest", "--source", "seed", "--run-id", "fixed"); code != exitOK {
		t.Fatalf("first ingest exit %d: %s%s", code, out, errs)
	}
	countAll := func() string {
		code, out, errs := runCLI(t, dir, "sql", "--format", "csv", "SELECT count(*) AS n FROM mau_all")
		if code != exitOK {
			t.Fatalf("sql exit %d: %s", code, errs)
		}
		return out
	}
	before := countAll()
	if strings.TrimSpace(before) == "n\n0" {
		t.Fatal("the seed wrote no mau rows")
	}
	// The same id again, with a new ledger row to commit.
	code, out, errs := runCLI(t, dir, "ingest", "--source", "seed", "--run-id", "fixed")
	if code == exitOK || !strings.Contains(out+errs, "already committed") {
		t.Fatalf("reused run id: exit %d: %s%s; want a failure saying it is already committed", code, out, errs)
	}
	if after := countAll(); after != before {
		t.Fatalf("mau_all went from %q to %q", before, after)
	}
	if code, out, errs := runCLI(t, dir, "lake", "verify"); code != exitOK {
		t.Fatalf("verify after a refused rerun: exit %d: %s%s", code, out, errs)
	}
	for _, id := range []string{"../../../esc", "a/b", ".hidden"} {
		if code, out, errs := runCLI(t, dir, "ingest", "--source", "seed", "--run-id", id); code == exitOK {
			t.Errorf("--run-id %q accepted: %s%s", id, out, errs)
		}
	}
	if entries, _ := os.ReadDir(root); len(entries) != 1 {
		t.Fatalf("something was written beside the lake: %v", entries)
	}
	if after := countAll(); after != before {
		t.Fatalf("mau_all went from %q to %q after bad run ids", before, after)
	}
}
