package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/ingest/all"
)

// runCLI runs gwanmun in-process against a temporary lake.
func runCLI(t *testing.T, lakeDir string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := execute(context.Background(), append([]string{"--lake", lakeDir}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestRunBuildsLakeAndReportIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	dir := t.TempDir()
	lakeDir, outDir := filepath.Join(dir, "lake"), filepath.Join(dir, "report")
	var out, errb bytes.Buffer
	a := newApp(all.Registry(), &out, &errb)
	runs := map[string]int{}
	a.onAnalysis = func(name string) { runs[name]++ }
	code := executeApp(context.Background(), a, []string{"--lake", lakeDir, "run", "-o", outDir, "--results", filepath.Join(dir, "results")})
	if code != exitOK {
		t.Fatalf("run exited %d\nstdout: %s\nstderr: %s", code, out.String(), errb.String())
	}
	// Each analysis of the catalog executed exactly once: the saved
	// results and the report come from the same execution.
	for _, an := range analysis.Catalog {
		if runs[an.Name] != 1 {
			t.Errorf("analysis %s executed %d times, want 1", an.Name, runs[an.Name])
		}
		if _, err := os.Stat(filepath.Join(dir, "results", an.Name+".parquet")); err != nil {
			t.Errorf("result of %s not saved: %v", an.Name, err)
		}
	}
	if len(runs) != len(analysis.Catalog) {
		t.Errorf("executed %v, want exactly the catalog's %d analyses", runs, len(analysis.Catalog))
	}
	page := filepath.Join(outDir, "index.html")
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(html, []byte(`<script src=`)) || bytes.Contains(html, []byte(`<link rel="stylesheet" href="http`)) {
		t.Fatal("report loads an external script or stylesheet")
	}

	// The lake answers the seed's known figure through the CLI.
	code, stdout, _ := runCLI(t, lakeDir, "sql", "--format", "csv",
		"SELECT value FROM mau WHERE platform_id = 'kakaotalk' AND country = 'KR' AND period_label = '2022Q3' AND estimator = 'company-reported'")
	if code != exitOK || strings.TrimSpace(stdout) != "value\n47637000" {
		t.Fatalf("sql exit %d, output %q", code, stdout)
	}

	// Rerunning on the same input writes no new data files.
	code, stdout, _ = runCLI(t, lakeDir, "ingest", "--demo")
	if code != exitOK || !strings.Contains(stdout, `"files_written":0`) {
		t.Fatalf("second ingest exit %d, summary %s", code, stdout)
	}

	checkInChromium(t, page)
}
