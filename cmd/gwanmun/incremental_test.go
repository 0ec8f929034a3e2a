package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/lakestore"
)

func TestNewsCursorsComeFromCommittedRunsIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	lakeDir := filepath.Join(t.TempDir(), "lake")
	if code, out, errs := runCLI(t, lakeDir, "ingest", "--source", "rss", "--source", "navernews", "--demo"); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, errs)
	}
	cur, err := lakestore.NewsCursors(lakeDir)
	if err != nil {
		t.Fatal(err)
	}
	// The newest dated items of the two recordings: the Money Today story
	// (2022-10-17 16:26 KST) in the RSS feeds and a Naver item of
	// 2022-10-19 08:43 KST.
	want := map[string]time.Time{
		"rss":       time.Date(2022, 10, 17, 7, 26, 0, 0, time.UTC),
		"navernews": time.Date(2022, 10, 18, 23, 43, 0, 0, time.UTC),
	}
	for c, w := range want {
		if !cur[c].Equal(w) {
			t.Errorf("%s cursor = %v, want %v", c, cur[c], w)
		}
	}
	if len(cur) != 2 {
		t.Errorf("cursors = %v, want only the two collectors that ran", cur)
	}
	// An incremental rerun of the same recordings still works: the lag
	// window covers the recorded days, so nothing new is written.
	if code, out, _ := runCLI(t, lakeDir, "ingest", "--source", "rss", "--source", "navernews", "--demo", "--incremental", "--lag", "240h"); code != exitOK {
		t.Fatalf("incremental ingest exit %d: %s", code, out)
	}
}
