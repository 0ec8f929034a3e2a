package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/spf13/cobra"
)

type runOptions struct {
	ingest    ingestOptions
	report    reportOptions
	analyze   analyzeOptions
	notebooks string
	live      bool
}

func newRunCmd(a *app) *cobra.Command {
	o := &runOptions{}
	c := &cobra.Command{
		Use:   "run",
		Short: "The whole pipeline: ingest, analyze, report",
		Long: `Run the whole pipeline. By default it is offline: the embedded seed is loaded and
every web collector replays its bundled recording, then the analyses run and the
HTML report is written, and every notebook in notebooks/ is rendered next to
it (out/notebooks/<name>.html). --figures svg,png also exports every chart of
the report and the notebooks as static figures (out/report/figures,
out/notebooks/<name>-figures). --live fetches from the real sources instead.`,
		Example: `  gwanmun run
  gwanmun run --figures svg,png
  gwanmun run -o /tmp/report --lang ko`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAll(cmd.Context(), a, o)
		},
	}
	c.Flags().BoolVar(&o.live, "live", false, "fetch live instead of replaying bundled recordings")
	c.Flags().StringVarP(&o.report.out, "out", "o", "out/report", "report output directory")
	c.Flags().StringVar(&o.report.lang, "lang", "en", "report language: en or ko")
	c.Flags().StringVar(&o.analyze.resultsDir, "results", "data/results", "where analysis results are saved")
	c.Flags().StringArrayVar(&o.analyze.params, "param", nil, "analysis parameter key=value for the saved results (repeatable; see 'gwanmun analyze --list')")
	c.Flags().StringVar(&o.notebooks, "notebooks", "notebooks", "render every *.md notebook in this directory (empty: none)")
	addFigureFlags(c, &o.report)
	return c
}

func runAll(ctx context.Context, a *app, o *runOptions) error {
	// Everything that can be wrong with the flags is found before ingest.
	if err := o.report.preflight(); err != nil {
		return err
	}
	if _, err := planAnalyses(nil, o.analyze.params, nil); err != nil {
		return err
	}
	// A merger asked for is shown in the report's concentration table too.
	params, _ := parseParams(o.analyze.params)
	o.report.merge = params["merge"]
	o.ingest.demo = !o.live
	sum, err := runIngest(ctx, a, &o.ingest)
	// The summary line is printed whatever happened, an early SIGTERM too.
	ingestErr := reportIngest(a, sum, err)
	if ingestErr != nil && !errors.Is(ingestErr, errPartial) {
		return ingestErr
	}
	path, err := analyzeAndReport(ctx, a, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "report: %s\n", path)
	if o.notebooks != "" {
		files, _ := filepath.Glob(filepath.Join(o.notebooks, "*.md"))
		files = slices.DeleteFunc(files, func(f string) bool { return strings.EqualFold(filepath.Base(f), "README.md") })
		if len(files) > 0 {
			nb := &notebookOptions{out: filepath.Join(filepath.Dir(o.report.out), "notebooks"), lang: o.report.lang}
			nb.figures.figures, nb.figures.browser = o.report.figures, o.report.browser
			paths, err := runNotebookRender(ctx, a, nb, files)
			if err != nil {
				return fmt.Errorf("notebooks: %w", err)
			}
			fmt.Fprintf(a.stdout, "notebooks: %s\n", strings.Join(paths, " "))
		}
	}
	return ingestErr
}

// analyzeAndReport computes every analysis once, saves the results and
// renders the report from those same results.
func analyzeAndReport(ctx context.Context, a *app, o *runOptions) (string, error) {
	all, err := a.catalog()
	if err != nil {
		return "", err
	}
	plan, err := planAnalyses(all, nil, o.analyze.params)
	if err != nil {
		return "", err
	}
	db, err := a.openDB(ctx)
	if err != nil {
		return "", err
	}
	defer db.Close()
	if st, _ := a.study(); st != nil {
		db.Study = st.Name // a.catalog has already reported a bad --study
	}
	db.OnRun = a.onAnalysis
	res := analysis.NewResults(db)
	prog := a.progress()
	defer prog.Close()
	if _, err := computeAnalyses(ctx, res, plan, o.analyze.resultsDir, prog); err != nil {
		return "", fmt.Errorf("analyze: %w", err)
	}
	path, err := renderReport(ctx, a, &o.report, db, res)
	if err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	return path, nil
}
