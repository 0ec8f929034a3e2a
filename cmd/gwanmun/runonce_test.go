package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/ingest/all"
)

// `run` computes each analysis of the catalog exactly once: the saved
// results and the report are drawn from the same execution.
func TestRunComputesEachAnalysisOnceIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	dir := t.TempDir()
	var out, errb bytes.Buffer
	a := newApp(all.Registry(), &out, &errb)
	runs := map[string]int{}
	a.onAnalysis = func(name string) { runs[name]++ }
	root := newRootCmd(a)
	root.SetArgs([]string{"--lake", filepath.Join(dir, "lake"), "run", "-o", filepath.Join(dir, "report"),
		"--results", filepath.Join(dir, "results"), "--notebooks", ""})
	if err := root.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("run: %v\n%s%s", err, out.String(), errb.String())
	}
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
	if _, err := os.Stat(filepath.Join(dir, "report", "index.html")); err != nil {
		t.Fatal(err)
	}
}
