package lakestore

import (
	"sort"
	"strings"

	"github.com/gwanmun/gwanmun/data/schema"
)

// The one "latest row per natural key" rule. Of the rows sharing a
// dataset's natural key, the one fetched last wins; equal fetch times go to
// the larger run id. LatestSQL states it for DuckDB (the analysis views,
// lake export), Latest for Go (ledger reads). TestLatestSQLAndGoPickTheSameRows holds them together.

// LatestSQL is the QUALIFY clause that keeps the latest row per natural
// key of ds. Only the schema's identifiers are spliced in.
func LatestSQL(ds schema.Dataset) string {
	keys := make([]string, len(ds.Key))
	for i, k := range ds.Key {
		keys[i] = QuoteIdent(k)
	}
	return "QUALIFY row_number() OVER (PARTITION BY " + strings.Join(keys, ", ") +
		" ORDER BY fetched_at DESC, run_id DESC) = 1"
}

// Latest keeps the latest row per natural key of ds, sorted by key so the
// result does not depend on the order rows were read in. Of two rows equal
// in key, fetch time and run id, the later one in rows wins, as a later
// commit does for readers.
func Latest(ds schema.Dataset, rows []schema.Row) []schema.Row {
	k := NewKeyer(ds)
	latest := map[string]schema.Row{}
	for _, r := range rows {
		key := k.Key(r)
		if old, ok := latest[key]; !ok || !newer(old, r) {
			latest[key] = r
		}
	}
	keys := make([]string, 0, len(latest))
	for key := range latest {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	out := make([]schema.Row, len(keys))
	for i, key := range keys {
		out[i] = latest[key]
	}
	return out
}

// QuoteIdent quotes a SQL identifier for DuckDB.
func QuoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// newer orders two versions of one key as the readers' views do: latest
// fetched_at, then the larger run id.
func newer(a, b schema.Row) bool {
	pa, pb := a.Prov(), b.Prov()
	if !pa.FetchedAt.Equal(pb.FetchedAt) {
		return pa.FetchedAt.After(pb.FetchedAt)
	}
	return pa.RunID > pb.RunID
}
