package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/data/lakestore"
)

type sourcesOptions struct{ out outputFlags }

// sourceStatus is one row of `gwanmun sources`.
type sourceStatus struct {
	Name        string       `json:"name"`
	Kind        string       `json:"kind"`
	Version     string       `json:"version"`
	Dataset     string       `json:"dataset"`
	Datasets    []string     `json:"datasets"`
	URLs        []string     `json:"urls"`
	Mode        string       `json:"mode"`
	Enabled     bool         `json:"enabled"`
	Recording   bool         `json:"bundled_recording"`
	LastRun     *time.Time   `json:"last_run"`
	LastStatus  string       `json:"last_status,omitempty"`
	LastRows    int64        `json:"last_rows_emitted"`
	LastSuccess *time.Time   `json:"last_success"`
	Health      string       `json:"health"`
	Estimator   string       `json:"estimator,omitempty"`
	Feeds       []feedStatus `json:"feeds,omitempty"`
}

// feedStatus is the coverage of one feed or query of a news collector, so a
// feed that silently stopped shows up before a paper notices the gap.
type feedStatus struct {
	Feed           string     `json:"feed"`
	Items          int64      `json:"items"`
	DaysWithItems  int64      `json:"days_with_items"`
	FirstPublished *time.Time `json:"first_published"`
	LastPublished  *time.Time `json:"last_published"`
	LastFetched    *time.Time `json:"last_fetched"`
	Health         string     `json:"health"`
}

func newSourcesCmd(a *app) *cobra.Command {
	o := &sourcesOptions{}
	c := &cobra.Command{
		Use:   "sources",
		Short: "List collectors with their last run and health",
		Long: `List every collector: what it collects, from where, in which mode it last ran and
how healthy it is. Health is "ok", "failing" (last run failed), "degraded" (last
run partial), "quiet" (last run emitted no rows where an earlier one did) or
"never run".`,
		Example: `  gwanmun sources
  gwanmun sources --json | jq '.[] | select(.health != "ok")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runSources(cmd.Context(), a, o) },
	}
	o.out.add(c)
	return c
}

func runSources(ctx context.Context, a *app, o *sourcesOptions) error {
	format, err := o.out.resolve()
	if err != nil {
		return err
	}
	cfg, err := a.config()
	if err != nil {
		return usageError{err}
	}
	// Sources is how a new user looks around, so the default lake not yet
	// created reads as "never run"; a lake named with --lake or
	// GWANMUN_LAKE must exist, so a typo is not read as "never run".
	dir, err := a.lakeDirFromConfig()
	if a.lakeDir != defaultLake {
		dir, err = a.existingLake()
	}
	if err != nil {
		return err
	}
	db, err := analysis.Open(ctx, dir, a.dbOptions())
	if err != nil {
		return err
	}
	defer db.Close()
	hist, err := lakestore.RunHistory(dir)
	if err != nil {
		return err
	}
	feeds, err := feedCoverage(ctx, db)
	if err != nil {
		return err
	}
	var out []sourceStatus
	for _, n := range a.registry.Names() {
		e, _ := a.registry.Get(n)
		sc, err := cfg.Source(n)
		if err != nil {
			return usageError{err}
		}
		col, err := e.New(sc)
		if err != nil {
			return fmt.Errorf("source %s: %w", n, err)
		}
		info := col.Info()
		st := sourceStatus{
			Name: n, Kind: info.Kind, Version: info.Version, Datasets: info.Datasets, URLs: strings.Fields(info.URL),
			Enabled: sc.Enabled, Recording: e.Recording != nil, Health: "never run", Estimator: info.Estimator,
			Mode: "live",
		}
		if cfg.ArchiveDir(a.configDir(), dir) != "" {
			st.Mode = "record" // a plain ingest archives what it fetches
		}
		if info.Kind != "web" {
			st.Mode = "embedded"
		}
		if len(info.Datasets) > 0 {
			st.Dataset = info.Datasets[0]
		}
		if h, ok := hist[n]; ok {
			st.LastRun, st.LastStatus, st.LastRows, st.Mode = &h.Last, h.Status, h.Rows, h.Mode
			if !h.LastSuccess.IsZero() {
				st.LastSuccess = &h.LastSuccess
			}
			st.Health = h.Health()
		}
		st.Feeds = feeds[n]
		for _, f := range st.Feeds {
			if f.Health == "quiet" && st.Health == "ok" {
				st.Health = "degraded"
			}
		}
		out = append(out, st)
	}
	p := printer{w: a.stdout, format: format}
	if format == "json" {
		return p.json(out)
	}
	t := &analysis.Table{Columns: []string{"name", "kind", "dataset", "mode", "last_run", "status", "rows", "health", "url"}}
	for _, s := range out {
		var last any
		if s.LastRun != nil {
			last = s.LastRun.Format("2006-01-02 15:04Z")
		}
		t.Rows = append(t.Rows, []any{s.Name, s.Kind, s.Dataset, s.Mode, last, s.LastStatus, s.LastRows, s.Health, strings.Join(s.URLs, " ")})
	}
	return p.table(t)
}

// feedCoverage reads the feed_coverage analysis, per collector.
func feedCoverage(ctx context.Context, db *analysis.DB) (map[string][]feedStatus, error) {
	an, err := analysis.Lookup("feed_coverage")
	if err != nil {
		return nil, err
	}
	t, err := db.Run(ctx, an, nil)
	if err != nil {
		return nil, fmt.Errorf("feed coverage: %w", err)
	}
	out := map[string][]feedStatus{}
	tm := func(v any) *time.Time {
		if x, ok := v.(time.Time); ok {
			return &x
		}
		return nil
	}
	for _, r := range t.Records() {
		f := feedStatus{Feed: fmt.Sprint(r["feed"]), FirstPublished: tm(r["first_published"]),
			LastPublished: tm(r["last_published"]), LastFetched: tm(r["last_fetched"]), Health: fmt.Sprint(r["health"])}
		f.Items, _ = r["items"].(int64)
		f.DaysWithItems, _ = r["days_with_items"].(int64)
		c := fmt.Sprint(r["collector"])
		out[c] = append(out[c], f)
	}
	return out, nil
}
