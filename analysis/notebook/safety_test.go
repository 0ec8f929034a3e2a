package notebook

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/analysis/report"
	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
)

// mauLake commits n MAU rows to a new lake under root.
func mauLake(t *testing.T, root string, n int) string {
	t.Helper()
	dir := filepath.Join(root, "lake")
	l, err := lakestore.Open(dir, "r1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ds, _ := schema.Lookup("mau")
	txn := l.Begin("r1")
	for i := range n {
		r := &schema.MAU{PlatformID: "kakaotalk", Country: "KR", Metric: "mau",
			PeriodStart: time.Date(2000+i, 1, 1, 0, 0, 0, 0, time.UTC), PeriodGrain: "year",
			Value: float64(i), Unit: "persons", Estimator: "panel", Source: "test",
			Provenance: schema.Provenance{SourceURL: "test://", FetchedAt: time.Unix(0, 0).UTC(), RunID: "r1"}}
		if err := txn.Write(ds, r.Partition(), []schema.Row{r}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := txn.Commit([]string{"test"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A notebook is someone else's document: its SQL reads the lake's views
// and nothing else, writes nothing, and cannot change what later blocks see.
func TestHostileNotebookSQLIsRefused(t *testing.T) {
	root := t.TempDir()
	dir := mauLake(t, root, 5)
	secret := filepath.Join(root, "secret.txt")
	if err := os.WriteFile(secret, []byte("hunter2"), 0o644); err != nil {
		t.Fatal(err)
	}
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	for _, tc := range []struct {
		name, sql, err string
	}{
		{"copy after a select", "SELECT 1; COPY (SELECT 1) TO " + q(filepath.Join(root, "x.csv")), "several statements"},
		{"copy", "COPY (SELECT * FROM mau) TO " + q(filepath.Join(root, "x.csv")), "x.csv"},
		{"attach", "ATTACH " + q(filepath.Join(root, "x.db")), "not ATTACH"},
		{"replace the mau view", "SELECT 1 AS x;\nCREATE OR REPLACE VIEW mau AS SELECT 1 AS x", "several statements"},
		{"create", "CREATE OR REPLACE VIEW mau AS SELECT 1 AS x", "CREATE"},
		{"set", "SET enable_external_access = true", "SET"},
		{"install", "INSTALL httpfs", "LOAD/INSTALL"},
		{"a system file", "SELECT * FROM read_text('/etc/passwd')", "may read only the lake"},
		{"a file beside the lake", "SELECT content FROM read_text(" + q(secret) + ")", "may read only the lake"},
		{"a file through query()", "FROM query('SELECT content FROM read_text(''" + strings.ReplaceAll(secret, "'", "''''") + "'')')", "may read only the lake"},
		{"climbing out of the lake", "SELECT content FROM read_text(" + q(dir+"/../secret.txt") + ")", "may read only the lake"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := analysis.Open(context.Background(), dir, analysis.Options{Threads: 1, Sandbox: true})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			nb, err := Parse([]byte("# hostile\n\n```sql name=evil\n" + tc.sql + "\n```\n\n```sql name=n\nSELECT count(*) AS n FROM mau\n```\n"))
			if err != nil {
				t.Fatal(err)
			}
			page, err := nb.Render(context.Background(), db, report.Options{})
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "sql evil") {
				t.Fatalf("Render: %v; want an error naming the block and %q", err, tc.err)
			}
			if page != nil {
				t.Fatal("a page was rendered")
			}
			got, err := db.Query(context.Background(), "SELECT count(*) AS n FROM mau")
			if err != nil || got.Rows[0][0] != int64(5) {
				t.Fatalf("mau after the hostile block: %v %v, want 5 rows", got, err)
			}
			entries, _ := os.ReadDir(root)
			if len(entries) != 2 {
				t.Fatalf("the notebook wrote beside the lake: %v", entries)
			}
		})
	}
}

func TestNotebookReadsTheLakeInTheSandbox(t *testing.T) {
	dir := mauLake(t, t.TempDir(), 5)
	db, err := analysis.Open(context.Background(), dir, analysis.Options{Threads: 1, Sandbox: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	nb, err := Parse([]byte("```sql name=n\nWITH m AS (FROM mau) SELECT count(*) AS n FROM m;\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	page, err := nb.Render(context.Background(), db, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s := page.Blocks[0].Section; s == nil || s.Table == nil || s.Table.Rows[0][0] != int64(5) {
		t.Fatalf("rendered %+v, want one table saying 5", page.Blocks)
	}
}

// The catalog's macros work in the sandbox, with their parameters.
func TestNotebookCallsCatalogMacrosInTheSandbox(t *testing.T) {
	dir := mauLake(t, t.TempDir(), 5)
	db, err := analysis.Open(context.Background(), dir, analysis.Options{Threads: 1, Sandbox: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	nb, err := Parse([]byte("```sql name=n\nSELECT count(*) AS n, sum(users) AS users FROM mau_trend(platform := 'kakaotalk', country := 'KR')\n```\n" +
		"```sql name=none\nSELECT count(*) AS n FROM mau_trend(country := 'US')\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	page, err := nb.Render(context.Background(), db, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s := page.Blocks[0].Section; s == nil || s.Table == nil || s.Table.Rows[0][0] != int64(5) || s.Table.Rows[0][1] != float64(0+1+2+3+4) {
		t.Fatalf("rendered %+v, want 5 rows of kakaotalk summing to 10", page.Blocks[0].Section.Table)
	}
	if s := page.Blocks[1].Section; s == nil || s.Table == nil || s.Table.Rows[0][0] != int64(0) {
		t.Fatalf("country := 'US' was not passed on: %+v", page.Blocks[1].Section.Table)
	}
}

func TestRenderRefusesAnOpenDatabase(t *testing.T) {
	db, err := analysis.Open(context.Background(), t.TempDir(), analysis.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	nb, _ := Parse([]byte("```sql name=a\nSELECT 1\n```\n"))
	if _, err := nb.Render(context.Background(), db, report.Options{}); err == nil || !strings.Contains(err.Error(), "Sandbox") {
		t.Fatalf("Render on a database with external access: %v", err)
	}
}

func TestUnsafeChartIDsAreRefused(t *testing.T) {
	for _, id := range []string{"../x", "../../etc/cron.d/x", "a/b", `a\b`, ".hidden", "-x", `"x y"`, strings.Repeat("a", 65)} {
		md := "```sql name=a\nSELECT 1 AS x, 2 AS y\n```\n```chart type=line x=x y=y id=" + id + "\n```\n"
		if _, err := Parse([]byte(md)); err == nil || !strings.Contains(err.Error(), "chart id") {
			t.Errorf("chart id %s: %v, want a chart id error", id, err)
		}
	}
	md := "```sql name=a\nSELECT 1 AS x, 2 AS y\n```\n```chart type=line x=x y=y id=mau-2022_Q4\n```\n"
	if _, err := Parse([]byte(md)); err != nil {
		t.Errorf("a safe chart id was refused: %v", err)
	}
}
