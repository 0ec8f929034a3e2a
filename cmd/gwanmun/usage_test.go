package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/ingest/all"
)

var (
	seedLakeOnce sync.Once
	seedLakeDir  string
	seedLakeErr  string
)

// seedLake is a lake holding one seed ingest, shared by read-only tests.
func seedLake(t *testing.T) string {
	t.Helper()
	seedLakeOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gwanmun-seedlake-")
		if err != nil {
			seedLakeErr = err.Error()
			return
		}
		seedLakeDir = filepath.Join(dir, "lake")
		var out, errb bytes.Buffer
		if code := execute(context.Background(), []string{"--lake", seedLakeDir, "ingest", "--source", "seed"}, &out, &errb); code != exitOK {
			seedLakeErr = out.String() + errb.String()
		}
	})
	if seedLakeErr != "" {
		t.Fatalf("seed ingest: %s", seedLakeErr)
	}
	return seedLakeDir
}

// Every usage error exits 2 and says what was wrong, before any work.
func TestUsageErrorsExit2(t *testing.T) {
	t.Setenv("GWANMUN_LAKE", "")
	tmp := t.TempDir()
	file := filepath.Join(tmp, "a-file")
	os.WriteFile(file, []byte("x"), 0o644)
	empty := filepath.Join(tmp, "empty.toml")
	os.WriteFile(empty, nil, 0o644)
	notALake := filepath.Join(tmp, "notalake")
	os.MkdirAll(notALake, 0o755)
	missing := filepath.Join(tmp, "lkae") // a typo
	lake := seedLake(t)
	// The seed lake is adopted into its Iceberg catalog: settings that
	// would turn that off or name another catalog are refused.
	icebergOff := filepath.Join(tmp, "iceberg-off.toml")
	os.WriteFile(icebergOff, []byte("[iceberg]\nenabled = false\n"), 0o644)
	otherWarehouse := filepath.Join(tmp, "other-warehouse.toml")
	os.WriteFile(otherWarehouse, []byte("[iceberg]\nwarehouse = \""+filepath.Join(tmp, "wh")+"\"\n"), 0o644)
	for _, tc := range []struct {
		name string
		lake string
		args []string
		want string // in stderr
	}{
		{"unknown subcommand", lake, []string{"bogus"}, `unknown command "bogus"`},
		{"unknown lake subcommand", lake, []string{"lake", "bogus"}, `unknown command "bogus"`},
		{"unknown notebook subcommand", lake, []string{"notebook", "bogus"}, `unknown command "bogus"`},
		{"unknown flag", lake, []string{"sql", "--bogus", "SELECT 1"}, "unknown flag"},
		{"sql without a query", lake, []string{"sql"}, "no query"},
		{"sql with two queries", lake, []string{"sql", "SELECT 1", "SELECT 2"}, "accepts at most 1 arg"},
		{"sql with an argument and -f", lake, []string{"sql", "-f", file, "SELECT 1"}, "not both"},
		{"sql -f missing file", lake, []string{"sql", "-f", filepath.Join(tmp, "nope.sql")}, "read query"},
		{"sql -f empty file", lake, []string{"sql", "-f", empty}, "empty"},
		{"memory limit not a size", lake, []string{"--memory-limit", "abc", "sql", "SELECT 1"}, "--memory-limit"},
		{"log level unknown", lake, []string{"--log-level", "bogus", "lake", "ls"}, "--log-level"},
		{"negative threads", lake, []string{"--threads", "-5", "sql", "SELECT 1"}, "--threads"},
		{"negative if-older-than", lake, []string{"ingest", "--source", "seed", "--if-older-than", "-1h"}, "--if-older-than"},
		{"negative lag", lake, []string{"ingest", "--source", "seed", "--lag", "-1h"}, "--lag"},
		{"negative wait", lake, []string{"lake", "compact", "--wait", "-1s"}, "--wait"},
		{"schedule negative if-older-than", lake, []string{"schedule", "--cron", "@daily", "--if-older-than", "-1h"}, "--if-older-than"},
		{"run id climbing out", lake, []string{"ingest", "--source", "seed", "--run-id", "../../../esc"}, "--run-id"},
		{"run id nested", lake, []string{"ingest", "--source", "seed", "--run-id", "a/b"}, "--run-id"},
		{"run id hidden", lake, []string{"ingest", "--source", "seed", "--run-id", ".hidden"}, "--run-id"},
		{"sql format xml", lake, []string{"sql", "--format", "xml", "SELECT 1"}, `--format "xml"`},
		{"analyze format xml", lake, []string{"analyze", "--format", "xml"}, `--format "xml"`},
		{"sources format xml", lake, []string{"sources", "--format", "xml"}, `--format "xml"`},
		{"lake ls format xml", lake, []string{"lake", "ls", "--format", "xml"}, `--format "xml"`},
		{"lake verify format xml", lake, []string{"lake", "verify", "--format", "xml"}, `--format "xml"`},
		{"report check format xml", lake, []string{"report", "--check", "--format", "xml"}, `--format "xml"`},
		{"json and csv together", lake, []string{"sql", "--json", "--csv", "SELECT 1"}, "contradicts"},
		{"unknown param of one analysis", lake, []string{"analyze", "concentration", "--param", "categroy=portal"}, "--param categroy"},
		{"unknown param of all analyses", lake, []string{"analyze", "--param", "nosuch=1"}, "--param nosuch"},
		{"param without value", lake, []string{"analyze", "--param", "country"}, "want key=value"},
		{"merge with unknown platforms", lake, []string{"analyze", "concentration", "--param", "merge=kakaotalk,nosuchapp,zzz"}, "unknown platform id(s) nosuchapp, zzz"},
		{"merge of one platform", lake, []string{"analyze", "concentration", "--param", "merge=kakaotalk"}, "two or more distinct platform ids"},
		{"as_of not a date", lake, []string{"analyze", "lockin", "--param", "as_of=2022-13-01"}, "not a date"},
		{"unknown analysis", lake, []string{"analyze", "concentraton"}, "unknown analysis"},
		{"empty expectations", lake, []string{"report", "--check", "--expectations", empty}, "no [[number]] entries"},
		{"report into a file", lake, []string{"report", "-o", file}, "is a file"},
		{"run into a file", lake, []string{"run", "-o", file}, "is a file"},
		{"export bom with duckdb", lake, []string{"lake", "export", "--format", "duckdb", "--bom"}, "--bom"},
		{"sql on a folder that is not a lake", notALake, []string{"sql", "SELECT 1"}, "not a gwanmun lake"},
		{"sql on a mistyped lake", missing, []string{"sql", "SELECT 1"}, "not a gwanmun lake"},
		{"analyze on a mistyped lake", missing, []string{"analyze", "concentration"}, "not a gwanmun lake"},
		{"report on a mistyped lake", missing, []string{"report", "-o", filepath.Join(tmp, "out")}, "not a gwanmun lake"},
		{"report check on a mistyped lake", missing, []string{"report", "--check"}, "not a gwanmun lake"},
		{"lake ls on a mistyped lake", missing, []string{"lake", "ls"}, "not a gwanmun lake"},
		{"lake verify on a mistyped lake", missing, []string{"lake", "verify"}, "not a gwanmun lake"},
		{"lake compact on a mistyped lake", missing, []string{"lake", "compact"}, "not a gwanmun lake"},
		{"lake export on a mistyped lake", missing, []string{"lake", "export", "--format", "csv", "-o", filepath.Join(tmp, "x")}, "not a gwanmun lake"},
		{"notebook sql on a mistyped lake", missing, []string{"notebook", "sql"}, "not a gwanmun lake"},
		{"sources on a mistyped lake", missing, []string{"sources"}, "not a gwanmun lake"},
		{"iceberg off on an adopted lake", lake, []string{"--config", icebergOff, "ingest", "--source", "seed"}, "enabled = false"},
		{"another warehouse for an adopted lake", lake, []string{"--config", otherWarehouse, "lake", "compact"}, "use the settings the lake was adopted with"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCLI(t, tc.lake, tc.args...)
			if code != exitUsage || !strings.Contains(errs, tc.want) {
				t.Fatalf("%q: exit %d, stderr %q; want exit 2 naming %q\nstdout: %s", tc.args, code, errs, tc.want, out)
			}
		})
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("a read command created the mistyped lake")
	}
}

