package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gwanmun/gwanmun/analysis"
)

// The demo lake (seed + bundled recordings) against the seed alone: the
// recordings are fixtures, observed years after the 2022 fire, so the
// fire's blast radius must not move, and every row says what it rests on.
func TestDemoLakeNumbersIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests the demo twice")
	}
	dir := t.TempDir()
	demo, seed := filepath.Join(dir, "demo"), filepath.Join(dir, "seed")
	if code, out, errs := runCLI(t, demo, "ingest", "--demo"); code != exitOK {
		t.Fatalf("demo ingest %d: %s %s", code, out, errs)
	}
	if code, out, errs := runCLI(t, seed, "ingest", "--source", "seed"); code != exitOK {
		t.Fatalf("seed ingest %d: %s %s", code, out, errs)
	}
	radius := func(lake string) (int, float64) {
		code, out, errs := runCLI(t, lake, "analyze", "blast_radius", "--json", "--results", "")
		if code != exitOK {
			t.Fatalf("analyze %d: %s", code, errs)
		}
		var res []struct {
			Rows []map[string]any `json:"rows"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 1 {
			t.Fatalf("analyze output %v: %.200s", err, out)
		}
		users := 0.0
		for _, r := range res[0].Rows {
			if f, ok := r["users"].(float64); ok {
				users += f
			}
		}
		return len(res[0].Rows), users
	}
	dn, du := radius(demo)
	sn, su := radius(seed)
	if dn != 73 || du != 84688281 || dn != sn || du != su {
		t.Errorf("Pangyo blast radius: demo %d nodes %.0f users, seed %d nodes %.0f users; want 73 and 84688281 both", dn, du, sn, su)
	}

	// Evidence: the seed is compiled, every replayed bundled row a fixture,
	// and no row claims an access date it does not have.
	code, out, errs := runCLI(t, demo, "sql", "--format", "csv", `
SELECT collector = 'seed' AS seed, evidence, count(*) FILTER (WHERE accessed_at IS NOT NULL) AS accessed
FROM (SELECT collector, evidence, accessed_at FROM mau_all UNION ALL SELECT collector, evidence, accessed_at FROM services_all
      UNION ALL SELECT collector, evidence, accessed_at FROM dependencies_all UNION ALL SELECT collector, evidence, accessed_at FROM news_all
      UNION ALL SELECT collector, evidence, accessed_at FROM incidents_all)
GROUP BY ALL ORDER BY ALL`)
	if code != exitOK {
		t.Fatalf("sql %d: %s", code, errs)
	}
	if got, want := strings.TrimSpace(out), "seed,evidence,accessed\nfalse,fixture,0\ntrue,compiled,0"; got != want {
		t.Errorf("evidence by origin:\n%s\nwant\n%s", got, want)
	}

	// The report discloses the fixtures in a banner and never says
	// "retrieved" for a page only a bundled recording imitates.
	out = filepath.Join(dir, "report")
	if code, so, se := runCLI(t, demo, "report", "-o", out); code != exitOK {
		t.Fatalf("report %d: %s %s", code, so, se)
	}
	html, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), `<p class="banner" role="note">Demo data:`) {
		t.Error("demo report has no fixture banner")
	}
	// Nor does a caption: the demo lake has no live or archived row, so no
	// line of sources may say "retrieved" at all.
	for _, line := range strings.Split(string(html), "\n") {
		if strings.Contains(line, `class="sources"`) && strings.Contains(line, "retrieved") {
			t.Errorf("a caption claims a retrieval nobody made: %s", line)
		}
	}
	for _, li := range strings.Split(string(html), "<li id=\"ref-")[1:] {
		li = li[:strings.Index(li, "</li>")]
		if strings.Contains(li, "fixture") && strings.Contains(li, "retrieved") {
			t.Errorf("reference claims a retrieval of a fixture page: %s", li)
		}
	}

	// The same lake gives byte-identical analyze --json.
	_, first, _ := runCLI(t, demo, "analyze", "--json", "--results", "")
	_, second, _ := runCLI(t, demo, "analyze", "--json", "--results", "")
	if first != second || len(first) < 1000 {
		t.Errorf("analyze --json differs between two runs on one lake (%d vs %d bytes)", len(first), len(second))
	}
	// Shares and ratios stay in [0, 1] on the demo lake too (sso_share
	// was 1.143 for Kakao).
	var all []struct {
		Name    string           `json:"name"`
		Columns []string         `json:"-"`
		Rows    []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal([]byte(first), &all); err != nil {
		t.Fatal(err)
	}
	for _, a := range all {
		tb := &analysis.Table{}
		for i, r := range a.Rows {
			if i == 0 {
				for c := range r {
					tb.Columns = append(tb.Columns, c)
				}
			}
			row := make([]any, len(tb.Columns))
			for j, c := range tb.Columns {
				row[j] = r[c]
			}
			tb.Rows = append(tb.Rows, row)
		}
		for _, v := range analysis.RangeViolations(a.Name, tb) {
			t.Error(v)
		}
	}
}
