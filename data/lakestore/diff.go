package lakestore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gwanmun/gwanmun/data/schema"
)

// State is the lake as its readers saw it at one moment: after a run
// committed (the rows of every run committed up to it) or at a time (the
// rows fetched before it). Rows keep their run id through compaction, so a
// state is the same before and after `lake compact`.
type State struct {
	// Label names the state in output: the run id or the time.
	Label string
	// Runs, when not nil, are the run ids the state holds.
	Runs []string
	// Before, used when Runs is nil, bounds fetched_at (exclusive).
	Before time.Time
}

// ErrUnknownRun is a run id no committed manifest has.
var ErrUnknownRun = errors.New("no committed run has this id")

// StateAfterRun is the lake right after run id committed: every run whose
// manifest was committed no later (ties by run id).
func StateAfterRun(dir, id string) (State, error) {
	ms, err := ReadManifests(dir)
	if err != nil {
		return State{}, err
	}
	sort.Slice(ms, func(i, j int) bool {
		if !ms[i].CommittedAt.Equal(ms[j].CommittedAt) {
			return ms[i].CommittedAt.Before(ms[j].CommittedAt)
		}
		return ms[i].RunID < ms[j].RunID
	})
	st := State{Label: id, Runs: []string{}}
	for _, m := range ms {
		st.Runs = append(st.Runs, m.RunID)
		if m.RunID == id {
			return st, nil
		}
	}
	return State{}, fmt.Errorf("run %q: %w (see `gwanmun sql \"SELECT DISTINCT run_id FROM runs\"`)", id, ErrUnknownRun)
}

// StateAt is the lake as of t: every row fetched before it.
func StateAt(t time.Time, label string) State { return State{Label: label, Before: t} }

// Change is one natural key whose latest row differs between two states.
type Change struct {
	Dataset string `json:"dataset"`
	// Change is added (a key the first state lacks), removed (a key only
	// the first state has), restated (the value changed) or superseded
	// (the latest row was replaced by one differing in other columns).
	Change string `json:"change"`
	Key    string `json:"key"`
	// OldValue and NewValue are the value column, for datasets with one.
	OldValue *float64 `json:"old_value"`
	NewValue *float64 `json:"new_value"`
	// Changed lists the columns whose values differ, provenance aside.
	Changed []string `json:"changed"`
	OldRun  *string  `json:"old_run_id"`
	NewRun  *string  `json:"new_run_id"`
	// OldFetchedAt and NewFetchedAt say when each row was read.
	OldFetchedAt *time.Time `json:"old_fetched_at"`
	NewFetchedAt *time.Time `json:"new_fetched_at"`
}

// Change kinds, in output order.
var ChangeKinds = []string{"added", "removed", "restated", "superseded"}

// Diff lists, per dataset, the natural keys whose latest row differs
// between from and to: each state's latest row per key, by the readers'
// rule (LatestSQL), compared on every column but provenance. A row fetched
// again with the same content is no change. Sorted by dataset, kind and key.
func Diff(ctx context.Context, dir string, from, to State, datasets []schema.Dataset) ([]Change, error) {
	files, err := VisibleFiles(dir)
	if err != nil {
		return nil, err
	}
	db, err := OpenDuckDB("")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var out []Change
	for _, ds := range datasets {
		fs := files[ds.Name]
		if len(fs) == 0 {
			continue
		}
		q, args, err := diffQuery(ds, fs, from, to)
		if err != nil {
			return nil, fmt.Errorf("diff %s: %w", ds.Name, err)
		}
		rows, err := db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("diff %s: %w", ds.Name, err)
		}
		for rows.Next() {
			c := Change{Dataset: ds.Name}
			var changed []any
			var oldRun, newRun *string
			if err := rows.Scan(&c.Change, &c.Key, &c.OldValue, &c.NewValue, &changed, &oldRun, &newRun, &c.OldFetchedAt, &c.NewFetchedAt); err != nil {
				rows.Close()
				return nil, fmt.Errorf("diff %s: %w", ds.Name, err)
			}
			c.OldRun, c.NewRun = oldRun, newRun
			c.Changed = []string{}
			for _, v := range changed {
				c.Changed = append(c.Changed, fmt.Sprint(v))
			}
			out = append(out, c)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("diff %s: %w", ds.Name, err)
		}
	}
	return out, nil
}

