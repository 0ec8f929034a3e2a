package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

type runOptions struct {
	ingest  ingestOptions
	report  reportOptions
	analyze analyzeOptions
	live    bool
}

func newRunCmd(a *app) *cobra.Command {
	o := &runOptions{}
	c := &cobra.Command{
		Use:   "run",
		Short: "The whole pipeline: ingest, analyze, report",
		Long: `Run the whole pipeline. By default it is offline: the embedded seed is loaded and
every web collector replays its bundled recording, then the analyses run and the
HTML report is written. --live fetches from the real sources instead.`,
		Example: `  gwanmun run
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
	return c
}

func runAll(ctx context.Context, a *app, o *runOptions) error {
	o.ingest.demo = !o.live
	sum, err := runIngest(ctx, a, &o.ingest)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	ingestErr := reportSummary(a, sum)
	if ingestErr != nil && !errors.Is(ingestErr, errPartial) {
		return ingestErr
	}
	o.analyze.format = "none"
	if err := runAnalyze(ctx, a, &o.analyze, nil); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	path, err := runReport(ctx, a, &o.report)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	fmt.Fprintf(a.stdout, "report: %s\n", path)
	return ingestErr
}
