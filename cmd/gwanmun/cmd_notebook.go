package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gwanmun/gwanmun/analysis/macros"
	"github.com/gwanmun/gwanmun/analysis/notebook"
	"github.com/gwanmun/gwanmun/analysis/report"
)

type notebookOptions struct {
	out     string
	lang    string
	noViews bool
	figures reportOptions // only its figure flags
}

func newNotebookCmd(a *app) *cobra.Command {
	o := &notebookOptions{}
	c := &cobra.Command{
		Use:   "notebook",
		Short: "Render Markdown + SQL notebooks, or print their SQL for the DuckDB CLI",
		Long: `A notebook is a Markdown file with named SQL blocks and chart blocks that draw
their results (see notebooks/README.md). It renders to the same self-contained
HTML as the report, and its SQL runs unchanged in the DuckDB CLI.`,
		Example: `  gwanmun notebook render notebooks/concentration.md
  gwanmun notebook render notebooks/*.md --lang ko
  gwanmun notebook sql notebooks/concentration.md | duckdb`,
		Args: unknownSubcommand,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	render := &cobra.Command{
		Use:   "render FILE...",
		Short: "Render notebooks to self-contained HTML",
		Long: `Run each notebook's queries against the lake and write DIR/<name>.html: prose,
each query folded with its result, each chart drawn with ECharts inlined and
captioned with the sources its rows cite. --figures svg,png also writes each
chart to DIR/<name>-figures/<chart id>.svg|.png (needs chromium).`,
		Example: `  gwanmun notebook render notebooks/concentration.md -o out/notebooks
  gwanmun --study facebook_outage_2021 notebook render notebooks/*.md --figures svg,png`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			paths, err := runNotebookRender(cmd.Context(), a, o, args)
			for _, p := range paths {
				fmt.Fprintln(a.stdout, p)
			}
			return err
		},
	}
	render.Flags().StringVarP(&o.out, "out", "o", "out/notebooks", "output directory")
	render.Flags().StringVar(&o.lang, "lang", "en", "label language: en or ko")
	addFigureFlags(render, &o.figures)
	sql := &cobra.Command{
		Use:   "sql [FILE]",
		Short: "Print a notebook's SQL as a script for the DuckDB CLI",
		Long: `Print the statements that create gwanmun's lake views in a plain DuckDB (the
"-- gwanmun:views" preamble: the same view definitions gwanmun uses, naming the
committed Parquet files), then the catalog analyses FILE calls as table macros
("-- gwanmun:macros", e.g. FROM concentration(category := 'messenger')), then
each named query of FILE as a temporary view and a SELECT. Without FILE the
views and every catalog macro are printed. Run the output from the
directory gwanmun ran in, since lake paths are as --lake gave them.`,
		Example: `  gwanmun notebook sql notebooks/concentration.md | duckdb
  gwanmun notebook sql > views.sql && duckdb -init views.sql`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runNotebookSQL(cmd.Context(), a, o, args)
		},
	}
	sql.Flags().BoolVar(&o.noViews, "no-views", false, "leave out the view preamble")
	c.AddCommand(render, sql)
	return c
}

func runNotebookRender(ctx context.Context, a *app, o *notebookOptions, files []string) ([]string, error) {
	if o.lang != "en" && o.lang != "ko" {
		return nil, usageError{fmt.Errorf("--lang %q: want en or ko", o.lang)}
	}
	o.figures.lang = o.lang
	if err := o.figures.validate(); err != nil {
		return nil, err
	}
	if _, err := report.EChartsJS(); err != nil {
		return nil, err
	}
	if len(o.figures.figures) > 0 {
		if _, err := report.FindBrowser(o.figures.browser); err != nil {
			return nil, err
		}
	}
	nbs := make([]*notebook.Notebook, len(files))
	for i, f := range files {
		nb, err := parseNotebook(f)
		if err != nil {
			return nil, err
		}
		nbs[i] = nb
	}
	db, err := a.openSandboxDB(ctx)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var out []string
	for i, nb := range nbs {
		st, err := a.study()
		if err != nil {
			return out, err
		}
		page, err := nb.Render(ctx, db, report.Options{Lang: o.lang, Log: a.logger(), Study: st})
		if err != nil {
			return out, fmt.Errorf("%s: %w", files[i], err)
		}
		name := strings.TrimSuffix(filepath.Base(files[i]), filepath.Ext(files[i]))
		p, err := page.WriteFile(o.out, name+".html")
		if err != nil {
			return out, err
		}
		out = append(out, p)
		if len(o.figures.figures) > 0 {
			size, _ := report.LookupFigureSize(o.figures.figureSize)
			prog := a.progress()
			task := prog.Task("figure", len(page.Charts()))
			fo := report.FigureOptions{Formats: o.figures.figures, Browser: o.figures.browser, Size: size, OnFigure: task.Step}
			_, err := report.Figures(ctx, p, page.Charts(), filepath.Join(o.out, name+"-figures"), fo)
			task.Done()
			prog.Close()
			if err != nil {
				return out, fmt.Errorf("%s: figures: %w", files[i], err)
			}
		}
	}
	return out, nil
}

func parseNotebook(path string) (*notebook.Notebook, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	nb, err := notebook.Parse(src)
	if err != nil {
		return nil, usageError{fmt.Errorf("%s: %w", path, err)}
	}
	return nb, nil
}

func runNotebookSQL(ctx context.Context, a *app, o *notebookOptions, args []string) error {
	var script string
	if len(args) == 1 {
		nb, err := parseNotebook(args[0])
		if err != nil {
			return err
		}
		if script, err = nb.Script(args[0]); err != nil {
			return fmt.Errorf("%s: %w", args[0], err)
		}
	} else {
		// Without a notebook: the views and every catalog macro, for
		// `duckdb -init`.
		defs, err := macros.SQL()
		if err != nil {
			return err
		}
		script = defs
	}
	if !o.noViews || len(args) == 0 {
		db, err := a.openDB(ctx)
		if err != nil {
			return err
		}
		defer db.Close()
		views, err := notebook.ViewsSQL(ctx, db)
		if err != nil {
			return err
		}
		script = views + "\n" + script
	}
	_, err := fmt.Fprint(a.stdout, script)
	return err
}
