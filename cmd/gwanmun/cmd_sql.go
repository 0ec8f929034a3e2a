package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/data/study"
)

type sqlOptions struct {
	out  outputFlags
	file string
}

func newSQLCmd(a *app) *cobra.Command {
	o := &sqlOptions{}
	c := &cobra.Command{
		Use:   "sql QUERY | sql -f FILE | sql -",
		Short: "Run SQL over the lake's views (DuckDB)",
		Long: `Run one SQL query against an in-memory DuckDB in which every lake dataset is a
view (latest row per natural key) and <dataset>_all holds every committed row.
The query is the argument, the file named by -f, or standard input ("-" as the
argument, or -f -). The study's defaults (--study) are DuckDB variables, the
same values the analyses default to: getvariable('country'), 'incident',
'as_of', 'tz', 'gateway', 'company', 'users_source', 'market' ... In table output, control characters (terminal escape
codes in scraped text, tabs, newlines) are shown escaped, e.g. \x1b.`,
		Example: `  gwanmun sql "SELECT platform_id, period_label, value FROM mau WHERE platform_id = getvariable('gateway') AND estimator = 'company-reported' ORDER BY period_start"
  gwanmun --study facebook_outage_2021 sql "SELECT getvariable('country'), getvariable('incident')"
  gwanmun sql --format json "SELECT * FROM runs ORDER BY started_at DESC LIMIT 5"
  gwanmun sql -f queries/top_outlets.sql --csv > outlets.csv
  echo "SELECT count(*) FROM news" | gwanmun sql -`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			query, err := o.query(args, a.stdin)
			if err != nil {
				return err
			}
			return runSQL(cmd.Context(), a, o, query)
		},
	}
	o.out.add(c)
	addAsOf(c, a)
	c.Flags().StringVarP(&o.file, "file", "f", "", `read the query from FILE ("-": standard input)`)
	return c
}

// query finds the query text: the argument, -f FILE, or standard input.
func (o *sqlOptions) query(args []string, stdin io.Reader) (string, error) {
	var src string
	switch {
	case len(args) == 1 && o.file != "":
		return "", usageError{errors.New("give the query as an argument or with -f, not both")}
	case len(args) == 1 && args[0] != "-":
		return args[0], nil
	case len(args) == 1:
		src = "-"
	case o.file != "":
		src = o.file
	default:
		return "", usageError{errors.New(`no query: give one as an argument, with -f FILE, or on standard input with "-"`)}
	}
	var b []byte
	var err error
	if src == "-" {
		b, err = io.ReadAll(stdin)
	} else {
		b, err = os.ReadFile(src)
	}
	if err != nil {
		return "", usageError{fmt.Errorf("read query: %w", err)}
	}
	q := strings.TrimSpace(string(b))
	if q == "" {
		return "", usageError{fmt.Errorf("read query from %s: it is empty", src)}
	}
	return q, nil
}

func runSQL(ctx context.Context, a *app, o *sqlOptions, query string) error {
	format, err := o.out.resolve()
	if err != nil {
		return err
	}
	db, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := a.study()
	if err != nil {
		return err
	}
	if st == nil {
		st = study.Default()
	}
	if err := db.SetStudyVariables(ctx, st); err != nil {
		return err
	}
	t, err := db.Query(ctx, query)
	if err != nil {
		return err
	}
	return printer{w: a.stdout, format: format}.table(t)
}

// openDB opens the lake for a read command. The read side finds the lake
// where ingest put it, sources.toml included, and a folder that is not a
// lake is a usage error: a typo must not read as an empty result.
func (a *app) openDB(ctx context.Context) (*analysis.DB, error) {
	dir, err := a.existingLake()
	if err != nil {
		return nil, err
	}
	o := a.dbOptions()
	if o.Pin, err = a.readPin(ctx, dir); err != nil {
		return nil, err
	}
	return analysis.Open(ctx, dir, o)
}

func (a *app) dbOptions() analysis.Options {
	return analysis.Options{MemoryLimit: a.memoryLimit, Threads: a.threads}
}

// openSandboxDB is openDB for SQL the user did not type: notebooks and
// the report (and its checks) read only the lake and change no setting.
func (a *app) openSandboxDB(ctx context.Context) (*analysis.DB, error) {
	dir, err := a.existingLake()
	if err != nil {
		return nil, err
	}
	o := a.dbOptions()
	o.Sandbox = true
	if o.Pin, err = a.readPin(ctx, dir); err != nil {
		return nil, err
	}
	return analysis.Open(ctx, dir, o)
}
