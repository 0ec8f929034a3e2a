package lakestore

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
)

// commitRows commits rows of one dataset, grouped by partition, as runID.
func commitRows(t *testing.T, dir, runID, dataset string, rows ...schema.Row) {
	t.Helper()
	l, err := Open(dir, runID, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ds, _ := schema.Lookup(dataset)
	byPart := map[string][]schema.Row{}
	for _, r := range rows {
		byPart[partOf(r)] = append(byPart[partOf(r)], r)
	}
	txn := l.Begin(runID)
	for p, rs := range byPart {
		if err := txn.Write(ds, p, rs); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := txn.Commit([]string{"test"}); err != nil {
		t.Fatal(err)
	}
}

func TestRunHistory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lake")
	day := time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC)
	run := func(id, collector, status string, started time.Time, rows int64) schema.Row {
		return &schema.Run{Mode: "live", StartedAt: started, FinishedAt: started.Add(time.Minute), Status: status, RowsEmitted: rows,
			Provenance: schema.Provenance{Collector: collector, RunID: id, FetchedAt: started}}
	}
	commitRows(t, dir, "r1", "runs", run("r1", "rss", "ok", day, 40), run("r1", "gdelt", "ok", day, 5))
	commitRows(t, dir, "r2", "runs", run("r2", "rss", "ok", day.Add(24*time.Hour), 0), run("r2", "gdelt", "failed", day.Add(24*time.Hour), 0))
	commitRows(t, dir, "r3", "runs", run("r3", "wikitable", "partial", day, 3))
	got, err := RunHistory(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		collector, health, status string
		everRows                  int64
		lastSuccess               time.Time
	}{
		{"rss", "quiet", "ok", 40, day.Add(24 * time.Hour)},
		{"gdelt", "failing", "failed", 5, day},
		{"wikitable", "degraded", "partial", 0, day},
	} {
		h := got[tc.collector]
		if h.Health() != tc.health || h.Status != tc.status || h.EverRows != tc.everRows || !h.LastSuccess.Equal(tc.lastSuccess) {
			t.Errorf("%s: %+v health %s; want health %s, status %s, ever %d, last success %v",
				tc.collector, h, h.Health(), tc.health, tc.status, tc.everRows, tc.lastSuccess)
		}
	}
}

func TestNewsCursors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lake")
	at := func(d int) *time.Time { x := time.Date(2022, 10, d, 0, 0, 0, 0, time.UTC); return &x }
	news := func(id, collector string, published *time.Time) schema.Row {
		return &schema.News{ArticleID: id, URL: "https://example.com/" + id, Title: id, PublishedAt: published,
			Provenance: schema.Provenance{Collector: collector, RunID: "n", FetchedAt: *at(30)}}
	}
	commitRows(t, dir, "n", "news", news("a", "rss", at(15)), news("b", "rss", at(17)), news("c", "gdelt", at(16)), news("d", "gdelt", nil))
	got, err := NewsCursors(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !got["rss"].Equal(*at(17)) || !got["gdelt"].Equal(*at(16)) {
		t.Fatalf("cursors %v", got)
	}
}

func TestCheckLake(t *testing.T) {
	tmp := t.TempDir()
	lake := filepath.Join(tmp, "lake")
	commitRunID(t, lake, "r")
	file := filepath.Join(tmp, "file")
	os.WriteFile(file, nil, 0o644)
	uncommitted := filepath.Join(tmp, "uncommitted") // a first run killed before its commit
	os.MkdirAll(filepath.Join(uncommitted, StagingDir, "r1"), 0o755)
	for _, tc := range []struct {
		dir string
		ok  bool
	}{
		{lake, true},
		{uncommitted, true},
		{tmp, false},                        // a folder, but no lake
		{filepath.Join(tmp, "lkae"), false}, // a typo
		{file, false},
	} {
		err := CheckLake(tc.dir)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrNotALake)) {
			t.Errorf("CheckLake(%s) = %v, want ok=%v", tc.dir, err, tc.ok)
		}
	}
}
