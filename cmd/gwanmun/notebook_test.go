package main

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// shippedNotebooks are the notebooks in the repository's notebooks/ folder.
func shippedNotebooks(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../../notebooks/*.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if filepath.Base(f) != "README.md" {
			abs, _ := filepath.Abs(f)
			out = append(out, abs)
		}
	}
	if len(out) < 3 {
		t.Fatalf("%d notebooks shipped, want at least 3", len(out))
	}
	return out
}

func TestNotebooksDrawIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("headless Chromium")
	}
	lakeDir := demoLake(t)
	out := t.TempDir()
	files := shippedNotebooks(t)
	code, stdout, stderr := runCLI(t, lakeDir, append([]string{"notebook", "render", "-o", out}, files...)...)
	if code != exitOK {
		t.Fatalf("notebook render exited %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".md")
		t.Run(name, func(t *testing.T) {
			p := openPage(t, filepath.Join(out, name+".html"))
			p.assertEveryChartDrawn(2)
			p.assertClean()
		})
	}
	// A notebook's charts export as figures like the report's.
	code, stdout, stderr = runCLI(t, lakeDir, "notebook", "render", "-o", out, "--lang", "ko", "--figures", "svg,png", files[0])
	if code != exitOK {
		t.Fatalf("notebook render --figures exited %d: %s %s", code, stdout, stderr)
	}
	figs, _ := filepath.Glob(filepath.Join(out, strings.TrimSuffix(filepath.Base(files[0]), ".md")+"-figures", "*"))
	if len(figs) < 4 {
		t.Errorf("%d figure files, want an svg and a png per chart: %v", len(figs), figs)
	}
	for _, f := range figs {
		if ext := filepath.Ext(f); ext != ".svg" && ext != ".png" {
			continue // the sidecars (.json, .txt, .csv) are checked in analysis/report
		}
		if fi, err := os.Stat(f); err != nil || fi.Size() < 1000 {
			t.Errorf("figure %s is empty", f)
		}
	}
}

// TestNotebookSQLRunsInPlainDuckDBIntegration runs each shipped notebook's
// script, as `gwanmun notebook sql` prints it, in a DuckDB that gwanmun did
// not set up; and in the DuckDB CLI too when one is installed.
func TestNotebookSQLRunsInPlainDuckDBIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a lake")
	}
	lakeDir := demoLake(t)
	cli, _ := exec.LookPath("duckdb")
	for _, f := range shippedNotebooks(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			code, script, stderr := runCLI(t, lakeDir, "notebook", "sql", f)
			if code != exitOK {
				t.Fatalf("notebook sql exited %d: %s", code, stderr)
			}
			if !strings.HasPrefix(script, "-- gwanmun:views") {
				t.Fatalf("script does not start with the view preamble:\n%.300s", script)
			}
			db, err := sql.Open("duckdb", "")
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			db.SetMaxOpenConns(1)
			if _, err := db.ExecContext(context.Background(), script); err != nil {
				t.Fatalf("the script fails in plain DuckDB: %v", err)
			}
			if cli == "" {
				return
			}
			cmd := exec.Command(cli, "-batch", "-bail")
			cmd.Stdin = strings.NewReader(script)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("duckdb CLI: %v\n%s", err, out)
			}
		})
	}
	// Without a file, only the preamble; with --no-views, only the queries.
	code, views, _ := runCLI(t, lakeDir, "notebook", "sql")
	if code != exitOK || !strings.Contains(views, "CREATE OR REPLACE VIEW mau AS") || strings.Contains(views, "TEMP VIEW") {
		t.Errorf("notebook sql without a file: exit %d\n%.300s", code, views)
	}
	code, only, _ := runCLI(t, lakeDir, "notebook", "sql", "--no-views", shippedNotebooks(t)[0])
	if code != exitOK || strings.Contains(only, "gwanmun:views") || !strings.Contains(only, "TEMP VIEW") {
		t.Errorf("--no-views: exit %d\n%.300s", code, only)
	}
	bad := filepath.Join(t.TempDir(), "bad.md")
	os.WriteFile(bad, []byte("```chart type=line x=a y=b sql=nothing\n```\n"), 0o644)
	if code, _, stderr := runCLI(t, lakeDir, "notebook", "render", bad); code != exitUsage || !strings.Contains(stderr, "line 1") {
		t.Errorf("a broken notebook exited %d (want usage error naming the line): %s", code, stderr)
	}
}
