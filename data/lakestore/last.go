package lakestore

import (
	"fmt"

	"github.com/gwanmun/gwanmun/data/schema"
)

// LastCompleted returns, for each of the named collectors, when its most
// recent run that completed (status ok or partial) finished, read from the
// runs ledger of committed manifests. A collector never completed is
// absent. Manifests are read newest first and the search stops as soon as
// no older manifest can hold a later run: a manifest holds only runs that
// finished before it was committed.
func LastCompleted(dir string, collectors []string) (map[string]schema.Run, error) {
	ms, err := ReadManifests(dir)
	if err != nil {
		return nil, err
	}
	runsDS, err := schema.Lookup("runs")
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, c := range collectors {
		want[c] = true
	}
	gone := Superseded(ms)
	out := map[string]schema.Run{}
	for i := len(ms) - 1; i >= 0; i-- {
		m := ms[i]
		if done(out, want, m) {
			break
		}
		for _, f := range m.Files {
			if f.Dataset != "runs" || gone[f.Path] {
				continue
			}
			full, _ := Resolve(dir, m.RunID, f.Path)
			rows, err := ReadRows(full, runsDS)
			if err != nil {
				return nil, fmt.Errorf("read runs ledger: %w", err)
			}
			for _, r := range rows {
				run := r.(*schema.Run)
				if !want[run.Collector] || (run.Status != "ok" && run.Status != "partial") {
					continue
				}
				if prev, ok := out[run.Collector]; !ok || run.FinishedAt.After(prev.FinishedAt) {
					out[run.Collector] = *run
				}
			}
		}
	}
	return out, nil
}

// done reports that every wanted collector has a run finished after m
// was committed, so m and older manifests cannot change the answer.
func done(found map[string]schema.Run, want map[string]bool, m Manifest) bool {
	for c := range want {
		r, ok := found[c]
		if !ok || r.FinishedAt.Before(m.CommittedAt) {
			return false
		}
	}
	return true
}
