package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gwanmun/gwanmun/analysis/report"
)

type reportOptions struct {
	out  string
	lang string
}

func newReportCmd(a *app) *cobra.Command {
	o := &reportOptions{}
	c := &cobra.Command{
		Use:   "report",
		Short: "Render the self-contained HTML report from the lake",
		Long: `Render out/report/index.html: every chart drawn with ECharts inlined into the page
(no network needed to open it), captions naming sources and retrieval dates,
methods and references.`,
		Example: `  gwanmun report
  gwanmun report -o /tmp/kakao --lang ko`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, err := runReport(cmd.Context(), a, o)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, path)
			return nil
		},
	}
	c.Flags().StringVarP(&o.out, "out", "o", "out/report", "output directory")
	c.Flags().StringVar(&o.lang, "lang", "en", "label language: en or ko")
	return c
}

func runReport(ctx context.Context, a *app, o *reportOptions) (string, error) {
	if o.lang != "en" && o.lang != "ko" {
		return "", usageError{fmt.Errorf("--lang %q: want en or ko", o.lang)}
	}
	if _, err := report.EChartsJS(); err != nil {
		return "", err // before any work: the fix is a build step
	}
	db, err := a.openDB(ctx)
	if err != nil {
		return "", err
	}
	defer db.Close()
	r, err := report.Build(ctx, db, report.Options{Lang: o.lang})
	if err != nil {
		return "", err
	}
	return r.WriteFile(o.out)
}