// diffQuery compares the two states' latest rows of one dataset. The
// files and the states' bounds are bound parameters; only the schema's
// identifiers are spliced in.
func diffQuery(ds schema.Dataset, files []string, from, to State) (string, []any, error) {
	sel, err := SelectColumns(ds, files)
	if err != nil {
		return "", nil, err
	}
	args := []any{files}
	side := func(st State) string {
		if st.Runs != nil {
			args = append(args, st.Runs)
			return "list_contains(?::VARCHAR[], run_id)"
		}
		args = append(args, st.Before.UTC())
		return "fetched_at < ?::TIMESTAMPTZ"
	}
	whereA, whereB := side(from), side(to)
	var on, key, diffs []string
	for _, k := range ds.Key {
		q := QuoteIdent(k)
		on = append(on, "a."+q+" IS NOT DISTINCT FROM b."+q)
		key = append(key, fmt.Sprintf("coalesce(CAST(coalesce(a.%s, b.%s) AS VARCHAR), '')", q, q))
	}
	value := "NULL::DOUBLE"
	oldValue, newValue := value, value
	for _, c := range ds.Columns() {
		if slices.Contains(schema.ProvenanceColumns, c.Name) {
			continue
		}
		q := QuoteIdent(c.Name)
		diffs = append(diffs, fmt.Sprintf("CASE WHEN a.%s IS DISTINCT FROM b.%s THEN '%s' END", q, q, c.Name))
		if c.Name == "value" && c.Kind == schema.Float64 {
			oldValue, newValue = "a.value", "b.value"
		}
	}
	latest := LatestSQL(ds)
	q := "WITH all_rows AS (SELECT " + sel + " FROM read_parquet(?::VARCHAR[], union_by_name = true, hive_partitioning = false)),\n" +
		"a AS (SELECT *, true AS gw_present FROM all_rows WHERE " + whereA + " " + latest + "),\n" +
		"b AS (SELECT *, true AS gw_present FROM all_rows WHERE " + whereB + " " + latest + "),\n" +
		"d AS (SELECT a.gw_present AS in_a, b.gw_present AS in_b, " + oldValue + " AS old_value, " + newValue + " AS new_value,\n" +
		"  list_filter([" + strings.Join(diffs, ", ") + "], x -> x IS NOT NULL) AS changed,\n" +
		"  concat_ws(' | ', " + strings.Join(key, ", ") + ") AS key,\n" +
		"  a.run_id AS old_run, b.run_id AS new_run, a.fetched_at AS old_fetched, b.fetched_at AS new_fetched\n" +
		"  FROM a FULL OUTER JOIN b ON " + strings.Join(on, " AND ") + ")\n" +
		"SELECT CASE WHEN in_a IS NULL THEN 'added' WHEN in_b IS NULL THEN 'removed'\n" +
		"    WHEN old_value IS DISTINCT FROM new_value THEN 'restated' ELSE 'superseded' END AS change,\n" +
		"  key, old_value, new_value, CASE WHEN in_a AND in_b THEN changed ELSE []::VARCHAR[] END, old_run, new_run, old_fetched, new_fetched\n" +
		"FROM d WHERE in_a IS NULL OR in_b IS NULL OR len(changed) > 0\n" +
		"ORDER BY CASE change WHEN 'added' THEN 1 WHEN 'removed' THEN 2 WHEN 'restated' THEN 3 ELSE 4 END, key"
	return q, args, nil
}
