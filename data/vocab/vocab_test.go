package vocab

import (
	"math"
	"strings"
	"testing"
)

func TestCheckUnit(t *testing.T) {
	tests := []struct {
		metric, unit string
		wantErr      string
	}{
		{"mau", "persons", ""},
		{"usage_time", "hours", ""},
		{"usage_time_per_user", "minutes", ""},
		{"revenue", "KRW", ""},
		{"turnover", "EUR", ""},
		{"business_users", "businesses", ""},
		{"mau", "KRW", `mau is counted in persons, not in "KRW" (currency)`},
		{"revenue", "persons", `revenue is counted in currency, not in "persons" (persons)`},
		{"revenue", "XYZ", `revenue: currency "XYZ" is not an ISO 4217 code`},
		{"mau", "people", `mau: unit "people" is not in the vocabulary`},
		{"likes", "persons", `metric "likes" is not in the vocabulary`},
	}
	for _, tt := range tests {
		t.Run(tt.metric+"/"+tt.unit, func(t *testing.T) {
			err := CheckUnit(tt.metric, tt.unit)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestCurrencies(t *testing.T) {
	for _, c := range []string{"KRW", "EUR", "USD", "JPY", "CNY"} {
		if !IsCurrency(c) {
			t.Errorf("%s is not a currency", c)
		}
	}
	for _, c := range []string{"krw", "RMB", "BTC", ""} {
		if IsCurrency(c) {
			t.Errorf("%q accepted as a currency", c)
		}
	}
}

// The Fed's G.5A 2023 table: 1 EUR = 1.0817 USD, 1 USD = 1306.7637 KRW, so
// KRW 1,306,763,700,000 = USD 1e9 = EUR 924,470,740.5...
func TestToEUR(t *testing.T) {
	got, used, err := ToEUR(1_306_763_700_000, "KRW", 2023)
	if err != nil {
		t.Fatal(err)
	}
	if want := 1e9 / 1.0817; math.Abs(got-want) > 1e-3 {
		t.Fatalf("got %f, want %f", got, want)
	}
	if len(used) != 2 || used[0].Currency != "KRW" || used[1].Currency != "EUR" || used[0].SourceURL == "" {
		t.Fatalf("rates used %+v", used)
	}
	if got, _, _ := ToEUR(100, "USD", 2019); math.Abs(got-100/1.1194) > 1e-9 {
		t.Fatalf("USD: got %f", got)
	}
	if _, _, err := ToEUR(1, "KRW", 2009); err == nil {
		t.Fatal("a year without a cited rate converted")
	}
	if _, _, err := ToEUR(1, "XYZ", 2022); err == nil {
		t.Fatal("unknown currency converted")
	}
}

// Every rate row is cited, and every currency in it is a real code.
func TestFXCited(t *testing.T) {
	rs := Rates()
	if len(rs) < 50 {
		t.Fatalf("%d rates", len(rs))
	}
	for _, r := range rs {
		if r.SourceURL == "" || r.SourceTitle == "" || r.Publisher == "" || !IsCurrency(r.Currency) {
			t.Errorf("rate %+v is not cited or not a currency", r)
		}
	}
	for _, m := range Metrics() {
		if m.Dimension != Currency {
			if _, ok := load().units[m.Dimension]; !ok && !dimensionHasUnit(m.Dimension) {
				t.Errorf("metric %s has dimension %q that no unit measures", m.Name, m.Dimension)
			}
		}
	}
}

func dimensionHasUnit(d string) bool {
	for _, dim := range load().units {
		if dim == d {
			return true
		}
	}
	return false
}
