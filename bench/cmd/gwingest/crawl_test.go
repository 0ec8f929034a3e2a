package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/gwanmun/gwanmun/bench/site"
)

// The crawl contenders must do the same work on the site: every page
// found through the feeds, the same four fields right.
func TestCrawlersExtractEveryPage(t *testing.T) {
	const n = 150
	s, stop, err := site.Serve(n, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	dir := t.TempDir()

	out := filepath.Join(dir, "colly.jsonl")
	got, err := crawlBareColly(s.Feeds(), 4, out)
	if err != nil || got != n {
		t.Fatalf("bare colly: %d pages, %v; want %d", got, err, n)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]item{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var it item
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			t.Fatal(err)
		}
		seen[it.URL] = it
	}
	it := seen[s.Base()+site.ArticlePath(42)]
	if it.Title != site.Title(42) || it.Lead != site.Lead(42) || it.Published == "" {
		t.Errorf("page 42 extracted as %+v", it)
	}

	if testing.Short() {
		return
	}
	urls := make([]string, n)
	for i := range urls {
		urls[i] = s.Base() + site.ArticlePath(i)
	}
	rows, err := crawlGwanmun(context.Background(), s.Feeds(), urls, filepath.Join(dir, "lake"), "record", filepath.Join(dir, "a.warc.gz"), 4)
	if err != nil || rows != n {
		t.Fatalf("gwanmun: %d article rows, %v; want %d", rows, err, n)
	}
}
