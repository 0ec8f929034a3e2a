package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/gwanmun/gwanmun/analysis"
)

type sqlOptions struct {
	format string
}

func newSQLCmd(a *app) *cobra.Command {
	o := &sqlOptions{}
	c := &cobra.Command{
		Use:   "sql QUERY",
		Short: "Run SQL over the lake's views (DuckDB)",
		Long: `Run one SQL query against an in-memory DuckDB in which every lake dataset is a
view (latest row per natural key) and <dataset>_all holds every committed row.`,
		Example: `  gwanmun sql "SELECT platform_id, period_label, value FROM mau WHERE platform_id = 'kakaotalk' AND estimator = 'company-reported' ORDER BY period_start"
  gwanmun sql --format json "SELECT * FROM runs ORDER BY started_at DESC LIMIT 5"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSQL(cmd.Context(), a, o, args[0])
		},
	}
	c.Flags().StringVar(&o.format, "format", "table", "output: table, json or csv")
	c.Flags().Bool("json", false, "shorthand for --format json")
	c.PreRun = func(cmd *cobra.Command, _ []string) {
		if j, _ := cmd.Flags().GetBool("json"); j {
			o.format = "json"
		}
	}
	return c
}

func runSQL(ctx context.Context, a *app, o *sqlOptions, query string) error {
	db, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	t, err := db.Query(ctx, query)
	if err != nil {
		return err
	}
	return printer{w: a.stdout, format: o.format}.table(t)
}

func (a *app) openDB(ctx context.Context) (*analysis.DB, error) {
	// The read side finds the lake where ingest put it, sources.toml included.
	dir, err := a.lakeDirFromConfig()
	if err != nil {
		return nil, err
	}
	return analysis.Open(ctx, dir, analysis.Options{MemoryLimit: a.memoryLimit, Threads: a.threads})
}

// openSandboxDB is openDB for SQL the user did not type: notebooks and
// the report (and its checks) read only the lake and change no setting.
func (a *app) openSandboxDB(ctx context.Context) (*analysis.DB, error) {
	dir, err := a.lakeDirFromConfig()
	if err != nil {
		return nil, err
	}
	return analysis.Open(ctx, dir, analysis.Options{MemoryLimit: a.memoryLimit, Threads: a.threads, Sandbox: true})
}
