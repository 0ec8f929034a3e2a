package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest/collectors/navernews"
)

// TestSecretsStayOutOfLogsAndLakeIntegration runs the one collector that
// reads credentials (navernews, from the environment) in record mode
// against a stand-in API with debug logging, one query succeeding and one
// failing, and looks for the secret everywhere the run writes.
func TestSecretsStayOutOfLogsAndLakeIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	const id, secret = "gwanmun-test-client-id-7c1f", "gwanmun-test-secret-a94e0d"
	t.Setenv(navernews.EnvClientID, id)
	t.Setenv(navernews.EnvClientSecret, secret)
	var sawSecret bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		sawSecret = sawSecret || r.Header.Get("X-Naver-Client-Secret") == secret
		if r.URL.Query().Get("query") == "fail" {
			http.Error(w, `{"errorMessage":"rate limited","errorCode":"012"}`, http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		fmt.Fprint(w, `{"lastBuildDate":"Wed, 19 Oct 2022 09:00:00 +0900","total":1,"start":1,"display":1,"items":[
			{"title":"카카오 먹통 복구","originallink":"https://news.example.kr/a/1","link":"https://news.example.kr/a/1",
			 "description":"카카오톡 서비스가 복구됐다.","pubDate":"Wed, 19 Oct 2022 08:43:00 +0900"}]}`)
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sources.toml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`
[politeness]
max_retries = 1
timeout = "2s"

[sources.navernews]
url = %q
queries = ["ok", "fail"]
`, srv.URL+"/v1/search/news.json")), 0o644)
	lakeDir, warcDir := filepath.Join(dir, "lake"), filepath.Join(dir, "warc")
	code, stdout, stderr := runCLI(t, lakeDir, "--config", cfg, "--log-level", "debug",
		"ingest", "--source", "navernews", "--record", warcDir)
	if code != exitPartial {
		t.Fatalf("ingest exit %d, want %d (one query fails)\n%s\n%s", code, exitPartial, stdout, stderr)
	}
	if !sawSecret {
		t.Fatal("the collector never sent the secret: the test proves nothing")
	}
	if !strings.Contains(stderr, "collector error") {
		t.Fatalf("no warnings logged, so the log check proves nothing:\n%s", stderr)
	}
	for where, text := range map[string]string{"stdout": stdout, "stderr (debug logs)": stderr} {
		for _, s := range []string{id, secret} {
			if strings.Contains(text, s) {
				t.Errorf("%s contains the credential %q", where, s)
			}
		}
	}
	// The lake: every file's bytes, and every row's values decoded (Parquet
	// compresses, so a raw search alone could miss it).
	files, _ := lakestore.VisibleFiles(lakeDir)
	news := 0
	for name, paths := range files {
		ds, _ := schema.Lookup(name)
		for _, p := range paths {
			rows, err := lakestore.ReadRows(p, ds)
			if err != nil {
				t.Fatal(err)
			}
			if name == "news" {
				news += len(rows)
			}
			for _, r := range rows {
				b, _ := json.Marshal(r)
				if bytes.Contains(b, []byte(secret)) || bytes.Contains(b, []byte(id)) {
					t.Errorf("a %s row holds the credential: %s", name, b)
				}
			}
		}
	}
	if news == 0 {
		t.Fatal("no news rows landed: the lake check proves nothing")
	}
	filepath.WalkDir(lakeDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, _ := os.ReadFile(p); bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s holds the secret", p)
			}
		}
		return nil
	})
	// The WARC archive is shared with other researchers: it must not carry
	// the credential headers either.
	warcs, _ := filepath.Glob(filepath.Join(warcDir, "*.warc.gz"))
	if len(warcs) == 0 {
		t.Fatal("no WARC recorded")
	}
	for _, w := range warcs {
		b := gunzipAll(t, w)
		if !bytes.Contains(b, []byte("WARC-Type: request")) {
			t.Fatalf("%s has no request records: the WARC check proves nothing", w)
		}
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("the WARC %s records the API secret", filepath.Base(w))
		}
	}
}

// gunzipAll decodes a multi-member gzip file.
func gunzipAll(t *testing.T, path string) []byte {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(zr)
	return b
}
