package report

import (
	"context"
	"testing"
)

// The blast radius cites the sources of the edges the failure travelled and
// of the users weighting it, not every dependency source in the lake: an
// edge far from the failed node lends the section no evidence.
func TestBlastRadiusCitesTheEdgesItTravelled(t *testing.T) {
	r := seedReport(t, "en")
	var cited map[string]bool
	for _, b := range r.Blocks {
		if b.Section != nil && b.Section.ID == "blast_radius" {
			cited = map[string]bool{}
			for _, s := range b.Section.Sources {
				cited[s.URL] = true
			}
		}
	}
	if cited == nil {
		t.Fatal("no blast_radius section")
	}
	db := openSeed(t)
	ctx := context.Background()
	urls := func(q string) map[string]bool {
		t.Helper()
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]bool{}
		for rows.Next() {
			var u string
			if err := rows.Scan(&u); err != nil {
				t.Fatal(err)
			}
			out[u] = true
		}
		return out
	}
	all := urls(`SELECT DISTINCT source_url FROM dependencies`)
	// The edges out of the failed data centre's dependants: the first ring.
	ring := urls(`SELECT DISTINCT source_url FROM dependencies WHERE to_id = 'sk_cc_pangyo'`)
	users := urls(`SELECT DISTINCT source_url FROM mau`)
	if len(ring) == 0 {
		t.Fatal("the seed has no edge into the failed node")
	}
	for u := range ring {
		if !cited[u] {
			t.Errorf("the source of an edge into the failed node is not cited: %s", u)
		}
	}
	var edgeSources int
	for u := range cited {
		if all[u] {
			edgeSources++
		} else if !users[u] {
			t.Errorf("cited %s is neither a dependency's nor a user figure's source", u)
		}
	}
	if edgeSources >= len(all) {
		t.Errorf("cites all %d dependency sources of the lake, want only the travelled edges'", len(all))
	}
	t.Logf("%d of %d dependency sources cited", edgeSources, len(all))
}
