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

func TestFutureDatesAreBadInput(t *testing.T) {
	fetched := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
	prov := Provenance{FetchedAt: fetched}
	mau := func(start time.Time, p Provenance) MAU {
		return MAU{PlatformID: "kakaotalk", Country: "KR", Metric: "mau", PeriodStart: start, PeriodGrain: "quarter",
			Value: 47_637_000, Unit: "persons", Estimator: "company-reported", Source: "Kakao IR", Provenance: p}
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	pub := func(t time.Time) *time.Time { return &t }
	tests := []struct {
		name    string
		row     interface{ Validate() error }
		wantErr string
	}{
		{"mau period in 2099", mau(day(2099, 1, 1), prov), "period_start 2099-01-01T00:00:00Z is after the fetch time 2026-12-05T08:00:00Z"},
		{"mau period inside the clock-skew allowance", mau(fetched.Add(MaxClockSkew), prov), ""},
		{"mau period just past it", mau(fetched.Add(MaxClockSkew+time.Second), prov), "a source cannot report the future"},
		{"mau period of the current quarter", mau(day(2026, 10, 1), prov), ""},
		{"row without a fetch time is not checked", mau(day(2099, 1, 1), Provenance{}), ""},
		{"financial period in 2099", Financial{Company: "Kakao", Metric: "revenue", Currency: "KRW", PeriodGrain: "year",
			PeriodStart: day(2099, 1, 1), Provenance: prov}, "period_start 2099-01-01T00:00:00Z is after the fetch time"},
		{"news published in 2099", News{ArticleID: "a", URL: "https://example.kr/a", Title: "t",
			PublishedAt: pub(day(2099, 10, 15)), Provenance: prov}, "published_at 2099-10-15T00:00:00Z is after the fetch time"},
		{"news published an hour before the fetch", News{ArticleID: "a", URL: "https://example.kr/a", Title: "t",
			PublishedAt: pub(fetched.Add(-time.Hour)), Provenance: prov}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.row.Validate()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error = %v, want it to mention %q", err, tc.wantErr)
			}
		})
	}
}