// A mistyped GWANMUN_LAKE is caught as a mistyped --lake is.
func TestMistypedLakeEnvIsAUsageError(t *testing.T) {
	t.Setenv("GWANMUN_LAKE", filepath.Join(t.TempDir(), "lkae"))
	var out, errb bytes.Buffer
	code := execute(context.Background(), []string{"sql", "SELECT count(*) FROM mau"}, &out, &errb)
	if code != exitUsage || !strings.Contains(errb.String(), "not a gwanmun lake") || out.Len() != 0 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
}

// Reusing a committed run id would replace its manifest: refused, and the
// lake keeps what it had.
func TestReusedRunIDIsRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lake")
	if code, out, errs := runCLI(t, dir, "ingest", "--source", "seed", "--run-id", "nightly-1"); code != exitOK {
		t.Fatalf("first ingest exit %d: %s%s", code, out, errs)
	}
	before := lakeContents(t, dir)
	code, _, errs := runCLI(t, dir, "ingest", "--source", "seed", "--run-id", "nightly-1")
	if code != exitUsage || !strings.Contains(errs, lakestore.ErrRunIDUsed.Error()) {
		t.Fatalf("reused run id: exit %d, stderr %q", code, errs)
	}
	sameLakeContents(t, "after a refused run id", lakeContents(t, dir), before)
	if ms, _ := lakestore.ReadManifests(dir); len(ms) != 1 {
		t.Fatalf("%d manifests, want the first run's only", len(ms))
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, t.TempDir(), "--version")
	if code != exitOK || !strings.HasPrefix(out, "gwanmun ") || !strings.Contains(out, "go1.") {
		t.Fatalf("--version: exit %d %q", code, out)
	}
}

