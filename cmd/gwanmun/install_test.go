package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/data/lakestore"

	"github.com/gwanmun/gwanmun/analysis/report"
)

// TestInstalledBinaryRendersReportIntegration builds gwanmun the way a user
// does, `go install` into an empty GOBIN with nothing generated beforehand,
// and runs it in an empty folder: the report must come out with ECharts
// inlined and, where Chromium is installed, every chart drawn.
func TestInstalledBinaryRendersReportIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("go install, then the whole pipeline")
	}
	gobin := t.TempDir()
	install := exec.Command("go", "install", ".")
	install.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"))
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("go install: %v\n%s", err, out)
	}
	entries, err := os.ReadDir(gobin)
	if err != nil || len(entries) != 1 || entries[0].Name() != "gwanmun" {
		t.Fatalf("GOBIN holds %v (%v), want just gwanmun", entries, err)
	}

	work := t.TempDir()
	run := exec.Command(filepath.Join(gobin, "gwanmun"), "run")
	run.Dir = work
	// No GWANMUN_LAKE or GWANMUN_TEST_CLI from the test process.
	run.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "GWANMUN_") })
	var stdout, stderr bytes.Buffer
	run.Stdout, run.Stderr = &stdout, &stderr
	if err := run.Run(); err != nil {
		t.Fatalf("gwanmun run: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	page := filepath.Join(work, "out", "report", "index.html")
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	js, err := report.EChartsJS()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(html, []byte(js)) {
		t.Fatalf("the report (%d bytes) does not inline the embedded echarts.min.js (%d bytes)", len(html), len(js))
	}
	if bytes.Contains(html, []byte("<script src=")) {
		t.Fatal("the report loads an external script")
	}
	if err := lakestore.CheckLake(filepath.Join(work, "data", "lake")); err != nil {
		t.Fatalf("no lake under the working folder: %v", err)
	}

	if _, err := exec.LookPath("chromium"); err != nil {
		t.Log("chromium not installed (make deps): charts not checked in a browser")
		return
	}
	checkInChromium(t, page)
}
