package analysis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

var concentration = Analysis{Name: "concentration", Title: "Market concentration (HHI, CR-n)",
	Doc: "Shares, HHI, CR1/CR3/CR4, effective number of platforms and ΔHHI per market (country, categories, period, metric, source), " +
		"with DOJ/FTC 2023, DOJ/FTC 2010, EU 2004 and KFTC bands; reach when internet_users is given; with merge, " +
		"a hypothetical merger's post-merger HHI, ΔHHI and the DOJ/FTC 2023 structural presumptions, every leg shown.",
	Check: checkMerge,
	Params: []Param{
		{Name: "category", Default: "messenger", Study: "market", Doc: "platform categories defining the market, comma-separated (messenger or messenger,social)"},
		{Name: "country", Study: "market_country", Doc: "country of the market (default: the study's first market's)"},
		{Name: "internet_users", Default: "", Doc: "internet users in the country, for reach = users / internet users; " +
			"empty: no reach (the seed has no cited figure)"},
		{Name: "merge", Default: "", Doc: "platform ids of a hypothetical merger, comma-separated (a,b): post-merger HHI, " +
			"ΔHHI = 2·s_a·s_b and the DOJ/FTC 2023 presumptions per market; empty: no merger"},
	}}

// checkMerge makes merge= name at least two platforms of the market: an
// unknown id, or one outside the market's categories, is an error naming
// it, never a merger silently computed without it.
func checkMerge(ctx context.Context, db *DB, params map[string]string) error {
	ids := splitList(params["merge"], ",")
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	bad := func(err error) error { return &ParamError{Analysis: "concentration", Param: "merge", Err: err} }
	if len(ids) < 2 {
		return bad(fmt.Errorf("%q: a merger needs two or more distinct platform ids (merge=a,b)", params["merge"]))
	}
	t, err := db.Query(ctx, `SELECT platform_id, category FROM platforms WHERE list_contains(string_split(?, ','), platform_id) ORDER BY platform_id`, strings.Join(ids, ","))
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	category := map[string]string{}
	for _, r := range t.Rows {
		category[asString(r[0])] = asString(r[1])
	}
	market := splitList(params["category"], ",")
	var unknown, outside []string
	for _, id := range ids {
		c, ok := category[id]
		switch {
		case !ok:
			unknown = append(unknown, id)
		case !slices.Contains(market, c):
			outside = append(outside, fmt.Sprintf("%s (%s)", id, c))
		}
	}
	var errs []error
	if len(unknown) > 0 {
		errs = append(errs, fmt.Errorf("unknown platform id(s) %s (see the platforms view)", strings.Join(unknown, ", ")))
	}
	if len(outside) > 0 {
		errs = append(errs, fmt.Errorf("platform(s) %s not in the market %q", strings.Join(outside, ", "), params["category"]))
	}
	if len(errs) > 0 {
		return bad(errors.Join(errs...))
	}
	return nil
}

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
