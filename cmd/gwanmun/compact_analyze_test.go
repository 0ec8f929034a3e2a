package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/data/schema"
)

// `lake compact` must change no analysis result: compaction used to keep
// only the latest row per key, and feed coverage, which reads every
// version through news_all, went from 8 feeds to 5.
func TestCompactChangesNoAnalysisResultIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests the demo")
	}
	dir := filepath.Join(t.TempDir(), "lake")
	if code, out, errs := runCLI(t, dir, "ingest", "--demo"); code != exitOK {
		t.Fatalf("ingest exit %d: %s%s", code, out, errs)
	}
	views := func() map[string]string {
		out := map[string]string{}
		for _, ds := range schema.Datasets() {
			for _, v := range []string{ds.Name, ds.Name + "_all"} {
				code, got, errs := runCLI(t, dir, "sql", "--format", "json", "SELECT * FROM "+v+" ORDER BY ALL")
				if code != exitOK {
					t.Fatalf("sql %s exit %d: %s", v, code, errs)
				}
				out[v] = got
			}
		}
		return out
	}
	// Every analysis of the catalog, with its defaults, and the merger.
	analyze := func() (string, string) {
		code, out, errs := runCLI(t, dir, "analyze", "--json", "--results", "")
		if code != exitOK {
			t.Fatalf("analyze exit %d: %s", code, errs)
		}
		code, merger, errs := runCLI(t, dir, "analyze", "concentration", "--param", "merge=discord,telegram", "--json", "--results", "")
		if code != exitOK {
			t.Fatalf("analyze merger exit %d: %s", code, errs)
		}
		return out, merger
	}
	viewsBefore := views()
	before, mergerBefore := analyze()

	code, out, errs := runCLI(t, dir, "lake", "compact", "--json")
	var done []json.RawMessage
	if code != exitOK || json.Unmarshal([]byte(out), &done) != nil || len(done) == 0 {
		t.Fatalf("compact exit %d, %d partitions: %s%s", code, len(done), out, errs)
	}

	viewsAfter := views()
	after, mergerAfter := analyze()
	for v, want := range viewsBefore {
		if viewsAfter[v] != want {
			t.Errorf("view %s changed by compaction", v)
		}
	}
	if after != before {
		t.Errorf("analyze --json changed by compaction:\nbefore %s\nafter  %s", before, after)
	}
	if mergerAfter != mergerBefore || !strings.Contains(mergerAfter, `"merger": "discord+telegram"`) {
		t.Errorf("the merger's analyze --json changed by compaction:\nbefore %s\nafter  %s", mergerBefore, mergerAfter)
	}
	var results []struct {
		Name string           `json:"name"`
		Rows []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal([]byte(after), &results); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, r := range results {
		names[r.Name] = true
		if r.Name == "feed_coverage" && len(r.Rows) != 8 {
			t.Errorf("feed coverage after compaction: %d feeds, want the demo's 8", len(r.Rows))
		}
	}
	for _, a := range analysis.Catalog {
		if !names[a.Name] {
			t.Errorf("analysis %s missing from the compared output", a.Name)
		}
	}
}
