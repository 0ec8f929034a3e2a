package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/gwanmun/gwanmun/analysis"
)

type analyzeOptions struct {
	format     string
	params     []string
	resultsDir string
}

func newAnalyzeCmd(a *app) *cobra.Command {
	o := &analyzeOptions{}
	c := &cobra.Command{
		Use:   "analyze [NAME...]",
		Short: "Run analyses over the lake and save their results",
		Long: `Run the named analyses (all when none is named). Each result is printed and
saved as Parquet under --results for notebooks and other tools.`,
		Example: `  gwanmun analyze
  gwanmun analyze concentration --json
  gwanmun analyze concentration --param category=portal --csv`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAnalyze(cmd.Context(), a, o, args)
		},
	}
	f := c.Flags()
	f.StringVar(&o.format, "format", "table", "output: table, json or csv")
	f.Bool("json", false, "shorthand for --format json")
	f.Bool("csv", false, "shorthand for --format csv")
	f.StringArrayVar(&o.params, "param", nil, "analysis parameter key=value (repeatable)")
	f.StringVar(&o.resultsDir, "results", "data/results", "where result Parquet files go (empty: don't save)")
	c.PreRun = func(cmd *cobra.Command, _ []string) {
		if j, _ := cmd.Flags().GetBool("json"); j {
			o.format = "json"
		}
		if c, _ := cmd.Flags().GetBool("csv"); c {
			o.format = "csv"
		}
	}
	return c
}

// analysisResult is one analysis in `analyze --json` output.
type analysisResult struct {
	Name   string            `json:"name"`
	Title  string            `json:"title"`
	Params map[string]string `json:"params"`
	Rows   []map[string]any  `json:"rows"`
}

func runAnalyze(ctx context.Context, a *app, o *analyzeOptions, names []string) error {
	params, err := parseParams(o.params)
	if err != nil {
		return err
	}
	var list []analysis.Analysis
	if len(names) == 0 {
		list = analysis.Catalog
	}
	for _, n := range names {
		an, err := analysis.Lookup(n)
		if err != nil {
			return usageError{err}
		}
		list = append(list, an)
	}
	db, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	var results []analysisResult
	p := printer{w: a.stdout, format: o.format}
	for _, an := range list {
		own := map[string]string{}
		for _, prm := range an.Params {
			if v, ok := params[prm.Name]; ok {
				own[prm.Name] = v
			}
		}
		t, err := db.Run(ctx, an, own)
		if err != nil {
			return err
		}
		if o.resultsDir != "" {
			if err := saveResult(ctx, db, an, own, o.resultsDir); err != nil {
				return err
			}
		}
		switch o.format {
		case "none":
		case "json":
			results = append(results, analysisResult{Name: an.Name, Title: an.Title, Params: own, Rows: t.Records()})
		default:
			if len(list) > 1 && o.format == "table" {
				fmt.Fprintf(a.stdout, "\n== %s: %s\n", an.Name, an.Title)
			}
			if err := p.table(t); err != nil {
				return err
			}
		}
	}
	if o.format == "json" {
		return p.json(results)
	}
	return nil
}

func saveResult(ctx context.Context, db *analysis.DB, an analysis.Analysis, params map[string]string, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("results dir: %w", err)
	}
	dst := filepath.Join(dir, an.Name+".parquet")
	return db.Export(ctx, an, params, dst)
}
