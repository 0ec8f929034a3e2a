package appstore

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
)

// app is one package the curated table (apps.csv) knows.
type app struct {
	id, ko, en   string
	seedCategory string // the seed's label; used when the card shows no genre
	provider     string
	linked       bool
	account      string // why linked is what it is, with its seed source
	platform     string // data/seed/platforms.csv id
}

//go:embed apps.csv
var appsCSV string

// apps is keyed by Google Play package id.
var apps = readApps()

func readApps() map[string]app {
	r := csv.NewReader(strings.NewReader(appsCSV))
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil || len(recs) == 0 {
		panic(fmt.Sprintf("appstore: apps.csv: %v", err)) // embedded; its test reads it
	}
	out := map[string]app{}
	for _, f := range recs[1:] {
		linked, err := strconv.ParseBool(f[6])
		if err != nil {
			panic(fmt.Sprintf("appstore: apps.csv %s: account_linked %q", f[0], f[6]))
		}
		out[f[0]] = app{id: f[1], ko: f[2], en: f[3], seedCategory: f[4], provider: f[5], linked: linked, account: f[7], platform: f[8]}
	}
	return out
}
