package file

import (
	"context"
	"os"
	"testing"
)

// FuzzReadTable: no input makes the readers or the mapper panic; every
// failure is an error.
func FuzzReadTable(f *testing.F) {
	for _, name := range []string{"testdata/market/mau.csv", "testdata/market/mau.jsonl", "testdata/bad/mau_text.csv"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
	}
	f.Add([]byte("{\"a\": [1, {\"b\": 2}]}\n"), true)
	f.Fuzz(func(t *testing.T, b []byte, jsonl bool) {
		format := "csv"
		if jsonl {
			format = "jsonl"
		}
		src := source{FileConfig: FileConfig{Path: "x." + format, Dataset: "mau",
			Columns:   map[string]string{"value": "users"},
			Constants: map[string]any{"metric": "mau", "unit": "persons", "estimator": "company-reported"}}}
		src.res, _ = testPackage().Resource("mau")
		tb, err := readTable(context.Background(), "x", format, b, src.FileConfig)
		if err != nil {
			return
		}
		m, err := newMapper(src, tb)
		if err != nil {
			return
		}
		m.now = testNow
		for _, rec := range tb.rows {
			_, _ = m.row(rec)
		}
	})
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2021Q3", "2021H1", "2021-09", "2021-09-30", "2021", "2021-02-30", "2021Q5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start, grain, err := parsePeriod(s)
		if err == nil && (start.IsZero() || grain == "") {
			t.Fatalf("%q: start %v grain %q without error", s, start, grain)
		}
	})
}
