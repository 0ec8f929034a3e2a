package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `report --merge a,b` shows the hypothetical merger in the concentration
// table: its figures, both DOJ/FTC 2023 presumptions with every leg, and
// the guidelines' citation; an id that names no platform is a usage error.
func TestReportShowsAMerger(t *testing.T) {
	if testing.Short() {
		t.Skip("renders a report")
	}
	lake := seedLake(t)
	out := filepath.Join(t.TempDir(), "report")
	if code, so, se := runCLI(t, lake, "report", "--merge", "discord,telegram", "-o", out); code != exitOK {
		t.Fatalf("report exit %d: %s %s", code, so, se)
	}
	b, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	for _, want := range []string{"discord&#43;telegram", "post-merger HHI 6089.1 &gt; 1800: met; ΔHHI 138.6 &gt; 100: met",
		"merged share 17.0% &gt; 30%: not met", "https://www.justice.gov/atr/2023-merger-guidelines"} {
		if !strings.Contains(html, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	// Without --merge no merger column appears.
	plain := filepath.Join(t.TempDir(), "plain")
	if code, so, se := runCLI(t, lake, "report", "-o", plain); code != exitOK {
		t.Fatalf("report exit %d: %s %s", code, so, se)
	}
	if b, _ := os.ReadFile(filepath.Join(plain, "index.html")); strings.Contains(string(b), "mg23_hhi_presumption") || strings.Contains(string(b), "post_merger_hhi") {
		t.Error("a report without --merge shows merger columns")
	}
	if code, _, se := runCLI(t, lake, "report", "--merge", "discord,nosuchapp", "-o", filepath.Join(t.TempDir(), "bad")); code != exitUsage ||
		!strings.Contains(se, "unknown platform id(s) nosuchapp") {
		t.Errorf("report --merge with an unknown id: exit %d, %s", code, se)
	}
}