func TestAnalyzeListAndHelp(t *testing.T) {
	code, out, _ := runCLI(t, t.TempDir(), "analyze", "--list", "--json")
	var list []analysisInfo
	if err := json.Unmarshal([]byte(out), &list); code != exitOK || err != nil {
		t.Fatalf("analyze --list --json: exit %d, %v: %s", code, err, out)
	}
	if len(list) != len(analysis.Catalog) {
		t.Fatalf("listed %d analyses, the catalog has %d", len(list), len(analysis.Catalog))
	}
	for i, an := range analysis.Catalog {
		if list[i].Name != an.Name || len(list[i].Params) != len(an.Params) {
			t.Errorf("listed %+v for %s", list[i], an.Name)
		}
	}
	code, out, _ = runCLI(t, t.TempDir(), "analyze", "--list")
	if code != exitOK || !strings.Contains(out, "blast_radius") || !strings.Contains(out, "failed kinds country source as_of") {
		t.Fatalf("analyze --list: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, t.TempDir(), "analyze", "concentration", "--help")
	for _, want := range []string{"concentration: Market concentration", "--param KEY=VALUE", "category", "(default messenger)", "internet_users"} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("analyze concentration --help lacks %q (exit %d):\n%s", want, code, out)
		}
	}
	if _, out, _ = runCLI(t, t.TempDir(), "analyze", "--help"); !strings.Contains(out, "--list") {
		t.Errorf("analyze --help is not the command's help:\n%s", out)
	}
}

