// Package vocab is the lake's controlled vocabulary as data: which metrics
// exist and in which units they are counted, the ISO 4217 currency codes,
// and a cited table of annual average exchange rates for turning a
// turnover into the EUR that the EU DMA's thresholds are written in. An MAU
// in KRW, a revenue in persons or a made-up currency is bad input.
package vocab

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"sort"
	"strconv"
	"sync"
)

// Dimension of the currency metrics: their unit is an ISO 4217 code.
const Currency = "currency"

var (
	//go:embed metrics.csv
	metricsCSV []byte
	//go:embed units.csv
	unitsCSV []byte
	//go:embed currencies.csv
	currenciesCSV []byte
	//go:embed fx.csv
	fxCSV []byte
)

// Metric is one entry of the metric vocabulary.
type Metric struct {
	Name        string
	Dimension   string
	Description string
}

// Rate is one published annual average exchange rate. Quote says how the
// publisher states it: "per_usd" (currency units per US dollar) or
// "usd_per_unit" (US dollars per currency unit, as the Fed quotes EUR/GBP).
type Rate struct {
	Year        int
	Currency    string
	Value       float64
	Quote       string
	SourceURL   string
	SourceTitle string
	Publisher   string
}

type tables struct {
	metrics    map[string]Metric
	units      map[string]string // unit -> dimension
	currencies map[string]string // code -> name
	fx         map[string]Rate   // "2022/KRW"
}

var load = sync.OnceValue(func() tables {
	t := tables{metrics: map[string]Metric{}, units: map[string]string{}, currencies: map[string]string{}, fx: map[string]Rate{}}
	for _, r := range mustRead("metrics.csv", metricsCSV, 3) {
		t.metrics[r[0]] = Metric{Name: r[0], Dimension: r[1], Description: r[2]}
	}
	for _, r := range mustRead("units.csv", unitsCSV, 3) {
		t.units[r[0]] = r[1]
	}
	for _, r := range mustRead("currencies.csv", currenciesCSV, 2) {
		t.currencies[r[0]] = r[1]
	}
	for _, r := range mustRead("fx.csv", fxCSV, 7) {
		y, err1 := strconv.Atoi(r[0])
		v, err2 := strconv.ParseFloat(r[2], 64)
		if err1 != nil || err2 != nil || v <= 0 || (r[3] != "per_usd" && r[3] != "usd_per_unit") {
			panic(fmt.Sprintf("vocab: fx.csv row %v is malformed", r))
		}
		t.fx[r[0]+"/"+r[1]] = Rate{Year: y, Currency: r[1], Value: v, Quote: r[3], SourceURL: r[4], SourceTitle: r[5], Publisher: r[6]}
	}
	return t
})

// mustRead parses an embedded table; a broken one is a build defect the
// package test catches, so it panics rather than returning an error.
func mustRead(name string, b []byte, cols int) [][]string {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = cols
	rows, err := r.ReadAll()
	if err != nil {
		panic(fmt.Sprintf("vocab: %s: %v", name, err))
	}
	return rows[1:]
}

// LookupMetric returns the vocabulary entry of a metric.
func LookupMetric(name string) (Metric, bool) {
	m, ok := load().metrics[name]
	return m, ok
}

// Metrics returns every metric, sorted by name.
func Metrics() []Metric {
	out := make([]Metric, 0, len(load().metrics))
	for _, m := range load().metrics {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// IsCurrency reports whether code is an active ISO 4217 code.
func IsCurrency(code string) bool {
	_, ok := load().currencies[code]
	return ok
}

// UnitDimension returns what a unit measures ("persons", "time", ...), or
// Currency for an ISO 4217 code.
func UnitDimension(unit string) (string, bool) {
	if IsCurrency(unit) {
		return Currency, true
	}
	d, ok := load().units[unit]
	return d, ok
}

// CheckUnit says whether metric may be stated in unit: an unknown metric,
// an unknown unit or a unit of another dimension (mau in KRW, revenue in
// persons) is an error naming both.
func CheckUnit(metric, unit string) error {
	m, ok := LookupMetric(metric)
	if !ok {
		return fmt.Errorf("metric %q is not in the vocabulary (data/vocab/metrics.csv)", metric)
	}
	d, ok := UnitDimension(unit)
	if !ok {
		if m.Dimension == Currency {
			return fmt.Errorf("%s: currency %q is not an ISO 4217 code", metric, unit)
		}
		return fmt.Errorf("%s: unit %q is not in the vocabulary (data/vocab/units.csv)", metric, unit)
	}
	if d != m.Dimension {
		return fmt.Errorf("%s is counted in %s, not in %q (%s)", metric, m.Dimension, unit, d)
	}
	return nil
}

// RateFor returns the annual average rate of currency in year.
func RateFor(currency string, year int) (Rate, bool) {
	r, ok := load().fx[strconv.Itoa(year)+"/"+currency]
	return r, ok
}

// Rates returns the whole FX table, by year then currency.
func Rates() []Rate {
	out := make([]Rate, 0, len(load().fx))
	for _, r := range load().fx {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Year != out[j].Year {
			return out[i].Year < out[j].Year
		}
		return out[i].Currency < out[j].Currency
	})
	return out
}

// ToEUR converts an amount stated in currency into EUR at year's annual
// average rate, crossing through the US dollar as the table is quoted. It
// returns the rates used so a report can cite them; a year or currency
// the table lacks is an error, never a guess.
func ToEUR(amount float64, currency string, year int) (float64, []Rate, error) {
	if !IsCurrency(currency) {
		return 0, nil, fmt.Errorf("currency %q is not an ISO 4217 code", currency)
	}
	if currency == "EUR" {
		return amount, nil, nil
	}
	eur, ok := RateFor("EUR", year)
	if !ok {
		return 0, nil, fmt.Errorf("no cited EUR rate for %d in data/vocab/fx.csv", year)
	}
	usd := amount
	used := []Rate{}
	if currency != "USD" {
		r, ok := RateFor(currency, year)
		if !ok {
			return 0, nil, fmt.Errorf("no cited %s rate for %d in data/vocab/fx.csv", currency, year)
		}
		used = append(used, r)
		if r.Quote == "per_usd" {
			usd = amount / r.Value
		} else {
			usd = amount * r.Value
		}
	}
	used = append(used, eur)
	return usd / eur.Value, used, nil
}
