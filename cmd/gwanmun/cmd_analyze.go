package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/ingest/progress"
)

type analyzeOptions struct {
	out        outputFlags
	params     []string
	resultsDir string
	list       bool
}

func newAnalyzeCmd(a *app) *cobra.Command {
	o := &analyzeOptions{}
	c := &cobra.Command{
		Use:   "analyze [NAME...]",
		Short: "Run analyses over the lake and save their results",
		Long: `Run the named analyses (all when none is named). Each result is printed and
saved as Parquet under --results for notebooks and other tools; each saved file
records in its Parquet key-value metadata the parameters it was computed with
(defaults included), as_of, the study and the lake's vintage.

Incident analyses default to the --study's incident (its id, root, failed
nodes and start as as_of).

--list names every analysis with its parameters; 'gwanmun analyze NAME --help'
explains one. A --param no named analysis declares is an error.`,
		Example: `  gwanmun analyze
  gwanmun analyze --list
  gwanmun analyze concentration --help
  gwanmun analyze concentration --json
  gwanmun analyze concentration --param category=portal --csv
  gwanmun analyze concentration --param merge=discord,telegram --json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.list {
				return runAnalyzeList(a, o, args)
			}
			return runAnalyze(cmd.Context(), a, o, args)
		},
	}
	f := c.Flags()
	o.out.add(c)
	addAsOf(c, a)
	f.StringArrayVar(&o.params, "param", nil, "analysis parameter key=value (repeatable)")
	f.StringVar(&o.resultsDir, "results", "data/results", "where result Parquet files go (empty: don't save)")
	f.BoolVar(&o.list, "list", false, "list the analyses and their parameters instead of running them")
	defaultHelp := c.HelpFunc()
	c.SetHelpFunc(func(cmd *cobra.Command, args []string) {
		// "analyze NAME --help" explains that analysis.
		names := cmd.Flags().Args()
		if len(names) == 0 {
			defaultHelp(cmd, args)
			return
		}
		list, err := a.catalog()
		if err != nil {
			fmt.Fprintf(cmd.OutOrStdout(), "%v\n", err)
			return
		}
		for _, n := range names {
			an, err := analysis.Find(list, n)
			if err != nil {
				fmt.Fprintf(cmd.OutOrStdout(), "%v\n", err)
				continue
			}
			fmt.Fprint(cmd.OutOrStdout(), analysisHelp(an))
		}
	})
	return c
}

// analysisHelp is one analysis explained: what it answers and the
// parameters it takes, with their defaults.
func analysisHelp(an analysis.Analysis) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n\n%s\n", an.Name, an.Title, an.Doc)
	if len(an.Uses) > 0 {
		fmt.Fprintf(&b, "\nBuilds on: %s\n", strings.Join(an.Uses, ", "))
	}
	if len(an.Params) == 0 {
		b.WriteString("\nParameters: none\n")
	} else {
		b.WriteString("\nParameters (--param KEY=VALUE):\n")
		for _, p := range an.Params {
			def := p.Default
			if def == "" {
				def = `""`
			}
			fmt.Fprintf(&b, "  %-16s %s (default %s)\n", p.Name, p.Doc, def)
		}
	}
	fmt.Fprintf(&b, "\nExample:\n  gwanmun analyze %s --json\n", an.Name)
	return b.String()
}

// analysisParam and analysisInfo are `analyze --list --json`.
type analysisParam struct {
	Name    string `json:"name"`
	Default string `json:"default"`
	Doc     string `json:"doc"`
}

type analysisInfo struct {
	Name   string          `json:"name"`
	Title  string          `json:"title"`
	Doc    string          `json:"doc"`
	Uses   []string        `json:"uses,omitempty"`
	Params []analysisParam `json:"params"`
}

func runAnalyzeList(a *app, o *analyzeOptions, names []string) error {
	format, err := o.out.resolve()
	if err != nil {
		return err
	}
	all, err := a.catalog()
	if err != nil {
		return err
	}
	list, err := selectAnalyses(all, names)
	if err != nil {
		return err
	}
	p := printer{w: a.stdout, format: format}
	if format == "json" {
		out := make([]analysisInfo, len(list))
		for i, an := range list {
			out[i] = analysisInfo{Name: an.Name, Title: an.Title, Doc: an.Doc, Uses: an.Uses, Params: []analysisParam{}}
			for _, prm := range an.Params {
				out[i].Params = append(out[i].Params, analysisParam{Name: prm.Name, Default: prm.Default, Doc: prm.Doc})
			}
		}
		return p.json(out)
	}
	t := &analysis.Table{Columns: []string{"name", "title", "params"}}
	for _, an := range list {
		ps := make([]string, len(an.Params))
		for i, prm := range an.Params {
			ps[i] = prm.Name
		}
		t.Rows = append(t.Rows, []any{an.Name, an.Title, strings.Join(ps, " ")})
	}
	return p.table(t)
}

// catalog is the analyses with the defaults of --study (the default
// study's when none is named).
func (a *app) catalog() ([]analysis.Analysis, error) {
	st, err := a.study()
	if err != nil || st == nil {
		return analysis.Catalog, err
	}
	return analysis.ForStudy(st), nil
}

// selectAnalyses looks the named analyses up in all; none named means all.
func selectAnalyses(all []analysis.Analysis, names []string) ([]analysis.Analysis, error) {
	if len(names) == 0 {
		return all, nil
	}
	var list []analysis.Analysis
	for _, n := range names {
		an, err := analysis.Find(all, n)
		if err != nil {
			return nil, usageError{err}
		}
		list = append(list, an)
	}
	return list, nil
}

// analysisResult is one analysis in `analyze --json` output.
type analysisResult struct {
	Name   string            `json:"name"`
	Title  string            `json:"title"`
	Params map[string]string `json:"params"`
	Rows   []map[string]any  `json:"rows"`
}

// analysisRun is one analysis with the parameters the user gave it.
type analysisRun struct {
	an     analysis.Analysis
	params map[string]string
}

// planAnalyses pairs each selected analysis with the --param values it
// declares. A key no selected analysis declares is a usage error: a typo
// must not silently leave a default in place.
func planAnalyses(all []analysis.Analysis, names, rawParams []string) ([]analysisRun, error) {
	params, err := parseParams(rawParams)
	if err != nil {
		return nil, err
	}
	list, err := selectAnalyses(all, names)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.ContainsFunc(list, func(an analysis.Analysis) bool { return declares(an, k) }) {
			return nil, usageError{fmt.Errorf("--param %s: no analysis run here has that parameter (see 'gwanmun analyze --list')", k)}
		}
	}
	out := make([]analysisRun, len(list))
	for i, an := range list {
		own := map[string]string{}
		for k, v := range params {
			if declares(an, k) {
				own[k] = v
			}
		}
		out[i] = analysisRun{an: an, params: own}
	}
	return out, nil
}

func declares(an analysis.Analysis, param string) bool {
	return slices.ContainsFunc(an.Params, func(p analysis.Param) bool { return p.Name == param })
}

func runAnalyze(ctx context.Context, a *app, o *analyzeOptions, names []string) error {
	format, err := o.out.resolve()
	if err != nil {
		return err
	}
	all, err := a.catalog()
	if err != nil {
		return err
	}
	plan, err := planAnalyses(all, names, o.params)
	if err != nil {
		return err
	}
	db, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if st, _ := a.study(); st != nil {
		db.Study = st.Name // a.catalog has already reported a bad --study
	}
	res := analysis.NewResults(db)
	prog := a.progress()
	defer prog.Close()
	tables, err := computeAnalyses(ctx, res, plan, o.resultsDir, prog)
	if err != nil {
		return err
	}
	p := printer{w: a.stdout, format: format}
	if format == "json" {
		out := make([]analysisResult, len(plan))
		for i, r := range plan {
			out[i] = analysisResult{Name: r.an.Name, Title: r.an.Title, Params: r.params, Rows: tables[i].Records()}
		}
		return p.json(out)
	}
	for i, r := range plan {
		if len(plan) > 1 && format == "table" {
			fmt.Fprintf(a.stdout, "\n== %s: %s\n", r.an.Name, r.an.Title)
		}
		if err := p.table(tables[i]); err != nil {
			return err
		}
	}
	return nil
}

// computeAnalyses runs each planned analysis once through res, saving each
// result as <results>/<name>.parquet when results is set.
func computeAnalyses(ctx context.Context, res *analysis.Results, plan []analysisRun, results string, prog progress.Reporter) ([]*analysis.Table, error) {
	if results != "" {
		if err := os.MkdirAll(results, 0o755); err != nil {
			return nil, fmt.Errorf("results dir: %w", err)
		}
	}
	// Every value is checked before anything is computed or saved: a
	// parameter that names nothing is a usage error, not a half-done run.
	for _, r := range plan {
		if err := res.Check(ctx, r.an, r.params); err != nil {
			return nil, paramUsage(err)
		}
	}
	out := make([]*analysis.Table, len(plan))
	task := prog.Task("analysis", len(plan))
	defer task.Done()
	for i, r := range plan {
		dst := ""
		if results != "" {
			dst = filepath.Join(results, r.an.Name+".parquet")
		}
		t, err := res.Save(ctx, r.an, r.params, dst)
		if err != nil {
			return nil, paramUsage(err)
		}
		out[i] = t
		task.Step(r.an.Name)
	}
	return out, nil
}

// paramUsage makes an analysis's parameter error a usage error (exit 2).
func paramUsage(err error) error {
	var pe *analysis.ParamError
	if errors.As(err, &pe) {
		return usageError{err}
	}
	return err
}
