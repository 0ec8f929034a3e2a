package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestReferencesGolden exports references with the characters BibTeX and
// URLs trip on; the files are goldens in testdata/references.
func TestReferencesGolden(t *testing.T) {
	refs := []Source{
		{Ref: 1, URL: "https://fntimes.com/html/view.php?ud=2022_18&x=50%", Title: "카카오 '먹통' 사태: 100% & $5 {fire} #1", Retrieved: "2026-11-24", Evidence: []string{"live"}},
		{Ref: 2, URL: "https://example.org/a b", Retrieved: ""},
	}
	csl, err := CSLJSON(refs, "en")
	if err != nil {
		t.Fatal(err)
	}
	var items []map[string]any
	if err := json.Unmarshal(csl, &items); err != nil || len(items) != 2 {
		t.Fatalf("CSL-JSON does not parse: %v", err)
	}
	if items[0]["id"] != "ref1" || items[0]["accessed"] == nil || items[1]["accessed"] != nil {
		t.Errorf("CSL items: %v", items)
	}
	for name, got := range map[string][]byte{"want.bib": BibTeX(refs, "en"), "want.json": csl} {
		want := filepath.Join("testdata", "references", name)
		if *update {
			os.MkdirAll(filepath.Dir(want), 0o755)
			if err := os.WriteFile(want, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		w, err := os.ReadFile(want)
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		if !bytes.Equal(w, got) {
			t.Errorf("%s differs; run `go test ./analysis/report -run TestReferencesGolden -update` and review:\n%s", want, got)
		}
	}
}
