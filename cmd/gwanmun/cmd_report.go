package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gwanmun/gwanmun/analysis"
	"github.com/gwanmun/gwanmun/analysis/report"
	"github.com/gwanmun/gwanmun/data/study"
)

type reportOptions struct {
	out          string
	lang         string
	figures      []string
	browser      string
	check        bool
	expectations string
	out2         outputFlags // --check output
	pdf          bool
	figureSize   string
	tz           string
	merge        string
}

func newReportCmd(a *app) *cobra.Command {
	o := &reportOptions{}
	c := &cobra.Command{
		Use:   "report",
		Short: "Render the self-contained HTML report, its figures, or check its headline numbers",
		Long: `Render out/report/index.html: every analysis as a chart, a table and a caption
naming its sources and retrieval dates, then the methods and references, with
ECharts inlined into the page (no network needed to open or print it).

--figures svg,png also writes every chart to out/report/figures/<id>.svg|.png
for LaTeX or Word, drawn by headless Chromium (Debian's chromium) at print
resolution (PNG at 3× a 900 px width).

--figure-size single|double|slide lays figures out at a journal's single (85 mm)
or double (180 mm) column at 300 dpi, or a 254 mm slide at 150 dpi: type in
points (nothing under 7 pt), legends in full below the plot, PNGs carrying their
DPI. Beside each figure: <id>.json (title, caption, sources, data vintage),
<id>.txt (the caption) and <id>.csv (the data drawn).

--pdf also prints the report to out/report/report.pdf (A4, numbered figures
and tables, each chart on the page of its caption) with headless Chromium.
Every table is written in full to out/report/tables/<id>.csv, the references
to references.bib and references.json (CSL-JSON).

--tz names the one time zone of tables, axes and captions (IANA name).

--check renders nothing: it recomputes the headline numbers listed in the
expectations file (analysis/report/expectations.toml is built in) and exits 1,
naming each number that moved beyond its tolerance.`,
		Example: `  gwanmun report
  gwanmun report -o /tmp/report --lang ko
  gwanmun --study facebook_outage_2021 report -o out/facebook
  gwanmun report --figures svg,png --figure-size single
  gwanmun report --pdf --lang ko
  gwanmun report --check
  gwanmun report --check --expectations my_numbers.toml --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.check {
				return runReportCheck(cmd.Context(), a, o)
			}
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
	addFigureFlags(c, o)
	c.Flags().BoolVar(&o.pdf, "pdf", false, "also print the report to report.pdf (A4, needs chromium)")
	c.Flags().StringVar(&o.tz, "tz", "", "time zone of tables, axes and captions (IANA name; default: the study's)")
	c.Flags().StringVar(&o.merge, "merge", "", "platform ids of a hypothetical merger (a,b): the concentration table adds the DOJ/FTC 2023 presumptions, every leg")
	c.Flags().BoolVar(&o.check, "check", false, "compare headline numbers with the expectations file instead of rendering")
	c.Flags().StringVar(&o.expectations, "expectations", "", "expectations file for --check (default: the built-in analysis/report/expectations.toml)")
	o.out2.add(c)
	addAsOf(c, a)
	c.Flags().StringVar(&a.asOf, "snapshot", "", "re-render the report from an Iceberg snapshot (its id, as its data-vintage line names it); same as --as-of")
	return c
}

func addFigureFlags(c *cobra.Command, o *reportOptions) {
	c.Flags().StringSliceVar(&o.figures, "figures", nil, "also write every chart as static figures: svg, png or both (needs chromium)")
	c.Flags().StringVar(&o.browser, "browser", "", "Chromium executable for --figures (default: chromium on PATH)")
	c.Flags().StringVar(&o.figureSize, "figure-size", "double", "static figure size: single (85 mm, 300 dpi), double (180 mm, 300 dpi) or slide (254 mm, 150 dpi)")
}

func (o *reportOptions) validate() error {
	if o.lang != "en" && o.lang != "ko" {
		return usageError{fmt.Errorf("--lang %q: want en or ko", o.lang)}
	}
	for _, f := range o.figures {
		if !slices.Contains(report.FigureFormats, f) {
			return usageError{fmt.Errorf("--figures %q: want %s", f, strings.Join(report.FigureFormats, ","))}
		}
	}
	if o.figureSize != "" {
		if _, err := report.LookupFigureSize(o.figureSize); err != nil {
			return usageError{fmt.Errorf("--figure-size: %w", err)}
		}
	}
	if o.tz != "" {
		if _, err := time.LoadLocation(o.tz); err != nil {
			return usageError{fmt.Errorf("--tz %q: %w", o.tz, err)}
		}
	}
	return nil
}

// checkOut fails before any work when the output directory cannot be
// one: an existing file in its place.
func (o *reportOptions) checkOut() error {
	if st, err := os.Stat(o.out); err == nil && !st.IsDir() {
		return usageError{fmt.Errorf("-o %s: is a file, want a directory", o.out)}
	}
	return nil
}

// location is the report's time zone (validate has checked the name).
func (o *reportOptions) location(st *study.Study) *time.Location {
	if st == nil {
		st = study.Default()
	}
	if o.tz == "" {
		return report.StudyTZ(st)
	}
	loc, err := time.LoadLocation(o.tz)
	if err != nil {
		return report.StudyTZ(st)
	}
	return loc
}

// preflight checks everything a render needs before any work is done.
func (o *reportOptions) preflight() error {
	if err := o.validate(); err != nil {
		return err
	}
	if err := o.checkOut(); err != nil {
		return err
	}
	if _, err := report.EChartsJS(); err != nil {
		return err // before any work: the fix is a build step
	}
	if len(o.figures) > 0 || o.pdf {
		if _, err := report.FindBrowser(o.browser); err != nil {
			return err
		}
	}
	return nil
}

func runReport(ctx context.Context, a *app, o *reportOptions) (string, error) {
	if err := o.preflight(); err != nil {
		return "", err
	}
	db, err := a.openSandboxDB(ctx)
	if err != nil {
		return "", err
	}
	defer db.Close()
	if o.merge != "" {
		conc, _ := analysis.Lookup("concentration")
		if err := db.Check(ctx, conc, map[string]string{"merge": o.merge}); err != nil {
			return "", paramUsage(err)
		}
	}
	return renderReport(ctx, a, o, db, nil)
}

// renderReport writes the report from db, reusing the results in res
// (nil: the report computes what it needs).
func renderReport(ctx context.Context, a *app, o *reportOptions, db *analysis.DB, res *analysis.Results) (string, error) {
	st, err := a.study()
	if err != nil {
		return "", err
	}
	now, err := sourceDateEpoch()
	if err != nil {
		return "", err
	}
	r, err := report.Build(ctx, db, report.Options{Lang: o.lang, TZ: o.location(st), Log: a.logger(), Results: res, Study: st, Now: now, Merge: o.merge})
	if err != nil {
		return "", err
	}
	path, err := r.WriteFile(o.out, "index.html")
	if err != nil {
		return "", err
	}
	a.pinReport(ctx) // a saved report's Iceberg snapshots outlive `iceberg expire`
	if len(o.figures) > 0 {
		dir := filepath.Join(o.out, "figures")
		size, _ := report.LookupFigureSize(o.figureSize)
		prog := a.progress()
		defer prog.Close()
		task := prog.Task("figure", len(r.Charts()))
		files, err := report.Figures(ctx, path, r.Charts(), dir, report.FigureOptions{Formats: o.figures, Browser: o.browser,
			Size: size, TZ: o.location(st).String(), OnFigure: task.Step})
		task.Done()
		if err != nil {
			return path, fmt.Errorf("figures: %w", err)
		}
		a.logger().Info("figures written", "dir", dir, "files", len(files))
	}
	if o.pdf {
		dst := filepath.Join(o.out, "report.pdf")
		if err := report.PDF(ctx, path, dst, report.PDFOptions{Browser: o.browser}); err != nil {
			return path, fmt.Errorf("pdf: %w", err)
		}
		a.logger().Info("pdf written", "path", dst)
	}
	return path, nil
}

func runReportCheck(ctx context.Context, a *app, o *reportOptions) error {
	format, err := o.out2.resolve()
	if err != nil {
		return err
	}
	var raw []byte
	if o.expectations != "" {
		var err error
		if raw, err = os.ReadFile(o.expectations); err != nil {
			return usageError{err}
		}
	}
	es, err := report.LoadExpectations(raw)
	if err != nil {
		return usageError{err}
	}
	if len(es) == 0 {
		// Checking nothing would pass: a wrong or empty file is a mistake.
		return usageError{fmt.Errorf("--expectations %s: no [[number]] entries to check", o.expectations)}
	}
	db, err := a.openSandboxDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	results, checkErr := report.Check(ctx, db, es)
	if checkErr != nil && !errors.Is(checkErr, report.ErrMoved) {
		return checkErr
	}
	p := printer{w: a.stdout, format: format}
	if format == "json" {
		if err := p.json(results); err != nil {
			return err
		}
	} else {
		t := &analysis.Table{Columns: []string{"status", "number", "want", "got", "tolerance", "problem"}}
		for _, r := range results {
			status := "ok"
			if !r.OK {
				status = "MOVED"
			}
			got := ""
			if r.Got != nil {
				got = report.FormatNumber(*r.Got)
			}
			t.Rows = append(t.Rows, []any{status, r.Name, report.FormatNumber(r.Want), got, report.FormatNumber(r.Tolerance), r.Problem})
		}
		if err := p.table(t); err != nil {
			return err
		}
	}
	return checkErr
}

// sourceDateEpoch is the reproducible-builds convention for the one
// timestamp a report carries: with SOURCE_DATE_EPOCH set, two renders of
// one lake are identical to the byte. Unset, the zero time means now.
func sourceDateEpoch() (time.Time, error) {
	v, ok := os.LookupEnv("SOURCE_DATE_EPOCH")
	if !ok {
		return time.Time{}, nil
	}
	sec, err := strconv.ParseInt(v, 10, 64)
	if err != nil || sec < 0 {
		return time.Time{}, usageError{fmt.Errorf("SOURCE_DATE_EPOCH %q: want seconds since 1970-01-01 UTC", v)}
	}
	return time.Unix(sec, 0).UTC(), nil
}
