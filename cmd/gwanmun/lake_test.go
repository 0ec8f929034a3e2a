package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
)

// restate commits new versions of two seed MAU figures and one new figure,
// as a later collector run would: two partitions get a second file.
func restate(t *testing.T, dir string) {
	t.Helper()
	l, err := lakestore.Open(dir, "restate", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ds, _ := schema.Lookup("mau")
	at := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	rows := []schema.Row{
		&schema.MAU{PlatformID: "kakaotalk", Country: "KR", Metric: "mau", PeriodStart: time.Date(2022, 7, 1, 0, 0, 0, 0, time.UTC), PeriodGrain: "quarter", PeriodLabel: "2022Q3", Value: 1, Unit: "persons", Estimator: "company-reported", Source: "restated"},
		&schema.MAU{PlatformID: "kakaotalk", Country: "KR", Metric: "mau", PeriodStart: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), PeriodGrain: "quarter", PeriodLabel: "2023Q1", Value: 2, Unit: "persons", Estimator: "company-reported", Source: "restated"},
	}
	txn := l.Begin("restate")
	for _, r := range rows {
		*r.Prov() = schema.Provenance{SourceURL: "test://restate", FetchedAt: at, RunID: "restate", Collector: "test"}
		if err := txn.Write(ds, r.Partition(), []schema.Row{r}); err != nil {
			t.Fatal(err)
		}
	}
	// The same keys again, fetched later: versions the views hide.
	for _, r := range rows {
		r2 := *r.(*schema.MAU)
		r2.Value += 100
		r2.FetchedAt = at.Add(time.Hour)
		if err := txn.Write(ds, r2.Partition(), []schema.Row{&r2}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := txn.Commit([]string{"test"}); err != nil {
		t.Fatal(err)
	}
}

func TestLakeLsVerifyCompactExport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lake")
	for range 2 {
		if code, out, errs := runCLI(t, dir, "ingest", "--source", "seed"); code != exitOK {
			t.Fatalf("ingest exit %d\n%s%s", code, out, errs)
		}
	}
	restate(t, dir)

	code, out, _ := runCLI(t, dir, "lake", "ls", "--json")
	var ls lakestore.Listing
	if code != exitOK || json.Unmarshal([]byte(out), &ls) != nil {
		t.Fatalf("ls exit %d: %s", code, out)
	}
	byName := map[string]lakestore.DatasetListing{}
	for _, d := range ls.Datasets {
		byName[d.Dataset] = d
	}
	if ls.Manifests != 3 || byName["mau"].Rows != 283+4 || byName["runs"].Rows != 2 || byName["platforms"].Files != 1 {
		t.Fatalf("ls = %+v", ls)
	}

	rep := verifyJSON(t, dir)
	if rep.Datasets[mauIndex(rep)].Shadowed != 2 {
		t.Fatalf("verify mau = %+v, want 2 shadowed rows", rep.Datasets[mauIndex(rep)])
	}
	query := "SELECT platform_id, period_label, source, value, run_id FROM mau ORDER BY ALL"
	_, before, _ := runCLI(t, dir, "sql", "--format", "csv", query)

	code, out, errs := runCLI(t, dir, "lake", "compact", "--json")
	var done []lakestore.Compaction
	if code != exitOK || json.Unmarshal([]byte(out), &done) != nil || len(done) != 2 { // mau (one partition since lake format 2), runs
		t.Fatalf("compact exit %d: %s%s", code, out, errs)
	}
	rep = verifyJSON(t, dir)
	if d := rep.Datasets[mauIndex(rep)]; d.Shadowed != 2 || d.Rows != 283+4 {
		t.Fatalf("verify after compaction: mau = %+v", d)
	}
	if _, after, _ := runCLI(t, dir, "sql", "--format", "csv", query); after != before {
		t.Fatal("compaction changed what the mau view shows")
	}
	if code, out, _ := runCLI(t, dir, "lake", "compact"); code != exitOK || !strings.Contains(out, "nothing to compact") {
		t.Fatalf("second compact exit %d: %s", code, out)
	}

	csvDir := filepath.Join(t.TempDir(), "csv")
	if code, out, errs := runCLI(t, dir, "lake", "export", "--format", "csv", "-o", csvDir); code != exitOK {
		t.Fatalf("export csv exit %d: %s%s", code, out, errs)
	}
	b, err := os.ReadFile(filepath.Join(csvDir, "mau.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 283+2+1 || !strings.HasPrefix(lines[0], "platform_id,country,metric,period_start,") {
		t.Fatalf("mau.csv has %d lines, header %q", len(lines), lines[0])
	}
	if !strings.Contains(string(b), ",2022-07-01,quarter,2022Q3,101,persons,") {
		t.Fatal("mau.csv lacks the latest version of the restated figure")
	}
	if b, _ := os.ReadFile(filepath.Join(csvDir, "news.csv")); !strings.HasPrefix(string(b), "article_id,") {
		t.Fatalf("an empty dataset exports as its header, got %q", b)
	}

	db := filepath.Join(t.TempDir(), "out", "gwanmun.duckdb")
	if code, out, errs := runCLI(t, dir, "lake", "export", "--format", "duckdb", "-o", db); code != exitOK {
		t.Fatalf("export duckdb exit %d: %s%s", code, out, errs)
	}
	conn, err := lakestore.OpenDuckDB(db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for table, want := range map[string]int{"mau": 283 + 2, "platforms": 51, "news": 0, "runs": 2} {
		var n int
		if err := conn.QueryRow("SELECT count(*) FROM " + lakestore.QuoteIdent(table)).Scan(&n); err != nil || n != want {
			t.Errorf("exported table %s: %d rows, %v; want %d", table, n, err, want)
		}
	}
	if code, _, errs := runCLI(t, dir, "lake", "export", "--format", "xlsx"); code != exitUsage {
		t.Fatalf("export --format xlsx exit %d, want usage: %s", code, errs)
	}
}

func verifyJSON(t *testing.T, dir string) lakestore.Report {
	t.Helper()
	code, out, errs := runCLI(t, dir, "lake", "verify", "--json")
	var rep lakestore.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitOK || !rep.OK() {
		t.Fatalf("verify exit %d, %v: %s%s", code, err, out, errs)
	}
	return rep
}

func mauIndex(rep lakestore.Report) int {
	for i, d := range rep.Datasets {
		if d.Dataset == "mau" {
			return i
		}
	}
	return -1
}

func TestLakeVerifyFailsOnDamage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lake")
	if code, _, _ := runCLI(t, dir, "ingest", "--source", "seed"); code != exitOK {
		t.Fatal("ingest failed")
	}
	files, _ := lakestore.VisibleFiles(dir)
	// A file gone from the folder is still in the Iceberg warehouse, where
	// the commit put it: read from there, and said so.
	os.Remove(files["platforms"][0])
	code, out, errs := runCLI(t, dir, "lake", "verify")
	if code != exitOK || !strings.Contains(out, "is not in this lake folder") {
		t.Fatalf("verify of a lake missing a folder copy: exit %d\n%s%s", code, out, errs)
	}
	// Damaged bytes are damage: the folder's file and the warehouse's are
	// one file (a hard link).
	if err := os.WriteFile(files["mau"][0], []byte("not parquet"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runCLI(t, dir, "lake", "verify")
	if code != exitFailure || !strings.Contains(out, "PROBLEM:") || !strings.Contains(errs, "1 problem(s)") {
		t.Fatalf("verify of a damaged lake: exit %d\n%s%s", code, out, errs)
	}
}

// A relative lake in sources.toml is relative to that file, not to the
// working directory (cron's is $HOME); ingest and the lake commands agree.
func TestConfigLakeIsRelativeToTheConfigFile(t *testing.T) {
	t.Setenv("GWANMUN_LAKE", "")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sources.toml")
	os.WriteFile(cfg, []byte("lake = \"mylake\"\n"), 0o644)
	var out, errb bytes.Buffer
	if code := execute(context.Background(), []string{"--config", cfg, "ingest", "--source", "seed"}, &out, &errb); code != exitOK {
		t.Fatalf("ingest exit %d: %s%s", code, out.String(), errb.String())
	}
	if ms, err := lakestore.ReadManifests(filepath.Join(dir, "mylake")); err != nil || len(ms) != 1 {
		t.Fatalf("the run did not land in the config's lake: %v, %d manifests", err, len(ms))
	}
	out.Reset()
	if code := execute(context.Background(), []string{"--config", cfg, "lake", "ls", "--json"}, &out, &errb); code != exitOK || !strings.Contains(out.String(), filepath.Join(dir, "mylake")) {
		t.Fatalf("lake ls did not find the config's lake: exit %d %s", code, out.String())
	}
}
