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

// LatestSelect is the dataset's latest-row view over from (a table or view
// holding every version, such as `mau_all`): LatestSQL's rows, plus, for a
// dataset with a value column, what became of the value over the key's
// versions. A re-fetched figure that changed never silently shadows the old
// one: value_revision counts the values the key has had (1 for the first,
// +1 each time a later fetch changed it), restated is value_revision > 1,
// and previous_value is the value it replaced (every version stays in
// from). Only the schema's identifiers and from are spliced in.
func LatestSelect(ds schema.Dataset, from string) string {
	if !hasValue(ds) {
		return "SELECT * FROM " + from + " " + LatestSQL(ds)
	}
	keys := make([]string, len(ds.Key))
	for i, k := range ds.Key {
		keys[i] = QuoteIdent(k)
	}
	part := "PARTITION BY " + strings.Join(keys, ", ")
	// gw_changed marks the first version and every version whose value
	// differs from the one fetched before it; their running count is the
	// value's revision.
	return "SELECT * EXCLUDE (gw_changed, gw_prev),\n" +
		"  CAST(sum(gw_changed) OVER h AS BIGINT) AS value_revision,\n" +
		"  sum(gw_changed) OVER h > 1 AS restated,\n" +
		"  last_value(gw_prev IGNORE NULLS) OVER h AS previous_value\n" +
		"FROM (SELECT *,\n" +
		"    CASE WHEN row_number() OVER v = 1 OR value IS DISTINCT FROM lag(value) OVER v THEN 1 ELSE 0 END AS gw_changed,\n" +
		"    CASE WHEN row_number() OVER v > 1 AND value IS DISTINCT FROM lag(value) OVER v THEN lag(value) OVER v END AS gw_prev\n" +
		"  FROM " + from + " WINDOW v AS (" + part + " ORDER BY fetched_at, run_id))\n" +
		"WINDOW h AS (" + part + " ORDER BY fetched_at, run_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)\n" +
		LatestSQL(ds)
}

// RevisionColumns are the columns LatestSelect adds to a dataset with a
// value column, in order, with their DuckDB types.
var RevisionColumns = [][2]string{{"value_revision", "BIGINT"}, {"restated", "BOOLEAN"}, {"previous_value", "DOUBLE"}}

func hasValue(ds schema.Dataset) bool {
	for _, c := range ds.Columns() {
		if c.Name == "value" && c.Kind == schema.Float64 {
			return true
		}
	}
	return false
}
