package seed

import (
	"encoding/csv"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/gwanmun/gwanmun/data"
)

// FuzzParsePeriod: whatever ParsePeriod accepts is the first instant of a
// real period of a known grain, in UTC.
func FuzzParsePeriod(f *testing.F) {
	// Every period string the seed itself uses.
	files, _ := fs.Glob(data.Seed, "seed/*.csv")
	for _, name := range files {
		b, _ := fs.ReadFile(data.Seed, name)
		recs, _ := csv.NewReader(strings.NewReader(string(b))).ReadAll()
		if len(recs) == 0 {
			continue
		}
		for i, h := range recs[0] {
			if h != "period" && h != "date" && h != "Year" {
				continue
			}
			for _, r := range recs[1:] {
				if i < len(r) {
					f.Add(r[i])
				}
			}
		}
	}
	for _, s := range []string{"2023Q5", "2023-02-30", "0000-00-00", "9999H2", "2023 Q1", "２０２３", "2023-04-01T00:00:00Z", ""} {
		f.Add(s)
	}
	grains := map[string]bool{"day": true, "month": true, "quarter": true, "half": true, "year": true}
	f.Fuzz(func(t *testing.T, s string) {
		start, grain, err := ParsePeriod(s)
		if err != nil {
			return
		}
		if !grains[grain] {
			t.Fatalf("ParsePeriod(%q) grain %q", s, grain)
		}
		if start.Location() != time.UTC || start.Hour() != 0 || start.Minute() != 0 || start.Second() != 0 || start.Nanosecond() != 0 {
			t.Fatalf("ParsePeriod(%q) = %v, not a UTC midnight", s, start)
		}
		if grain != "day" && start.Day() != 1 {
			t.Fatalf("ParsePeriod(%q) = %v: a %s starts on the 1st", s, start, grain)
		}
		switch grain {
		case "quarter":
			if (start.Month()-1)%3 != 0 {
				t.Fatalf("ParsePeriod(%q) = %v: not a quarter start", s, start)
			}
		case "half":
			if start.Month() != 1 && start.Month() != 7 {
				t.Fatalf("ParsePeriod(%q) = %v: not a half start", s, start)
			}
		case "year":
			if start.Month() != 1 {
				t.Fatalf("ParsePeriod(%q) = %v: not a year start", s, start)
			}
		}
	})
}
