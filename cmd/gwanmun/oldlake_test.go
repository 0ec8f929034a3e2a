package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
)

// TestLakeWrittenBeforeOriginColumnsStaysReadable: a mau file written
// before the origin columns existed (no file of the lake has them) still
// reads through the views, sql and export, with the origins NULL.
func TestLakeWrittenBeforeOriginColumnsStaysReadable(t *testing.T) {
	lakeDir := filepath.Join(t.TempDir(), "lake")
	l, err := lakestore.Open(lakeDir, "old", nil)
	if err != nil {
		t.Fatal(err)
	}
	ds, _ := schema.Lookup("mau")
	row := &schema.MAU{
		PlatformID: "kakaotalk", Country: "KR", Metric: "mau", PeriodGrain: "quarter",
		PeriodStart: time.Date(2022, 7, 1, 0, 0, 0, 0, time.UTC), PeriodLabel: "2022Q3",
		Value: 47_637_000, Unit: "persons", Estimator: "company-reported", Source: "Kakao IR",
		Provenance: schema.Provenance{SourceURL: "https://www.kakaocorp.com/ir", FetchedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), RunID: "old"},
	}
	txn := l.Begin("old")
	if err := txn.Write(ds, row.Partition(), []schema.Row{row}); err != nil {
		t.Fatal(err)
	}
	m, err := txn.Commit([]string{"test"})
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	// Rewrite the file as an older gwanmun wrote it: without the columns.
	file := filepath.Join(lakeDir, filepath.FromSlash(m.Files[0].Path))
	db, err := lakestore.OpenDuckDB("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for _, q := range []string{
		fmt.Sprintf(`COPY (SELECT * EXCLUDE (origin_source, origin_url) FROM read_parquet('%s')) TO '%s.old' (FORMAT parquet)`, file, file),
		fmt.Sprintf(`COPY (SELECT * FROM read_parquet('%s.old')) TO '%s' (FORMAT parquet)`, file, file),
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := runCLI(t, lakeDir, "sql", "--csv", "SELECT platform_id, value, origin_source IS NULL AS no_origin, value_revision FROM mau")
	if code != exitOK || stdout != "platform_id,value,no_origin,value_revision\nkakaotalk,47637000,true,1\n" {
		t.Fatalf("sql exit %d\n%s\n%s", code, stdout, stderr)
	}
	out := filepath.Join(t.TempDir(), "export")
	if code, stdout, stderr := runCLI(t, lakeDir, "lake", "export", "--format", "csv", "-o", out); code != exitOK {
		t.Fatalf("export exit %d\n%s\n%s", code, stdout, stderr)
	}
	raw, err := os.ReadFile(filepath.Join(out, "mau.csv"))
	if err != nil {
		t.Fatal(err)
	}
	b := string(raw)
	if !strings.Contains(b, "origin_source") || !strings.Contains(b, "kakaotalk") {
		t.Fatalf("exported mau.csv:\n%s", b)
	}
}
