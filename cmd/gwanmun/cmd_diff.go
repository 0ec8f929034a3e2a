package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/data/lakestore"
	"github.com/gwanmun/gwanmun/data/schema"
)

type diffOptions struct {
	out      outputFlags
	from, to string
	datasets []string
}

func newDiffCmd(a *app) *cobra.Command {
	o := &diffOptions{}
	c := &cobra.Command{
		Use:   "diff --from RUN|DATE --to RUN|DATE",
		Short: "List what changed in the lake between two runs or two dates",
		Long: `Compare the lake as its readers saw it at two moments and list, per dataset,
every natural key whose latest row differs:

  added       a key the first moment did not have
  removed     a key only the first moment had (when --to is the earlier one)
  restated    the value changed (old → new; the old row stays in <dataset>_all)
  superseded  the latest row was replaced by one differing in other columns

A moment is a run id (the lake right after that run committed, compacted files
included) or a date, 2026-12-01 (every row fetched by the end of that UTC day),
or an RFC 3339 time. A row fetched again with the same content is no change.
The runs ledger is left out unless --dataset runs asks for it.`,
		Example: `  gwanmun diff --from 2026-11-01 --to 2026-12-01
  gwanmun diff --from 20261101T030000Z-1a2b3c --to 20261201T030000Z-4d5e6f --dataset mau
  gwanmun diff --from 2026-11-01 --to 2026-12-01 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runDiff(cmd.Context(), a, o) },
	}
	o.out.add(c)
	c.Flags().StringVar(&o.from, "from", "", "the earlier moment: a run id, a date (2026-11-01) or an RFC 3339 time (required)")
	c.Flags().StringVar(&o.to, "to", "", "the later moment, in the same forms (required)")
	c.Flags().StringArrayVar(&o.datasets, "dataset", nil, "dataset to compare (repeatable; default: all but runs)")
	return c
}

func runDiff(ctx context.Context, a *app, o *diffOptions) error {
	format, err := o.out.resolve()
	if err != nil {
		return err
	}
	if o.from == "" || o.to == "" {
		return usageError{errors.New("--from and --to are both required, e.g. --from 2026-11-01 --to 2026-12-01")}
	}
	var datasets []schema.Dataset
	for _, name := range o.datasets {
		ds, err := schema.Lookup(name)
		if err != nil {
			return usageError{fmt.Errorf("--dataset: %w", err)}
		}
		datasets = append(datasets, ds)
	}
	if len(datasets) == 0 {
		datasets = slices.DeleteFunc(schema.Datasets(), func(ds schema.Dataset) bool { return ds.Name == "runs" })
	}
	dir, err := a.existingLake()
	if err != nil {
		return err
	}
	from, err := diffState(dir, "--from", o.from)
	if err != nil {
		return err
	}
	to, err := diffState(dir, "--to", o.to)
	if err != nil {
		return err
	}
	changes, err := lakestore.Diff(ctx, dir, from, to, datasets)
	if err != nil {
		return err
	}
	p := printer{w: a.stdout, format: format}
	if format == "json" {
		if changes == nil {
			changes = []lakestore.Change{}
		}
		return p.json(changes)
	}
	if format == "table" && len(changes) == 0 {
		_, err := fmt.Fprintf(a.stdout, "no changes between %s and %s\n", from.Label, to.Label)
		return err
	}
	t := &analysis.Table{Columns: []string{"dataset", "change", "key", "old_value", "new_value", "changed", "old_run_id", "new_run_id"}}
	for _, c := range changes {
		changed := make([]any, len(c.Changed))
		for i, s := range c.Changed {
			changed[i] = s
		}
		t.Rows = append(t.Rows, []any{c.Dataset, c.Change, c.Key, deref(c.OldValue), deref(c.NewValue), changed, deref(c.OldRun), deref(c.NewRun)})
	}
	return p.table(t)
}

// diffState reads a moment: a date (through the end of that UTC day), an
// RFC 3339 time, or else a run id, which must be a committed run.
func diffState(dir, flag, v string) (lakestore.State, error) {
	if d, err := time.Parse(time.DateOnly, v); err == nil {
		return lakestore.StateAt(d.AddDate(0, 0, 1), v), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return lakestore.StateAt(t.Add(time.Microsecond), v), nil // the lake keeps microseconds
	}
	st, err := lakestore.StateAfterRun(dir, v)
	if errors.Is(err, lakestore.ErrUnknownRun) {
		return st, usageError{fmt.Errorf("%s %q is neither a date (2026-11-01), an RFC 3339 time nor a committed run: %w", flag, v, err)}
	}
	return st, err
}

// deref turns a nil pointer into a nil cell.
func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
