package analysis

import (
	"context"
	"fmt"
)

var concentration = Analysis{Name: "concentration", Title: "Market concentration (HHI, CR-n)",
	Doc: "Shares, HHI, CR1/CR3/CR4, effective number of platforms and ΔHHI per market (country, categories, period, metric, source), " +
		"with DOJ/FTC 2023, DOJ/FTC 2010, EU 2004 and KFTC bands; reach when internet_users is given.",
	Params: []Param{
		{Name: "category", Default: "messenger", Study: "market", Doc: "platform categories defining the market, comma-separated (messenger or messenger,social)"},
		{Name: "country", Study: "market_country", Doc: "country of the market (default: the study's first market's)"},
		{Name: "internet_users", Default: "", Doc: "internet users in the country, for reach = users / internet users; " +
			"empty: no reach (the seed has no cited figure)"},
	}}

var concentrationSensitivity = Analysis{Name: "concentration_sensitivity", Title: "Concentration across market definitions",
	Doc: "The concentration analysis run once per market definition (category set), one row per definition, period, metric and source, " +
		"so a reader sees how much the verdict depends on where the market's edges are drawn.",
	Params: []Param{
		{Name: "markets", Default: "messenger", Study: "markets",
			Doc: "market definitions separated by ';', each a comma-separated set of platform categories"},
		{Name: "country", Study: "market_country", Doc: "country of the markets (default: the study's first market's)"},
		{Name: "internet_users", Default: "", Doc: "internet users in the country, for reach; empty: no reach"},
	},
	Compute: computeConcentrationSensitivity,
}

func computeConcentrationSensitivity(ctx context.Context, db *DB, params map[string]string) (*Table, error) {
	defs := splitList(params["markets"], ";")
	if len(defs) == 0 {
		return nil, fmt.Errorf("parameter markets is empty")
	}
	var out *Table
	for _, def := range defs {
		t, err := db.Run(ctx, concentration, map[string]string{
			"category": def, "country": params["country"], "internet_users": params["internet_users"],
		})
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = &Table{Columns: append([]string{"market"}, t.Columns...)}
		}
		for _, r := range t.Rows {
			out.Rows = append(out.Rows, append([]any{def}, r...))
		}
	}
	return out, nil
}