// The same query given as an argument, with -f and on standard input
// prints the same.
func TestSQLQueryFromFileAndStdin(t *testing.T) {
	lake := seedLake(t)
	const q = "SELECT platform_id, name FROM platforms ORDER BY platform_id LIMIT 3"
	code, want, errs := runCLI(t, lake, "sql", "--csv", q)
	if code != exitOK || strings.Count(want, "\n") != 4 {
		t.Fatalf("sql: exit %d %q %s", code, want, errs)
	}
	f := filepath.Join(t.TempDir(), "q.sql")
	os.WriteFile(f, []byte(q+";\n"), 0o644)
	if code, got, errs := runCLI(t, lake, "sql", "--csv", "-f", f); code != exitOK || got != want {
		t.Errorf("sql -f: exit %d %q %s", code, got, errs)
	}
	for _, args := range [][]string{{"sql", "--csv", "-"}, {"sql", "--csv", "-f", "-"}} {
		var out, errb bytes.Buffer
		a := newApp(all.Registry(), &out, &errb)
		a.stdin = strings.NewReader(q)
		root := newRootCmd(a)
		root.SetArgs(append([]string{"--lake", lake}, args...))
		if err := root.ExecuteContext(context.Background()); err != nil || out.String() != want {
			t.Errorf("%q: %v %q", args, err, out.String())
		}
	}
}

// Scraped text can carry terminal escape codes; a table prints them
// escaped, never raw. JSON escapes them itself.
func TestSQLTableEscapesControlCharacters(t *testing.T) {
	lake := seedLake(t)
	q := `SELECT 'Kakao ' || chr(27) || '[2J' || chr(27) || ']0;pwned' || chr(7) || ' down' || chr(10) || 'again' AS title`
	code, out, _ := runCLI(t, lake, "sql", q)
	if code != exitOK || strings.ContainsAny(out, "\x1b\x07") || !strings.Contains(out, `Kakao \x1b[2J\x1b]0;pwned\a down\nagain`) {
		t.Fatalf("exit %d, table %q", code, out)
	}
	code, out, _ = runCLI(t, lake, "sql", "--json", q)
	var rows []map[string]string
	if code != exitOK || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 1 || !strings.Contains(rows[0]["title"], "\x1b[2J") {
		t.Fatalf("json: exit %d %q", code, out)
	}
	if strings.Contains(out, "\x1b") {
		t.Fatal("JSON output holds a raw escape")
	}
}

// Every tabular command takes --json, --csv and --format with the same
// meaning.
func TestOutputFlagsOnEveryTabularCommand(t *testing.T) {
	lake := seedLake(t)
	for _, tc := range []struct {
		args      []string
		csvHeader string
	}{
		{[]string{"sql", "SELECT 1 AS one"}, "one"},
		{[]string{"analyze", "--list"}, "name,title,params"},
		{[]string{"analyze", "designation", "--results", ""}, "platform_id,platform,regime_id"},
		{[]string{"sources"}, "name,kind,dataset"},
		{[]string{"lake", "ls"}, "dataset,files,partitions"},
		{[]string{"lake", "verify"}, "dataset,files,rows,keys"},
		{[]string{"report", "--check"}, "status,number,want"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			for _, flags := range [][]string{{"--csv"}, {"--format", "csv"}} {
				code, out, errs := runCLI(t, lake, append(tc.args, flags...)...)
				recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
				if code != exitOK || err != nil || len(recs) < 2 || !strings.HasPrefix(strings.Join(recs[0], ","), tc.csvHeader) {
					t.Fatalf("%v: exit %d, %v, output %.300q %s", flags, code, err, out, errs)
				}
			}
			for _, flags := range [][]string{{"--json"}, {"--format", "json"}} {
				code, out, errs := runCLI(t, lake, append(tc.args, flags...)...)
				var v any
				if code != exitOK || json.Unmarshal([]byte(out), &v) != nil {
					t.Fatalf("%v: exit %d, output %.300q %s", flags, code, out, errs)
				}
			}
		})
	}
}

