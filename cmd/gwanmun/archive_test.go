package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
)

// TestLiveIngestArchivesByDefaultIntegration runs a plain live ingest
// (no --record) of the wikitable collector against a loopback server: the
// run writes a WARC into the lake's archive folder, and every row is live
// and names a response record that WARC holds. --no-archive opts out, and
// then the rows claim no archive.
func TestLiveIngestArchivesByDefaultIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	page, err := os.ReadFile("../../ingest/collectors/wikitable/testdata/pages/list_of_social_platforms.html")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/wiki/List" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sources.toml")
	os.WriteFile(cfg, fmt.Appendf(nil, "[politeness]\ndelay = \"1ms\"\nmax_retries = 1\n\n[sources.wikitable]\nurls = [%q]\n", srv.URL+"/wiki/List"), 0o644)

	lakeDir := filepath.Join(dir, "lake")
	if code, stdout, stderr := runCLI(t, lakeDir, "--config", cfg, "ingest", "--source", "wikitable"); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, stdout, stderr)
	}
	warcs, _ := filepath.Glob(filepath.Join(lakeDir, "archive", "wikitable-*.warc.gz"))
	if len(warcs) != 1 {
		t.Fatalf("WARCs in the lake's archive folder: %v, want one", warcs)
	}
	responses := map[string]bool{}
	re := regexp.MustCompile(`WARC-Type: response\r\n(?:[^\r\n]+\r\n)*?WARC-Record-ID: (<[^>]+>)`)
	for _, m := range re.FindAllSubmatch(gunzipAll(t, warcs[0]), -1) {
		responses[string(m[1])] = true
	}
	if len(responses) == 0 {
		t.Fatal("the WARC holds no response record")
	}
	rows := mauRows(t, lakeDir)
	if len(rows) != 12 {
		t.Fatalf("%d mau rows, want the page's 12", len(rows))
	}
	for _, r := range rows {
		p := r.Prov()
		if p.WARCRecordID == nil || !responses[*p.WARCRecordID] || p.Evidence != schema.EvidenceLive {
			t.Fatalf("row %s: warc_record_id %v (responses %v), evidence %q", r.(*schema.MAU).PlatformID, p.WARCRecordID, responses, p.Evidence)
		}
	}

	bare := filepath.Join(dir, "bare")
	if code, stdout, stderr := runCLI(t, bare, "--config", cfg, "ingest", "--source", "wikitable", "--no-archive"); code != exitOK {
		t.Fatalf("ingest --no-archive exit %d\n%s\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(bare, "archive")); !os.IsNotExist(err) {
		t.Fatalf("--no-archive made an archive folder (%v)", err)
	}
	for _, r := range mauRows(t, bare) {
		if p := r.Prov(); p.WARCRecordID != nil || p.Evidence != schema.EvidenceLive {
			t.Fatalf("unarchived row claims warc_record_id %v, evidence %q", *p.WARCRecordID, p.Evidence)
		}
	}
}

func mauRows(t *testing.T, lakeDir string) []schema.Row {
	t.Helper()
	files, err := lakestore.VisibleFiles(lakeDir)
	if err != nil {
		t.Fatal(err)
	}
	ds, _ := schema.Lookup("mau")
	var out []schema.Row
	for _, p := range files["mau"] {
		rows, err := lakestore.ReadRows(p, ds)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rows...)
	}
	return out
}
