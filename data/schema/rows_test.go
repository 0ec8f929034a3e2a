package schema

import (
	"strings"
	"testing"
	"time"
)

func TestMAUValidate(t *testing.T) {
	good := func() MAU {
		return MAU{PlatformID: "kakaotalk", Country: "KR", Metric: "mau",
			PeriodStart: time.Date(2022, 7, 1, 0, 0, 0, 0, time.UTC), PeriodGrain: "quarter",
			Value: 47_637_000, Unit: "persons", Estimator: "company-reported", Source: "Kakao IR"}
	}
	tests := []struct {
		name    string
		edit    func(*MAU)
		wantErr string
	}{
		{"valid", func(*MAU) {}, ""},
		{"negative users", func(m *MAU) { m.Value = -1 }, "negative mau"},
		{"more users than people", func(m *MAU) { m.Value = 9e9 }, "exceeds the world's population"},
		{"negative percent change is fine", func(m *MAU) { m.Unit, m.Value = "percent", -38.17 }, ""},
		{"unknown grain", func(m *MAU) { m.PeriodGrain = "fortnight" }, "period_grain"},
		{"unknown estimator", func(m *MAU) { m.Estimator = "vibes" }, "estimator"},
		{"missing period", func(m *MAU) { m.PeriodStart = time.Time{} }, "period_start is missing"},
		{"far future", func(m *MAU) { m.PeriodStart = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC) }, "outside"},
		{"missing platform", func(m *MAU) { m.PlatformID = "" }, "platform_id is empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := good()
			tc.edit(&m)
			err := m.Validate()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error = %v, want it to mention %q", err, tc.wantErr)
			}
		})
	}
}

func TestNewsNeverDefaultsDateToFetchTime(t *testing.T) {
	n := News{ArticleID: "a", URL: "https://example.kr/a", Title: "카카오 먹통"}
	if err := n.Validate(); err == nil || !strings.Contains(err.Error(), "no reason") {
		t.Fatalf("a news row without a date or a reason must be rejected, got %v", err)
	}
	n.DateMissingReason = "no date in feed item or page"
	if err := n.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestColumnsCarryProvenanceLast(t *testing.T) {
	for _, ds := range Datasets() {
		cols := ds.Columns()
		tail := cols[len(cols)-len(ProvenanceColumns):]
		for i, c := range tail {
			if c.Name != ProvenanceColumns[i] {
				t.Fatalf("%s: provenance column %d is %s, want %s", ds.Name, i, c.Name, ProvenanceColumns[i])
			}
		}
		names := map[string]bool{}
		for _, c := range cols {
			if names[c.Name] {
				t.Fatalf("%s: duplicate column %s", ds.Name, c.Name)
			}
			names[c.Name] = true
		}
		for _, k := range ds.Key {
			if !names[k] {
				t.Fatalf("%s: key column %s is not a column", ds.Name, k)
			}
		}
	}
}