// A SIGTERM that arrives before the ingest has started still ends with
// the summary line (status interrupted) and exit 130.
func TestInterruptBeforeIngestStartsPrintsSummary(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := filepath.Join(t.TempDir(), "lake")
	for _, cmd := range []string{"ingest", "run"} {
		var out, errb bytes.Buffer
		code := execute(ctx, []string{"--lake", dir, cmd, "--source", "seed"}[:map[string]int{"ingest": 5, "run": 3}[cmd]], &out, &errb)
		if code != exitInterrupted {
			t.Fatalf("%s: exit %d, want %d: %s%s", cmd, code, exitInterrupted, out.String(), errb.String())
		}
		if m := summaryLine(t, out.String()); m["status"] != "interrupted" || m["run_id"] == "" {
			t.Fatalf("%s: summary %v", cmd, m)
		}
	}
	if ms, _ := lakestore.ReadManifests(dir); len(ms) != 0 {
		t.Fatalf("an interrupted run committed %d manifests", len(ms))
	}
}

// A SIGTERM that lands before main runs (package initialisation takes a
// good part of a second on a busy machine) is caught, not fatal: the run
// ends as interrupted, with its summary line and exit 130.
func TestSIGTERMBeforeMainPrintsSummary(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	dir := filepath.Join(t.TempDir(), "lake")
	cmd := gwanmun("--lake", dir, "ingest", "--source", "seed")
	cmd.Env = append(cmd.Env, "GWANMUN_TEST_SIGTERM_BEFORE_MAIN=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if code := exitCodeOf(err); code != exitInterrupted {
		t.Fatalf("exit %d (-1: killed by the signal), want %d\n%s%s", code, exitInterrupted, stdout.String(), stderr.String())
	}
	if m := summaryLine(t, stdout.String()); m["status"] != "interrupted" {
		t.Fatalf("summary %v", m)
	}
}

// Exported CSV files are readable by others, and --bom adds the UTF-8
// byte-order mark spreadsheet programs need for Hangul.
func TestLakeExportCSVForSpreadsheets(t *testing.T) {
	lake := seedLake(t)
	for _, bom := range []bool{false, true} {
		out := filepath.Join(t.TempDir(), "csv")
		args := []string{"lake", "export", "--format", "csv", "--dataset", "platforms", "-o", out}
		if bom {
			args = append(args, "--bom")
		}
		if code, stdout, errs := runCLI(t, lake, args...); code != exitOK {
			t.Fatalf("%q: exit %d %s%s", args, code, stdout, errs)
		}
		p := filepath.Join(out, "platforms.csv")
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o644 {
			t.Fatalf("%s: mode %v; want 0644", p, st.Mode().Perm())
		}
		b, _ := os.ReadFile(p)
		if strings.HasPrefix(string(b), "\uFEFF") != bom || !strings.Contains(string(b), "카카오") {
			t.Fatalf("bom=%v: file starts %q", bom, b[:min(len(b), 40)])
		}
	}
}

// `-o FILE` is refused before any work (issue 15: report failed only after
// 22 s of analyses): no analysis runs, and run ingests nothing. Counted,
// not timed.
func TestOutputIntoAFileFailsBeforeAnyWork(t *testing.T) {
	t.Setenv("GWANMUN_LAKE", "")
	tmp := t.TempDir()
	file := filepath.Join(tmp, "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(tmp, "lake")
	for _, tc := range []struct {
		name string
		lake string
		args []string
	}{
		{"report", seedLake(t), []string{"report", "-o", file}},
		{"run", fresh, []string{"run", "-o", file, "--results", filepath.Join(tmp, "run-results"), "--notebooks", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			a := newApp(all.Registry(), &out, &errb)
			analyses := 0
			a.onAnalysis = func(string) { analyses++ }
			code := executeApp(context.Background(), a, append([]string{"--lake", tc.lake}, tc.args...))
			if code != exitUsage || !strings.Contains(errb.String(), "is a file") {
				t.Fatalf("exit %d, stderr %q; want exit 2 saying -o is a file", code, errb.String())
			}
			if analyses != 0 {
				t.Errorf("%d analyses ran before -o was refused", analyses)
			}
			for _, p := range []string{fresh, filepath.Join(tmp, tc.name+"-results")} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("%s was created before -o was refused", p)
				}
			}
		})
	}
}
