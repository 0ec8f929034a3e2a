package lakestore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
)

// ErrNotALake marks a directory that holds no lake, so a mistyped --lake
// is an error rather than a silently empty result.
var ErrNotALake = errors.New("not a gwanmun lake")

// CheckLake reports whether dir is a lake a reader can open: a directory
// holding a lake's bookkeeping (manifests, or the lock and staging area of
// a first run that has not committed yet).
func CheckLake(dir string) error {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		return fmt.Errorf("lake %s: %w (the directory does not exist; check --lake / GWANMUN_LAKE, or run 'gwanmun ingest' first)", dir, ErrNotALake)
	case err != nil:
		return fmt.Errorf("lake %s: %w", dir, err)
	case !st.IsDir():
		return fmt.Errorf("lake %s: %w (it is a file)", dir, ErrNotALake)
	}
	for _, name := range []string{ManifestDir, CommitLogFile, StagingDir, LockFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return nil
		}
	}
	return fmt.Errorf("lake %s: %w (no %s folder; check --lake / GWANMUN_LAKE, or run 'gwanmun ingest' first)", dir, ErrNotALake, ManifestDir)
}

// CollectorHistory is what the runs ledger says about one collector.
type CollectorHistory struct {
	Collector string
	// Last is when its latest run started; Status, Mode and Rows
	// (rows emitted) are that run's.
	Last         time.Time
	Status, Mode string
	Rows         int64
	// LastSuccess is when its latest run that did not fail started.
	LastSuccess time.Time
	// EverRows is the most rows any earlier run emitted.
	EverRows int64
}

// Health is "failing" (last run failed), "quiet" (last run emitted no
// rows where an earlier one did), "degraded" (last run partial) or "ok".
func (h CollectorHistory) Health() string {
	switch {
	case h.Status == "failed":
		return "failing"
	case h.Rows == 0 && h.EverRows > 0:
		return "quiet"
	case h.Status == "partial":
		return "degraded"
	}
	return "ok"
}

// RunHistory reads the runs ledger (latest row per run and collector) and
// sums it up per collector.
func RunHistory(dir string) (map[string]CollectorHistory, error) {
	ds, err := schema.Lookup("runs")
	if err != nil {
		return nil, err
	}
	rows, err := readDataset(dir, ds)
	if err != nil {
		return nil, fmt.Errorf("read run ledger: %w", err)
	}
	runs := Latest(ds, rows)
	out := map[string]CollectorHistory{}
	for _, r := range runs {
		run := r.(*schema.Run)
		h, seen := out[run.Collector]
		h.Collector = run.Collector
		if !seen || run.StartedAt.After(h.Last) {
			h.Last, h.Status, h.Mode, h.Rows = run.StartedAt, run.Status, run.Mode, run.RowsEmitted
		}
		if run.Status != "failed" && run.StartedAt.After(h.LastSuccess) {
			h.LastSuccess = run.StartedAt
		}
		out[run.Collector] = h
	}
	for _, r := range runs {
		run := r.(*schema.Run)
		h := out[run.Collector]
		if run.StartedAt.Before(h.Last) && run.RowsEmitted > h.EverRows {
			h.EverRows = run.RowsEmitted
			out[run.Collector] = h
		}
	}
	return out, nil
}

// NewsCursors returns, per collector, the newest publication time among
// every committed news row. Uncommitted (crashed) runs are invisible, so a
// cursor never runs ahead of data that is durably there.
func NewsCursors(dir string) (map[string]time.Time, error) {
	ds, err := schema.Lookup("news")
	if err != nil {
		return nil, err
	}
	files, err := VisibleFiles(dir)
	if err != nil {
		return nil, err
	}
	out := map[string]time.Time{}
	for _, p := range files[ds.Name] { // file by file: news can be large
		rows, err := ReadRows(p, ds)
		if err != nil {
			return nil, fmt.Errorf("news cursors: %w", err)
		}
		for _, r := range rows {
			n := r.(*schema.News)
			if n.PublishedAt != nil && n.PublishedAt.After(out[n.Collector]) {
				out[n.Collector] = *n.PublishedAt
			}
		}
	}
	return out, nil
}

// readDataset reads every visible row of one dataset.
func readDataset(dir string, ds schema.Dataset) ([]schema.Row, error) {
	files, err := VisibleFiles(dir)
	if err != nil {
		return nil, err
	}
	var out []schema.Row
	for _, p := range files[ds.Name] {
		rows, err := ReadRows(p, ds)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return out, nil
}
