package servicedir

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"net/url"
	"strings"
)

// known is one service the curated table knows: its stable id, names,
// and what data/seed/gateway_services*.csv says about it (category label,
// provider, how it is reached, whether it needs the gateway's account).
// The directory page gives the name, link and the page's own category;
// the rest comes from the seed row named in the comment.
type known struct {
	id, ko, en   string
	seedCategory string
	provider     string
	// entry is how the seed says users reach it: a gateway app's id
	// (inside that app), an account node's id (its own app or site, signed
	// in with that account), a portal's id.
	entry    string
	account  string // the seed's account_linked text, verbatim
	platform string // data/seed/platforms.csv id, if it has one
	host     string // the service's home page host, a second way to match
}

// services is the one table of service ids per directory layout, read
// from services.csv.
var services = readServices()

//go:embed services.csv
var servicesCSV string

func readServices() map[string][]known {
	r := csv.NewReader(strings.NewReader(servicesCSV))
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil || len(recs) == 0 {
		panic(fmt.Sprintf("servicedir: services.csv: %v", err)) // embedded; its test reads it
	}
	out := map[string][]known{}
	for _, f := range recs[1:] {
		out[f[0]] = append(out[f[0]], known{id: f[1], ko: f[2], en: f[3], seedCategory: f[4], provider: f[5],
			entry: f[6], account: f[7], platform: f[8], host: f[9]})
	}
	return out
}

// lookup finds a card's service by its name (spaces and case ignored),
// then by its link's host.
func lookup(layout, name, link string) (known, bool) {
	n := nameKey(name)
	for _, k := range services[layout] {
		if n == nameKey(k.ko) || n == nameKey(k.en) {
			return k, true
		}
	}
	u, err := url.Parse(link)
	if err != nil || u.Host == "" {
		return known{}, false
	}
	for _, k := range services[layout] {
		if k.host != "" && strings.EqualFold(u.Host, k.host) {
			return k, true
		}
	}
	return known{}, false
}

func nameKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}
