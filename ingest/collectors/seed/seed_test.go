package seed

import (
	"context"
	"flag"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data"
	"github.com/gwanmun/gwanmun/data/schema"
	"github.com/gwanmun/gwanmun/ingest"
	"github.com/gwanmun/gwanmun/ingest/recordtest"
)

func collect(t *testing.T) ([]schema.Row, *ingest.Session) {
	t.Helper()
	var rows []schema.Row
	c := NewFS(data.Seed, "seed")
	s := ingest.NewSession(c, ingest.SessionOptions{RunID: "test", Sink: func(r schema.Row) error {
		rows = append(rows, r)
		return nil
	}})
	if err := c.Collect(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return rows, s
}

func TestSeedLoadsEveryRowCleanly(t *testing.T) {
	rows, s := collect(t)
	if errs := s.Errors(); len(errs) > 0 {
		t.Fatalf("seed produced %d errors, first: %s", len(errs), errs[0])
	}
	if s.Rejected() > 0 {
		t.Fatalf("%d seed rows failed validation", s.Rejected())
	}
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.Dataset()]++
		if r.Prov().SourceURL == "" || r.Prov().ContentSHA256 == "" {
			t.Fatalf("%s row without provenance: %+v", r.Dataset(), r)
		}
	}
	// 78 + 37 MAU rows, 26 daily-usage rows and 142 OWID rows.
	want := map[string]int{"mau": 78 + 37 + 26 + 142, "thresholds": 32 + 1, "platforms": 51} // +1: the DOJ/FTC 2023 share presumption (data/seed/README.md)
	for ds, n := range want {
		if counts[ds] != n {
			t.Errorf("%s: %d rows, want %d", ds, counts[ds], n)
		}
	}
	if counts["incidents"] < 47 || counts["services"] != 62+43 || counts["dependencies"] == 0 {
		t.Errorf("counts = %v", counts)
	}
}

func TestSeedKnownFigures(t *testing.T) {
	rows, _ := collect(t)
	var mau *schema.MAU
	var restore *schema.Incident
	var restated, original int
	for _, r := range rows {
		switch v := r.(type) {
		case *schema.MAU:
			if v.PlatformID == "kakaotalk" && v.Country == "KR" && v.PeriodLabel == "2022Q3" && v.Estimator == "company-reported" {
				mau = v
			}
			if v.PlatformID == "kakaotalk" && v.PeriodLabel == "2023-12" {
				if v.Revision == 1 {
					restated++
				} else {
					original++
				}
			}
		case *schema.Incident:
			if v.ServiceID == "kakao_all" && v.Event == "restore" {
				restore = v
			}
		}
	}
	if mau == nil || mau.Value != 47_637_000 || mau.Source != "Kakao IR" || mau.PeriodGrain != "quarter" ||
		!mau.PeriodStart.Equal(time.Date(2022, 7, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("KakaoTalk 2022Q3 = %+v, want 47,637,000 company-reported from 2022-07-01", mau)
	}
	if restore == nil {
		t.Fatal("no full-restore event for all Kakao services")
	}
	// 2022-10-20 23:00 KST is 14:00 UTC.
	if want := time.Date(2022, 10, 20, 14, 0, 0, 0, time.UTC); !restore.At.Equal(want) || restore.AtLocal != "2022-10-20T23:00" {
		t.Fatalf("all services restored at %v (%s), want %v", restore.At, restore.AtLocal, want)
	}
	if restated != 1 || original != 1 {
		t.Fatalf("IGAWorks Dec-2023 KakaoTalk: %d original, %d restated; want one of each", original, restated)
	}
}

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in    string
		start string
		grain string
		bad   bool
	}{
		{"2023Q1", "2023-01-01", "quarter", false},
		{"2022Q3", "2022-07-01", "quarter", false},
		{"2023H1", "2023-01-01", "half", false},
		{"2023H2", "2023-07-01", "half", false},
		{"2023-04", "2023-04-01", "month", false},
		{"2019", "2019-01-01", "year", false},
		{"2022-10-14", "2022-10-14", "day", false},
		{"2023-13", "", "", true},
		{"2023-02-30", "", "", true},
		{"Q3 2022", "", "", true},
		{"", "", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			start, grain, err := ParsePeriod(tc.in)
			if tc.bad {
				if err == nil {
					t.Fatalf("ParsePeriod(%q) = %v, want an error", tc.in, start)
				}
				return
			}
			if err != nil || start.Format("2006-01-02") != tc.start || grain != tc.grain {
				t.Fatalf("ParsePeriod(%q) = %v %q %v, want %s %s", tc.in, start, grain, err, tc.start, tc.grain)
			}
		})
	}
}

func TestClassifyRejectsUnknownNotes(t *testing.T) {
	if _, err := classify("some blog said so", "a blog"); err == nil {
		t.Fatal("an unattributable figure must not get an estimator")
	}
	c, err := classify("IGAWorks Mobile Index panel estimate, ANDROID ONLY, June 2020", "")
	if err != nil || c.estimator != "panel" || c.flags[0] != "android_only" {
		t.Fatalf("classify = %+v, %v", c, err)
	}
}

var update = flag.Bool("update", false, "rewrite testdata/want.json")

// TestWant pins every row the snapshot gives, so a change to data/seed or
// to the loader shows up as a reviewed diff of testdata/want.json.
func TestWant(t *testing.T) {
	rows, _ := collect(t)
	recordtest.Golden(t, recordtest.Want, recordtest.Tagged(rows), *update)
}
